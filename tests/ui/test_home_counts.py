"""The home screen's service counts follow a worker's edits without a restart."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.listings.editing import save_listing
from kiosk.ui.app import build_kiosk
from tests.helpers.worker import synthetic_listing

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_home_count_goes_up_after_a_new_listing(qtbot: Any, conn: sqlite3.Connection) -> None:
    window = build_kiosk(conn, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    window.nav.home()
    home = window.nav.current()
    tile = home.primary_tiles["elderly"]
    before = conn.execute("SELECT COUNT(*) FROM services WHERE category_id = 'elderly' AND status = 'active'"
                          ).fetchone()[0]
    assert tile.subtitle == f"{before} 项服务"
    save_listing(conn, synthetic_listing(), actor="worker", now=NOW)  # category elderly
    window.nav.push("search")
    window.nav.home()
    assert tile.subtitle == f"{before + 1} 项服务"
