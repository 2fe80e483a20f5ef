"""Anonymous usage counts: how often each listing, category and screen is opened, per day.

Only counters are kept (``usage_counts``: day, kind, key, count) — never who, never the exact time,
never what a person typed beyond the zero-result search words (see ``kiosk.core.search.ranking``).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.core.errors import KioskError

KINDS = ("service", "category", "screen")
LOCAL = ZoneInfo("Asia/Shanghai")


def local_day(now: datetime) -> date:
    """The calendar day in Shanghai of an aware datetime."""
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware (Asia/Shanghai)")
    return now.astimezone(LOCAL).date()


def record_view(conn: sqlite3.Connection, kind: str, key: str, now: datetime) -> None:
    """Count one view of ``key`` (a service id, category id or screen name) on ``now``'s day."""
    if kind not in KINDS:
        raise KioskError(f"unknown usage kind '{kind}'; one of {', '.join(KINDS)}")
    conn.execute(
        "INSERT INTO usage_counts(day, kind, key, count) VALUES (?, ?, ?, 1) "
        "ON CONFLICT(day, kind, key) DO UPDATE SET count = count + 1",
        (local_day(now).isoformat(), kind, key),
    )


