"""Restores that lose nothing: the listings come back from the backup, the terminal's own records stay;
the restore is recorded and can be undone; a whole restore says what it loses; backups per database.

Every listing, PIN and holiday made here is synthetic test data (测试 = test).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.core.db import migrations
from kiosk.core.db.backup import (
    BackupError,
    backup_database,
    backups_dir,
    database_id,
    latest_backup,
    list_backups,
)
from kiosk.core.db.connection import connect
from kiosk.core.db.recovery import recover_if_needed
from kiosk.core.db.restore import (
    CONTENT_TABLES,
    DERIVED_TABLES,
    TERMINAL_TABLES,
    RestoreUndoRefused,
    content_rows,
    restore_content,
    undo_restore,
    whole_restore_losses,
)
from kiosk.core.hours import holiday_store
from kiosk.core.listings import audit
from kiosk.core.listings.editing import PhoneEntry, get_listing, save_listing, snapshot
from kiosk.core.search.ranking import record_miss, search
from kiosk.core.terminal.paths import app_root
from kiosk.core.workers import auth, feedback, usage
from tests.helpers.schema import downgrade
from tests.helpers.worker import NOW, synthetic_listing

EDITED = "smart-elderly-care-12349"
PIN = "258013"
LATER = NOW + timedelta(hours=2)


def test_every_table_of_the_schema_is_content_terminal_or_derived() -> None:
    """A new table must be sorted into what a restore brings back, keeps, or rebuilds (else it would be lost)."""
    sorted_tables = [*CONTENT_TABLES, *TERMINAL_TABLES, *DERIVED_TABLES, "meta"]
    assert len(sorted_tables) == len(set(sorted_tables))
    assert set(migrations.expected_columns()) == set(sorted_tables)


def _terminal_records(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    tables = ("feedback", "usage_counts", "search_misses", "auth_state", "worker_holidays", "worker_holiday_years")
    return {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}")) for t in tables}


def _work_after_the_backup(conn: sqlite3.Connection) -> str:
    """An edited listing, a new listing with feedback about it, usage, a miss, a PIN, a holiday; the new id."""
    listing = get_listing(conn, EDITED)
    assert listing is not None
    listing.phones[0] = PhoneEntry("0371-68000002", "voice", "测试电话")
    save_listing(conn, listing, actor="admin-test", now=LATER)
    new_id = save_listing(conn, synthetic_listing(), actor="admin-test", now=LATER).service_id
    feedback.add_feedback(conn, new_id, "closed", LATER)
    feedback.add_feedback(conn, EDITED, "wrong_phone", LATER)
    usage.record_view(conn, "service", EDITED, LATER)
    record_miss(conn, "测试没有结果的搜索", LATER.date())
    auth.set_pin(conn, PIN, now=LATER)
    holiday_store.add_day(conn, date(2026, 10, 9), "holiday", name="测试假日", partial=True, actor="admin-test",
                          now=LATER)
    return new_id


def test_restore_brings_the_listings_back_and_keeps_feedback_usage_misses_history_pin_and_holidays(
        conn: sqlite3.Connection) -> None:
    """Everything the terminal recorded after the backup survives; the listings are exactly the backup's."""
    backup = backup_database(conn, "manual", now=NOW)
    listings_then = {sid: snapshot(conn, sid) for (sid,) in conn.execute("SELECT id FROM services")}
    new_id = _work_after_the_backup(conn)
    kept = _terminal_records(conn)
    history = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    result = restore_content(conn, backup, actor="admin-restorer", now=LATER)
    assert {sid: snapshot(conn, sid) for (sid,) in conn.execute("SELECT id FROM services")} == listings_then
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == history + 1
    assert _terminal_records(conn) == kept and auth.check_pin(conn, PIN, now=LATER).ok
    entry = audit.get_entry(conn, result.audit_id)
    assert entry is not None and entry.actor == "admin-restorer" and entry.action == "restore"
    assert entry.after["safety_backup"] == str(result.safety) and result.safety.is_file()
    assert result.listings_changed == 2 and result.orphan_feedback == 1
    assert not any(hit.id == new_id for hit in search(conn, "测试老年食堂"))  # the index follows the content
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_feedback_about_a_listing_the_backup_lacks_is_kept_and_still_usable(conn: sqlite3.Connection) -> None:
    """Feedback naming a listing gone after the restore stays listed (without a name) and can be marked done."""
    backup = backup_database(conn, "manual", now=NOW)
    new_id = save_listing(conn, synthetic_listing(), actor="t", now=LATER).service_id
    item = feedback.add_feedback(conn, new_id, "closed", LATER)
    restore_content(conn, backup, actor="t", now=LATER)
    listed = [f for f in feedback.list_feedback(conn, None) if f.id == item]
    assert listed and listed[0].service_id == new_id and listed[0].service_name is None
    feedback.mark_done(conn, item, now=LATER, actor="t")
    assert feedback.list_feedback(conn, "done")[0].id == item


