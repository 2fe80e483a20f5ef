"""Worker tools on the kiosk: hidden entry, nothing without the PIN, lockout, edit → preview → undo,
feedback queue, import/export from the screen, idle lock, and the office window."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.listings.editing import get_listing
from kiosk.core.terminal.config import Config
from kiosk.core.workers import auth, feedback
from kiosk.ui.admin.editor import ListingEditor
from kiosk.ui.admin.panel import AdminPanel, ToolsView
from kiosk.ui.admin.screen import AdminScreen
from kiosk.ui.admin.window import AdminWindow
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW

PIN = "258013"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def kiosk(qtbot: Any, conn: sqlite3.Connection) -> Iterator[Callable[..., KioskWindow]]:
    windows: list[KioskWindow] = []

    def make(clock: Callable[[], datetime] = lambda: FIXED_NOW, config: Config | None = None) -> KioskWindow:
        window = build_kiosk(conn, config, clock=clock)
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:  # close before the connection closes (timers must not outlive it)
        window.ctx.release()
        if window.idle is not None:
            window.idle.stop()
        window.allow_close = True
        window.close()
        window.deleteLater()
    QApplication.processEvents()


def admin_screen(window: KioskWindow) -> AdminScreen:
    window.nav.push("admin")
    screen = window.nav.current()
    assert isinstance(screen, AdminScreen)
    return screen


def unlock(window: KioskWindow, conn: sqlite3.Connection) -> AdminPanel:
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    panel = admin_screen(window).panel
    panel.refresh_pin_state()
    panel.pinpad.enter(PIN)
    assert panel.is_open
    return panel


def tools_widgets(panel: QWidget) -> list[QWidget]:
    return [*panel.findChildren(ToolsView), *panel.findChildren(ListingEditor)]


def test_corner_hold_opens_the_pin_pad(kiosk: Callable[..., KioskWindow], qtbot: Any) -> None:
    """Holding the top-left corner opens admin; a tap elsewhere or a short press does not."""
    window = kiosk()
    window.admin_gesture.hold_ms = 60  # type: ignore[attr-defined]
    from PySide6.QtTest import QTest

    QTest.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(500, 900))
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(500, 900))
    QTest.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.wait(120)
    assert window.nav.current_name != "admin"
    QTest.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: window.nav.current_name == "admin", timeout=2000)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def test_admin_is_unreachable_without_pin(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection) -> None:
    """Before a PIN is set admin says how to set one, keys are off and no tool exists; a wrong PIN opens nothing."""
    window = kiosk()
    panel = admin_screen(window).panel
    assert "kiosk set-pin" in panel.pinpad.message.text()
    assert not panel.pinpad.keys["1"].isEnabled() and not panel.pinpad.ok.isEnabled()
    assert tools_widgets(panel) == [] and not panel.is_open
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    panel.refresh_pin_state()
    for guess in ("0000", "1234", "258"):
        panel.pinpad.enter(guess)
    assert tools_widgets(panel) == [] and not panel.is_open
    assert "还可以再试 2 次" in panel.pinpad.message.text()
    panel.pinpad.enter(PIN)
    assert panel.is_open and len(panel.findChildren(ToolsView)) == 1


def test_pin_pad_buttons_enter_the_pin(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection,
                                       qtbot: Any) -> None:
    """Tapping the digit buttons and 确定 unlocks; only dots show what was typed."""
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    panel = admin_screen(kiosk()).panel
    panel.refresh_pin_state()
    for digit in PIN:
        qtbot.mouseClick(panel.pinpad.keys[digit], Qt.MouseButton.LeftButton)
    assert panel.pinpad.dots.text() == "●" * len(PIN) and PIN not in panel.pinpad.dots.text()
    qtbot.mouseClick(panel.pinpad.ok, Qt.MouseButton.LeftButton)
    assert panel.is_open


def test_lockout_shows_and_survives_a_restart(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection) -> None:
    """Five wrong PINs lock the pad (keys off, until when); a new kiosk window on the same database is still locked."""
    clock = Clock(FIXED_NOW)
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    panel = admin_screen(kiosk(clock)).panel
    panel.refresh_pin_state()
    for _ in range(5):
        panel.pinpad.enter("0000")
    assert "已锁定" in panel.pinpad.message.text() and "10:35" in panel.pinpad.message.text()
    assert not panel.pinpad.ok.isEnabled()
    panel.pinpad.enter(PIN)
    assert not panel.is_open
    restarted = admin_screen(kiosk(clock)).panel
    assert "已锁定" in restarted.pinpad.message.text() and not restarted.pinpad.ok.isEnabled()
    clock.now = FIXED_NOW + timedelta(minutes=6)
    restarted.refresh_pin_state()
    assert restarted.pinpad.ok.isEnabled()
    restarted.pinpad.enter(PIN)
    assert restarted.is_open


def test_fix_phone_add_hours_see_preview_then_undo(kiosk: Callable[..., KioskWindow],
                                                   conn: sqlite3.Connection) -> None:
    """The worker's story: fix a phone and add hours, see it in the preview and on the resident card, undo."""
    window = kiosk()
    panel = unlock(window, conn)
    assert panel.tools is not None
    editor = panel.tools.show_section("listings").open_editor("smart-elderly-care-12349")  # type: ignore[attr-defined]
    editor.phones.edits(0)[0].setText("0371-680")
    assert not editor.save()
    assert "电话 1" in editor.phones.rows[0][2].text() and "0371-68123456" in editor.phones.rows[0][2].text()
    assert "没有保存" in editor.message.text()
    editor.phones.edits(0)[0].setText("0371-68000001")
    editor.insert_hours("Mo-Fr 08:30-17:30")
    editor.update_preview()
    assert "0371-68000001" in editor.preview_text() and "周一至周五 8:30–17:30" in editor.preview_text()
    assert editor.save() and "已保存" in editor.message.text()
    stored = get_listing(conn, "smart-elderly-care-12349")
    assert stored is not None and stored.phones[0].number == "0371-68000001"
    assert stored.hours[0].opening_hours == "Mo-Fr 08:30-17:30"

    panel.leave()  # 退出: back to the residents
    window.nav.home()
    window.nav.push("detail", service_id="smart-elderly-care-12349")
    detail = window.nav.current()
    assert "0371-68000001" in [b.text() for b in detail.phone_buttons]  # type: ignore[union-attr]

    panel = unlock(window, conn)
    assert panel.tools is not None
    editor = panel.tools.show_section("listings").open_editor("smart-elderly-care-12349")  # type: ignore[attr-defined]
    editor.show_history()
    [(entry_id, undo_button)] = editor.history.undo_buttons.items()
    undo_button.click()
    assert f"#{entry_id}" in editor.history.message.text()
    restored = get_listing(conn, "smart-elderly-care-12349")
    assert restored is not None and [p.number for p in restored.phones] == ["12349"] and restored.hours == []
    assert "12349" in editor.preview_text()


