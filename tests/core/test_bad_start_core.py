"""Bad start states in the core: symlinked runtime database, a database from a newer program, unusable paths.

(The read-only data folder needs a process without root's override rights: tests/test_bad_start.py.)
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db import migrations
from kiosk.core.db.migrations import NewerDatabaseError
from kiosk.core.db.runtime import (
    LinkTargetMissing,
    ReadOnlyConnection,
    open_kiosk_database,
    open_runtime_database,
    read_only_reason,
)
from kiosk.core.listings.editing import PhoneEntry, get_listing, save_listing, snapshot
from kiosk.core.terminal.config import config_from_mapping
from kiosk.core.terminal.paths import PathError, default_data_dir
from kiosk.core.workers import auth
from tests.core.test_runtime import _newer_build
from tests.helpers.worker import NOW

EDITED = "smart-elderly-care-12349"


def _edit_and_set_pin(conn: sqlite3.Connection) -> dict[str, object]:
    listing = get_listing(conn, EDITED)
    assert listing is not None
    listing.phones.append(PhoneEntry("0371-68000003", description="测试：工作人员添加"))
    save_listing(conn, listing, actor="admin-test", now=NOW)
    auth.set_pin(conn, "258013", now=NOW)
    edited = snapshot(conn, EDITED)
    assert edited is not None
    return edited


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _newer_schema_copy(seed_db_path: Path, target: Path, *, usable: bool) -> Path:
    """A runtime database as a newer program would leave it (test data): a higher user_version and either
    an added column (still readable) or a renamed one (not readable by this program)."""
    target.write_bytes(seed_db_path.read_bytes())
    conn = sqlite3.connect(target)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 4}")
    if usable:
        conn.execute("ALTER TABLE services ADD COLUMN added_by_a_newer_program TEXT")
    else:
        conn.execute("ALTER TABLE services RENAME COLUMN name TO title")
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('program_version', '9.9.0')")
    conn.commit()
    conn.close()
    return target


def test_symlinked_runtime_database_is_followed_and_kept_through_restart_and_content_update(
        seed_db_path: Path, tmp_path: Path) -> None:
    """kiosk.db as a link: the target gets the worker's edit and the PIN; a restart and a newer bundled build
    (merge) keep the link, the edit and the PIN."""
    data, elsewhere = tmp_path / "data", tmp_path / "disk"
    data.mkdir()
    elsewhere.mkdir()
    target = elsewhere / "terminal.db"
    target.write_bytes(seed_db_path.read_bytes())
    link = data / "kiosk.db"
    link.symlink_to(target)
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    edited = _edit_and_set_pin(conn)
    conn.close()
    conn = open_runtime_database(data, seed_db_path, now=NOW)  # a restart
    assert auth.pin_is_set(conn) and snapshot(conn, EDITED) == edited
    conn.close()
    newer = _newer_build(seed_db_path, tmp_path / "newer.db")
    conn = open_runtime_database(data, newer, now=NOW)  # a content update
    assert conn.execute("SELECT description FROM services WHERE id = 'library-branches'").fetchone()[0] \
        == "新版种子描述（测试）"
    assert auth.pin_is_set(conn) and snapshot(conn, EDITED) == edited
    conn.close()
    assert link.is_symlink() and link.resolve() == target.resolve()
    check = sqlite3.connect(target)
    assert check.execute("SELECT COUNT(*) FROM auth_state WHERE key = 'pin'").fetchone()[0] == 1
    check.close()


def test_link_to_a_missing_file_is_refused_and_never_replaced(seed_db_path: Path, tmp_path: Path) -> None:
    """A link whose target is gone (a disk not mounted) is refused with a message; the link stays, nothing is
    created; the kiosk shows the bundled data read-only and says why."""
    data = tmp_path / "data"
    data.mkdir()
    target = tmp_path / "unmounted" / "terminal.db"
    link = data / "kiosk.db"
    link.symlink_to(target)
    with pytest.raises(LinkTargetMissing, match="mount the disk"):
        open_runtime_database(data, seed_db_path, now=NOW)
    conn = open_kiosk_database(data, seed_db_path, now=NOW)
    reason = read_only_reason(conn)
    assert reason is not None and "link" in reason and "bundled" in reason
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] > 0
    conn.close()
    assert link.is_symlink() and not target.exists() and sorted(p.name for p in data.iterdir()) == ["kiosk.db"]


def test_newer_database_is_refused_for_writing_and_left_byte_for_byte(seed_db_path: Path, tmp_path: Path) -> None:
    """A database from a newer program is never migrated down or overwritten; the message says which version
    wrote it and that `kiosk restore` is the other way out."""
    data = tmp_path / "data"
    data.mkdir()
    path = _newer_schema_copy(seed_db_path, data / "kiosk.db", usable=True)
    before = _digest(path)
    with pytest.raises(NewerDatabaseError, match=rf"schema version {migrations.SCHEMA_VERSION + 4}.*kiosk 9\.9\.0"
                       r".*≥ 9\.9\.0.*kiosk restore"):
        open_runtime_database(data, seed_db_path, now=NOW)
    assert _digest(path) == before and sorted(p.name for p in data.iterdir()) == ["kiosk.db"]


def test_newer_database_that_only_added_things_is_shown_read_only(seed_db_path: Path, tmp_path: Path) -> None:
    """A newer database whose schema still has every table and column this program reads is shown as it is,
    read-only: a write fails, the file keeps its bytes."""
    data = tmp_path / "data"
    data.mkdir()
    path = _newer_schema_copy(seed_db_path, data / "kiosk.db", usable=True)
    before = _digest(path)
    conn = open_kiosk_database(data, seed_db_path, now=NOW)
    assert isinstance(conn, ReadOnlyConnection) and conn.source == path
    assert "newer" in (read_only_reason(conn) or "")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO feedback(kind, created_at) VALUES ('other', '2026-03-02')")
    conn.close()
    assert _digest(path) == before


def test_newer_database_this_program_cannot_read_gives_the_bundled_data(seed_db_path: Path, tmp_path: Path) -> None:
    """A newer database that renamed a column this program reads: the bundled data is shown read-only instead."""
    data = tmp_path / "data"
    data.mkdir()
    path = _newer_schema_copy(seed_db_path, data / "kiosk.db", usable=False)
    before = _digest(path)
    conn = open_kiosk_database(data, seed_db_path, now=NOW)
    assert isinstance(conn, ReadOnlyConnection) and conn.source == seed_db_path
    assert "bundled" in (read_only_reason(conn) or "")
    assert conn.execute("SELECT COUNT(*) FROM services WHERE name IS NOT NULL").fetchone()[0] > 0
    conn.close()
    assert _digest(path) == before


def test_unknown_user_in_a_path_setting_is_reported_not_raised_at_load(tmp_path: Path) -> None:
    """`~nosuchuser/…` loads (so `kiosk run` can go on), is listed by path_problems, and raises a one-line
    PathError only where the path is used; without() puts the setting back to its default."""
    config = config_from_mapping({"database": "~nosuchuser-kiosk-test/kiosk.db", "log_dir": "logs"},
                                 base=tmp_path)
    problems = config.path_problems()
    assert list(problems) == ["database"] and "no user 'nosuchuser-kiosk-test'" in problems["database"]
    with pytest.raises(PathError, match="write the full path") as info:
        config.database_path(tmp_path)
    assert "\n" not in str(info.value)
    assert config.log_path(tmp_path) == tmp_path / "logs"
    assert config.without(problems).database_path(tmp_path) == tmp_path / "kiosk.db"


def test_unknown_user_in_the_data_dir_variable_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """KIOSK_DATA_DIR=~nosuchuser/… raises a PathError naming the variable, not a RuntimeError."""
    monkeypatch.setenv("KIOSK_DATA_DIR", "~nosuchuser-kiosk-test/data")
    with pytest.raises(PathError, match="KIOSK_DATA_DIR: cannot expand"):
        default_data_dir()


def test_restore_brings_a_rolled_back_terminal_back_to_a_backup_and_keeps_the_newer_state(
        seed_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk restore` over a database from a newer program: the older backup comes back (this program's
    schema, the edit made before it), and the newer database is kept as the safety backup."""
    from kiosk.cli import main
    from kiosk.core.db.backup import backup_database, list_backups

    data = default_data_dir()  # the conftest's private data directory
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    edited = _edit_and_set_pin(conn)
    backup_database(conn, "manual", now=NOW)
    conn.close()
    _newer_schema_copy(seed_db_path, data / "kiosk.db", usable=False)  # the newer program's file replaces it
    assert main(["restore", "--whole", "--yes"]) == 0, capsys.readouterr().err
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert migrations.schema_version(conn) == migrations.SCHEMA_VERSION and snapshot(conn, EDITED) == edited
    conn.close()
    safety = [b.path for b in list_backups(data / "backups") if b.label.endswith("before-restore")]
    kept = sqlite3.connect(safety[-1])
    assert kept.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION + 4
    kept.close()


