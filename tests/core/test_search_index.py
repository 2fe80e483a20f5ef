"""The search index: built at build time, kept in step by reindex(), pinyin of every reading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect, transaction
from kiosk.core.search.index import GENERATION_KEY, name_key, reindex
from kiosk.core.search.pinyin import readings, segmentations
from kiosk.core.search.ranking import search


def add_service(conn: sqlite3.Connection, ident: str, name: str, category: str = "community") -> None:
    """A test-only listing (clearly not real)."""
    conn.execute(
        "INSERT INTO services (id, category_id, name, description, origin) VALUES (?, ?, ?, ?, 'worker')",
        (ident, category, name, "测试用的假数据"))


def service_ids(conn: sqlite3.Connection, query: str) -> list[str]:
    return [h.id for h in search(conn, query) if h.kind == "service"]


def test_bundled_build_fills_the_index(seed_conn: sqlite3.Connection) -> None:
    """build-db writes one index row per active service, category, hotline, figure, news section, synonym."""
    counts = dict(seed_conn.execute("SELECT kind, COUNT(*) FROM search_index GROUP BY kind").fetchall())
    expected = {
        "service": "SELECT COUNT(*) FROM services WHERE status = 'active'",
        "category": "SELECT COUNT(*) FROM categories", "hotline": "SELECT COUNT(*) FROM hotlines",
        "figure": "SELECT COUNT(*) FROM figures", "news": "SELECT COUNT(*) FROM news",
        "synonym": "SELECT COUNT(*) FROM synonyms",
    }
    for kind, sql in expected.items():
        assert counts.get(kind) == seed_conn.execute(sql).fetchone()[0], kind
    row = seed_conn.execute(
        "SELECT names, pinyin, initials FROM search_index WHERE kind = 'service' AND id = 'elderly-care-facilities'"
    ).fetchone()
    assert row["names"] == "社区养老服务设施"
    assert row["pinyin"].splitlines()[0] == "she qu yang lao fu wu she shi"
    assert row["initials"].splitlines()[0] == "sqylfwss"


def test_new_listing_found_after_reindex(conn: sqlite3.Connection) -> None:
    """A worker adds a listing, calls reindex([id]); the same connection finds it by name and pinyin."""
    assert service_ids(conn, "鲸落") == []
    with transaction(conn):
        add_service(conn, "test-clinic", "测试鲸落甲站")
        reindex(conn, ["test-clinic"])
    assert service_ids(conn, "鲸落")[0] == "test-clinic"
    assert "test-clinic" in service_ids(conn, "ceshijingluo")
    assert "test-clinic" in service_ids(conn, "csjl")


def test_edit_and_retire_follow_reindex(conn: sqlite3.Connection) -> None:
    """An edited name is found under the new name only; a retired listing disappears."""
    with transaction(conn):
        add_service(conn, "test-clinic", "测试鲸落甲站")
        reindex(conn, ["test-clinic"])
    with transaction(conn):
        conn.execute("UPDATE services SET name = '测试松涛乙站' WHERE id = 'test-clinic'")
        reindex(conn, ["test-clinic"])
    assert "test-clinic" not in service_ids(conn, "鲸落")
    assert "test-clinic" in service_ids(conn, "松涛")
    with transaction(conn):
        conn.execute("UPDATE services SET status = 'retired' WHERE id = 'test-clinic'")
        reindex(conn, ["test-clinic"])
    assert "test-clinic" not in service_ids(conn, "松涛")
    assert conn.execute("SELECT COUNT(*) FROM search_index WHERE id = 'test-clinic'").fetchone()[0] == 0


def test_reindex_bumps_generation_so_other_connections_reload(writable_db: Path) -> None:
    """A reindex from another connection (the worker tools) is seen by the kiosk's open connection."""
    kiosk = connect(writable_db)
    assert service_ids(kiosk, "鲸落") == []
    before = kiosk.execute("SELECT value FROM meta WHERE key = ?", (GENERATION_KEY,)).fetchone()[0]
    worker = connect(writable_db)
    with transaction(worker):
        add_service(worker, "test-clinic", "测试鲸落甲站")
        reindex(worker, ["test-clinic"])
    worker.close()
    after = kiosk.execute("SELECT value FROM meta WHERE key = ?", (GENERATION_KEY,)).fetchone()[0]
    assert int(after) == int(before) + 1
    assert service_ids(kiosk, "鲸落") == ["test-clinic"]
    kiosk.close()


