"""Database safety: WAL, the check at start, recovery of a damaged or missing runtime database, the notice."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db.backup import backup_database, list_backups
from kiosk.core.db.recovery import (
    NOTICE_KEY,
    check_database_file,
    clear_recovery_notice,
    recover_if_needed,
    recovery_notice,
)
from kiosk.core.db.runtime import open_runtime_database, runtime_db_path
from kiosk.core.errors import DatabaseError
from kiosk.core.workers import feedback
from tests.helpers.worker import NOW


def _damage_pages(path: Path) -> None:
    """Overwrite pages in the middle of a database with junk, leaving its header intact."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page
    assert pages > 6
    for n in range(2, pages - 1, 2):
        data[n * page:(n + 1) * page] = bytes((i * 37 + n) % 251 for i in range(page))
    path.write_bytes(bytes(data))


def _runtime_with_feedback(seed_db_path: Path, data: Path) -> sqlite3.Connection:
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    feedback.add_feedback(conn, "library-branches", "closed", NOW)
    return conn


def test_runtime_database_uses_wal_with_full_sync(seed_db_path: Path, tmp_path: Path) -> None:
    """The runtime connection writes ahead to a log and syncs each commit; no notice on a normal start."""
    conn = open_runtime_database(tmp_path / "data", seed_db_path, now=NOW)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert recovery_notice(conn) is None


def test_sound_file_is_left_alone(writable_db: Path) -> None:
    """A sound database passes the check and recovery does nothing."""
    before = writable_db.read_bytes()
    assert check_database_file(writable_db) is None
    assert recover_if_needed(writable_db, now=NOW) is None
    assert writable_db.read_bytes() == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "pages", "empty", "foreign"])