def test_validation_names_fields_on_screen(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection) -> None:
    """A new listing without a name and with bad hours: red lines under 名称 and the hours row; nothing saved."""
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    editor = panel.tools.show_section("listings").open_editor(None)  # type: ignore[attr-defined]
    editor.hours.add_row(("Mo-Fr 25:00-26:00", ""))
    count = conn.execute("SELECT COUNT(*) FROM services").fetchone()[0]
    assert not editor.save()
    assert editor.errors["name"].isVisibleTo(editor) and "名称" in editor.errors["name"].text()
    assert "营业时间 1" in editor.hours.rows[0][2].text()
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] == count
    editor.fields["name"].setText("测试助餐点")  # type: ignore[union-attr]
    editor.hours.edits(0)[0].setText("Mo-Fr 11:00-13:00")
    assert editor.save()
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] == count + 1


def test_idle_and_leaving_lock_admin(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection) -> None:
    """The admin screen uses admin_idle_timeout_s; the idle reset locks it and destroys the tools."""
    window = kiosk(config=Config(admin_idle_timeout_s=45))
    panel = unlock(window, conn)
    screen = window.nav.current()
    assert isinstance(screen, AdminScreen) and screen.idle_timeout_s() == 45
    assert window.idle is not None
    window.idle.fire()
    QApplication.processEvents()
    assert window.nav.current_name == "attract" and not panel.is_open
    assert panel.tools is None
    panel = unlock(window, conn)
    window.nav.home()
    assert not panel.is_open


def test_feedback_queue_marks_done(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection) -> None:
    """A resident's report shows in the queue with a count; 已处理 closes it, audited with the session."""
    feedback.add_feedback(conn, "library-branches", "wrong_phone", FIXED_NOW)
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    assert panel.tools.buttons["feedback"].text() == "居民反馈（1）"
    page = panel.tools.show_section("feedback")
    [(item_id, done)] = page.done_buttons.items()  # type: ignore[attr-defined]
    done.click()
    assert feedback.count_open(conn) == 0 and panel.tools.buttons["feedback"].text() == "居民反馈"
    actor = conn.execute("SELECT actor FROM audit_log WHERE table_name = 'feedback'").fetchone()[0]
    assert panel.session is not None and actor == panel.session.id and item_id > 0


def finished(qtbot: Any, page: Any, timeout: int = 15000) -> None:
    """Wait for the transfer page's job (run off the GUI thread) to end and its message to show."""
    qtbot.waitUntil(lambda: not page.busy, timeout=timeout)