def test_undo_of_a_restore_puts_back_the_listings_it_replaced(conn: sqlite3.Connection) -> None:
    """`undo_restore` brings back the exact content from before the restore, once, and is recorded."""
    backup = backup_database(conn, "manual", now=NOW)
    _work_after_the_backup(conn)
    before = content_rows(conn)
    result = restore_content(conn, backup, actor="t", now=LATER)
    assert content_rows(conn) != before
    undo_id = undo_restore(conn, result.audit_id, actor="t2", now=LATER)
    assert content_rows(conn) == before
    entry = audit.get_entry(conn, result.audit_id)
    assert entry is not None and entry.undone_by == undo_id
    with pytest.raises(RestoreUndoRefused, match="already undone"):
        undo_restore(conn, result.audit_id, actor="t", now=LATER)


def test_undo_of_a_restore_is_refused_after_a_newer_listing_change(conn: sqlite3.Connection) -> None:
    """A listing edited after the restore blocks its undo with a one-line reason; nothing changes."""
    backup = backup_database(conn, "manual", now=NOW)
    result = restore_content(conn, backup, actor="t", now=LATER)
    listing = get_listing(conn, EDITED)
    assert listing is not None
    listing.phones[0] = PhoneEntry("0371-68000003", "voice", "测试电话")
    save_listing(conn, listing, actor="t", now=LATER)
    now_content = content_rows(conn)
    with pytest.raises(RestoreUndoRefused, match="changed after restore") as caught:
        undo_restore(conn, result.audit_id, actor="t", now=LATER)
    assert "\n" not in str(caught.value) and content_rows(conn) == now_content


