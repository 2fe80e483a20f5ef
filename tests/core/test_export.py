"""Export to CSV (Excel-friendly) and the round trip export → import gives identical content."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.exchange.transfer import export, import_path, plan_import
from kiosk.core.listings.editing import PhoneEntry, get_listing, list_listings, retire_listing, save_listing
from tests.helpers.worker import NOW, content, synthetic_listing


@pytest.fixture
def conn(writable_db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(writable_db)
    yield c
    c.close()


def _edited(conn: sqlite3.Connection) -> None:
    """Worker edits of every kind, so the round trip covers phones, hours, places, lists, retired."""
    save_listing(conn, synthetic_listing(phones=[PhoneEntry("13812345678", "mobile", "值班", "On duty"),
                                                 PhoneEntry("0371-68000001")]), actor="t", now=NOW)
    listing = get_listing(conn, "library-branches")
    assert listing is not None
    listing.description = "多行\n描述，带“引号”和,逗号"
    save_listing(conn, listing, actor="t", now=NOW)
    retire_listing(conn, "little-stool-talks", actor="t", now=NOW)


def test_csv_is_utf8_with_bom_one_row_per_service(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The file starts with a BOM, has clear columns and one row per listing (retired ones too)."""
    _edited(conn)
    out = tmp_path / "services.csv"
    count = export(conn, "csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines(keepends=True)))
    assert count == len(rows) == len(list_listings(conn))
    row = next(r for r in rows if r["name"] == "测试老年食堂")
    assert row["phone_1"] == "138-1234-5678"  # a spreadsheet keeps it as text
    assert row["phone_2"] == "0371-68000001" and row["hours_1"] == "周一至周五 11:00–13:00"  # as a worker writes it
    assert row["location_1_address"] == "测试路 1 号" and row["category"] == "elderly"
    assert next(r for r in rows if r["id"] == "little-stool-talks")["status"] == "retired"


def test_round_trip_into_the_same_database_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Export then import into the same database: every row unchanged, byte for byte."""
    _edited(conn)
    before = content(conn)
    export(conn, "csv", tmp_path / "s.csv")
    plan = plan_import(conn, tmp_path / "s.csv")
    assert plan.ok and plan.new == [] and plan.changed == [] and plan.unchanged == len(list_listings(conn))
    result = import_path(conn, tmp_path / "s.csv", actor="t", now=NOW)
    assert not result.applied
    assert content(conn) == before


def test_round_trip_into_a_fresh_copy_gives_identical_listings(conn: sqlite3.Connection, writable_db: Path,
                                                               seed_db_path: Path, tmp_path: Path) -> None:
    """Export an edited database, import into a fresh seed copy: every listing reads back identical."""
    _edited(conn)
    export(conn, "csv", tmp_path / "s.csv")
    fresh_path = tmp_path / "fresh.db"
    fresh_path.write_bytes(seed_db_path.read_bytes())
    fresh = connect(fresh_path)
    result = import_path(fresh, tmp_path / "s.csv", actor="t", now=NOW)
    assert result.applied and result.backup is not None and result.backup.is_file()
    ids = [s.id for s in list_listings(conn)]
    assert [s.id for s in list_listings(fresh)] == ids
    for sid in ids:
        a, b = get_listing(conn, sid), get_listing(fresh, sid)
        assert a is not None and b is not None
        a.origin = b.origin = ""  # worker vs import: where it came from, not content
        assert a == b, sid


def test_hsds_round_trip_into_the_same_database_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Export HSDS then import the folder into the same database: nothing changes."""
    _edited(conn)
    before = content(conn)
    export(conn, "hsds", tmp_path / "pkg")
    plan = plan_import(conn, tmp_path / "pkg")
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.new == [] and plan.changed == []
    import_path(conn, tmp_path / "pkg", actor="t", now=NOW)
    assert content(conn) == before


def test_export_refuses_a_folder_for_csv(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """CSV export to a folder is a clear error, not a crash."""
    from kiosk.core.errors import KioskError

    with pytest.raises(KioskError, match="CSV"):
        export(conn, "csv", tmp_path)
