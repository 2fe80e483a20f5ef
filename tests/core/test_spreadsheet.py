"""Spreadsheets workers really have: .xlsx, GBK/UTF-8/UTF-16 text, refused formats, limits, safe writing.

Every file here is made in the test (openpyxl, LibreOffice, msoffcrypto or Python's own encoders);
the listings in them are test data, not real places.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.exchange import csv_io
from kiosk.core.exchange.cells import neutralise_cell, restore_cell
from kiosk.core.exchange.outputs import OutputError
from kiosk.core.exchange.spreadsheet import (
    EncodingError,
    SpreadsheetError,
    cell_text,
    detect_encoding,
    read_sheet,
    read_table,
    sheet_names,
    sniff_delimiter,
    write_xlsx,
)
from kiosk.core.limits import CELL_MAX_CHARS, IMPORT_COLUMNS_MAX, IMPORT_ROWS_MAX

# test data (made up for the tests, not a real listing)
HEADER = ["名称", "类别", "电话1", "数量", "简介"]
ROWS = [
    ["测试服务甲", "health", "13812345678", "12", "第一行\n第二行"],
    ["测试服务乙", "elderly", "0371-68123456", "3", "含逗号, 和\"引号\""],
]


def texts(path: Path, **kwargs: object) -> list[tuple[int, dict[str, str]]]:
    """The rows read_table finds in ``path``; fails the test on any problem."""
    table, problems = read_table(path, **kwargs)  # type: ignore[arg-type]
    assert problems == []
    assert table is not None
    return table.rows


def expected_rows(first_row: int = 2) -> list[tuple[int, dict[str, str]]]:
    return [(n, dict(zip(HEADER, row, strict=True))) for n, row in enumerate(ROWS, start=first_row)]


def csv_bytes(encoding: str, delimiter: str = ",", bom: bytes = b"") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    return bom + out.getvalue().encode(encoding)


def one_message(path: Path, **kwargs: object) -> str:
    """The single problem read_table reports for a file it refuses (no table)."""
    table, problems = read_table(path, **kwargs)  # type: ignore[arg-type]
    assert table is None
    assert len(problems) == 1
    return str(problems[0])


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], Path]:
    """Convert a file with LibreOffice (headless, a private profile); return the converted file."""
    program = shutil.which("soffice")
    assert program, "LibreOffice is missing: apt-get install libreoffice-calc-nogui (scripts/debian-packages.txt)"
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(src: Path, target: str) -> Path:
        out = src.parent / f"lo-{target.split(':')[0]}"
        subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                        "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=120)
        (result,) = out.iterdir()
        return result

    return convert


# ------------------------------------------------------------------------------ .xlsx


def sample_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["名称", "电话", "数量", "比例", "日期", "时间", "开始", "开放", "公式"])
    ws.append(["测试站", 13812345678, 12, 0.1 + 0.2, dt.date(2026, 12, 2), dt.time(8, 30),
               dt.datetime(2026, 12, 2, 8, 30), True, "=C2*2"])
    ws.append([])  # an empty row: skipped, the rows after it keep their numbers
    ws.append(["测试点", 12.0, -0.0, 1.5, None, dt.time(8, 30, 15), None, False])
    wb.create_sheet("第二页").append(["名称"])
    wb.save(path)
    return path


def test_xlsx_cells_come_back_as_the_text_a_worker_sees(tmp_path: Path) -> None:
    """Whole numbers without .0, 15-digit floats, ISO dates, hh:mm times, TRUE/FALSE; blank rows skipped."""
    table, problems = read_table(sample_workbook(tmp_path / "list.xlsx"))
    assert table is not None
    assert table.header == ["名称", "电话", "数量", "比例", "日期", "时间", "开始", "开放", "公式"]
    assert [n for n, _ in table.rows] == [2, 4]
    first, second = (values for _, values in table.rows)
    assert first == {"名称": "测试站", "电话": "13812345678", "数量": "12", "比例": "0.3", "日期": "2026-12-02",
                     "时间": "08:30", "开始": "2026-12-02 08:30", "开放": "TRUE", "公式": ""}
    assert (second["电话"], second["数量"], second["比例"], second["时间"], second["开放"]) == \
        ("12", "0", "1.5", "08:30:15", "FALSE")
    # openpyxl stores no computed value for the formula: said, not silently empty
    assert [str(p) for p in problems] == [
        "list.xlsx，第 2 行 (row 2)，列 公式：这个格子是公式 =C2*2，文件里却没有算好的结果"
        "（不是用 Excel 或 WPS 保存的）。请用 Excel 或 WPS 打开并保存一次，或把公式换成数值 "
        "(a formula without a computed value: open and save the file in Excel)"]


Convert = Callable[[Path, str], Path]


def test_formula_computed_by_libreoffice_reads_as_its_value(tmp_path: Path, soffice: Convert) -> None:
    """A workbook saved by a real spreadsheet program holds the formula's value, and that is what is read."""
    saved = soffice(sample_workbook(tmp_path / "list.xlsx"), "xlsx")
    table, problems = read_table(saved)
    assert problems == []
    assert table is not None
    assert table.rows[0][1]["公式"] == "24"
    assert table.rows[0][1]["电话"] == "13812345678"


