"""The one way core code reads and writes whole rows, and copies a whole database.

Rows are plain dicts (column name → value). :func:`select_rows` reads them; :func:`insert` and
:func:`upsert` write only the keys that are columns of the table as this connection's schema has them
now, so a snapshot taken under an older or newer schema still fits; :func:`upsert` replaces by the
table's declared primary key.
:func:`copy_database` is the SQLite online backup API with the connections opened and closed the same
way everywhere (a file source is opened read-only).

Inserts and upserts go through sqlite-utils (the project's chosen library for this): its ``Table``
does the statement building and, inside a caller's transaction, runs in a savepoint, so the caller's
all-or-nothing holds. This module only adds what the kiosk needs on top — keys that are not columns of
the table now are left out (a snapshot from an older or newer schema still fits), one row at a time so
missing columns keep their schema defaults, and the primary key read from the schema — and it replaces
two hand-written copies of row helpers and six backup-API copy loops.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sqlite-utils (and numpy, which it imports) only when a row is written: not at start-up
    from sqlite_utils.db import Table

Row = dict[str, Any]
"""One row: column name → value."""


def select_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """The result of ``sql`` as dicts, in the query's order."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, tuple(r), strict=True)) for r in cur]


def table_rows(conn: sqlite3.Connection, table: str) -> list[Row]:
    """Every row of ``table`` as dicts ([] when the database has no such table)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
    return select_rows(conn, f'SELECT * FROM "{table}"') if exists else []


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` as this connection's schema has them now (not cached: a cache keyed by the
    connection's id went stale when a new connection got the id of a closed one, or a migration added a
    column; asking SQLite takes microseconds)."""
    return [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    """The declared primary key columns of ``table``, in key order."""
    info = [(r[5], r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5]]
    return [name for _, name in sorted(info)]


def insert(conn: sqlite3.Connection, table: str, row: Row) -> None:
    """Insert one row (keys that are not columns of ``table`` are left out; missing ones get the default)."""
    insert_all(conn, table, [row])


def _table(conn: sqlite3.Connection, table: str) -> Table:
    from sqlite_utils import Database

    return Database(conn, recursive_triggers=False, execute_plugins=False).table(table)


def insert_all(conn: sqlite3.Connection, table: str, new_rows: Iterable[Row]) -> int:
    """Insert rows in order (as :func:`insert`, asking for the columns once); return how many."""
    columns = set(table_columns(conn, table))
    target = _table(conn, table)
    count = 0
    for row in new_rows:  # one at a time: a batch would write NULL into columns a row leaves out
        target.insert({c: v for c, v in row.items() if c in columns}, alter=False)
        count += 1
    return count


def upsert(conn: sqlite3.Connection, table: str, row: Row) -> None:
    """Insert ``row``, or update the stored row with the same primary key (only the columns ``row`` has)."""
    key = primary_key(conn, table)
    if not key:
        raise ValueError(f"table {table} has no declared primary key to upsert by")
    columns = set(table_columns(conn, table))
    _table(conn, table).upsert({c: v for c, v in row.items() if c in columns},
                               pk=key[0] if len(key) == 1 else tuple(key), alter=False)


def copy_database(src: sqlite3.Connection | Path, dest: sqlite3.Connection | Path) -> None:
    """Copy every page of ``src`` into ``dest`` with SQLite's online backup API (a consistent state).

    A path ``src`` is opened read-only; a path ``dest`` is created or overwritten. Connections this
    function opens it also closes; connections it is given stay open. Raises :class:`sqlite3.Error`.
    """
    if isinstance(src, Path):
        with closing(sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)) as opened:
            copy_database(opened, dest)
        return
    if isinstance(dest, Path):
        with closing(sqlite3.connect(dest)) as target:
            src.backup(target)
        return
    src.backup(dest)
