"""A write from the kiosk screen never freezes it for long while another process holds the write lock."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.db.connection import connect
from kiosk.ui.app import SCREEN_BUSY_TIMEOUT_MS, build_kiosk, record_usage, wait_briefly_for_writes

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_tap_counted_while_another_writer_holds_the_lock_returns_quickly(qtbot: Any, writable_db: Path) -> None:
    """Another connection holds BEGIN IMMEDIATE (an import, an update): counting a visit gives up after
    the screen's short wait instead of the 5 s a command waits, and the count resumes once it is free."""
    conn = connect(writable_db)
    conn.execute("PRAGMA busy_timeout = 5000")
    wait_briefly_for_writes(conn)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == SCREEN_BUSY_TIMEOUT_MS
    window = build_kiosk(conn, clock=lambda: NOW)
    qtbot.addWidget(window)
    other = sqlite3.connect(writable_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        record_usage(window.ctx, "home", {})
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert waited < 2.0, f"the screen waited {waited:.1f} s for another writer"
    record_usage(window.ctx, "home", {})
    assert conn.execute("SELECT SUM(count) FROM usage_counts WHERE kind = 'screen' AND key = 'home'"
                        ).fetchone()[0] >= 1
