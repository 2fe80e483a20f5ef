"""The seed build: provenance is enforced, builds are reproducible and atomic."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.content.build import build_database
from kiosk.core.content.check import check_content
from kiosk.core.content.dump import dump_lines
from kiosk.core.content.provenance import SeedText
from kiosk.core.db.connection import connect
from kiosk.core.errors import SeedError
from kiosk.core.terminal.paths import seeds_dir


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), target)
    return target


def test_seed_build_has_every_primary_category(seed_conn: sqlite3.Connection) -> None:
    """The five tiles exist and each has at least one service."""
    rows = seed_conn.execute(
        "SELECT c.id, COUNT(s.id) FROM categories c LEFT JOIN services s ON s.category_id = c.id "
        "WHERE c.is_primary = 1 GROUP BY c.id").fetchall()
    counts = dict(rows)
    assert set(counts) == {"elderly", "health", "culture", "sports", "government"}
    assert all(n >= 1 for n in counts.values()), counts


@pytest.mark.parametrize(("service_id", "count"), [
    ("elderly-care-facilities", 28), ("zhengpin-smart-reading-rooms", 3), ("library-branches", 33),
    ("culture-branches", 30), ("cultural-service-centres", 59), ("fitness-venues", 181),
    ("public-football-pitches", 3), ("online-government-services", 1745), ("one-thing-bundles", 50),
])
def test_article_services_and_counts(seed_conn: sqlite3.Connection, service_id: str, count: int) -> None:
    """The services the article names are there with the numbers it gives."""
    row = seed_conn.execute("SELECT count FROM services WHERE id = ?", (service_id,)).fetchone()
    assert row is not None and row[0] == count


def test_article_figures_present(seed_conn: sqlite3.Connection) -> None:
    """Key district figures from the article are in the database with their passage."""
    values = {r[0] for r in seed_conn.execute("SELECT value FROM figures")}
    for expected in (165.5, 13.7, 19.7, 99.48, 1745, 88, 28, 181, 33.3):
        assert expected in values, expected
    assert seed_conn.execute("SELECT COUNT(*) FROM figures WHERE source_quote IS NULL").fetchone()[0] == 0


def test_every_stated_fact_is_verified(seed_conn: sqlite3.Connection) -> None:
    """`kiosk check` finds no problem in the seed database."""
    report = check_content(seed_conn)
    assert report.ok, report.problems
    assert report.verified > 50


def test_no_invented_contact_details(seed_conn: sqlite3.Connection) -> None:
    """The seed gives no addresses or hours; the only phone number is the 12349 platform's."""
    assert seed_conn.execute("SELECT COUNT(*) FROM locations").fetchone()[0] == 0
    assert seed_conn.execute("SELECT COUNT(*) FROM schedules").fetchone()[0] == 0
    assert [r[0] for r in seed_conn.execute("SELECT number FROM phones")] == ["12349"]


def test_wrong_source_fails_naming_the_record(seeds_copy: Path, tmp_path: Path) -> None:
    """A passage that is not in the seed text stops the build and names the record."""
    path = seeds_copy / "services.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('source = "图书分馆33个"', 'source = "图书分馆34个"'), encoding="utf-8")
    out = tmp_path / "out.db"
    with pytest.raises(SeedError) as info:
        build_database(seeds_copy, out)
    message = str(info.value)
    assert "library-branches" in message and "图书分馆34个" in message
    assert not out.exists()
    assert list(tmp_path.glob(".out.db.*")) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('category = "sports"\nname = "健身场所"', 'category = "swimming"\nname = "健身场所"',
     "unknown category 'swimming'"),
    ('name = "图书分馆"', 'name = ""', "field 'name' is empty"),
    ("count = 181", 'count = "many"', "field 'count' must be a number"),
    ('id = "fitness-venues"', 'id = "library-branches"', "duplicate service id"),
])
def test_malformed_record_fails(seeds_copy: Path, tmp_path: Path, old: str, new: str, expected: str) -> None:
    """Malformed records are refused with a message that says what is wrong."""
    path = seeds_copy / "services.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SeedError, match=expected):
        build_database(seeds_copy, tmp_path / "out.db")


