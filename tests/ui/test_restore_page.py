"""The 恢复最近的备份 button: a confirm box says what stays, 确认恢复 brings the listings back and keeps the
residents' feedback, 撤销这次恢复 undoes it (real taps)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from kiosk.core.db.backup import backup_database
from kiosk.core.listings.editing import PhoneEntry, get_listing, save_listing
from kiosk.core.workers import feedback
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW
from tests.ui.test_admin import finished, kiosk, unlock

__all__ = ["kiosk"]  # the fixture, shared with the admin tests

EDITED = "smart-elderly-care-12349"


def test_restore_button_confirms_with_what_stays_then_restores_and_undoes(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, qtbot: Any) -> None:
    """First tap: the box lists the feedback kept; 确认恢复: the phone is back, feedback kept; 撤销: edit back."""
    backup_database(conn, "manual", now=FIXED_NOW)
    listing = get_listing(conn, EDITED)
    assert listing is not None
    listing.phones[0] = PhoneEntry("0371-68000002", "voice", "测试电话")  # synthetic test edit
    save_listing(conn, listing, actor="t", now=FIXED_NOW)
    feedback.add_feedback(conn, EDITED, "wrong_phone", FIXED_NOW)
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    assert page.restore_box.isVisible() and "1 feedback entries" in page.restore_summary.text()
    assert "不会丢失" in page.restore_summary.text()
    qtbot.mouseClick(page.restore_confirm, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    assert "已恢复" in page.output.toPlainText()
    restored = get_listing(conn, EDITED)
    assert restored is not None and restored.phones[0].number == "12349"
    assert len(feedback.list_feedback(conn, None)) == 1 and page.restore_undo.isVisible()
    qtbot.mouseClick(page.restore_undo, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    assert "已撤销恢复" in page.output.toPlainText()
    again = get_listing(conn, EDITED)
    assert again is not None and again.phones[0].number == "0371-68000002" and not page.restore_box.isVisible()


def test_cancel_closes_the_box_and_changes_nothing(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection,
                                                   qtbot: Any) -> None:
    """取消 in the confirm box: the box closes and the listing stays edited."""
    backup_database(conn, "manual", now=FIXED_NOW)
    listing = get_listing(conn, EDITED)
    assert listing is not None
    listing.phones[0] = PhoneEntry("0371-68000002", "voice", "测试电话")
    save_listing(conn, listing, actor="t", now=FIXED_NOW)
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    assert page.restore_box.isVisible()
    qtbot.mouseClick(page.restore_cancel, Qt.MouseButton.LeftButton)
    assert not page.restore_box.isVisible()
    kept = get_listing(conn, EDITED)
    assert kept is not None and kept.phones[0].number == "0371-68000002"
