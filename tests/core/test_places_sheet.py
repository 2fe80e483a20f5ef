"""A worker's places sheet — one row per place, Chinese headers, hours as on a notice board — end to end.

The places are generated test data (测试…, numbers 0371-6890xxxx), never bundled.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.exchange.transfer import ImportRejected, import_path, plan_import
from kiosk.core.hours.opening import load_calendar
from kiosk.core.listings.editing import get_listing
from kiosk.core.places import service_view

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, an ordinary working day
SERVICE = "elderly-care-facilities"
HEADER = ["服务编号", "地点名称", "地址", "所属社区", "开放时间", "电话", "状态"]
HOURS = ["周一至周五 8:30-12:00 14:30-17:30", "每天 8:00-18:00", "工作日 9:00-17:00，节假日休息",
         "周二至周日 9:00-17:00，周一闭馆", "全天", "周末 9:00-12:00", "周一至周六 上午8:00-11:30 下午14:00-17:00"]


def rows(n: int = 28) -> list[list[str]]:
    return [[SERVICE, f"测试养老服务站{k:02d}", f"测试路{k}号", f"测试社区{k % 4}", HOURS[k % len(HOURS)],
             f"0371-6890{k:04d}", "在用"] for k in range(1, n + 1)]


def write(path: Path, table: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *table])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_a_places_sheet_of_28_imports_in_one_go(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """28 places with Chinese headers and Chinese hours: stored as OSM, shown with an open state."""
    result = import_path(conn, write(tmp_path / "places.csv", rows()), actor="test", now=NOW)
    assert result.applied and result.plan.changed == [SERVICE]
    view = service_view(conn, SERVICE, NOW, load_calendar(conn))
    assert view is not None and view["places_total"] == 28
    places = {p["name"]: p for p in view["places"]}
    first = places["测试养老服务站01"]
    assert first["hours"] == "Mo-Su 08:00-18:00" and first["hours_text"] == "每天 8:00–18:00"
    assert first["phones"] == ["0371-68900001"] and first["community"] == "测试社区1"
    assert first["open"]["state"] == "open" and first["open"]["label_zh"] == "营业中 · 18:00 关门"
    weekend = places["测试养老服务站05"]  # 周末 9:00-12:00, on a Wednesday
    assert weekend["open"]["state"] == "closed"
    states = [p["open"]["state"] for p in view["places"]]
    assert states == sorted(states, key=["open", "unknown", "closed"].index)  # open ones first
    assert view["places_open"] == states.count("open") > 0


def test_importing_the_same_sheet_again_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The second import of the same sheet finds every place by name: no new place, no change."""
    sheet = write(tmp_path / "places.csv", rows())
    import_path(conn, sheet, actor="test", now=NOW)
    again = plan_import(conn, sheet)
    assert again.ok and again.changed == [] and again.new == [] and again.unchanged == 1
    listing = get_listing(conn, SERVICE)
    assert listing is not None and len(listing.locations) == 28


