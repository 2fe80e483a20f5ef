"""The worker commands: --db, the runtime database by default, one-line errors and exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import runtime_db_path
from tests.helpers.worker import content


def _one_line_error(err: str) -> bool:
    return "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_export_import_round_trip_on_db(writable_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk export` then `kiosk import --dry-run` and `kiosk import` on --db: nothing changes."""
    before = content(connect(writable_db))
    assert main(["export", "--format", "csv", str(tmp_path / "s.csv"), "--db", str(writable_db)]) == 0
    assert main(["import", str(tmp_path / "s.csv"), "--dry-run", "--db", str(writable_db)]) == 0
    assert "0 changed" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "s.csv"), "--db", str(writable_db)]) == 0
    assert content(connect(writable_db)) == before


def test_bad_import_lists_rows_and_exits_2(writable_db: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A bad file: each problem on stdout with row and column, one line on stderr, exit 2, nothing changed."""
    bad = tmp_path / "bad.csv"
    bad.write_text("id,category,name,phone_1\n,elderly,测试,12\n,nope,测试二,12349\n", encoding="utf-8")
    before = content(connect(writable_db))
    assert main(["import", str(bad), "--db", str(writable_db)]) == 2
    captured = capsys.readouterr()
    assert "第 2 行" in captured.out and "phone_1" in captured.out and "第 3 行" in captured.out
    assert _one_line_error(captured.err) and "nothing was changed" in captured.err
    assert content(connect(writable_db)) == before


def test_commands_default_to_the_runtime_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Without --db, `kiosk export` creates and uses the runtime database in the data directory."""
    data = tmp_path / "data-dir"  # the conftest points KIOSK_DATA_DIR here
    assert main(["export", "--format", "hsds", str(tmp_path / "pkg")]) == 0
    assert runtime_db_path(data).is_file() and (tmp_path / "pkg" / "datapackage.json").is_file()


def test_set_pin_from_stdin_then_wrong_pin_is_refused(writable_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk set-pin --pin-stdin` stores a PIN; a weak one exits 1 with a one-line reason."""
    from kiosk.core.workers import auth

    monkeypatch.setattr("sys.stdin", io.StringIO("258013\n"))
    assert main(["set-pin", "--pin-stdin", "--db", str(writable_db)]) == 0
    assert auth.pin_is_set(connect(writable_db))
    monkeypatch.setattr("sys.stdin", io.StringIO("1111\n"))
    assert main(["set-pin", "--pin-stdin", "--db", str(writable_db)]) == 1
    assert _one_line_error(capsys.readouterr().err)


def test_backup_and_restore(writable_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk backup`, a listing retired and a feedback entry, then `kiosk restore` (newest backup): the listing is
    back as in the backup, the feedback entry is kept."""
    from kiosk.core.listings.editing import retire_listing, snapshot
    from kiosk.core.workers import feedback
    from tests.helpers.worker import NOW

    assert main(["backup", "--db", str(writable_db)]) == 0
    listing = snapshot(connect(writable_db), "library-branches")
    retire_listing(connect(writable_db), "library-branches", actor="t", now=NOW)
    feedback.add_feedback(connect(writable_db), "library-branches", "closed", NOW)
    assert main(["restore", "--db", str(writable_db)]) == 0
    assert snapshot(connect(writable_db), "library-branches") == listing
    assert len(feedback.list_feedback(connect(writable_db), None)) == 1
    assert main(["restore", "--list", "--db", str(writable_db)]) == 0
    assert "before-restore" in capsys.readouterr().out


def test_restore_without_backups_is_one_line_error(writable_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing to restore: exit 1 and one line saying so."""
    assert main(["restore", "--db", str(writable_db)]) == 1
    err = capsys.readouterr().err
    assert "no backup" in err and _one_line_error(err)


def test_missing_db_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--db naming a missing file: exit 1, one line, and no file is created."""
    for command in (["export", str(tmp_path / "o.csv")], ["import", str(tmp_path / "o.csv")], ["feedback"],
                    ["report"], ["backup"], ["history", "x"]):
        assert main([*command, "--db", str(tmp_path / "none.db")]) == 1
        assert _one_line_error(capsys.readouterr().err)
    assert not (tmp_path / "none.db").exists()


def test_history_and_undo(writable_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An imported change shows in `kiosk history` and `kiosk undo N` puts the listing back."""
    before = content(connect(writable_db))
    sheet = tmp_path / "in.csv"
    sheet.write_text("id,category,name,hours_1\nlibrary-branches,culture,图书分馆,Mo-Su 09:00-17:00\n",
                     encoding="utf-8-sig")
    assert main(["import", str(sheet), "--db", str(writable_db)]) == 0
    capsys.readouterr()
    assert main(["history", "library-branches", "--db", str(writable_db)]) == 0
    out = capsys.readouterr().out
    assert "import" in out and "营业时间" in out and "Mo-Su 09:00-17:00" in out
    entry = int(out.split()[0].lstrip("#"))
    assert main(["undo", str(entry), "--db", str(writable_db)]) == 0
    after = [line for line in content(connect(writable_db)) if '"table": "audit_log"' not in line]
    assert after == [line for line in before if '"table": "audit_log"' not in line]
    assert main(["undo", str(entry), "--db", str(writable_db)]) == 1


def test_feedback_and_report_commands(writable_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk feedback` lists open items, --done closes one; `kiosk report` prints the sections."""
    from kiosk.core.workers import feedback
    from tests.helpers.worker import NOW

    item = feedback.add_feedback(connect(writable_db), "library-branches", "wrong_address", NOW)
    assert main(["feedback", "--db", str(writable_db)]) == 0
    assert "地址不对" in capsys.readouterr().out
    assert main(["feedback", "--done", str(item), "--db", str(writable_db)]) == 0
    assert main(["feedback", "--db", str(writable_db)]) == 0
    assert "no open feedback" in capsys.readouterr().out
    assert main(["report", "--days", "7", "--end", "2026-03-08", "--db", str(writable_db)]) == 0
    assert "Searches with no results" in capsys.readouterr().out