def test_failed_build_keeps_previous_database(seeds_copy: Path, tmp_path: Path) -> None:
    """A failed rebuild leaves the earlier good database untouched."""
    out = tmp_path / "kiosk.db"
    build_database(seeds_copy, out)
    before = out.read_bytes()
    (seeds_copy / "figures.toml").write_text("[[figure]]\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(SeedError):
        build_database(seeds_copy, out)
    assert out.read_bytes() == before


def test_build_is_reproducible(tmp_path: Path) -> None:
    """Two builds of the same seeds have the same content dump and the same bytes."""
    a = build_database(seeds_dir(), tmp_path / "a.db")
    b = build_database(seeds_dir(), tmp_path / "b.db")
    assert a.content_hash == b.content_hash
    conn_a, conn_b = connect(a.path, readonly=True), connect(b.path, readonly=True)
    try:
        assert list(dump_lines(conn_a)) == list(dump_lines(conn_b))
    finally:
        conn_a.close()
        conn_b.close()
    assert a.path.read_bytes() == b.path.read_bytes()


def test_national_number_needs_allowlist(seeds_copy: Path, tmp_path: Path) -> None:
    """An unsourced hotline is refused unless it is a nationally unified number."""
    path = seeds_copy / "hotlines.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('number = "119"', 'number = "96333"'),
                    encoding="utf-8")
    with pytest.raises(SeedError, match="96333"):
        build_database(seeds_copy, tmp_path / "out.db")


def test_passage_match_ignores_whitespace_only() -> None:
    """Line breaks in the seed do not matter; any other difference does."""
    seed = SeedText("x", "我们投入近120\n\n万元对生产设备")
    assert seed.contains("我们投入近120万元")
    assert not seed.contains("我们投入近121万元")
    assert not seed.contains("   ")


def test_check_detects_tampered_fact(writable_db: Path) -> None:
    """A fact edited in the database without a true passage is reported by check."""
    conn = connect(writable_db)
    conn.execute("UPDATE figures SET source_quote = '常住人口从13.7万增至29.7万' WHERE rowid = "
                 "(SELECT MIN(rowid) FROM figures)")
    report = check_content(conn)
    conn.close()
    assert not report.ok
    assert any("figures" in p for p in report.problems)


def test_bundled_database_matches_seeds(tmp_path: Path) -> None:
    """data/kiosk.db is up to date: rebuilding from seeds/ gives the same content hash."""
    from kiosk.core.content.stats import database_stats
    from kiosk.core.terminal.paths import bundled_db_path

    fresh = build_database(seeds_dir(), tmp_path / "fresh.db")
    conn = connect(bundled_db_path(), readonly=True)
    try:
        bundled_hash = database_stats(conn).content_hash
    finally:
        conn.close()
    assert bundled_hash == fresh.content_hash, "run `kiosk build-db` and commit data/kiosk.db"
    # byte for byte too: nothing but the build may write the bundled file (a `kiosk bundle --db data/kiosk.db`
    # records its counter there, which every terminal would then inherit)
    assert bundled_db_path().read_bytes() == (tmp_path / "fresh.db").read_bytes(), \
        "data/kiosk.db differs from a fresh build: run `kiosk build-db` and commit it"


def test_check_detects_invalid_hours(writable_db: Path) -> None:
    """An opening-hours string the parser cannot read is reported by check."""
    conn = connect(writable_db)
    conn.execute("INSERT INTO schedules(id, service_id, opening_hours) VALUES ('x', 'fitness-venues', 'Mon-Fri 9-5')")
    report = check_content(conn)
    conn.close()
    assert any("schedules 'x'" in p for p in report.problems)
