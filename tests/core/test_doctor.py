"""`kiosk doctor` checks without Qt: config, databases, write access, font file, handwriting, inbox."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.exchange.bundle import export_bundle
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.health import (
    OK,
    PROBLEM,
    WARN,
    Check,
    check_config,
    check_database,
    check_font_file,
    check_handwriting,
    check_inbox,
    check_writable,
    guarded,
    summary,
)
from kiosk.core.terminal.paths import resources_dir


def test_config_absent_bad_and_good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No file is OK (defaults); a bad value is a PROBLEM naming it; a good file is OK."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    check, config = check_config(tmp_path)
    assert check.status == OK and "defaults" in check.detail and config == Config()
    (tmp_path / "config.toml").write_text("idle_timeout_s = 1\n", encoding="utf-8")
    check, _ = check_config(tmp_path)
    assert check.status == PROBLEM and "idle_timeout_s" in check.detail and "--check" in check.fix
    (tmp_path / "config.toml").write_text('terminal_id = "hall-2"\n', encoding="utf-8")
    check, config = check_config(tmp_path)
    assert check.status == OK and config.terminal_id == "hall-2"


def test_database_states(tmp_path: Path, seed_db_path: Path) -> None:
    """A sound database is OK; missing, corrupt, empty or too-new ones are PROBLEMs (runtime may be absent)."""
    good = check_database(seed_db_path, role="bundled")
    assert good.status == OK and "quick_check ok" in good.detail
    assert check_database(tmp_path / "none.db", role="bundled").status == PROBLEM
    assert check_database(tmp_path / "none.db", role="runtime", required=False).status == OK
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 500)
    assert check_database(bad, role="runtime").status == PROBLEM
    newer = tmp_path / "newer.db"
    newer.write_bytes(seed_db_path.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    check = check_database(newer, role="runtime")
    assert check.status == PROBLEM and "newer" in check.detail
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    assert "not a kiosk database" in check_database(other, role="runtime").detail


def test_writable_and_not(tmp_path: Path) -> None:
    """A folder that can be created is OK; one under a plain file is a PROBLEM with a fix."""
    assert check_writable(tmp_path / "new" / "dir").status == OK
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    check = check_writable(blocker / "data")
    assert check.status == PROBLEM and check.fix


def test_font_file(tmp_path: Path) -> None:
    """The repository's bundled font is found; an empty resources folder is a PROBLEM."""
    assert check_font_file(resources_dir()).status == OK
    assert check_font_file(tmp_path).status == PROBLEM


def test_handwriting_lines() -> None:
    """diagnose() 'ok: …' is OK; 'unavailable: …' is a WARN with the Debian packages to install."""
    assert check_handwriting(lambda: "ok: Zinnia 0.06").status == OK
    check = check_handwriting(lambda: "unavailable: no model")
    assert check.status == WARN and "no model" in check.detail and "tegaki" in check.fix


def test_inbox(tmp_path: Path, seed_db_path: Path) -> None:
    """Inbox off is OK; a missing folder is a PROBLEM; a damaged file among bundles is a WARN."""
    assert check_inbox(Config(), None).status == OK
    assert check_inbox(Config(content_inbox=str(tmp_path / "gone")), None).status == PROBLEM
    inbox = tmp_path / "inbox"
    export_bundle(seed_db_path, inbox / "content-v3.zip", version=3)
    check = check_inbox(Config(content_inbox=str(inbox)), None)
    assert check.status == OK and "newest v3" in check.detail
    (inbox / "broken.zip").write_bytes(b"PK")
    assert check_inbox(Config(content_inbox=str(inbox)), 3).status == WARN


def test_guarded_turns_a_crash_into_a_problem() -> None:
    """A check that raises becomes a PROBLEM line, and summary counts it."""
    def boom() -> Check:
        raise ValueError("surprise")

    check = guarded("speech", boom)
    assert check.status == PROBLEM and "surprise" in check.detail
    assert summary([check, Check("x", WARN, "w"), Check("y", OK, "o")]) == (1, 1)
