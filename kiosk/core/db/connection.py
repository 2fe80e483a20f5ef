"""Opening databases and running transactions.

Connections are opened in autocommit mode (``isolation_level=None``); writes go through
:func:`transaction`, which makes the transaction boundaries explicit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.core.db.migrations import SCHEMA_VERSION, migrate, schema_version
from kiosk.core.errors import DatabaseBusyError, DatabaseError


def connect(path: Path | str, *, readonly: bool = False, migrate_schema: bool = True) -> sqlite3.Connection:
    """Open a kiosk database.

    ``readonly`` opens the file read-only (the bundled database); it must exist then.
    Otherwise the file is created if needed and migrated to the current schema.
    Raises :class:`DatabaseError` with a one-line reason when the file cannot be used.
    """
    path = Path(path)
    if (readonly or not migrate_schema) and not path.is_file():
        raise DatabaseError(f"database not found: {path} (build it with `kiosk build-db`)")
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        else:
            conn = sqlite3.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        version = schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open database {path}: {exc}") from exc
    if readonly:
        if version != SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(
                f"database {path} has schema version {version}, this program needs {SCHEMA_VERSION}; "
                "rebuild it with `kiosk build-db`"
            )
    elif migrate_schema:
        try:
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"cannot migrate database {path}: {exc}") from exc
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """Run the block in one transaction: commit at the end, roll back on any exception."""
    try:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusyError(str(exc)) from exc
        raise
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
