"""Shared bits for the worker-tools tests: a fixed clock, content dumps, synthetic listings.

Everything made here is synthetic test data (names say so); it never goes into data/ or seeds/.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.content.dump import dump_lines
from kiosk.core.listings.editing import HoursEntry, Listing, LocationEntry, PhoneEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


def content(conn: sqlite3.Connection) -> list[str]:
    """Every row of every table (meta excluded), canonical: equal lists mean identical content."""
    return list(dump_lines(conn))


def synthetic_listing(**overrides: object) -> Listing:
    """A made-up listing (测试 = test) with a phone, hours and a location."""
    listing = Listing(
        category_id="elderly", name="测试老年食堂", name_en="Test meal point", description="合成测试数据",
        phones=[PhoneEntry("0371-68000001", "voice", "前台")],
        hours=[HoursEntry("Mo-Fr 11:00-13:00", "午餐")],
        locations=[LocationEntry(name="测试社区活动中心", address="测试路 1 号", community="测试社区",
                                 latitude=34.8, longitude=113.3, accessibility=["无障碍坡道"])],
        languages=["普通话"],
    )
    for key, value in overrides.items():
        setattr(listing, key, value)
    return listing
