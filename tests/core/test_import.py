"""Import: dry run reports every bad row (row, column, reason); a bad file changes nothing; all or nothing."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db.backup import list_backups, restore_backup
from kiosk.core.exchange.transfer import ImportRejected, apply_import, export, import_path, plan_import
from kiosk.core.listings.editing import get_listing, listing_history
from tests.helpers.worker import NOW, content

HEADER = ["id", "category", "name", "phone_1", "hours_1"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def refused(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Import ``path``; assert it is refused and nothing changed; return the problems as text."""
    before = content(conn)
    with pytest.raises(ImportRejected) as info:
        import_path(conn, path, actor="t", now=NOW)
    assert content(conn) == before
    return [str(p) for p in info.value.problems]


def test_new_rows_are_added_and_audited(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Rows without an id become new listings, each with an 'import' audit entry; a backup is made first."""
    path = write_csv(tmp_path / "in.csv", [["", "养老服务", "测试助餐点", "138 0000 0001", "Mo-Fr 11:00-13:00"]])
    plan = plan_import(conn, path)
    assert plan.ok and plan.new == ["ce-shi-zhu-can-dian"]
    result = apply_import(conn, plan, actor="cli", now=NOW)
    assert result.backup is not None and list_backups(result.backup.parent)[-1].path == result.backup
    listing = get_listing(conn, "ce-shi-zhu-can-dian")
    assert listing is not None and listing.category_id == "elderly" and listing.phones[0].number == "13800000001"
    assert [e.action for e in listing_history(conn, "ce-shi-zhu-can-dian")] == ["import"]


def test_absent_columns_leave_fields_alone(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A file with only id, name, category and hours_1 changes the hours and nothing else."""
    before = get_listing(conn, "smart-elderly-care-12349")
    assert before is not None
    path = write_csv(tmp_path / "in.csv", [["smart-elderly-care-12349", "elderly", before.name, "Mo-Su 08:00-20:00"]],
                     header=["id", "category", "name", "hours_1"])
    import_path(conn, path, actor="t", now=NOW)
    after = get_listing(conn, "smart-elderly-care-12349")
    assert after is not None and after.hours[0].opening_hours == "Mo-Su 08:00-20:00"
    assert after.phones == before.phones and after.description == before.description


def test_dry_run_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """--dry-run reports what would change and writes nothing (no backup either)."""
    path = write_csv(tmp_path / "in.csv", [["", "health", "测试诊所", "0371-68000001", "Mo-Fr 08:00-17:00"]])
    before = content(conn)
    result = import_path(conn, path, actor="t", now=NOW, dry_run=True)
    assert not result.applied and result.plan.new == ["ce-shi-zhen-suo"]
    assert content(conn) == before


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8"])
def test_files_as_excel_and_wps_save_them_are_read(conn: sqlite3.Connection, tmp_path: Path, encoding: str) -> None:
    """Excel's default 'CSV' on Chinese Windows (GBK), 'Unicode 文本' (UTF-16) and UTF-8 without BOM import alike."""
    row = ["", "养老服务", "测试助餐点", "12349", "工作日 9:00-17:00，节假日休息"]
    path = write_csv(tmp_path / f"{encoding}.csv", [row], encoding=encoding)
    plan = plan_import(conn, path)
    assert plan.ok and plan.new == ["ce-shi-zhu-can-dian"], plan.problems
    assert plan.listings[0].listing.name == "测试助餐点"
    if encoding != "utf-8":
        assert any("编码读取" in w.message for w in plan.warnings)  # the dry run says how the file was read
    apply_import(conn, plan, actor="t", now=NOW)
    listing = get_listing(conn, "ce-shi-zhu-can-dian")
    assert listing is not None and listing.hours[0].opening_hours == "Mo-Fr 09:00-17:00; PH off"


def test_missing_column_is_named(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A file without the category column is refused naming that column."""
    path = write_csv(tmp_path / "in.csv", [["", "测试", "12349"]], header=["id", "name", "phone_1"])
    [problem] = refused(conn, path)
    assert "category" in problem and "缺少" in problem


def test_unknown_column_is_an_error(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A misspelt column is refused instead of being silently ignored."""
    path = write_csv(tmp_path / "in.csv", [["", "elderly", "测试", "12349"]],
                     header=["id", "category", "name", "phnoe_1"])
    [problem] = refused(conn, path)
    assert "phnoe_1" in problem and "不认识" in problem


def test_every_bad_row_is_reported_with_row_column_reason(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Bad phone, bad hours, unknown category, empty name and a duplicate id: one line each, spreadsheet rows."""
    path = write_csv(tmp_path / "in.csv", [
        ["t-1", "elderly", "测试一", "12", "Mo-Fr 08:00-17:00"],        # row 2: bad phone
        ["t-2", "elderly", "测试二", "12349", "Mo-Fr 25:00-26:00"],     # row 3: bad hours
        ["t-3", "没有这个类别", "测试三", "12349", ""],                  # row 4: unknown category
        ["t-4", "elderly", "", "12349", ""],                             # row 5: empty name
        ["t-1", "elderly", "测试五", "12349", ""],                       # row 6: duplicate id
        ["t-6", "elderly", "测试六", "0371-68000001", "Mo-Fr 08:00-17:00"],  # row 7: fine
    ])
    problems = refused(conn, path)
    assert len(problems) == 5
    expected = [("第 2 行", "phone_1", "不是有效的电话号码"), ("第 3 行", "hours_1", "Mo-Fr"),
                ("第 4 行", "category", "没有这个类别"), ("第 5 行", "name", "必填"),
                ("第 6 行", "id", "第 2 行重复")]
    for text, (row, column, reason) in zip(problems, expected, strict=True):
        assert row in text and column in text and reason in text, text


def test_ten_thousand_rows_with_one_bad_change_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """10 000 synthetic rows with one bad phone: refused whole, the one bad row reported, database unchanged."""
    rows = [[f"synthetic-{n}", "elderly", f"合成测试服务{n}", f"138{n:08d}", "Mo-Fr 08:30-17:30"]
            for n in range(10_000)]
    rows[7321][3] = "1380000"
    problems = refused(conn, write_csv(tmp_path / "big.csv", rows))
    assert len(problems) == 1
    assert "第 7323 行" in problems[0] and "phone_1" in problems[0]


def test_failure_midway_rolls_everything_back(conn: sqlite3.Connection, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing fails half way (a crash in the middle), the transaction leaves the database untouched."""
    import kiosk.core.exchange.transfer as transfer

    rows = [[f"synthetic-{n}", "elderly", f"合成测试服务{n}", "12349", ""] for n in range(20)]
    plan = plan_import(conn, write_csv(tmp_path / "in.csv", rows))
    before = content(conn)
    calls = {"n": 0}
    real = transfer.apply_listing

    def flaky(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("simulated crash")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(transfer, "apply_listing", flaky)
    with pytest.raises(RuntimeError):
        apply_import(conn, plan, actor="t", now=NOW)
    assert content(conn) == before


def test_restore_brings_back_the_state_before_an_import(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """The automatic backup taken before an import restores the exact earlier content."""
    before = content(conn)
    path = write_csv(tmp_path / "in.csv", [["", "elderly", "测试助餐点", "12349", ""]])
    result = import_path(conn, path, actor="t", now=NOW)
    assert result.backup is not None and content(conn) != before
    safety = restore_backup(conn, result.backup, now=NOW)
    assert content(conn) == before and safety.is_file()


def test_edited_spreadsheet_round_trip(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Export, change one phone in the sheet, import: exactly that listing changes."""
    out = tmp_path / "s.csv"
    export(conn, "csv", out)
    text = out.read_text(encoding="utf-8-sig")
    out.write_text(text.replace(",12349,", ",0371-68000009,", 1), encoding="utf-8-sig")
    plan = plan_import(conn, out)
    assert plan.ok and plan.changed == ["smart-elderly-care-12349"] and plan.new == []
    apply_import(conn, plan, actor="t", now=NOW)
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None and listing.phones[0].number == "0371-68000009"
