"""The one way core code reads and writes whole rows, and copies a whole database.

Rows are plain dicts (column name → value). :func:`select_rows` reads them; :func:`insert` and
:func:`upsert` write only the keys that are columns of the table as this connection's schema has them
now, so a snapshot taken under an older or newer schema still fits; :func:`upsert` replaces by the
table's declared primary key.
:func:`copy_database` is the SQLite online backup API with the connections opened and closed the same
way everywhere (a file source is opened read-only).

Why not sqlite-utils: it was used in one place (the seed build), untyped (a ``type: ignore`` per call),
while every other row operation — editing, undo, the content merge — was already hand-written SQL over
``sqlite3`` with the schema owned by :mod:`kiosk.core.db.migrations`. These few typed functions replace
the dependency, two copies of the row helpers and six hand-written backup-API copy loops.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

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


def _insert_sql(table: str, cols: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'


def insert(conn: sqlite3.Connection, table: str, row: Row) -> None:
    """Insert one row (keys that are not columns of ``table`` are left out; missing ones get the default)."""
    insert_all(conn, table, [row])


def insert_all(conn: sqlite3.Connection, table: str, new_rows: Iterable[Row]) -> int:
    """Insert rows in order (as :func:`insert`, asking for the columns once); return how many."""
    columns = table_columns(conn, table)
    count = 0
    for row in new_rows:
        cols = [c for c in columns if c in row]
        conn.execute(_insert_sql(table, cols), [row[c] for c in cols])
        count += 1
    return count


def upsert(conn: sqlite3.Connection, table: str, row: Row) -> None:
    """Insert ``row``, or update the stored row with the same primary key (only the columns ``row`` has)."""
    key = primary_key(conn, table)
    if not key:
        raise ValueError(f"table {table} has no declared primary key to upsert by")
    cols = [c for c in table_columns(conn, table) if c in row]
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    conflict = ", ".join(f'"{c}"' for c in key)
    conn.execute(f"{_insert_sql(table, cols)} ON CONFLICT({conflict}) {action}", [row[c] for c in cols])


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
