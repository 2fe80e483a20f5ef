"""The holiday calendar is loaded while the attract screen waits, not on a resident's first tap."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.hours.holidays import statutory_holidays
from kiosk.ui import hours
from kiosk.ui.app import build_kiosk

DECEMBER = datetime(2026, 12, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # the look-ahead reaches 2027


def test_warm_up_computes_next_years_statutory_holidays_only_when_a_listing_has_hours(
        qtbot: Any, conn: sqlite3.Connection) -> None:
    """Without hours in the data nothing is loaded; with one listing's hours (test data) the unpublished
    2027's statutory holidays are computed ahead of time."""
    window = build_kiosk(conn, clock=lambda: DECEMBER)
    qtbot.addWidget(window)
    statutory_holidays.cache_clear()
    hours.warm_up(window.ctx)
    assert statutory_holidays.cache_info().currsize == 0
    with conn:
        conn.execute("INSERT INTO schedules (id, service_id, opening_hours) "
                     "SELECT 'test-schedule', id, 'Mo-Fr 08:30-17:30; PH off' FROM services LIMIT 1")  # test data
    hours.warm_up(window.ctx)
    assert statutory_holidays.cache_info().currsize == 1  # 2027 (2026 is published)
