"""The 节假日安排 page behind the PIN: paste a notice, add and remove dates — and the resident screens'
opening-hours answers follow at once, without a restart.

The notice is synthetic test data written here (the 2027 notice is not published).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.core.db.connection import connect
from kiosk.core.hours import holiday_store
from kiosk.core.hours.opening import SHANGHAI
from kiosk.core.workers import auth
from kiosk.ui import hours
from kiosk.ui.admin.holidays_page import HolidaysPage
from kiosk.ui.admin.panel import AdminPanel
from kiosk.ui.admin.screen import AdminScreen
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow

PIN = "258013"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"
NOTICE = """\
2027-01-01 元旦 放假
2027-02-05 至 2027-02-11 春节 放假
2027-02-13 春节 上班
2027-04-05 清明节 放假
2027-05-01 至 2027-05-05 劳动节 放假
2027-06-09 端午节 放假
2027-09-15 中秋节 放假
2027-10-01 至 2027-10-07 国庆节 放假
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def window(qtbot: Any, conn: sqlite3.Connection) -> Iterator[Callable[[Clock], KioskWindow]]:
    made: list[KioskWindow] = []

    def make(clock: Clock) -> KioskWindow:
        w = build_kiosk(conn, None, clock=clock)
        qtbot.addWidget(w)
        w.resize(1080, 1920)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.ctx.release()
        if w.idle is not None:
            w.idle.stop()
        w.allow_close = True
        w.close()
        w.deleteLater()
    QApplication.processEvents()


def holidays_page(w: KioskWindow, conn: sqlite3.Connection) -> HolidaysPage:
    auth.set_pin(conn, PIN, now=NOW)
    w.nav.push("admin")
    screen = w.nav.current()
    assert isinstance(screen, AdminScreen)
    panel: AdminPanel = screen.panel
    panel.refresh_pin_state()
    panel.pinpad.enter(PIN)
    assert panel.tools is not None
    panel.tools.buttons["holidays"].click()
    page = panel.tools.pages["holidays"]
    assert isinstance(page, HolidaysPage)
    return page


def test_paste_notice_then_remove_a_date(window: Callable[[Clock], KioskWindow], conn: sqlite3.Connection) -> None:
    """Pasting the notice and tapping 导入 marks 2027 complete; 删除 takes one date back; audited with the session."""
    page = holidays_page(window(Clock(NOW)), conn)
    assert page.selected_year() == 2027 and "尚未录入" in page.status.text()
    page.notice.setPlainText(NOTICE)
    page.import_button.click()
    assert "已完整录入" in page.status.text() and "已导入 2027" in page.message.text()
    assert len(page.remove_buttons) == len(holiday_store.worker_days(conn, 2027)) == 24
    page.remove_buttons["2027-10-07"].click()
    assert "2027-10-07" not in page.remove_buttons
    assert date_list(conn)[-1] == "2027-10-06"
    actors = {r[0] for r in conn.execute("SELECT actor FROM audit_log WHERE table_name = 'worker_holidays'")}
    assert len(actors) == 1 and page.panel.session is not None and actors == {page.panel.session.id}


def date_list(conn: sqlite3.Connection) -> list[str]:
    return [d.date.isoformat() for d in holiday_store.worker_days(conn)]


def test_bad_notice_is_refused_on_screen_with_nothing_entered(window: Callable[[Clock], KioskWindow],
                                                              conn: sqlite3.Connection) -> None:
    """A notice with a bad line shows the one-line reason and enters no date."""
    page = holidays_page(window(Clock(NOW)), conn)
    page.notice.setPlainText(NOTICE + "2027-10-32 放假\n")
    page.import_button.click()
    assert "没有导入" in page.message.text() and "line 9" in page.message.text()
    assert date_list(conn) == [] and page.notice.toPlainText()  # the text stays for correcting


def test_add_needs_partial_and_resident_answer_follows(window: Callable[[Clock], KioskWindow],
                                                       conn: sqlite3.Connection, writable_db: Path) -> None:
    """Adding one 2027 date asks for 只录入这一天; then the residents' answer for it changes without a restart,
    and a date entered by another connection (the command line) shows too."""
    clock = Clock(datetime(2027, 10, 5, 10, 0, tzinfo=SHANGHAI))
    w = window(clock)
    assert hours.state(w.ctx, OFFICE).state == "unknown"  # cached calendar: 2027-10-05 estimated
    page = holidays_page(w, conn)
    page.date.setText("2027-10-05")
    page.name.setText("国庆节")
    page.add_button.click()
    assert "没有添加" in page.message.text() and "只录入这一天" in page.message.text()
    page.partial.setChecked(True)
    page.add_button.click()
    assert "已添加" in page.message.text() and "部分录入" in page.status.text()
    assert hours.label(w.ctx, OFFICE) == "国庆节休息"
    other = connect(writable_db)
    try:
        holiday_store.add_day(other, clock.now.date().replace(day=6), "holiday", name="国庆节", partial=True,
                              actor="cli", now=NOW)
    finally:
        other.close()
    clock.now = datetime(2027, 10, 6, 10, 0, tzinfo=SHANGHAI)
    assert hours.label(w.ctx, OFFICE) == "国庆节休息"