def test_unindexed_listing_is_still_found(writable_db: Path) -> None:
    """A listing added without reindex (e.g. an older tool) is indexed in memory when a connection opens."""
    writer = connect(writable_db)
    add_service(writer, "test-clinic", "测试鲸落甲站")
    writer.close()
    reader = connect(writable_db, readonly=True)
    assert "test-clinic" in service_ids(reader, "csjljz")
    reader.close()


def test_reindex_rolls_back_with_the_callers_transaction(conn: sqlite3.Connection) -> None:
    """reindex inside a transaction that fails leaves no index row behind."""
    with pytest.raises(RuntimeError), transaction(conn):
        add_service(conn, "test-clinic", "测试鲸落甲站")
        reindex(conn, ["test-clinic"])
        raise RuntimeError("worker cancelled")
    assert conn.execute("SELECT COUNT(*) FROM search_index WHERE id = 'test-clinic'").fetchone()[0] == 0


def test_full_reindex_matches_the_build(writable_db: Path, seed_conn: sqlite3.Connection) -> None:
    """reindex(conn) from scratch gives exactly the rows build-db wrote."""
    conn = connect(writable_db)
    conn.execute("DELETE FROM search_index")
    reindex(conn)
    mine = conn.execute("SELECT * FROM search_index ORDER BY kind, id").fetchall()
    theirs = seed_conn.execute("SELECT * FROM search_index ORDER BY kind, id").fetchall()
    assert [tuple(r) for r in mine] == [tuple(r) for r in theirs]
    conn.close()


def test_every_reading_of_a_multi_reading_character_is_indexed(conn: sqlite3.Connection) -> None:
    """银行 is yinhang in context, but yinxing also finds it; 长乐 as changle and zhangle."""
    with transaction(conn):
        add_service(conn, "test-bank", "测试银行网点", "government")
        add_service(conn, "test-changle", "长乐测试站", "government")
        reindex(conn, ["test-bank", "test-changle"])
    for query in ("yinhang", "yinxing", "ceshiyinhang", "csyh"):
        assert "test-bank" in service_ids(conn, query), query
    for query in ("changle", "zhangle", "changyue", "clcs"):
        assert "test-changle" in service_ids(conn, query), query


def test_pinyin_matches_only_at_syllable_starts(conn: sqlite3.Connection) -> None:
    """'anglao' is not 'yanglao' cut short: pinyin hits start at a syllable."""
    assert "elderly-care-facilities" in service_ids(conn, "yanglao")
    assert "elderly-care-facilities" not in service_ids(conn, "anglao")


@pytest.mark.parametrize(("letters", "expected"), [
    ("yanglao", [("yang", "lao")]),
    ("yangl", [("yang", "l")]),
    ("xian", [("xian",)]),
    ("zh", [("zh",)]),
    ("tushufenguan", [("tu", "shu", "fen", "guan")]),
    ("library", []),
    ("ylfw", []),
    ("", []),
    ("12349", []),
    ("a" * 200, []),
])
def test_segmentations(letters: str, expected: list[tuple[str, ...]]) -> None:
    """Letters split into pinyin syllables as an input method would (last piece may be partial)."""
    assert segmentations(letters) == expected


def test_readings_keep_digits_and_list_other_readings() -> None:
    """Digits stay a token; a character with several readings gets a fragment per other reading."""
    found = readings("“12349”养老")
    assert found is not None and found.default == ("12349", "yang", "lao")
    bank = readings("银行")
    assert bank is not None and bank.default == ("yin", "hang")
    assert ("yin", "xing") in bank.fragments
    assert readings("！？") is None


@pytest.mark.parametrize(("text", "key"), [
    ("“12349”智慧养老", "12349智慧养老"), ("Ｌｉｂｒａｒｙ", "library"), ("  社区 卫生 ", "社区卫生"), ("", ""),
])
def test_name_key(text: str, key: str) -> None:
    """Names are compared without punctuation, spaces, width or case differences."""
    assert name_key(text) == key
