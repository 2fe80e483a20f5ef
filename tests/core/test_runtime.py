"""The runtime database: first start, reopen, upgrade merge keeping worker edits, recovery."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk.core.content.dump import content_hash
from kiosk.core.db.backup import backup_database, list_backups
from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import SEED_HASH_KEY, open_runtime_database, runtime_db_path
from kiosk.core.listings.editing import PhoneEntry, get_listing, save_listing, snapshot
from kiosk.core.workers import auth, feedback, usage
from tests.helpers.worker import NOW, content


def test_first_start_copies_the_bundled_database(seed_db_path: Path, tmp_path: Path) -> None:
    """On first start the runtime copy is made with the bundled content and its hash noted."""
    conn = open_runtime_database(tmp_path / "data", seed_db_path)
    assert runtime_db_path(tmp_path / "data").is_file()
    bundled = connect(seed_db_path, readonly=True)
    assert content(conn) == content(bundled)
    bundled_hash = bundled.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
    assert conn.execute("SELECT value FROM meta WHERE key = ?", (SEED_HASH_KEY,)).fetchone()[0] == bundled_hash


def test_bundled_database_is_never_written(seed_db_path: Path, tmp_path: Path) -> None:
    """Edits go to the runtime copy; the bundled file keeps its bytes."""
    original = seed_db_path.read_bytes()
    conn = open_runtime_database(tmp_path / "data", seed_db_path)
    feedback.add_feedback(conn, "library-branches", "closed", NOW)
    conn.close()
    assert seed_db_path.read_bytes() == original


def test_reopen_keeps_runtime_state(seed_db_path: Path, tmp_path: Path) -> None:
    """A restart finds the same runtime database with feedback and PIN intact; no merge, no backup."""
    conn = open_runtime_database(tmp_path / "data", seed_db_path)
    auth.set_pin(conn, "258013", now=NOW)
    feedback.add_feedback(conn, "library-branches", "wrong_phone", NOW)
    conn.close()
    conn = open_runtime_database(tmp_path / "data", seed_db_path)
    assert auth.pin_is_set(conn) and feedback.count_open(conn) == 1
    assert list_backups(tmp_path / "data" / "backups") == []


def _newer_build(seed_db_path: Path, target: Path) -> Path:
    """A synthetic 'next release' of the bundled database: one changed, one new, one dropped listing."""
    shutil.copyfile(seed_db_path, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("UPDATE services SET description = '新版种子描述（测试）' WHERE id = 'library-branches'")
    conn.execute("UPDATE services SET description = '新版种子描述（测试）' WHERE id = 'smart-elderly-care-12349'")
    conn.execute("INSERT INTO services(id, category_id, name, origin, sort_order) "
                 "VALUES ('new-seed-listing', 'culture', '新种子服务（测试）', 'seed', 99)")
    conn.execute("DELETE FROM services WHERE id = 'culture-branches' "
                 "AND NOT EXISTS (SELECT 1 FROM hotlines WHERE service_id = 'culture-branches')")
    conn.execute("UPDATE figures SET label = label || '（新版）' WHERE rowid = (SELECT MIN(rowid) FROM figures)")
    conn.execute("DELETE FROM meta WHERE key = 'content_hash'")
    conn.execute("INSERT INTO meta(key, value) VALUES ('content_hash', ?)", (content_hash(conn),))
    conn.close()
    return target


def test_upgrade_keeps_worker_edits_and_brings_new_seed_content(seed_db_path: Path, tmp_path: Path) -> None:
    """A newer bundled build: edited listings stay as the worker left them; untouched ones update;
    new seed listings appear; dropped ones are retired; feedback, usage, audit and PIN are kept."""
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path)
    assert conn.execute("SELECT 1 FROM services WHERE id = 'culture-branches'").fetchone() is not None
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None
    listing.phones.append(PhoneEntry("0371-68000003", description="测试：工作人员添加"))
    save_listing(conn, listing, actor="admin-test", now=NOW)
    edited = snapshot(conn, "smart-elderly-care-12349")
    auth.set_pin(conn, "258013", now=NOW)
    feedback.add_feedback(conn, "library-branches", "closed", NOW)
    usage.record_view(conn, "service", "library-branches", NOW)
    audit_rows = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    conn.close()

    newer = _newer_build(seed_db_path, tmp_path / "newer.db")
    conn = open_runtime_database(data, newer, now=NOW)
    assert snapshot(conn, "smart-elderly-care-12349") == edited
    assert conn.execute("SELECT description FROM services WHERE id = 'library-branches'").fetchone()[0] \
        == "新版种子描述（测试）"
    assert conn.execute("SELECT name FROM services WHERE id = 'new-seed-listing'").fetchone()[0] == "新种子服务（测试）"
    assert conn.execute("SELECT status FROM services WHERE id = 'culture-branches'").fetchone()[0] == "retired"
    assert conn.execute("SELECT COUNT(*) FROM figures WHERE label LIKE '%（新版）'").fetchone()[0] == 1
    assert auth.pin_is_set(conn) and feedback.count_open(conn) == 1
    assert conn.execute("SELECT SUM(count) FROM usage_counts").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] >= audit_rows
    assert [b.label for b in list_backups(data / "backups")][-1].endswith("before-merge")
    new_hash = connect(newer, readonly=True).execute("SELECT value FROM meta WHERE key='content_hash'").fetchone()[0]
    assert conn.execute("SELECT value FROM meta WHERE key = ?", (SEED_HASH_KEY,)).fetchone()[0] == new_hash


def test_undone_edit_lets_seed_updates_through(seed_db_path: Path, tmp_path: Path) -> None:
    """A listing whose every edit was undone is a plain seed listing again and takes the new seed text."""
    from kiosk.core.listings.editing import undo

    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path)
    listing = get_listing(conn, "library-branches")
    assert listing is not None
    listing.description = "临时修改（测试）"
    entry = save_listing(conn, listing, actor="t", now=NOW).audit_id
    assert entry is not None
    undo(conn, entry, actor="t", now=NOW)
    conn.close()
    conn = open_runtime_database(data, _newer_build(seed_db_path, tmp_path / "newer.db"))
    assert conn.execute("SELECT description FROM services WHERE id = 'library-branches'").fetchone()[0] \
        == "新版种子描述（测试）"


def test_damaged_runtime_database_is_replaced_from_the_newest_backup(seed_db_path: Path, tmp_path: Path) -> None:
    """A corrupt runtime file is moved aside and the newest sound backup takes its place."""
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path)
    feedback.add_feedback(conn, "library-branches", "closed", NOW)
    backup_database(conn, "manual", now=NOW)
    conn.close()
    runtime_db_path(data).write_bytes(b"this is not a database" * 500)
    conn = open_runtime_database(data, seed_db_path)
    assert feedback.count_open(conn) == 1
    assert (data / "kiosk.db.damaged-1").is_file()


def test_damaged_runtime_without_backup_starts_from_bundled(seed_db_path: Path, tmp_path: Path) -> None:
    """With no backup, a corrupt runtime file is replaced by a fresh copy of the bundled database."""
    data = tmp_path / "data"
    data.mkdir()
    runtime_db_path(data).write_bytes(b"garbage" * 1000)
    conn = open_runtime_database(data, seed_db_path)
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] > 10