def test_a_failing_restore_changes_nothing(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """The restore is one transaction: when the index rebuild fails, listings and history are as before."""
    from kiosk.core.listings import editing

    backup = backup_database(conn, "manual", now=NOW)
    _work_after_the_backup(conn)
    before, history = content_rows(conn), conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    def broken(_conn: sqlite3.Connection, _ids: object) -> None:
        raise sqlite3.OperationalError("disk I/O error (test)")

    monkeypatch.setattr(editing, "reindex", broken)
    with pytest.raises(BackupError, match="nothing was changed"):
        restore_content(conn, backup, actor="t", now=LATER)
    assert content_rows(conn) == before
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == history


def test_whole_restore_summary_counts_what_would_be_lost(conn: sqlite3.Connection) -> None:
    """The summary of a whole restore names the feedback, history, usage days, misses, PIN and holidays."""
    backup = backup_database(conn, "manual", now=NOW)
    _work_after_the_backup(conn)
    loss = whole_restore_losses(conn, backup)
    assert (loss.feedback, loss.usage_days, loss.search_miss_days, loss.holidays) == (2, 1, 1, 1)
    assert loss.pin_changed and loss.history >= 3 and loss.listings == 2
    text = "\n".join(loss.lines())
    assert "2 feedback entries" in text and "PIN" in text


def test_backups_are_named_listed_and_cleaned_per_database(seed_db_path: Path, tmp_path: Path) -> None:
    """Two databases in one folder: names carry each one's identity, each lists (and rotates) only its own
    backups plus the old-style ones, and a backup of the other is refused unless forced."""
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copyfile(seed_db_path, a_path)
    shutil.copyfile(seed_db_path, b_path)
    a, b = connect(a_path), connect(b_path)
    a_backup = backup_database(a, "manual", now=NOW)
    old_style = backups_dir(a_path) / "0001-20250101-000000-manual.db"  # a backup from before the identity
    shutil.copyfile(a_backup, old_style)
    for n in range(3):
        backup_database(b, f"nightly-{n}", now=NOW, keep=2)
    a_id, b_id = database_id(a), database_id(b)
    assert a_id and b_id and a_id != b_id and a_backup.name.endswith(f".a-{a_id}.db")
    folder = backups_dir(a_path)
    assert {i.path for i in list_backups(folder, database=a_id)} == {a_backup, old_style}
    assert [i.label for i in list_backups(folder, database=b_id)] == [
        "20250101-000000-manual", "20260302-093000-nightly-1", "20260302-093000-nightly-2"]
    assert a_backup.is_file()  # b's clean-up never removes a's backups
    latest = latest_backup(folder, database=a_id)
    assert latest == a_backup
    with pytest.raises(BackupError, match="another database"):
        restore_content(b, a_backup, actor="t", now=LATER)
    restore_content(b, a_backup, actor="t", now=LATER, force=True)
    assert database_id(b) == b_id
    a.close()
    b.close()


def test_recovery_of_a_damaged_database_takes_its_own_backup(seed_db_path: Path, tmp_path: Path) -> None:
    """A damaged file is replaced by its own newest backup, not by a newer one of another database."""
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copyfile(seed_db_path, a_path)
    shutil.copyfile(seed_db_path, b_path)
    a = connect(a_path)
    backup_database(a, "manual", now=NOW)
    a_id = database_id(a)
    a.close()
    b = connect(b_path)
    backup_database(b, "manual", now=LATER)
    b.close()
    a_path.write_bytes(b"not a database (test)" * 1000)
    assert recover_if_needed(a_path, now=LATER) is not None
    again = connect(a_path)
    assert database_id(again) == a_id
    again.close()


def _older_schema(backup: Path) -> None:
    """Turn a backup into one from schema version 1 (no search index, pinyin or worker holiday tables)."""
    old = sqlite3.connect(backup)
    downgrade(old, 1)
    old.close()


def test_a_backup_from_an_older_schema_is_migrated_and_restored(conn: sqlite3.Connection) -> None:
    """A schema-1 backup: its listings come back, the live schema and the worker holidays stay."""
    backup = backup_database(conn, "manual", now=NOW)
    listing = snapshot(conn, EDITED)
    _work_after_the_backup(conn)
    _older_schema(backup)
    restore_content(conn, backup, actor="t", now=LATER)
    assert snapshot(conn, EDITED) == listing and migrations.schema_version(conn) == migrations.SCHEMA_VERSION
    assert holiday_store.worker_days(conn, 2026) and search(conn, "12349")
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == 1  # the backup itself untouched


def test_the_database_itself_is_refused_as_its_own_backup(writable_db: Path) -> None:
    """`kiosk restore` given the database file itself: one line, nothing restored, no history entry."""
    refused = _kiosk("restore", str(writable_db), db=writable_db)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "this database itself" in refused.stderr
    conn = connect(writable_db)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    conn.close()


def test_a_backup_from_a_newer_program_is_refused(conn: sqlite3.Connection) -> None:
    """A backup with a higher schema version is refused in one line; nothing changes."""
    backup = backup_database(conn, "manual", now=NOW)
    newer = sqlite3.connect(backup)
    newer.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    newer.commit()
    newer.close()
    _work_after_the_backup(conn)
    before = content_rows(conn)
    with pytest.raises(BackupError, match="newer kiosk version") as caught:
        restore_content(conn, backup, actor="t", now=LATER)
    assert "\n" not in str(caught.value) and content_rows(conn) == before


# -- the worker's path: real `kiosk` processes ------------------------------------------------------

def _env(db: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(app_root()), "HOME": str(db.parent),
            "KIOSK_DATA_DIR": str(db.parent / "data"), "KIOSK_SPEECH_ENGINE": "mock"}


def _kiosk(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120, check=False, stdin=subprocess.DEVNULL, env=_env(db))


def test_kiosk_restore_then_kiosk_undo_from_the_command_line(writable_db: Path) -> None:
    """`kiosk restore` keeps the feedback and prints the undo; `kiosk undo ID` brings the edit back."""
    assert _kiosk("backup", db=writable_db).returncode == 0
    conn = connect(writable_db)
    _work_after_the_backup(conn)
    edited = snapshot(conn, EDITED)
    conn.close()
    restored = _kiosk("restore", db=writable_db)
    assert restored.returncode == 0, restored.stderr
    entry = re.search(r"kiosk undo (\d+)", restored.stdout)
    assert entry is not None and "1 feedback entries are about listings this backup does not have" in restored.stdout
    conn = connect(writable_db)
    assert snapshot(conn, EDITED) != edited and len(feedback.list_feedback(conn, None)) == 2
    conn.close()
    undone = _kiosk("undo", entry.group(1), db=writable_db)
    assert undone.returncode == 0, undone.stderr
    conn = connect(writable_db)
    assert snapshot(conn, EDITED) == edited
    conn.close()


def test_kiosk_restore_whole_shows_the_losses_and_needs_yes(writable_db: Path) -> None:
    """`kiosk restore --whole` without a terminal lists what would be lost and refuses in one line; with --yes
    it replaces the whole database and records itself."""
    assert _kiosk("backup", db=writable_db).returncode == 0
    conn = connect(writable_db)
    _work_after_the_backup(conn)
    conn.close()
    refused = _kiosk("restore", "--whole", db=writable_db)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "--yes" in refused.stderr
    assert "2 feedback entries" in refused.stdout and "PIN" in refused.stdout
    conn = connect(writable_db)
    assert len(feedback.list_feedback(conn, None)) == 2
    conn.close()
    done = _kiosk("restore", "--whole", "--yes", db=writable_db)
    assert done.returncode == 0, done.stderr
    conn = connect(writable_db)
    assert feedback.list_feedback(conn, None) == [] and not auth.pin_is_set(conn)
    assert conn.execute("SELECT action FROM audit_log WHERE table_name = 'database'").fetchall()[0][0] == "restore"
    conn.close()


def test_a_database_never_backed_up_is_not_given_another_ones_backup(seed_db_path: Path, tmp_path: Path) -> None:
    """`kiosk restore` on a database without backups, beside another one's: one line, nothing restored."""
    a_path, c_path = tmp_path / "a.db", tmp_path / "c.db"
    shutil.copyfile(seed_db_path, a_path)
    shutil.copyfile(seed_db_path, c_path)
    a = connect(a_path)
    backup_database(a, "manual", now=NOW)
    a.close()
    listed = _kiosk("restore", "--list", db=c_path)
    assert listed.returncode == 0 and "no backups of this database" in listed.stdout
    refused = _kiosk("restore", db=c_path)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "no backup of this database" in refused.stderr


def test_kiosk_restore_whole_at_a_terminal_answered_no_changes_nothing(writable_db: Path) -> None:
    """At a real terminal (a pseudo-terminal), anything but yes cancels the whole restore in one line."""
    import os
    import pty
    import select

    assert _kiosk("backup", db=writable_db).returncode == 0
    conn = connect(writable_db)
    feedback.add_feedback(conn, EDITED, "wrong_phone", LATER)
    conn.close()
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "kiosk", "restore", "--whole", "--db", str(writable_db)],
                             stdin=slave, stdout=slave, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env=_env(writable_db))
    os.close(slave)
    try:
        seen = b""
        while b"type yes" not in seen:
            ready, _, _ = select.select([master], [], [], 30)
            assert ready, seen
            seen += os.read(master, 4096)
        assert b"1 feedback entries" in seen
        os.write(master, b"no\n")
        _out, err = child.communicate(timeout=60)
        assert child.returncode == 1 and err.count("\n") == 1 and "cancelled" in err
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    conn = connect(writable_db)
    assert len(feedback.list_feedback(conn, None)) == 1
    conn.close()