def test_cell_text_of_numbers_and_durations() -> None:
    """Floats get at most 15 significant digits (Excel's precision); durations read as h:mm."""
    assert cell_text(1 / 3) == "0.333333333333333"
    assert cell_text(1e15) == "1e+15"
    assert cell_text(123456789.125) == "123456789.125"
    assert cell_text(dt.timedelta(hours=25, minutes=5)) == "25:05"
    assert cell_text(None) == ""


def test_sheets_by_name_first_visible_and_missing(tmp_path: Path) -> None:
    """sheet=None reads the first visible sheet; a named one is read; a missing one lists the sheets there are."""
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "隐藏"
    hidden.append(["不该读"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("服务").append(["名称"])
    wb["服务"].append(["甲"])
    wb.create_sheet("机构").append(["名称"])
    wb["机构"].append(["乙"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    assert sheet_names(path) == ["隐藏", "服务", "机构"]
    assert texts(path) == [(2, {"名称": "甲"})]
    assert texts(path, sheet="机构") == [(2, {"名称": "乙"})]
    assert read_sheet(path, sheet="机构").describe() == "读取 Excel 工作表“机构” (worksheet '机构')"
    assert one_message(path, sheet="地点") == ("book.xlsx：没有叫“地点”的工作表；"
                                             "这个工作簿里有：“隐藏”、“服务”、“机构” "
                                             "(no worksheet '地点'; the sheets are: 隐藏, 服务, 机构)")


def test_sheet_names_of_a_text_file_is_a_clear_error(tmp_path: Path) -> None:
    """sheet_names on a CSV raises a one-line SpreadsheetError, and read_table refuses a sheet for a CSV."""
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes("utf-8"))
    with pytest.raises(SpreadsheetError, match=r"不是 Excel 工作簿.*not an \.xlsx workbook"):
        sheet_names(path)
    assert "a text file has no worksheets" in one_message(path, sheet="服务")


def test_header_duplicates_long_cells_and_extra_cells_in_xlsx(tmp_path: Path) -> None:
    """The csv_io rules hold for a workbook: duplicate header cells and cells beyond the header are reported."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "名称"])
    ws.append(["甲", "乙", "多出来的"])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    table, problems = read_table(path)
    assert table is not None
    assert [str(p) for p in problems] == ["dup.xlsx，第 1 行 (row 1)，列 名称：这一列出现了两次 (duplicate column)",
                                          "dup.xlsx，第 2 行 (row 2)：这一行有 3 个格子，表头只有 2 列 "
                                          "(more cells than header columns)"]
    ws.append(["x" * (CELL_MAX_CHARS + 1)])
    wb.save(path)
    table, problems = read_table(path)
    assert table is None
    assert [(p.row, p.column) for p in problems] == [(3, "名称")]
    assert "超过 10000 字的上限（现在 10001 字）" in problems[0].message


def test_error_value_cell_is_reported(tmp_path: Path) -> None:
    """A cell holding an error value such as #N/A is a problem with its row and column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "电话"])
    ws.append(["甲", "#N/A"])
    ws["B2"].data_type = "e"
    path = tmp_path / "err.xlsx"
    wb.save(path)
    _, problems = read_table(path)
    assert [(p.row, p.column) for p in problems] == [(2, "电话")]
    assert "公式的错误值 #N/A" in problems[0].message


def test_merged_cells_count_for_every_row_they_cover(tmp_path: Path) -> None:
    """A category merged down over rows reads in each of them; a row of nothing but the merge stays blank."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["类别", "名称", "电话1"])
    ws.append(["health", "测试甲", "0371-68123456"])
    ws.append([None, "测试乙", None])
    ws.append([None, None, None])
    ws.append([None, "测试丙", "13812345678"])
    ws.merge_cells("A2:A6")  # beyond the last row too
    ws.merge_cells("C2:C3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    rows = texts(path)
    assert rows == [(2, {"类别": "health", "名称": "测试甲", "电话1": "0371-68123456"}),
                    (3, {"类别": "health", "名称": "测试乙", "电话1": "0371-68123456"}),
                    (5, {"类别": "health", "名称": "测试丙", "电话1": "13812345678"})]


def test_merged_title_row_is_explained(tmp_path: Path) -> None:
    """A title merged across row 1 (header below it) is a problem saying the names must be in row 1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["测试服务一览表"])
    ws.append(["名称", "电话1"])
    ws.merge_cells("A1:B1")
    path = tmp_path / "titled.xlsx"
    wb.save(path)
    _, problems = read_table(path)
    assert [str(p) for p in problems] == [
        "titled.xlsx，第 1 行 (row 1)：第 1 行有合并的单元格（像是表格标题或分组），第 1 行应是一格一个列名："
        "请删掉标题行或取消合并，让列名在第 1 行 (row 1 has merged cells, a title? The column names must be row 1, "
        "one per cell)",
        "titled.xlsx，第 1 行 (row 1)，列 测试服务一览表：这一列出现了两次 (duplicate column)"]


def test_empty_first_row_means_no_header(tmp_path: Path) -> None:
    """A sheet whose row 1 is empty is refused like an empty CSV: the header must be row 1."""
    wb = openpyxl.Workbook()
    wb.active["A2"] = "名称"
    path = tmp_path / "late.xlsx"
    wb.save(path)
    assert one_message(path) == "late.xlsx，第 1 行 (row 1)：第一行应是列名（表头），文件却是空的 (no header row)"


def test_workbook_table_feeds_the_flat_importer(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A worker's .xlsx (Chinese headers, the mobile number typed as a number) parses into listings as a CSV does."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "名称", "类别", "电话1", "营业时间1"])
    ws.append([None, "测试助餐点", "养老服务", 13800000001, "Mo-Fr 11:00-13:00"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    table, problems = read_table(path)
    assert problems == [] and table is not None
    parsed = csv_io.parse_flat(conn, table)
    assert parsed.problems == []
    (incoming,) = parsed.listings
    assert (incoming.row, incoming.listing.name, incoming.listing.category_id) == (2, "测试助餐点", "elderly")
    assert [p.number for p in incoming.listing.phones] == ["13800000001"]
    assert incoming.listing.hours[0].opening_hours == "Mo-Fr 11:00-13:00"


# ------------------------------------------------------------------------------ limits and damaged workbooks


def test_too_many_rows_declared_in_the_dimension_is_refused_before_parsing(tmp_path: Path) -> None:
    """A sheet whose <dimension> claims a million rows is refused from that claim, with the rows message."""
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["名称"])
    wb.active.append(["甲"])
    wb.save(src)
    path = tmp_path / "claims.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:A2"' in data
                data = data.replace(b'<dimension ref="A1:A2"', b'<dimension ref="A1:B1048576"')
            zout.writestr(info, data)
    message = one_message(path)
    assert "标明有 1048576 行" in message
    assert f"more than {IMPORT_ROWS_MAX} rows: split the file" in message


def test_a_dimension_that_claims_too_little_loses_nothing(tmp_path: Path) -> None:
    """A writer that declares A1:A1 for a bigger sheet (openpyxl would stop there) still gives every row and cell."""
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    for row in (["名称", "电话1"], ["甲", "0371-68123456"], ["乙", "13812345678"]):
        wb.active.append(row)
    wb.save(src)
    path = tmp_path / "small-claim.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B3"' in data
                data = data.replace(b'<dimension ref="A1:B3"', b'<dimension ref="A1:A1"')
            zout.writestr(info, data)
    assert texts(path) == [(2, {"名称": "甲", "电话1": "0371-68123456"}), (3, {"名称": "乙", "电话1": "13812345678"})]


def test_too_many_rows_without_a_dimension_stops_at_the_limit(tmp_path: Path) -> None:
    """A workbook with no <dimension> (openpyxl's write-only mode) is cut off at the row limit with the same message."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(["名称"])
    for n in range(IMPORT_ROWS_MAX + 1):
        ws.append([f"行{n}"])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    assert one_message(path) == f"long.xlsx：超过 {IMPORT_ROWS_MAX} 行的上限，请分成几个文件导入 " \
                                f"(more than {IMPORT_ROWS_MAX} rows: split the file)"


def test_too_many_rows_in_csv_has_the_same_message(tmp_path: Path) -> None:
    """A CSV one row over the limit gets csv_io's message."""
    path = tmp_path / "long.csv"
    path.write_text("名称\n" + "甲\n" * (IMPORT_ROWS_MAX + 1), encoding="utf-8")
    assert one_message(path) == f"long.csv：超过 {IMPORT_ROWS_MAX} 行的上限，请分成几个文件导入 " \
                                f"(more than {IMPORT_ROWS_MAX} rows: split the file)"


def test_too_many_columns_declared_is_refused(tmp_path: Path) -> None:
    """A sheet wider than the column limit is refused with the limit named."""
    wb = openpyxl.Workbook()
    wb.active.append([f"c{n}" for n in range(IMPORT_COLUMNS_MAX + 1)])
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert f"标明有 {IMPORT_COLUMNS_MAX + 1} 列" in one_message(path)


def test_zip_bomb_is_refused_from_the_declared_sizes(tmp_path: Path) -> None:
    """A workbook part that unpacks to 300 MB (a few hundred KB packed) is refused before openpyxl opens it."""
    src = sample_workbook(tmp_path / "src.xlsx")
    path = tmp_path / "bomb.xlsx"
    shutil.copy(src, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/padding.bin", "w") as part:
        block = b"\0" * (1024 * 1024)
        for _ in range(300):
            part.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    message = one_message(path)
    assert "“xl/media/padding.bin”解压后有 300 MB" in message
    assert "a part unpacks to over 400 times its packed size: not opened" in message


def test_corrupt_and_truncated_workbooks_are_one_message(tmp_path: Path) -> None:
    """A truncated .xlsx, garbage named .xlsx and a zip without a workbook each give one clear message."""
    good = sample_workbook(tmp_path / "good.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"\x01\x02 not a workbook")
    no_book = tmp_path / "nobook.xlsx"
    with zipfile.ZipFile(no_book, "w") as zf:
        zf.writestr("hello.txt", "hi")
    for path in (cut, garbage, no_book):
        message = one_message(path)
        assert "文件损坏或不完整" in message, message
        assert "save it as .xlsx again" in message or "not a valid .xlsx" in message


def test_damaged_sheet_xml_is_one_message(tmp_path: Path) -> None:
    """A workbook whose sheet XML is broken mid-way is one message, not a traceback."""
    src = sample_workbook(tmp_path / "src.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    assert "文件损坏或不完整" in one_message(path)


def test_password_protected_workbook_says_remove_the_password(tmp_path: Path) -> None:
    """An .xlsx encrypted with a password (as Excel does it) is one message saying to remove the password."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = sample_workbook(tmp_path / "plain.xlsx")
    path = tmp_path / "secret.xlsx"
    with plain.open("rb") as fh, path.open("wb") as out:
        OOXMLFile(fh).encrypt("test-password", out)
    message = one_message(path)
    assert "设了打开密码" in message
    assert "password-protected" in message
    with pytest.raises(SpreadsheetError, match="password-protected"):
        sheet_names(path)


def test_xls_and_ods_from_libreoffice_say_save_as_xlsx(tmp_path: Path, soffice: Convert) -> None:
    """Real .xls and .ods files (written by LibreOffice) are refused with the "save as .xlsx" step."""
    src = sample_workbook(tmp_path / "list.xlsx")
    xls = soffice(src, "xls")
    assert xls.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    assert "Excel 97-2003 工作簿（.xls）" in one_message(xls)
    assert "save it as .xlsx" in one_message(xls)
    et = tmp_path / "list.et"
    shutil.copy(xls, et)
    assert "WPS 表格文件（.et）" in one_message(et)
    ods = soffice(src, "ods")
    assert "OpenDocument 表格（.ods）" in one_message(ods)


def test_html_table_named_xls_is_refused(tmp_path: Path) -> None:
    """The HTML table some systems export as ".xls" is recognised and refused with the save-as step."""
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>名称</td></tr></table></body></html>", encoding="gb18030")
    assert "网页（HTML）或 XML 格式的表格" in one_message(path)


def test_workbook_renamed_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    """What is inside decides: an .xlsx renamed .csv is still read as a workbook."""
    path = tmp_path / "renamed.csv"
    shutil.copy(sample_workbook(tmp_path / "list.xlsx"), path)
    assert read_sheet(path).kind == "xlsx"


def test_missing_file_folder_and_fifo_are_one_message(tmp_path: Path) -> None:
    """A file that is not there, a folder and a FIFO (which would block a read) are problems, not exceptions."""
    assert "无法读取文件 (cannot read)" in one_message(tmp_path / "nope.xlsx")
    assert "not a regular file" in one_message(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in one_message(fifo)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".xls"]))
def test_any_bytes_give_a_table_or_problems_never_an_exception(tmp_path_factory: pytest.TempPathFactory,
                                                               data: bytes, suffix: str) -> None:
    """Whatever the bytes and the name, read_table returns a table or one-line problems; it never raises."""
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    table, problems = read_table(path)
    assert table is not None or problems
    assert all("\n" not in p.message for p in problems)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=4))
def test_damaged_workbook_bytes_never_raise(tmp_path_factory: pytest.TempPathFactory,
                                            flips: list[tuple[int, int]]) -> None:
    """A real workbook with a few bytes changed anywhere reads or gives problems; it never raises."""
    folder = tmp_path_factory.mktemp("flip")
    data = bytearray(sample_workbook(folder / "src.xlsx").read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    path = folder / "flipped.xlsx"
    path.write_bytes(bytes(data))
    table, problems = read_table(path)
    assert table is not None or problems


# ------------------------------------------------------------------------------ text files


@pytest.mark.parametrize(("data", "encoding", "delimiter"), [
    (csv_bytes("utf-8"), "utf-8", ","),
    (csv_bytes("utf-8", bom=b"\xef\xbb\xbf"), "utf-8-sig", ","),
    (csv_bytes("gb18030"), "gb18030", ","),
    (csv_bytes("utf-16-le", "\t", bom=b"\xff\xfe"), "utf-16-le", "\t"),
    (csv_bytes("utf-16-be", "\t", bom=b"\xfe\xff"), "utf-16-be", "\t"),
    (csv_bytes("gb18030", ";"), "gb18030", ";"),
], ids=["utf8", "utf8-bom", "gb18030", "utf16le-tab", "utf16be-tab", "gbk-semicolon"])
def test_same_table_in_every_text_encoding(tmp_path: Path, data: bytes, encoding: str, delimiter: str) -> None:
    """UTF-8 with or without BOM, GB18030/GBK and UTF-16 with BOM all give the same rows; the encoding is told."""
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    result = read_sheet(path)
    assert result.problems == []
    assert (result.encoding, result.delimiter) == (encoding, delimiter)
    assert detect_encoding(data) == encoding
    assert result.table is not None
    assert result.table.rows == expected_rows()


def test_describe_says_how_a_gbk_file_was_read(tmp_path: Path) -> None:
    """The dry run can say 按 GBK 编码读取."""
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes("gb18030"))
    assert read_sheet(path).describe() == "按 GBK 编码读取，逗号分隔 (read as GBK, comma-separated)"


@pytest.mark.parametrize(("options", "start", "encoding", "delimiter"), [
    ("44,34,85", "名称".encode("gbk"), "gb18030", ","),  # 85: LibreOffice's GBK, like Excel's "CSV（逗号分隔）"
    ("9,34,65535", b"\xff\xfe", "utf-16-le", "\t"),  # UTF-16 with BOM and TABs, like Excel's "Unicode 文本"
], ids=["gbk-comma", "utf16-tab"])
def test_text_written_by_libreoffice(tmp_path: Path, soffice: Convert, options: str, start: bytes, encoding: str,
                                     delimiter: str) -> None:
    """Text files a real spreadsheet program wrote (GBK CSV, UTF-16 TAB text) read back as the same rows."""
    src = tmp_path / "list.xlsx"
    write_xlsx(src, [("服务", HEADER, ROWS)])
    written = soffice(src, f"csv:Text - txt - csv (StarCalc):{options}")
    assert written.read_bytes().startswith(start)
    result = read_sheet(written)
    assert (result.encoding, result.delimiter) == (encoding, delimiter)
    assert result.table is not None
    assert result.table.rows == expected_rows()


def test_excel_sep_line_sets_the_delimiter(tmp_path: Path) -> None:
    """Excel's "sep=;" first line picks the delimiter and is not a row: the header is row 1 as Excel shows it."""
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\r\n名称;电话1\r\n测试,甲;0371-68123456\r\n", encoding="utf-8")
    result = read_sheet(path)
    assert result.delimiter == ";"
    assert result.table is not None
    assert result.table.rows == [(2, {"名称": "测试,甲", "电话1": "0371-68123456"})]


def test_euro_byte_of_windows_gbk_is_read() -> None:
    """Windows' GBK writes € as the single byte 0x80, which GB18030 lacks; it still reads as €."""
    data = "名称,收费\n".encode("gbk") + b"\xb2\xe2\xca\xd4,5\x80\n"
    assert detect_encoding(data) == "gb18030"


def test_csv_blank_rows_duplicate_header_and_extra_cells(tmp_path: Path) -> None:
    """A UTF-8 CSV with blank rows, a duplicate header and extra cells: rows keep their sheet numbers,
    the duplicate column and the extra cells are each reported."""
    path = tmp_path / "x.csv"
    path.write_text("id,名称,名称\r\n1,甲,乙\r\n\r\n,,\r\n2,丙,丁,多余\r\n", encoding="utf-8-sig")
    table, problems = read_table(path)
    assert table is not None and [n for n, _ in table.rows] == [2, 5]
    assert [(p.row, p.column) for p in problems] == [(1, "名称"), (5, None)]


def test_bytes_in_no_encoding_are_refused_with_the_line(tmp_path: Path) -> None:
    """Windows-1252 bytes (neither UTF-8 nor GBK) are one message naming the line they start on."""
    data = "name,note\r\na,ok\r\nb,café\r\n".encode("cp1252")
    with pytest.raises(EncodingError) as info:
        detect_encoding(data)
    assert info.value.line == 3
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    table, problems = read_table(path)
    assert table is None
    assert [p.row for p in problems] == [3]
    assert "第 3 行起有无法识别的字节" in problems[0].message


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark (NUL bytes) is refused as not a text table, not read as garbage."""
    path = tmp_path / "nobom.txt"
    path.write_bytes(csv_bytes("utf-16-le", "\t"))
    assert "空字符" in one_message(path)


def test_gb18030_private_use_is_mojibake() -> None:
    """Bytes GB18030 turns only into private-use characters (never Excel's output) are not taken as GBK."""
    with pytest.raises(EncodingError):
        detect_encoding(b"name\n\xaa\xa1\xaa\xa2\n")


def test_title_line_above_the_header_is_explained(tmp_path: Path) -> None:
    """A one-cell title line above the column names (a common Excel layout) is named as the cause."""
    path = tmp_path / "titled.csv"
    path.write_text("测试服务一览表,,\r\n名称,类别,电话1\r\n测试甲,health,0371-68123456\r\n", encoding="utf-8-sig")
    _, problems = read_table(path)
    assert problems[0].row == 1
    assert "像是表格标题" in problems[0].message and "(row 1 looks like a title" in problems[0].message
    assert len(problems) == 1
    path.write_text("测试服务一览表\r\n名称,类别\r\n", encoding="utf-8-sig")  # without trailing commas
    _, problems = read_table(path)
    assert [p.row for p in problems] == [1, 2]
    path.write_text("名称,\r\n测试甲,\r\n", encoding="utf-8-sig")  # one column and nothing under the empty one
    assert texts(path) == [(2, {"名称": "测试甲"})]


def test_sniff_delimiter_ignores_quoted_commas() -> None:
    """A comma inside a quoted header cell does not outvote the TABs between cells."""
    assert sniff_delimiter('"a,b,c"\tx\ty\n1,2\t3\t4\n') == "\t"
    assert sniff_delimiter("名称\n甲\n") == ","
    assert sniff_delimiter("a\tb,c\n", prefer_tab=True) == "\t"


def test_neutralised_csv_cells_are_restored_on_import(tmp_path: Path) -> None:
    """A CSV exported with neutralise_cell reads back as the original texts."""
    originals = ["=HYPERLINK(\"http://example.invalid\",\"点我\")", "-5", "+86 371 6812 3456", "'=x", "@SUM(A1)"]
    path = tmp_path / "n.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["v"])
        writer.writerows([[neutralise_cell(text)] for text in originals])
    assert [values["v"] for _, values in texts(path)] == originals


# ------------------------------------------------------------------------------ CSV injection


def test_neutralise_cell_follows_owasp() -> None:
    """= + - @ TAB CR get a leading quote; plain numbers, phones and ordinary text do not."""
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("+86 371") == "'+86 371"
    assert neutralise_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert neutralise_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_cell("\t=1") == "'\t=1"
    assert neutralise_cell("\r=1") == "'\r=1"
    assert neutralise_cell("-") == "'-"
    for safe in ("-5", "+3.5", "-.5", "0371-68123456", "13812345678", "名称", "", "'quoted"):
        assert neutralise_cell(safe) == safe


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.aé名 "), max_size=8) | st.text(max_size=20))
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    """restore_cell(neutralise_cell(x)) == x, and the neutralised text never starts a formula."""
    safe = neutralise_cell(text)
    assert restore_cell(safe) == text
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r")) or safe == text


# ------------------------------------------------------------------------------ writing


def export_rows() -> list[list[object]]:
    return [["测试服务甲", "=HYPERLINK(\"http://example.invalid\",\"点我\")", "0371-68123456", "13812345678", 12, 2.5,
             None, dt.date(2026, 12, 2), "-5", "'=x", "第一行\r\n第二行"],
            ["测试服务乙", "+86 371", "@SUM(A1)", "", 0, -1.25, True, dt.datetime(2026, 12, 2, 8, 30), "1e5", "", ""]]


EXPORT_HEADER = ["名称", "网址", "电话", "手机", "数量", "纬度", "空", "日期", "负数", "引号", "简介"]


def test_write_xlsx_round_trip_gives_back_the_texts(tmp_path: Path) -> None:
    """write_xlsx then read_table gives back the same texts, =HYPERLINK(...) and phone numbers included."""
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [("服务", EXPORT_HEADER, export_rows()), ("机构", ["名称"], iter([["测试机构"]]))])
    table, problems = read_table(path)
    assert problems == []
    assert table is not None
    assert table.header == EXPORT_HEADER
    first, second = (values for _, values in table.rows)
    assert list(first.values()) == ["测试服务甲", "=HYPERLINK(\"http://example.invalid\",\"点我\")", "0371-68123456",
                                    "13812345678", "12", "2.5", "", "2026-12-02", "-5", "'=x", "第一行\r\n第二行"]
    assert list(second.values())[:9] == ["测试服务乙", "+86 371", "@SUM(A1)", "", "0", "-1.25", "TRUE",
                                         "2026-12-02 08:30", "1e5"]
    assert texts(path, sheet="机构") == [(2, {"名称": "测试机构"})]


def test_written_cells_are_text_never_formulas(tmp_path: Path) -> None:
    """Read back with openpyxl: no cell is a formula, texts are text-formatted, header bold and frozen."""
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [("服务", EXPORT_HEADER, export_rows())])
    wb = openpyxl.load_workbook(path)
    ws = wb["服务"]
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert ws["B2"].value == "=HYPERLINK(\"http://example.invalid\",\"点我\")"
    assert ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert ws["D2"].value == "13812345678" and ws["D2"].number_format == "@"
    assert ws["E2"].value == 12 and ws["E2"].data_type == "n"
    assert ws["K2"].value == "第一行_x000D_\n第二行"  # a CR as Excel writes it (raw, XML would make it a line feed)
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    assert not ws["A2"].font.b
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    assert widths["A"] == 12  # 测试服务甲: five wide characters, plus margin
    assert widths["B"] > widths["E"] >= 8


def test_libreoffice_keeps_the_hyperlink_text_as_text(tmp_path: Path, soffice: Convert) -> None:
    """A real spreadsheet program opening the written file sees =HYPERLINK(...) as text, not a formula result."""
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [("服务", EXPORT_HEADER, export_rows())])
    converted = soffice(path, "csv:Text - txt - csv (StarCalc):44,34,76")  # 76: UTF-8
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")))
    assert rows[1][1] == "=HYPERLINK(\"http://example.invalid\",\"点我\")"
    assert rows[1][3] == "13812345678"
    assert rows[1][2] == "0371-68123456"
    assert rows[2][2] == "@SUM(A1)"


def test_sheet_titles_are_made_valid_for_excel(tmp_path: Path) -> None:
    """Titles with / or [ ], longer than 31 characters or repeated are changed so Excel opens the file."""
    path = tmp_path / "t.xlsx"
    write_xlsx(path, [("服务/列表", ["a"], []), ("x" * 40, ["a"], []), ("服务_列表", ["a"], []), ("", ["a"], [])])
    assert sheet_names(path) == ["服务_列表", "x" * 31, "服务_列表 (2)", "Sheet4"]


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    """A text Excel cannot hold is one message naming sheet, row and column; the old file is untouched."""
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(SpreadsheetError, match=r"sheet '服务', row 3, column 2.*control character"):
        write_xlsx(path, [("服务", ["a", "b"], [["1", "2"], ["3", "bad\x01"]])])
    with pytest.raises(SpreadsheetError, match="32767"):
        write_xlsx(path, [("服务", ["a"], [["x" * 32_768]])])
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.xlsx"]
    with pytest.raises(OutputError, match="is a folder"):
        write_xlsx(tmp_path, [("服务", ["a"], [])])