def test_damage_is_detected(writable_db: Path, damage: str) -> None:
    """Junk, a cut-off file, overwritten pages, an empty file and a non-kiosk database all fail the check."""
    if damage == "garbage":
        writable_db.write_bytes(b"not a database at all " * 400)
    elif damage == "truncated":
        data = writable_db.read_bytes()
        writable_db.write_bytes(data[: len(data) // 3])
    elif damage == "pages":
        _damage_pages(writable_db)
    elif damage == "empty":
        writable_db.write_bytes(b"")
    else:
        writable_db.unlink()
        other = sqlite3.connect(writable_db)
        other.execute("CREATE TABLE notes(x)")
        other.close()
    reason = check_database_file(writable_db)
    assert reason is not None and reason.strip()


def test_damaged_database_is_moved_aside_and_restored_from_backup(seed_db_path: Path, tmp_path: Path) -> None:
    """Damaged pages: the file is kept as kiosk.db.damaged-1, the backup's state returns, workers get a notice."""
    data = tmp_path / "data"
    conn = _runtime_with_feedback(seed_db_path, data)
    backup_database(conn, "nightly", now=NOW)
    conn.close()
    path = runtime_db_path(data)
    _damage_pages(path)
    damaged_bytes = path.read_bytes()

    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert (data / "kiosk.db.damaged-1").read_bytes() == damaged_bytes
    assert feedback.count_open(conn) == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    notice = recovery_notice(conn)
    assert notice is not None and "0001-" in notice and "kiosk.db.damaged-1" in notice
    clear_recovery_notice(conn)
    assert recovery_notice(conn) is None


def test_a_damaged_newest_backup_is_skipped(seed_db_path: Path, tmp_path: Path) -> None:
    """The newest backup that passes the check is used; a broken newer one is passed over."""
    data = tmp_path / "data"
    conn = _runtime_with_feedback(seed_db_path, data)
    good = backup_database(conn, "good", now=NOW)
    bad = backup_database(conn, "bad", now=NOW)
    conn.close()
    bad.write_bytes(b"junk" * 1000)
    runtime_db_path(data).write_bytes(b"junk" * 1000)
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert feedback.count_open(conn) == 1
    notice = recovery_notice(conn)
    assert notice is not None and good.name in notice and bad.name not in notice


def test_no_backup_means_a_fresh_bundled_copy_and_a_notice(seed_db_path: Path, tmp_path: Path) -> None:
    """Without any backup the bundled content comes back and the notice says edits must be re-entered."""
    data = tmp_path / "data"
    data.mkdir()
    runtime_db_path(data).write_bytes(b"\0" * 8192)
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] > 10
    notice = recovery_notice(conn)
    assert notice is not None and "bundled" in notice


def test_each_recovery_keeps_its_own_damaged_copy(seed_db_path: Path, tmp_path: Path) -> None:
    """Two recoveries in a row leave damaged-1 and damaged-2; nothing is ever deleted."""
    data = tmp_path / "data"
    for _ in range(2):
        open_runtime_database(data, seed_db_path, now=NOW).close()
        runtime_db_path(data).write_bytes(b"broken" * 700)
    open_runtime_database(data, seed_db_path, now=NOW).close()
    assert (data / "kiosk.db.damaged-1").is_file() and (data / "kiosk.db.damaged-2").is_file()


def test_missing_database_with_backups_is_restored(seed_db_path: Path, tmp_path: Path) -> None:
    """A runtime file deleted by mistake comes back from the newest backup, with a notice."""
    data = tmp_path / "data"
    conn = _runtime_with_feedback(seed_db_path, data)
    backup_database(conn, "nightly", now=NOW)
    conn.close()
    runtime_db_path(data).unlink()
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert feedback.count_open(conn) == 1
    notice = recovery_notice(conn)
    assert notice is not None and "missing" in notice


def test_first_start_is_not_a_recovery(seed_db_path: Path, tmp_path: Path) -> None:
    """No file and no backups: a plain first start, no notice."""
    conn = open_runtime_database(tmp_path / "data", seed_db_path, now=NOW)
    assert conn.execute("SELECT value FROM meta WHERE key = ?", (NOTICE_KEY,)).fetchone() is None


def test_leftover_write_ahead_log_is_not_damage(seed_db_path: Path, tmp_path: Path) -> None:
    """A -wal file left by a process that died is replayed, not mistaken for damage (changes kept)."""
    data = tmp_path / "data"
    conn = _runtime_with_feedback(seed_db_path, data)
    path = runtime_db_path(data)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    feedback.add_feedback(conn, "library-branches", "wrong_phone", NOW)
    snapshot_dir = tmp_path / "crashed"
    snapshot_dir.mkdir()
    for suffix in ("", "-wal", "-shm"):  # copy the files as a crash would leave them
        shutil.copyfile(path.with_name(path.name + suffix), snapshot_dir / f"kiosk.db{suffix}")
    conn.close()
    assert (snapshot_dir / "kiosk.db-wal").stat().st_size > 0
    assert check_database_file(snapshot_dir / "kiosk.db") is None
    reopened = open_runtime_database(snapshot_dir, seed_db_path, now=NOW)
    assert feedback.count_open(reopened) == 2
    assert not list(snapshot_dir.glob("kiosk.db.damaged-*"))


def test_locked_database_is_not_moved_aside(writable_db: Path) -> None:
    """A database another program holds locked is reported, never treated as damaged."""
    holder = sqlite3.connect(writable_db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="another program"):
            check_database_file(writable_db, timeout=0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert check_database_file(writable_db) is None


def test_a_notice_that_is_not_json_still_reads(writable_db: Path) -> None:
    """A hand-edited or truncated notice row still gives a message rather than an error."""
    conn = sqlite3.connect(writable_db, isolation_level=None)
    conn.execute("INSERT INTO meta(key, value) VALUES (?, '{broken')", (NOTICE_KEY,))
    notice = recovery_notice(conn)
    assert notice is not None and "recovered" in notice
    assert list_backups(writable_db.parent / "backups") == []