def test_a_gbk_sheet_with_one_changed_phone_and_one_retired_place_changes_exactly_that(
        conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Saved by Excel as GBK CSV: one phone changed and one place 停用 — only those two change."""
    import_path(conn, write(tmp_path / "places.csv", rows()), actor="test", now=NOW)
    before = get_listing(conn, SERVICE)
    assert before is not None
    edited = rows()
    edited[2][5] = "13812345678"
    edited[6][6] = "停用"
    result = import_path(conn, write(tmp_path / "edited.csv", edited, "gb18030"), actor="test", now=NOW)
    assert result.plan.changed == [SERVICE]
    after = get_listing(conn, SERVICE)
    assert after is not None
    changed = [(a.name, a.phones, a.status) for a, b in zip(after.locations, before.locations, strict=True)
               if a != b]
    assert changed == [("测试养老服务站03", ["13812345678"], "active"),
                       ("测试养老服务站07", ["0371-68900007"], "retired")]
    view = service_view(conn, SERVICE, NOW, load_calendar(conn))
    assert view is not None and view["places_total"] == 27  # the retired place is not shown to residents


def test_bad_rows_name_the_row_and_column_and_nothing_changes(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A mistyped service id names the closest ids; bad hours quote what was not understood."""
    table = rows(3)
    table[0][0] = "elderly-care-facility"
    table[1][4] = "周八 9:00-17:00"
    table[2][5] = "0371-680"
    with pytest.raises(ImportRejected) as caught:
        import_path(conn, write(tmp_path / "bad.csv", table), actor="test", now=NOW)
    messages = [str(p) for p in caught.value.problems]
    assert any("第 2 行" in m and "elderly-care-facilities" in m for m in messages)
    assert any("第 3 行" in m and "开放时间" in m and "周八" in m for m in messages)
    assert any("第 4 行" in m and "电话" in m for m in messages)
    listing = get_listing(conn, SERVICE)
    assert listing is not None and listing.locations == []


def test_kiosk_show_json_lists_the_places(conn: sqlite3.Connection, writable_db: Path, tmp_path: Path) -> None:
    """`kiosk show SERVICE --at … --json` prints the places with parsed hours and an open state."""
    import_path(conn, write(tmp_path / "places.csv", rows()), actor="test", now=NOW)
    conn.close()
    out = subprocess.run([sys.executable, "-m", "kiosk", "show", SERVICE, "--db", str(writable_db),
                          "--at", "2026-12-02T10:00", "--json"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout)
    assert view["places_total"] == 28 and len(view["places"]) == 28
    assert all(p["hours"] and p["open"]["state"] in ("open", "closed", "unknown") for p in view["places"])


def test_the_same_sheet_as_an_excel_workbook_imports_too(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The 台账 as .xlsx (Chinese headers, a title-less first sheet, numbers typed as numbers): 28 places."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows():
        ws.append([*row[:5], int(row[5].replace("-", "")) if row[5].startswith("1") else row[5], row[6]])
    ws.cell(row=2, column=6).value = 13812345678  # a mobile number typed as a number
    wb.create_sheet("Sheet2")  # an empty second sheet, as Excel leaves it
    wb.save(tmp_path / "places.xlsx")
    result = import_path(conn, tmp_path / "places.xlsx", actor="test", now=NOW)
    assert result.applied
    listing = get_listing(conn, SERVICE)
    assert listing is not None and len(listing.locations) == 28
    assert listing.locations[0].phones == ["13812345678"]
    assert plan_import(conn, tmp_path / "places.xlsx").changed == []


def test_the_dry_run_names_each_change(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The dry run lists the service by name and each changed place field as old → new."""
    import_path(conn, write(tmp_path / "places.csv", rows(3)), actor="test", now=NOW)
    edited = rows(3)
    edited[1][5] = "13812345678"
    edited[2][6] = "停用"
    plan = plan_import(conn, write(tmp_path / "edited.csv", edited))
    assert plan.changes() == [
        "~ 修改 changed：社区养老服务设施 [elderly-care-facilities]",
        "    地点 2（测试养老服务站02） 电话：0371-68900002 → 13812345678",
        "    地点 3（测试养老服务站03） 状态：在用 → 已停用",
    ]


def test_search_finds_a_service_by_its_places_name_address_and_community(conn: sqlite3.Connection,
                                                                         tmp_path: Path) -> None:
    """A resident typing a street, a community or a place's name finds the service those places belong to
    (as the service, or as the place of it that matches)."""
    from kiosk.core.search.ranking import search

    import_path(conn, write(tmp_path / "places.csv", rows(3)), actor="test", now=NOW)
    for query in ("测试路2号", "测试社区1", "测试养老服务站03"):
        assert SERVICE in [h.service_id for h in search(conn, query)], query
    edited = rows(3)
    edited[1][6] = "停用"  # a retired place is no longer found
    import_path(conn, write(tmp_path / "edited.csv", edited), actor="test", now=NOW)
    assert SERVICE not in [h.service_id for h in search(conn, "测试路2号")]
