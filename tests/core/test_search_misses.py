"""Zero-result searches are counted anonymously: day, query text, count."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from kiosk.core.db.connection import connect
from kiosk.core.search.ranking import record_miss, search


def rows(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    return [tuple(r) for r in conn.execute("SELECT day, query, count FROM search_misses ORDER BY day, query")]


def test_misses_are_counted_per_day_and_query(writable_db: Path) -> None:
    """The same miss twice on one day counts 2; another day starts again at 1."""
    conn = connect(writable_db)
    assert search(conn, "量子计算") == []
    assert record_miss(conn, "量子计算", date(2024, 5, 1))
    assert record_miss(conn, "量子计算", date(2024, 5, 1))
    assert record_miss(conn, "量子计算", date(2024, 5, 2))
    assert rows(conn) == [("2024-05-01", "量子计算", 2), ("2024-05-02", "量子计算", 1)]
    conn.close()


def test_only_the_text_is_kept(writable_db: Path) -> None:
    """Nothing but day, text and count is stored; white space is collapsed, long text cut to 100."""
    conn = connect(writable_db)
    record_miss(conn, "  量子   计算 ", date(2024, 5, 1))
    record_miss(conn, "长" * 500, date(2024, 5, 1))
    columns = [r[1] for r in conn.execute("PRAGMA table_info(search_misses)")]
    assert columns == ["day", "query", "count"]
    stored = rows(conn)
    assert ("2024-05-01", "量子 计算", 1) in stored
    assert ("2024-05-01", "长" * 100, 1) in stored
    conn.close()


def test_blank_query_is_not_recorded(writable_db: Path) -> None:
    """Empty or all-space input is not a miss worth reporting."""
    conn = connect(writable_db)
    assert not record_miss(conn, "   ", date(2024, 5, 1))
    assert not record_miss(conn, "", date(2024, 5, 1))
    assert rows(conn) == []
    conn.close()


def test_hostile_query_is_stored_as_plain_text(writable_db: Path) -> None:
    """SQL-looking text is recorded verbatim and harms nothing."""
    conn = connect(writable_db)
    record_miss(conn, "'); DROP TABLE services; --", date(2024, 5, 1))
    assert rows(conn) == [("2024-05-01", "'); DROP TABLE services; --", 1)]
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] > 0
    conn.close()


def test_read_only_database_records_nothing_quietly(seed_conn: sqlite3.Connection) -> None:
    """On the read-only bundled fallback, record_miss returns False instead of failing the search."""
    assert record_miss(seed_conn, "量子计算", date(2024, 5, 1)) is False
