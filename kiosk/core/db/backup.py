"""Backups of the runtime database (SQLite online backup API) and restoring them.

Backups live in a ``backups/`` folder beside the database (for the runtime database: in the data
directory). Each is a complete SQLite database named ``NNNN-<time>-<reason>.<stem>-<id>.db``: ``NNNN``
counts up per database, so the newest backup is the one with the highest number; ``<stem>`` is the
database file's name and ``<id>`` the short identity kept in its ``meta`` (``database_id``, made on the
first backup). Several databases can share one folder: listing, the newest backup and the clean-up
of old ones only consider the backups of one database. Backups from before the identity
(``NNNN-<time>-<reason>.db``) are still listed, for every database, and never cleaned up.
Taking a backup while the kiosk is running is safe: the backup API copies a consistent state page
by page.

:func:`restore_backup` replaces the WHOLE database (the damaged-database case); the everyday restore
that keeps residents' feedback, usage counts, history and the PIN is :mod:`kiosk.core.db.restore`.
Both first back up the current state (reason ``before-restore``).
"""

from __future__ import annotations

import re
import sqlite3
import uuid
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
_OWNED = re.compile(r"^(?P<rest>.+)\.(?P<stem>[A-Za-z0-9_-]+)-(?P<id>[0-9a-f]{8})$")
"""The end of a backup's name that says which database it is of: ``.<stem>-<id>``."""

DATABASE_ID_KEY = "database_id"
"""``meta`` key: the short identity of this database (8 hex digits), carried in its backups' names."""


class BackupError(KioskError):
    """A backup could not be made, found or restored."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    seq: int
    label: str
    size: int
    database: str | None = None
    """The identity of the database it is a backup of (None: an old-style name)."""
    stem: str | None = None


def backups_dir(db_path: Path) -> Path:
    """Where backups of the database at ``db_path`` go."""
    return Path(db_path).resolve().parent / "backups"


def database_file(conn: sqlite3.Connection) -> Path:
    """The file behind the main schema of ``conn``."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    raise BackupError("this database has no file (in-memory), so it cannot be backed up")


def safe_stem(db_path: Path) -> str:
    """The database file's name as it appears in its backups' names."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", Path(db_path).stem).strip("-") or "db"


def database_id(conn: sqlite3.Connection) -> str | None:
    """The identity kept in ``meta`` (None when the database has none yet or cannot be read)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (DATABASE_ID_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row is not None else None


def ensure_database_id(conn: sqlite3.Connection) -> str | None:
    """The identity of the database, made now when it has none (None when it cannot be written)."""
    found = database_id(conn)
    if found is not None or conn.in_transaction:
        return found
    made = uuid.uuid4().hex[:8]
    try:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (DATABASE_ID_KEY, made))
        if conn.in_transaction:  # a connection not in autocommit mode
            conn.commit()
    except sqlite3.Error:
        return None  # read-only: its backups get an old-style name
    return made


def backup_database_id(path: Path) -> str | None:
    """The identity of the database ``path`` is a backup of (None: none recorded, or unreadable)."""
    try:
        src = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return database_id(src)
    finally:
        src.close()


def list_backups(folder: Path, *, database: str | None = None, stem: str | None = None) -> list[BackupInfo]:
    """Backups in ``folder``, oldest first.

    ``database`` (an identity) or ``stem`` (a file name, for a database too damaged to read): only that
    database's backups and the old-style ones; neither: every backup in the folder.
    """
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        rest, owner, owner_stem = match.group("rest"), None, None
        owned = _OWNED.match(rest)
        if owned:
            rest, owner, owner_stem = owned.group("rest"), owned.group("id"), owned.group("stem")
        if owner is not None and ((database is not None and owner != database)
                                  or (stem is not None and owner_stem != stem)):
            continue
        found.append(BackupInfo(path, int(match.group("seq")), rest, path.stat().st_size, owner, owner_stem))
    return sorted(found, key=lambda b: (b.seq, b.path.name))


def backups_of(conn: sqlite3.Connection) -> list[BackupInfo]:
    """The backups of the database behind ``conn`` (its own and the old-style ones), oldest first.

    A database without an identity yet (never backed up, e.g. a fresh copy of the bundled one) takes
    the backups of a database file of the same name in that folder.
    """
    db_file = database_file(conn)
    ident = database_id(conn)
    if ident is None:
        return list_backups(backups_dir(db_file), stem=safe_stem(db_file))
    return list_backups(backups_dir(db_file), database=ident)


def backup_database(conn: sqlite3.Connection, reason: str, *, now: datetime | None = None,
                    folder: Path | None = None, keep: int = KEEP) -> Path:
    """Copy the database behind ``conn`` into a new backup file; return its path.

    Must not be called inside an open transaction of ``conn`` that has uncommitted writes
    (they would not be in the backup). Only this database's own backups beyond ``keep`` are removed.
    """
    db_file = database_file(conn)
    folder = folder or backups_dir(db_file)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot make the backup folder {folder}: {exc.strerror or exc}") from exc
    ident = ensure_database_id(conn)
    existing = list_backups(folder, database=ident) if ident else list_backups(folder)
    seq = existing[-1].seq + 1 if existing else 1
    stamp = f"{now:%Y%m%d-%H%M%S}-" if now is not None else ""
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", reason).strip("-") or "backup"
    owner = f".{safe_stem(db_file)}-{ident}" if ident else ""
    target = folder / f"{seq:04d}-{stamp}{label}{owner}.db"
    try:
        with atomic_output(target, what="backup") as tmp:  # never over a device or a folder of that name
            copy_database(conn, tmp)
    except (OutputError, OSError, sqlite3.Error) as exc:
        raise BackupError(f"cannot write a backup into {folder}: {exc}") from exc
    own = [b for b in list_backups(folder, database=ident) if b.database == ident] if ident else []
    for old in own[:-keep] if keep > 0 else []:
        old.path.unlink(missing_ok=True)
    return target


def latest_backup(folder: Path, *, database: str | None = None) -> Path | None:
    """The newest backup in ``folder`` (of the database ``database`` and old-style ones, when given)."""
    found = list_backups(folder, database=database)
    return found[-1].path if found else None


def check_same_database(conn: sqlite3.Connection, backup: Path, *, force: bool = False) -> None:
    """Refuse a backup of another database (unless ``force``); old backups without an identity pass."""
    try:
        itself = Path(backup).resolve() == database_file(conn).resolve()
    except BackupError:
        itself = False
    if itself:
        raise BackupError(f"{backup} is this database itself, not a backup of it: pick one from `kiosk restore --list`")
    mine, theirs = database_id(conn), backup_database_id(backup)
    if force or mine is None or theirs is None or mine == theirs:
        return
    raise BackupError(f"{backup} is a backup of another database (id {theirs}; this one is {mine}): "
                      "pick one of this database's backups (`kiosk restore --list`), or add --force to "
                      "bring that one in anyway")


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
    """Replace the WHOLE database behind ``conn`` with ``backup``; return the safety backup.

    The current state is backed up first (``before-restore``). The backup's schema is migrated to the
    current version afterwards.
    """
    backup = Path(backup)
    check_backup_file(backup)
    if conn.in_transaction:
        raise BackupError("cannot restore while a change is in progress")
    safety = backup_database(conn, "before-restore", now=now)
    ident = database_id(conn)
    try:
        copy_database(backup, conn)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {backup}: {exc}; the previous state is in {safety}") from exc
    migrate(conn)
    if ident is not None:  # still this database (a backup of another one, brought in with --force)
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (DATABASE_ID_KEY, ident))
    return safety
