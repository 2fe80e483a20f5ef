"""`kiosk export --format xlsx`: a workbook a worker edits in Excel/WPS and imports back.

Test data is generated (测试…), never bundled.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl

from kiosk.core.exchange.transfer import export, import_path, plan_import
from kiosk.core.exchange.workbook import PLACES_SHEET, SERVICES_SHEET
from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.core.listings.fields import LocationEntry
from tests.helpers.worker import NOW

SERVICE = "elderly-care-facilities"


def with_places(conn: sqlite3.Connection) -> None:
    listing = get_listing(conn, SERVICE)
    assert listing is not None
    listing.name_en = "=HYPERLINK(\"http://example.com\",\"x\")"  # what a prankster types
    listing.locations = [
        LocationEntry(name="测试站甲", address="测试路 1 号", community="测试社区",
                      hours="工作日 8:30-17:30，节假日休息", phones=["13812345678"]),
        LocationEntry(name="测试站乙", hours="周二至周日 9:00-17:00，周一闭馆", phones=["0371-68900002"]),
    ]
    save_listing(conn, listing, actor="test", now=NOW)


def test_the_workbook_opens_as_text_and_imports_back_unchanged(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Two sheets, no formula anywhere, phones as typed; importing it unchanged changes nothing."""
    with_places(conn)
    out = tmp_path / "services.xlsx"
    assert export(conn, "xlsx", out) == 22
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SERVICES_SHEET, PLACES_SHEET]
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=HYPERLINK(\"http://example.com\",\"x\")" in [c.value for c in cells]
    places = list(wb[PLACES_SHEET].iter_rows(values_only=True))
    assert places[0][:3] == ("service_id", "location_id", "location_name")
    assert ("138-1234-5678" in places[1]) and "周一至周五 8:30–17:30；法定节假日休息" in places[1]
    plan = plan_import(conn, out)
    assert plan.ok, plan.problems
    assert plan.changed == [] and plan.new == []


def test_a_phone_changed_in_the_workbook_changes_exactly_that(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Edit one place's phone in the places sheet (as Excel would save it): only that phone changes."""
    with_places(conn)
    out = tmp_path / "services.xlsx"
    export(conn, "xlsx", out)
    wb = openpyxl.load_workbook(out)
    ws = wb[PLACES_SHEET]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("location_name")].value == "测试站乙")
    row[header.index("phone")].value = "0371-68900099"
    wb.save(out)
    before = get_listing(conn, SERVICE)
    result = import_path(conn, out, actor="test", now=NOW)
    assert result.plan.changed == [SERVICE]
    after = get_listing(conn, SERVICE)
    assert before is not None and after is not None
    assert [p.phones for p in after.locations] == [["13812345678"], ["0371-68900099"]]
    before.locations[1].phones = ["0371-68900099"]
    assert after == before
