"""Restoring a backup without losing what residents and workers did since: the listings come back, the
terminal's own records stay.

A backup taken before an import or an edit is there to bring the *listings* back. Replacing the whole
file would also throw away everything the terminal recorded since: residents' feedback, usage counts,
search misses, the change history, PIN changes and lockouts, the holiday dates workers entered. So
:func:`restore_content` (``kiosk restore`` and the 恢复最近的备份 button) takes only the content tables
(:data:`CONTENT_TABLES`, the listings and what the bundled build ships) from the backup, in one
transaction, keeps the terminal tables (:data:`TERMINAL_TABLES`) as they are, rebuilds the search
index, and records itself as one audit entry holding the content it replaced: ``kiosk undo ID``
puts that content back (as long as the listings have not changed since).

Feedback about a listing the backup does not have is kept as it is (its ``service_id`` then names no
listing; the feedback list shows it without a name). A backup from an older schema is migrated on a
temporary copy first; one from a newer program is refused.

:func:`restore_whole` is for a damaged or rolled-back database: it replaces the whole file, and
:func:`whole_restore_losses` says first exactly what that throws away.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.db.backup import (
    BackupError,
    backup_database,
    check_backup_file,
    check_same_database,
    restore_backup,
)
from kiosk.core.db.connection import connect, transaction
from kiosk.core.db.rows import Row, copy_database, insert_all, select_rows, table_columns, table_rows
from kiosk.core.errors import DatabaseBusyError, KioskError
from kiosk.core.listings import audit

CONTENT_TABLES = ("sources", "categories", "organizations", "services", "locations", "service_at_location",
                  "phones", "schedules", "required_documents", "accessibility", "languages", "figures", "news",
                  "hotlines", "synonyms", "holiday_overrides")
"""What a restore brings back: the listings and the content the bundled build ships, parents first."""

TERMINAL_TABLES = ("feedback", "audit_log", "usage_counts", "search_misses", "auth_state", "worker_holidays",
                   "worker_holiday_years", "fleet_terminals", "fleet_reports", "fleet_usage", "fleet_misses",
                   "listing_base", "merge_conflicts", "proposals")
"""What the terminal itself recorded: a restore keeps these (the search index tables are rebuilt)."""

DERIVED_TABLES = ("search_index", "pinyin_chars", "pinyin_words")
"""Made from the content: rebuilt after a restore, never copied."""

_CONTENT_META = ("content_hash", "seed_content_hash")
_CONTENT_META_PREFIX = "source_sha256:"

RESTORE_RECORD = "content"
"""``audit_log.table_name`` of a restore of the listings (``record_id``: the backup's file name)."""

WHOLE_RECORD = "database"
"""``audit_log.table_name`` of a whole-database restore."""


class RestoreUndoRefused(KioskError):
    """A restore cannot be undone (not a restore, undone already, or the listings changed since)."""


@dataclass
class RestoreResult:
    backup: Path
    safety: Path
    audit_id: int
    listings_changed: int = 0
    orphan_feedback: int = 0
    """Feedback entries about listings the restored content does not have (kept as they are)."""


@dataclass
class WholeRestoreLoss:
    """What replacing the whole database with a backup would throw away (counts of what differs)."""

    feedback: int = 0
    history: int = 0
    usage_days: int = 0
    search_miss_days: int = 0
    pin_changed: bool = False
    holidays: int = 0
    listings: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """One line per kind of loss (Chinese, then English); [] when nothing would be lost."""
        out = []
        if self.feedback:
            out.append(f"居民反馈 {self.feedback} 条 ({self.feedback} feedback entries, new or changed)")
        if self.history:
            out.append(f"修改记录 {self.history} 条 ({self.history} history entries)")
        if self.usage_days:
            out.append(f"使用统计 {self.usage_days} 天 (usage counts of {self.usage_days} days)")
        if self.search_miss_days:
            out.append(f"没有结果的搜索 {self.search_miss_days} 天 (search misses of {self.search_miss_days} days)")
        if self.pin_changed:
            out.append("备份之后改过的管理密码或锁定 (the PIN or lock changed since the backup)")
        if self.holidays:
            out.append(f"工作人员录入的节假日 {self.holidays} 条 ({self.holidays} holiday entries by workers)")
        if self.listings:
            out.append(f"备份之后修改的服务 {self.listings} 条 ({self.listings} listings changed since the backup)")
        return out


@contextmanager
def prepared_backup(backup: Path) -> Iterator[sqlite3.Connection]:
    """``backup`` checked and copied to a temporary file migrated to this program's schema (the backup
    itself is never changed); refuses a backup from a newer program."""
    backup = Path(backup)
    check_backup_file(backup)
    folder = Path(tempfile.mkdtemp(prefix="kiosk-restore-"))
    try:
        copy = folder / "backup.db"
        try:
            copy_database(backup, copy)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"cannot read the backup {backup}: {exc}") from exc
        try:
            conn = connect(copy)
        except KioskError as exc:
            raise BackupError(f"cannot bring the backup {backup} up to this program's schema: {exc}") from exc
        try:
            yield conn
        finally:
            conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def content_rows(conn: sqlite3.Connection) -> dict[str, list[Row]]:
    """The content tables (and the content's entries of ``meta``, under ``"meta"``), rows in a fixed order."""
    out = {t: select_rows(conn, f'SELECT * FROM "{t}" ORDER BY {_order(conn, t)}') for t in CONTENT_TABLES}
    out["meta"] = [r for r in select_rows(conn, "SELECT key, value FROM meta ORDER BY key") if _content_meta(r["key"])]
    return out


