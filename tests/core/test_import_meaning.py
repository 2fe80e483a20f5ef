"""Imports that do what the worker meant, round-tripping the export through a spreadsheet."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.exchange.transfer import ImportRejected, export, import_path, plan_import
from kiosk.core.listings.editing import get_listing, list_listings
from tests.helpers.worker import NOW


def exported(conn: sqlite3.Connection, tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    out = tmp_path / "services.csv"
    export(conn, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return out, list(csv.DictReader(fh))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_deleted_row_is_named_and_retired_only_when_asked(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Deleting a row in Excel: the dry run names the listing; --retire-missing retires it; nothing else changes."""
    _out, rows = exported(conn, tmp_path)
    gone = rows.pop(3)
    sheet = write(tmp_path / "edited.csv", rows)
    plan = plan_import(conn, sheet)
    assert plan.ok and plan.missing == [gone["id"]] and plan.changed == []
    assert any(gone["name"] in line and "表里没有" in line for line in plan.changes())
    import_path(conn, sheet, actor="t", now=NOW)
    listing = get_listing(conn, gone["id"])
    assert listing is not None and listing.status == "active"  # not asked: kept
    result = import_path(conn, sheet, actor="t", now=NOW, retire_missing=True)
    assert result.plan.changed == [gone["id"]]
    listing = get_listing(conn, gone["id"])
    assert listing is not None and listing.status == "retired"


def test_a_row_without_an_id_matches_the_listing_of_that_name(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A copied row with its id cleared updates the listing of that name instead of making 'name-2'."""
    _out, rows = exported(conn, tmp_path)
    before = len(list_listings(conn))
    rows[0]["id"] = ""
    rows[0]["fees_description"] = "测试：免费"
    plan = plan_import(conn, write(tmp_path / "edited.csv", rows))
    assert plan.ok and plan.new == [] and len(plan.changed) == 1
    assert any("按名称对应" in w.message for w in plan.warnings)
    import_path(conn, write(tmp_path / "edited.csv", rows), actor="t", now=NOW)
    assert len(list_listings(conn)) == before


def test_a_mistyped_id_is_an_error_naming_the_closest(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """One letter off an existing id: refused, with the id it probably meant; nothing changes."""
    _out, rows = exported(conn, tmp_path)
    meant = rows[0]["id"]
    rows[0]["id"] = meant[:-1] + ("x" if meant[-1] != "x" else "y")
    with pytest.raises(ImportRejected) as caught:
        import_path(conn, write(tmp_path / "edited.csv", rows), actor="t", now=NOW)
    assert any(meant in str(p) and "是不是" in str(p) for p in caught.value.problems)


def test_the_same_sheet_twice_says_no_changes(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The unchanged export imports as 没有变化."""
    out, _rows = exported(conn, tmp_path)
    plan = plan_import(conn, out)
    assert plan.ok and plan.changed == [] and plan.new == [] and plan.changes() == ["没有变化 (no changes)"]
