"""``kiosk stats``: what is in a database, per table and per category."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.core.content.dump import table_names


@dataclass(frozen=True)
class Stats:
    tables: dict[str, int]
    categories: list[tuple[str, str, int, int]]  # id, name, active services, all services
    schema_version: int
    content_hash: str | None


def database_stats(conn: sqlite3.Connection) -> Stats:
    tables = {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in table_names(conn)}
    categories = [
        (r[0], r[1], r[2], r[3])
        for r in conn.execute(
            """SELECT c.id, c.name,
                      SUM(CASE WHEN s.status = 'active' THEN 1 ELSE 0 END), COUNT(s.id)
               FROM categories c LEFT JOIN services s ON s.category_id = c.id
               GROUP BY c.id ORDER BY c.sort_order""")
    ]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return Stats(tables, categories, version, row[0] if row else None)