def content_digest(rows: dict[str, list[Row]]) -> str:
    """A fingerprint of content rows (equal content, equal digest)."""
    canon = {t: sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rs)
             for t, rs in rows.items()}
    return hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def restore_content(conn: sqlite3.Connection, backup: Path, *, actor: str, now: datetime,
                    force: bool = False) -> RestoreResult:
    """Bring the listings of ``backup`` back; keep feedback, usage, misses, history, PIN and holidays.

    The current state is backed up first (``before-restore``); the change is one transaction and one
    audit entry (undo it with :func:`undo_restore`). ``force`` takes a backup of another database.
    """
    backup = Path(backup)
    if conn.in_transaction:
        raise BackupError("cannot restore while a change is in progress")
    check_backup_file(backup)
    check_same_database(conn, backup, force=force)
    with prepared_backup(backup) as src:
        new = content_rows(src)
    safety = backup_database(conn, "before-restore", now=now)
    before = content_rows(conn)
    changed = _listings_changed(before, new)

    def record(orphans: int) -> int:
        return audit.record(conn, actor=actor, table=RESTORE_RECORD, record_id=backup.name, action="restore",
                            before={"content": before, "safety_backup": str(safety)},
                            after={"backup": str(backup), "safety_backup": str(safety),
                                   "digest": content_digest(new), "listings_changed": changed,
                                   "feedback_without_listing": orphans}, now=now)

    audit_id, orphans = _replace_content(conn, new, record, what=f"restore {backup}; the previous state is in {safety}")
    return RestoreResult(backup, safety, audit_id, changed, orphans)


def undo_restore(conn: sqlite3.Connection, entry_id: int, *, actor: str, now: datetime) -> int:
    """Put back the listings a restore (audit entry ``entry_id``) replaced; return the undo's entry id.

    Refused when the listings changed after the restore (undo those changes first).
    """
    entry = audit.get_entry(conn, entry_id)
    if entry is None or entry.table_name != RESTORE_RECORD or entry.action != "restore":
        raise RestoreUndoRefused(f"没有编号为 {entry_id} 的恢复记录 (no restore #{entry_id})")
    if entry.undone:
        raise RestoreUndoRefused(f"恢复 #{entry_id} 已经撤销过了 (restore #{entry_id} was already undone)")
    if conn.in_transaction:
        raise BackupError("cannot undo while a change is in progress")
    if content_digest(content_rows(conn)) != entry.after.get("digest"):
        raise RestoreUndoRefused(
            f"恢复 #{entry_id} 之后服务信息又改过 (the listings changed after restore #{entry_id}): undo the newer "
            f"changes first, or bring the state before it back with `kiosk restore {entry.after.get('safety_backup')}`")
    target: dict[str, list[Row]] = entry.before["content"]

    def record(orphans: int) -> int:
        new_id = audit.record(conn, actor=actor, table=RESTORE_RECORD, record_id=entry.record_id, action="undo",
                              before=None, after={"undid": entry_id, "feedback_without_listing": orphans}, now=now)
        audit.mark_undone(conn, entry_id, new_id)
        return new_id

    new_id, _orphans = _replace_content(conn, target, record, what=f"undo restore #{entry_id}")
    return new_id


def whole_restore_losses(conn: sqlite3.Connection, backup: Path) -> WholeRestoreLoss:
    """What :func:`restore_whole` with ``backup`` would throw away, counted table by table."""
    with prepared_backup(backup) as src:
        loss = WholeRestoreLoss()
        diff = {t: _differing(conn, src, t) for t in TERMINAL_TABLES}
        loss.details = {t: len(rows) for t, rows in diff.items()}
        loss.feedback = len(diff["feedback"])
        loss.history = len(diff["audit_log"])
        loss.usage_days = len({r[0] for r in diff["usage_counts"]})
        loss.search_miss_days = len({r[0] for r in diff["search_misses"]})
        loss.pin_changed = bool(diff["auth_state"]) or bool(_differing(src, conn, "auth_state"))
        loss.holidays = len(diff["worker_holidays"]) + len(diff["worker_holiday_years"])
        mine, theirs = content_rows(conn), content_rows(src)
        loss.listings = _listings_changed(theirs, mine)
    return loss