def test_import_export_from_the_screen(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection,
                                       tmp_path: Path, qtbot: Any) -> None:
    """Export a CSV, edit it, check it (dry run), import it; a broken file is refused with its row."""
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    page.path.setText(str(tmp_path))
    assert page.do_export("csv")
    finished(qtbot, page)
    out = page.last_export
    assert out is not None and out.is_file() and "已导出" in page.output.toPlainText()
    out.write_text(out.read_text(encoding="utf-8-sig").replace(",12349,", ",0371-68000009,", 1), encoding="utf-8-sig")
    page.path.setText(str(out))
    assert not page.import_button.isEnabled()
    assert page.check()
    finished(qtbot, page)
    plan = page.plan
    assert plan.ok and plan.changed == ["smart-elderly-care-12349"] and page.import_button.isEnabled()
    assert page.apply()
    finished(qtbot, page)
    assert "已导入：新增 0 条，修改 1 条" in page.output.toPlainText()
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None and listing.phones[0].number == "0371-68000009"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,category,name,phone_1\n,elderly,测试,12\n", encoding="utf-8-sig")
    page.path.setText(str(bad))
    assert page.check()
    finished(qtbot, page)
    assert page.plan is not None and not page.plan.ok and not page.import_button.isEnabled()
    assert "第 2 行" in page.output.toPlainText() and "phone_1" in page.output.toPlainText()
    assert page.restore()  # the first press only asks
    finished(qtbot, page)
    assert page.restore_box.isVisible() and "将恢复备份" in page.restore_summary.text()
    unchanged = get_listing(conn, "smart-elderly-care-12349")
    assert unchanged is not None and unchanged.phones[0].number == "0371-68000009"
    assert page.restore()
    finished(qtbot, page)
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None and listing.phones[0].number == "12349"


def test_office_window_pin_then_tools_then_idle_lock(qtbot: Any, conn: sqlite3.Connection) -> None:
    """`kiosk admin`'s window: PIN first, then the tools; the idle watcher locks it again."""
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    window = AdminWindow(conn, Config(admin_idle_timeout_s=30))
    qtbot.addWidget(window)
    window.show()
    assert not window.panel.is_open and tools_widgets(window.panel) == []
    window.panel.pinpad.enter(PIN)
    assert window.panel.is_open and window.idle.timer.isActive()
    window.idle.fire()
    assert not window.panel.is_open and window.panel.tools is None
    window.close()


def test_touch_keyboard_types_into_the_focused_field(kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection,
                                                     qtbot: Any) -> None:
    """On the kiosk the on-screen keyboard appears under the tools and types into the field in focus."""
    window = kiosk()
    window.activateWindow()
    panel = unlock(window, conn)
    assert panel.tools is not None and panel.keyboard is not None
    editor = panel.tools.show_section("listings").open_editor("library-branches")  # type: ignore[attr-defined]
    editor.phones.add_row()
    field = editor.phones.edits(0)[0]
    field.setFocus()
    qtbot.waitUntil(lambda: panel.keyboard is not None and panel.keyboard.isVisible(), timeout=2000)
    assert panel.keyboard.target() is field  # type: ignore[attr-defined]
    panel.keyboard.insert_text("12349")  # type: ignore[attr-defined]
    assert field.text() == "12349"
    assert "养老" in [c.text for c in panel._pinyin_candidates("yanglao")]  # Chinese by pinyin too
    panel.leave()
    assert not panel.keyboard.isVisible()


def test_a_save_while_another_program_writes_keeps_the_form_and_says_try_again(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, writable_db: Path) -> None:
    """Another connection holds the write lock (an import on the same terminal): 保存 says the database is
    busy, nothing is written, the worker's typing stays in the form, and the next 保存 goes through."""
    conn.execute("PRAGMA busy_timeout = 100")
    window = kiosk()
    panel = unlock(window, conn)
    assert panel.tools is not None
    editor = panel.tools.show_section("listings").open_editor("smart-elderly-care-12349")  # type: ignore[attr-defined]
    editor.phones.edits(0)[0].setText("0371-68000002")
    other = sqlite3.connect(writable_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not editor.save()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "数据库正忙" in editor.message.text()
    assert editor.phones.edits(0)[0].text() == "0371-68000002"
    stored = get_listing(conn, "smart-elderly-care-12349")
    assert stored is not None and stored.phones[0].number != "0371-68000002"
    assert editor.save() and "已保存" in editor.message.text()


def test_with_two_workers_the_pad_asks_whose_pin_and_the_history_names_them(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, qtbot: Any) -> None:
    """Two workers: a PIN typed before a name is asked to pick one; 王芳's PIN under 王芳 opens her session."""
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    auth.set_pin(conn, "739146", now=FIXED_NOW, worker="王芳")
    panel = admin_screen(kiosk()).panel
    panel.refresh_pin_state()
    assert set(panel.pinpad.name_buttons) == {auth.ADMIN, "王芳"}
    panel.pinpad.enter("739146")
    assert not panel.is_open and "名字" in panel.pinpad.message.text()
    qtbot.mouseClick(panel.pinpad.name_buttons["王芳"], Qt.MouseButton.LeftButton)
    panel.pinpad.enter("739146")
    assert panel.is_open and panel.session is not None and panel.session.id.startswith("王芳·")
