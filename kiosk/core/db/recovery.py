"""Database safety for a terminal that runs for months: WAL, a check at start, recovery, a notice.

:func:`kiosk.core.db.runtime.open_runtime_database` calls two functions from here:

* :func:`recover_if_needed` *before* it opens the runtime database. It runs ``PRAGMA quick_check``
  on the file. A damaged file (not a database, malformed pages, not a kiosk database) is moved aside
  with its ``-wal``/``-shm``/``-journal`` companions as ``kiosk.db.damaged-<n>`` (kept for a
  technician, never deleted) and replaced by the newest backup that passes the same check
  (:mod:`kiosk.core.db.backup` writes them). With no sound backup the file is left missing, so the
  caller makes a fresh copy of the bundled database. A *missing* runtime database next to existing
  backups (deleted by mistake, a disk swapped) is restored from the newest backup in the same way;
  on a first start there are no backups and nothing happens here.

  A file that cannot be checked because it is locked, unreadable (permissions) or the disk fails is
  **not** moved aside — that would throw away a sound database — and a :class:`DatabaseError`
  says why.

* :func:`prepare_connection` right *after* opening it: write-ahead logging (``journal_mode=WAL``:
  a power cut or a killed process never leaves a half-written change, readers never wait for a
  writer) with ``synchronous=FULL`` (a change reported as saved is on disk), and, after a recovery,
  a row ``recovery_notice`` in ``meta`` that the worker tools show (:func:`recovery_notice`) until a
  worker dismisses it (:func:`clear_recovery_notice`).

Nothing here reads the clock: the time of a recovery is the ``now`` the caller passes.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.core.db.backup import backups_dir, check_backup_file, list_backups, safe_stem
from kiosk.core.db.rows import copy_database
from kiosk.core.errors import DatabaseError, KioskError

log = logging.getLogger(__name__)

NOTICE_KEY = "recovery_notice"
"""``meta`` key of the notice left for the workers after a recovery (JSON)."""

MOVED_ASIDE = "damaged"
"""A damaged file is kept as ``<name>.damaged-<n>``."""

SIDE_FILES = ("-wal", "-shm", "-journal")

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover_if_needed` did."""

    reason: str
    """Why: the quick_check finding, or that the file was missing."""
    moved_to: Path | None
    """Where the damaged file now is (None when it was missing)."""
    restored_from: Path | None
    """The backup put in its place; None: a fresh copy of the bundled database (made by the caller)."""
    at: str | None = None
    """When (ISO time of the caller's ``now``), if known."""

    def as_json(self) -> str:
        return json.dumps({"reason": self.reason, "moved_to": self.moved_to.name if self.moved_to else None,
                           "restored_from": self.restored_from.name if self.restored_from else None,
                           "at": self.at}, ensure_ascii=False, sort_keys=True)


# ------------------------------------------------------------------------------ checking