def test_config_check_names_an_unusable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk config --check` fails in one line on a path under an unknown user (it loads, but cannot be used)."""
    from kiosk.cli import main

    path = tmp_path / "kiosk.toml"
    path.write_text('content_inbox = "~nosuchuser-kiosk-test/inbox"\n', encoding="utf-8")
    assert main(["config", "--check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "content_inbox: cannot expand" in err


def test_damaged_link_target_is_recovered_in_its_own_folder_and_the_link_kept(seed_db_path: Path,
                                                                              tmp_path: Path) -> None:
    """A damaged file behind the link is moved aside next to itself and restored from its backup; the link stays."""
    from kiosk.core.db.backup import backup_database

    data, disk = tmp_path / "data", tmp_path / "disk"
    data.mkdir()
    disk.mkdir()
    target = disk / "terminal.db"
    target.write_bytes(seed_db_path.read_bytes())
    (data / "kiosk.db").symlink_to(target)
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    auth.set_pin(conn, "258013", now=NOW)
    backup_database(conn, "manual", now=NOW)
    conn.close()
    target.write_bytes(b"this is not a database (test)" * 500)
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert auth.pin_is_set(conn)
    conn.close()
    assert (data / "kiosk.db").is_symlink() and (disk / "terminal.db.damaged-1").is_file()
