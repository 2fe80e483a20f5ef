"""``kiosk holidays``: add, list, import and remove on a database file, one-line errors, exit codes.

The notice files are synthetic test data written here (the 2027 notice is not published).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main

NOTICE = """\
2027-01-01 元旦 放假
2027-02-05 至 2027-02-11 春节 放假
2027-02-13 春节 上班
2027-04-05 清明节 放假
2027-05-01 至 2027-05-05 劳动节 放假
2027-06-09 端午节 放假
2027-09-15 中秋节 放假
2027-10-01 至 2027-10-07 国庆节 放假
"""
OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"


def test_add_needs_partial_then_list_shows_it(capsys: pytest.CaptureFixture[str], writable_db: Path) -> None:
    """add without --partial exits 2 with one line; with it the date is listed and the year is partial."""
    db = str(writable_db)
    assert main(["holidays", "add", "2027-10-05", "holiday", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--partial" in err
    assert main(["holidays", "add", "2027-10-05", "holiday", "--name", "国庆节", "--partial", "--db", db]) == 0
    capsys.readouterr()
    assert main(["holidays", "list", "--year", "2027", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2027: partially entered" in out and "2027-10-05 Tue 放假 国庆节" in out


def test_import_file_then_hours_use_it(capsys: pytest.CaptureFixture[str], writable_db: Path, tmp_path: Path) -> None:
    """import FILE marks 2027 complete and `kiosk hours` answers 2027-10-06 from it."""
    notice = tmp_path / "notice-2027.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    db = str(writable_db)
    assert main(["holidays", "import", str(notice), "--db", db]) == 0
    assert "published (complete)" in capsys.readouterr().out
    assert main(["hours", OFFICE, "--at", "2027-10-06T10:00", "--db", db]) == 0
    assert "国庆节休息" in capsys.readouterr().out
    assert main(["holidays", "remove", "2027-10-06", "--db", db]) == 0
    capsys.readouterr()
    assert main(["hours", OFFICE, "--at", "2027-10-06T10:00", "--db", db]) == 0
    assert "营业中" in capsys.readouterr().out  # complete year: a date not listed is an ordinary day


def test_import_bad_file_is_one_line_and_changes_nothing(capsys: pytest.CaptureFixture[str], writable_db: Path,
                                                         tmp_path: Path) -> None:
    """A bad line stops the import (exit 2, the line named); a missing file is one line too."""
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE + "2027-13-01 放假\n", encoding="utf-8")
    db = str(writable_db)
    assert main(["holidays", "import", str(notice), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 9" in err and "2027-13-01" in err
    assert main(["holidays", "list", "--year", "2027", "--db", db]) == 0
    assert "not published" in capsys.readouterr().out
    assert main(["holidays", "import", str(tmp_path / "missing.txt"), "--db", db]) == 2
    assert "no such file" in capsys.readouterr().err