def restore_whole(conn: sqlite3.Connection, backup: Path, *, actor: str, now: datetime,
                  force: bool = False) -> RestoreResult:
    """Replace the WHOLE database with ``backup`` (migrated to this schema); the current state is kept as the
    safety backup, and the restore is recorded in the (restored) history."""
    backup = Path(backup)
    check_backup_file(backup)
    check_same_database(conn, backup, force=force)
    with prepared_backup(backup) as src:
        folder = Path(tempfile.mkdtemp(prefix="kiosk-restore-"))
        try:
            migrated = folder / "migrated.db"
            copy_database(src, migrated)
            safety = restore_backup(conn, migrated, now=now)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    from kiosk.core.listings.editing import reindex

    with transaction(conn):
        audit_id = audit.record(conn, actor=actor, table=WHOLE_RECORD, record_id=backup.name, action="restore",
                                before=None, after={"backup": str(backup), "safety_backup": str(safety)}, now=now)
        reindex(conn, None)
    return RestoreResult(backup, safety, audit_id)


# -- helpers --------------------------------------------------------------------------------------

def _content_meta(key: str) -> bool:
    return key in _CONTENT_META or key.startswith(_CONTENT_META_PREFIX)


def _order(conn: sqlite3.Connection, table: str) -> str:
    return ", ".join(f'"{c}"' for c in table_columns(conn, table)) or "rowid"


def _listings_changed(a: dict[str, list[Row]], b: dict[str, list[Row]]) -> int:
    """How many listings (services) differ between two content states (added, removed or changed)."""
    def by_service(rows: dict[str, list[Row]]) -> dict[str, str]:
        out: dict[str, list[Any]] = {r["id"]: [r] for r in rows.get("services", [])}
        for table in ("phones", "schedules", "required_documents", "languages", "service_at_location"):
            for r in rows.get(table, []):
                out.setdefault(str(r.get("service_id")), []).append((table, r))
        return {k: json.dumps(v, sort_keys=True, default=str, ensure_ascii=False) for k, v in out.items()}
    left, right = by_service(a), by_service(b)
    return sum(1 for k in left.keys() | right.keys() if left.get(k) != right.get(k))


def _differing(conn: sqlite3.Connection, other: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """Rows of ``table`` in ``conn`` that ``other`` does not have exactly (compared on the shared columns)."""
    cols = [c for c in table_columns(conn, table) if c in set(table_columns(other, table))]
    if not cols:
        return [tuple(r.values()) for r in table_rows(conn, table)]
    names = ", ".join(f'"{c}"' for c in cols)
    theirs = {tuple(r) for r in other.execute(f'SELECT {names} FROM "{table}"')}
    return [tuple(r) for r in conn.execute(f'SELECT {names} FROM "{table}"') if tuple(r) not in theirs]


def _replace_content(conn: sqlite3.Connection, rows: dict[str, list[Row]], record: Any, *,
                     what: str) -> tuple[int, int]:
    """Make the content tables exactly ``rows`` in one transaction with ``record(orphans)`` (the audit entry)
    and a rebuilt search index. Returns (audit id, feedback entries whose listing is gone)."""
    from kiosk.core.listings.editing import reindex

    conn.execute("PRAGMA foreign_keys = OFF")  # feedback may name a listing the content no longer has
    try:
        with transaction(conn):
            for table in reversed(CONTENT_TABLES):
                conn.execute(f'DELETE FROM "{table}"')
            for table in CONTENT_TABLES:
                insert_all(conn, table, rows.get(table, []))
            for (key,) in conn.execute("SELECT key FROM meta").fetchall():
                if _content_meta(key):
                    conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            insert_all(conn, "meta", rows.get("meta", []))
            broken = [tuple(r) for r in conn.execute("PRAGMA foreign_key_check")]
            others = [b for b in broken if b[0] != "feedback"]
            if others:
                raise BackupError(f"cannot {what}: the content does not hold together ({len(others)} rows refer to "
                                  f"missing rows, e.g. in {others[0][0]}); nothing was changed")
            orphans = len(broken)
            audit_id = int(record(orphans))
            reindex(conn, None)
    except DatabaseBusyError:
        raise
    except sqlite3.Error as exc:
        raise BackupError(f"cannot {what}: {exc}; nothing was changed") from exc
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return audit_id, orphans


__all__ = ["CONTENT_TABLES", "DERIVED_TABLES", "RESTORE_RECORD", "TERMINAL_TABLES", "WHOLE_RECORD", "RestoreResult",
           "RestoreUndoRefused", "WholeRestoreLoss", "content_digest", "content_rows", "prepared_backup",
           "restore_content", "restore_whole", "undo_restore", "whole_restore_losses"]
