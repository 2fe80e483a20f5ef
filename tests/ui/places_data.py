"""Generated places for the place-list tests and screenshots (测试 = test: made up, never in data/ or seeds/).

The places are added to an existing listing through the worker's own editing path
(:func:`kiosk.core.listings.editing.save_listing`), so the screen reads them as it reads real ones.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.core.listings.fields import LocationEntry

SERVICE = "elderly-care-facilities"
"""The listing the tests give places to (社区养老服务设施)."""


def three_places() -> list[LocationEntry]:
    """Closed (weekday evening hours), open (office hours) and one with nothing but a name, in that
    stored order; at FIXED_NOW (Wednesday 10:30) the open one must come first."""
    return [
        LocationEntry(name="测试晚间服务点", address="测试路 1 号", community="测试东社区",
                      hours="周一至周五 18:00-21:00", phones=["0371-60000001"], transportation="测试公交 1 路",
                      accessibility=["无障碍坡道"]),
        LocationEntry(name="测试日间照料中心", address="测试路 2 号", community="测试西社区",
                      hours="周一至周五 8:30-17:30", phones=["0371-60000002", "0371-60000003"]),
        LocationEntry(name="测试邻里驿站", community="测试东社区"),
    ]


def add_places(conn: sqlite3.Connection, places: list[LocationEntry], now: datetime,
               service_id: str = SERVICE) -> None:
    """Give ``service_id`` these places (replacing the ones it has) as a worker's edit would."""
    listing = get_listing(conn, service_id)
    assert listing is not None, service_id
    save_listing(conn, replace(listing, locations=places), actor="测试", now=now)


def many_places(n: int) -> list[LocationEntry]:
    """``n`` generated places in five generated communities, every other one with office hours."""
    return [LocationEntry(name=f"测试服务点 {i + 1}", address=f"测试路 {i + 1} 号", community=f"测试社区 {i % 5 + 1}",
                          hours="周一至周五 8:30-17:30" if i % 2 else None,
                          phones=[f"0371-6{i:07d}"]) for i in range(n)]
