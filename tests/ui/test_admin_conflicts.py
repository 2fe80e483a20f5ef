"""The 冲突 page behind the PIN: a field the office and this terminal both changed, taken from the office or
kept, with the decision in the history under the worker's session. Values are synthetic (测试)."""

from __future__ import annotations

import contextlib
import copy
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.core.fleet import conflicts
from kiosk.core.fleet.merge import Conflict, store_base
from kiosk.core.hours.opening import SHANGHAI
from kiosk.core.listings import audit
from kiosk.core.listings.editing import get_listing, save_listing, snapshot
from kiosk.core.workers import auth
from kiosk.ui.admin.conflicts_page import ConflictsPage
from kiosk.ui.admin.panel import ToolsView
from kiosk.ui.admin.screen import AdminScreen
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow

PIN = "258013"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
SID = "elderly-care-facilities"
OFFICE = "办公室的说明（合成）"
LOCAL = "本机的说明（合成）"


def _conflict(conn: sqlite3.Connection, sid: str) -> None:
    """As a bundle leaves it: the office's snapshot as base, this terminal's value kept, the clash listed."""
    snap = snapshot(conn, sid)
    assert snap is not None
    office = copy.deepcopy(snap)
    office["services"][0]["description"] = OFFICE
    store_base(conn, sid, office, version=2, now=NOW)
    listing = get_listing(conn, sid)
    assert listing is not None
    base = listing.description
    save_listing(conn, replace(listing, description=LOCAL), actor="admin-terminal", now=NOW)
    conflicts.record_conflicts(conn, sid, [Conflict(("description",), base, OFFICE, LOCAL)], version=2, now=NOW)


@pytest.fixture
def page(qtbot: Any, conn: sqlite3.Connection) -> Iterator[ConflictsPage]:
    _conflict(conn, SID)
    _conflict(conn, "community-health-centres")
    with _tools(qtbot, conn) as tools:
        assert tools.conflicts_notice.isVisible() and "2 处冲突" in tools.conflicts_notice.text.text()
        tools.conflicts_notice.open_button.click()
        found = tools.pages["conflicts"]
        assert tools.stack.currentWidget() is found
        assert isinstance(found, ConflictsPage)
        yield found


def test_no_notice_and_no_chip_without_conflicts(qtbot: Any, conn: sqlite3.Connection) -> None:
    """A sixth chip does not fit elder mode's row: conflicts are reached from a notice, shown only while open."""
    with _tools(qtbot, conn) as tools:
        assert "conflicts" not in tools.buttons and not tools.conflicts_notice.isVisible()


@contextlib.contextmanager
def _tools(qtbot: Any, conn: sqlite3.Connection) -> Iterator[ToolsView]:
    auth.set_pin(conn, PIN, now=NOW)
    w: KioskWindow = build_kiosk(conn, None, clock=lambda: NOW)
    qtbot.addWidget(w)
    w.resize(1080, 1920)
    w.show()
    qtbot.waitExposed(w)
    w.nav.push("admin")
    screen = w.nav.current()
    assert isinstance(screen, AdminScreen)
    panel = screen.panel
    panel.refresh_pin_state()
    panel.pinpad.enter(PIN)
    assert panel.tools is not None
    try:
        yield panel.tools
    finally:
        _close(w)


def _close(w: KioskWindow) -> None:
    w.ctx.release()
    if w.idle is not None:
        w.idle.stop()
    w.allow_close = True
    w.close()
    w.deleteLater()
    QApplication.processEvents()


def test_take_the_office_value_and_keep_the_local_one(page: ConflictsPage, conn: sqlite3.Connection) -> None:
    assert "2 处" in page.summary.text() and len(page.buttons) == 4
    first, second = conflicts.list_conflicts(conn)
    page.buttons[(first.id, "office")].click()
    assert get_listing(conn, first.service_id).description == OFFICE  # type: ignore[union-attr]
    assert "已处理" in page.message.text() and "1 处" in page.summary.text()
    page.buttons[(second.id, "local")].click()
    assert get_listing(conn, second.service_id).description == LOCAL  # type: ignore[union-attr]
    assert conflicts.list_conflicts(conn) == [] and "没有待处理的冲突" in page.summary.text()
    assert page.panel.tools is not None and not page.panel.tools.conflicts_notice.isVisible()
    session = page.panel.session
    assert session is not None
    actors = {e.actor for c in (first, second) for e in audit.history(conn, "merge_conflicts", str(c.id))}
    assert actors == {session.id}


def test_a_refused_value_is_said_on_screen_and_changes_nothing(page: ConflictsPage, conn: sqlite3.Connection) -> None:
    first = conflicts.list_conflicts(conn)[0]
    conn.execute("UPDATE listing_base SET snapshot = replace(snapshot, '\"status\":\"active\"', '\"status\":\"gone\"') "
                 "WHERE service_id = ?", (first.service_id,))
    conn.execute("UPDATE merge_conflicts SET field = '[\"status\"]' WHERE id = ?", (first.id,))
    page.refresh()
    before = snapshot(conn, first.service_id)
    page.buttons[(first.id, "office")].click()
    assert "没有改动" in page.message.text() and "状态" in page.message.text()
    assert snapshot(conn, first.service_id) == before
