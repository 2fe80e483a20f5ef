"""A canonical, ordered dump of a database's content, for comparing builds."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator

from kiosk.core.db.rows import table_columns

EXCLUDED_TABLES = frozenset({"meta"})
"""``meta`` holds the content hash itself, so it is left out of the dump."""


def table_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def dump_lines(conn: sqlite3.Connection, *, tables: list[str] | None = None) -> Iterator[str]:
    """Yield one JSON line per row, tables by name, rows in full-row order."""
    for table in tables or table_names(conn):
        if table in EXCLUDED_TABLES:
            continue
        columns = table_columns(conn, table)
        order = ", ".join(f'"{c}"' for c in columns)
        for row in conn.execute(f'SELECT {order} FROM "{table}" ORDER BY {order}'):
            yield json.dumps({"table": table, **dict(zip(columns, tuple(row), strict=True))},
                             ensure_ascii=False, sort_keys=True)


def content_hash(conn: sqlite3.Connection) -> str:
    """SHA-256 over the canonical dump (schema version included)."""
    digest = hashlib.sha256()
    digest.update(f"user_version={conn.execute('PRAGMA user_version').fetchone()[0]}\n".encode())
    for line in dump_lines(conn):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
