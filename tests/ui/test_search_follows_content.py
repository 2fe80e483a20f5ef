"""The search screen follows the database: a content change since its last visit shows on the next one."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.search.index import reindex
from kiosk.ui.app import build_kiosk

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_renamed_category_and_hotline_show_on_the_next_visit(qtbot: Any, conn: sqlite3.Connection) -> None:
    """A content update renames a primary category and the care hotline (test data): the empty state's
    category button and hotline card say so on the next visit, without a restart."""
    window = build_kiosk(conn, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    window.nav.home()
    window.nav.push("search")
    screen: Any = window.nav.current()
    button = screen.empty_state.category_buttons["elderly"]
    assert button.text() == "养老服务"
    hotline_before = screen.empty_state.hotline_text.text()
    window.nav.home()

    with conn:  # what a content update does: new rows, then a re-index (which bumps the generation)
        conn.execute("UPDATE categories SET name = '养老服务（测试改名）' WHERE id = 'elderly'")
        conn.execute("UPDATE hotlines SET name = name || '（测试改名）'")
        reindex(conn)

    window.nav.push("search")
    assert screen.empty_state.category_buttons["elderly"].text() == "养老服务（测试改名）"
    assert "（测试改名）" in screen.empty_state.hotline_text.text() != hotline_before
    screen.empty_state.category_buttons["elderly"].click()
    assert window.nav.current_name == "category"