def check_database_file(path: Path, *, timeout: float = 5.0) -> str | None:
    """None when ``path`` is a sound kiosk database, else what is wrong with it (one line).

    Raises :class:`DatabaseError` when the file cannot be judged (locked by another program,
    no permission, an I/O error): such a file must not be treated as damaged.
    The file is opened read-write (never created), so a write-ahead log left by a killed process
    is replayed the normal way rather than mistaken for damage. ``timeout``: seconds to wait for
    another program's lock.
    """
    path = Path(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout)
    except sqlite3.DatabaseError as exc:
        return _judge(path, exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        findings = [str(r[0]) for r in rows]
        if findings != ["ok"]:
            return f"quick_check: {'; '.join(findings[:3])}"[:300]
        has_services = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'services'").fetchone()
        if has_services is None:
            return "not a kiosk database (no services table)"
        return None
    except sqlite3.DatabaseError as exc:
        return _judge(path, exc)
    finally:
        conn.close()


def _judge(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Damage (return the reason) or trouble that is not the file's fault (raise)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or (primary is None and _looks_damaged(str(exc))):
        return str(exc)
    raise DatabaseError(f"cannot check the database {path}: {exc} (is another program using it?)") from exc


def _looks_damaged(message: str) -> bool:
    return "malformed" in message or "not a database" in message


# ------------------------------------------------------------------------------ recovering


def recover_if_needed(path: Path, *, now: datetime | None = None) -> Recovery | None:
    """Check the runtime database at ``path``; move a damaged one aside and restore the newest backup.

    Returns None when nothing had to be done. After a recovery with no usable backup the file is
    missing and the caller copies the bundled database (then calls :func:`prepare_connection`).
    """
    path = Path(path)
    at = now.isoformat(timespec="seconds") if now is not None else None
    if path.exists():
        reason = check_database_file(path)
        if reason is None:
            return None
        moved = move_aside(path)
        log.error("runtime database %s is damaged (%s); moved aside as %s", path.name, reason, moved.name)
    else:
        if not list_backups(backups_dir(path), stem=safe_stem(path)):
            return None  # a first start
        reason, moved = "the database file was missing", None
        for suffix in SIDE_FILES:  # companions of a file that is gone would confuse SQLite
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        log.error("runtime database %s is missing but backups exist; restoring", path.name)
    restored = restore_latest_backup(path)
    if restored is None:
        log.warning("no sound backup of %s: starting from the bundled database", path.name)
    else:
        log.warning("runtime database %s restored from backup %s", path.name, restored.name)
    return Recovery(reason, moved, restored, at)


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal/-shm/-journal files) to ``<name>.damaged-<n>``; return the new path."""
    n = 1
    while path.with_name(f"{path.name}.{MOVED_ASIDE}-{n}").exists():
        n += 1
    target = path.with_name(f"{path.name}.{MOVED_ASIDE}-{n}")
    try:
        os.replace(path, target)
        for suffix in SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as exc:
        raise DatabaseError(f"cannot move the damaged database {path} aside: {exc}") from exc
    return target


def restore_latest_backup(path: Path) -> Path | None:
    """Copy the newest sound backup (SQLite backup API) to ``path``; return it, or None if there is none."""
    for info in reversed(list_backups(backups_dir(path), stem=safe_stem(path))):
        try:
            check_backup_file(info.path)
        except KioskError as exc:
            log.warning("backup %s is not usable: %s", info.path.name, exc)
            continue
        tmp = path.with_name(f".{path.name}.restoring")
        tmp.unlink(missing_ok=True)
        try:
            copy_database(info.path, tmp)
            with closing(sqlite3.connect(tmp)) as dest:
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file until reopened
            os.replace(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            log.warning("cannot restore backup %s: %s", info.path.name, exc)
            continue
        return info.path
    return None


# ------------------------------------------------------------------------------ the open connection


def enable_wal(conn: sqlite3.Connection) -> bool:
    """Write-ahead logging with full sync; False (and a log line) where the file system cannot do WAL."""
    try:
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        log.warning("write-ahead logging not available: %s", exc)
        return False
    if mode != "wal":
        log.warning("write-ahead logging not available (journal mode stays %s)", mode)
        return False
    return True


def prepare_connection(conn: sqlite3.Connection, recovery: Recovery | None = None) -> None:
    """Set WAL and full sync on the runtime connection; record ``recovery`` as a notice for workers."""
    enable_wal(conn)
    if recovery is not None:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (NOTICE_KEY, recovery.as_json()))


def recovery_notice(conn: sqlite3.Connection) -> str | None:
    """The message the worker tools show after a recovery (Chinese, then English), or None."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (NOTICE_KEY,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None:
        return None
    try:
        data = json.loads(str(row[0]))
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    when = f"（{data['at'][:16].replace('T', ' ')}）" if isinstance(data.get("at"), str) else ""
    moved = data.get("moved_to")
    source = data.get("restored_from")
    zh = f"数据库在启动时发现损坏{when}，已自动恢复："
    en = "The database was found damaged at start and was recovered automatically: "
    if source:
        zh += f"用最近的备份 {source} 恢复，备份之后的修改可能需要重新录入。"
        en += f"restored from the latest backup {source}; changes made after that backup may need re-entering."
    else:
        zh += "没有可用的备份，已换成随程序提供的原始数据，工作人员的修改需要重新录入。"
        en += "no usable backup, so the bundled data was used; worker edits need re-entering."
    if moved:
        zh += f"损坏的文件保存为 {moved}。"
        en += f" The damaged file was kept as {moved}."
    else:
        zh += "（原数据库文件丢失。）"
        en += " (The database file was missing.)"
    return f"{zh}\n{en}"


def clear_recovery_notice(conn: sqlite3.Connection) -> None:
    """A worker has read the notice: stop showing it."""
    conn.execute("DELETE FROM meta WHERE key = ?", (NOTICE_KEY,))


__all__ = ["MOVED_ASIDE", "NOTICE_KEY", "Recovery", "check_database_file", "clear_recovery_notice", "enable_wal",
           "move_aside", "prepare_connection", "recover_if_needed", "recovery_notice", "restore_latest_backup"]
