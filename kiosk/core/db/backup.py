"""Backups of the runtime database (SQLite online backup API) and restoring them.

Backups live in a ``backups/`` folder beside the database (for the runtime database: in the data
directory). Each is a complete SQLite database named ``NNNN-<time>-<reason>.db``; ``NNNN`` counts up,
so the newest backup is the one with the highest number. Taking a backup while the kiosk is
running is safe: the backup API copies a consistent state page by page.

:func:`restore_backup` first backs up the current state (reason ``before-restore``), so a restore
can itself be undone by restoring that backup.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.core.db.migrations import SCHEMA_VERSION, migrate
from kiosk.core.db.rows import copy_database
from kiosk.core.errors import KioskError
from kiosk.core.exchange.outputs import OutputError, atomic_output

KEEP = 30
"""How many backups are kept; older ones are removed when a new one is made."""

_NAME = re.compile(r"^(?P<seq>\d{4,})-(?P<rest>.+)\.db$")


class BackupError(KioskError):
    """A backup could not be made, found or restored."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    seq: int
    label: str
    size: int


def backups_dir(db_path: Path) -> Path:
    """Where backups of the database at ``db_path`` go."""
    return Path(db_path).resolve().parent / "backups"


def database_file(conn: sqlite3.Connection) -> Path:
    """The file behind the main schema of ``conn``."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    raise BackupError("this database has no file (in-memory), so it cannot be backed up")


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            found.append(BackupInfo(path, int(match.group("seq")), match.group("rest"), path.stat().st_size))
    return sorted(found, key=lambda b: b.seq)


def backup_database(conn: sqlite3.Connection, reason: str, *, now: datetime | None = None,
                    folder: Path | None = None, keep: int = KEEP) -> Path:
    """Copy the database behind ``conn`` into a new backup file; return its path.

    Must not be called inside an open transaction of ``conn`` that has uncommitted writes
    (they would not be in the backup).
    """
    folder = folder or backups_dir(database_file(conn))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot make the backup folder {folder}: {exc.strerror or exc}") from exc
    existing = list_backups(folder)
    seq = existing[-1].seq + 1 if existing else 1
    stamp = f"{now:%Y%m%d-%H%M%S}-" if now is not None else ""
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason).strip("-") or "backup"
    target = folder / f"{seq:04d}-{stamp}{label}.db"
    try:
        with atomic_output(target, what="backup") as tmp:  # never over a device or a folder of that name
            copy_database(conn, tmp)
    except (OutputError, OSError, sqlite3.Error) as exc:
        raise BackupError(f"cannot write a backup into {folder}: {exc}") from exc
    for old in list_backups(folder)[:-keep] if keep > 0 else []:
        old.path.unlink(missing_ok=True)
    return target


def latest_backup(folder: Path) -> Path | None:
    found = list_backups(folder)
    return found[-1].path if found else None


def check_backup_file(path: Path) -> None:
    """Raise :class:`BackupError` unless ``path`` is a sound kiosk database."""
    if not path.is_file():
        raise BackupError(f"backup not found: {path}")
    try:
        src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA quick_check").fetchone()[0]
            version = src.execute("PRAGMA user_version").fetchone()[0]
            has_services = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'services'").fetchone()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable database: {exc}") from exc
    if ok != "ok":
        raise BackupError(f"{path} is damaged ({ok})")
    if not has_services or version < 1:
        raise BackupError(f"{path} is not a kiosk database")
    if version > SCHEMA_VERSION:
        raise BackupError(f"{path} was made by a newer kiosk version (schema {version}); update the software")


def restore_backup(conn: sqlite3.Connection, backup: Path, *, now: datetime | None = None) -> Path:
    """Replace the content of the database behind ``conn`` with ``backup``; return the safety backup.

    The current state is backed up first (``before-restore``). The backup's schema is migrated to the
    current version afterwards.
    """
    backup = Path(backup)
    check_backup_file(backup)
    if conn.in_transaction:
        raise BackupError("cannot restore while a change is in progress")
    safety = backup_database(conn, "before-restore", now=now)
    try:
        copy_database(backup, conn)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {backup}: {exc}; the previous state is in {safety}") from exc
    migrate(conn)
    return safety
