"""Everything behind the PIN: the panel that the kiosk screen and the office window both show.

Locked, the panel shows only the PIN pad (or how to set a PIN, or until when it is locked). The
tools — listings, feedback, reports, import/export — are built when the right PIN is entered and
destroyed when the panel locks again, so nothing of them is reachable without the PIN.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.workers import auth
from kiosk.core.workers import feedback as feedback_core
from kiosk.ui.admin.pinpad import PinPad
from kiosk.ui.admin.style import admin_qss
from kiosk.ui.context import AppContext
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import button, label

log = logging.getLogger(__name__)

SET_PIN_TEXT = "还没有设置管理密码。\n请在终端电脑上运行命令：kiosk set-pin\n(no PIN yet: run `kiosk set-pin`)"


class AdminPanel(QWidget):
    """The worker tools with their PIN pad. ``closed`` fires when the worker leaves (退出)."""

    closed = Signal()
    unlocked = Signal()
    contentChanged = Signal()
    """A worker job wrote listings (an import, a restore): what shows them must be built afresh."""

    def __init__(self, ctx: AppContext, *, touch: bool, theme: Theme | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPanel")
        self.ctx = ctx
        self.touch = touch
        self.theme = theme or ctx.theme
        self.session: auth.AdminSession | None = None
        self.tools: ToolsView | None = None
        self.away_message: str | None = None
        """What a job said that ended after its page was gone (the worker left); shown on the next visit."""
        self.pinpad = PinPad()
        self.pinpad.submitted.connect(self.submit_pin)
        self.pinpad.chosen.connect(lambda _name: self.refresh_pin_state())
        self.leave_button = button("关闭", "nav")
        self.leave_button.clicked.connect(self.leave)
        self.leave_button.setVisible(not touch)  # on the kiosk the window's back/home bar does this
        pin_page = QWidget()
        pin_layout = QVBoxLayout(pin_page)
        pin_layout.addWidget(self.pinpad, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.leave_button)
        pin_layout.addLayout(row)
        self.stack = QStackedWidget()
        self.stack.addWidget(pin_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        self.keyboard: QWidget | None = None
        if touch:
            self._attach_keyboard(layout)
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(5000)
        self.lock_timer.timeout.connect(self.refresh_pin_state)
        self.apply_theme(self.theme)
        if touch:
            ctx.themeChanged.connect(self.apply_theme)
        self.refresh_pin_state()

    # -- PIN ----------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.session is not None

    def hideEvent(self, event: QHideEvent) -> None:
        self.lock_timer.stop()  # only look at the lock while someone can see the pad
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_pin_state()

    def refresh_pin_state(self) -> None:
        """Say whether a PIN is set, whether the pad is locked (and until when)."""
        if self.is_open:
            return
        conn = self.ctx.conn
        from kiosk.core.db.runtime import read_only_reason

        read_only = read_only_reason(conn)  # started in a bad state (read-only folder, newer database, …)
        if read_only is not None:
            self.pinpad.set_title("社区工作者工具（只读）")
            self.pinpad.set_message(f"{read_only}\n现在不能登录和修改 (no sign-in or edits until this is fixed).")
            self.pinpad.set_enabled_keys(False)
            return
        if not auth.pin_is_set(conn):
            self.pinpad.set_title("社区工作者工具")
            self.pinpad.set_message(SET_PIN_TEXT)
            self.pinpad.set_enabled_keys(False)
            return
        names = auth.workers(conn)
        self.pinpad.set_workers(names)
        self.pinpad.set_title("请点您的名字，再输入密码" if len(names) > 1 else "请输入管理密码")
        until = auth.lock_state(conn, self.ctx.clock(), self.pinpad.worker)
        if until is not None:
            self.pinpad.set_message(f"密码输错次数太多，已锁定，请在 {until:%H:%M} 以后再试。")
            self.pinpad.set_enabled_keys(False)
            if self.isVisible():
                self.lock_timer.start()
        else:
            if self.pinpad.message.text().startswith("密码输错次数太多"):
                self.pinpad.set_message("")
            self.pinpad.set_enabled_keys(True)
            self.lock_timer.stop()

    def submit_pin(self, pin: str) -> None:
        result = auth.check_pin(self.ctx.conn, pin, now=self.ctx.clock(), worker=self.pinpad.worker)
        if result.ok and result.session is not None:
            self.open_tools(result.session)
            return
        if result.status == "wrong":
            self.pinpad.set_message(f"密码不对，还可以再试 {result.attempts_left} 次。")
        self.refresh_pin_state()

    def open_tools(self, session: auth.AdminSession) -> None:
        self.session = session
        self.tools = ToolsView(self)
        self.stack.addWidget(self.tools)
        self.stack.setCurrentWidget(self.tools)
        self.pinpad.clear()
        self.pinpad.set_message("")
        self.unlocked.emit()

    def lock(self) -> None:
        """End the session: the tools are destroyed and the PIN pad shows again."""
        self.session = None
        if self.tools is not None:
            self.stack.removeWidget(self.tools)
            self.tools.setParent(None)
            self.tools.deleteLater()
            self.tools = None
        if self.keyboard is not None:
            self.keyboard.hide()
        self.stack.setCurrentIndex(0)
        self.pinpad.clear()
        self.refresh_pin_state()

    def leave(self) -> None:
        """退出: lock and tell the host (the kiosk returns to the residents)."""
        self.lock()
        self.closed.emit()

    # -- jobs that outlive their page -----------------------------------------------------------
    def remember_away(self, text: str) -> None:
        """A job ended with its page gone: keep its message for the next visit and log it."""
        self.away_message = text
        log.info("a worker job ended after its page was closed: %s", text.replace("\n", " "))

    def take_away_message(self) -> str | None:
        text, self.away_message = self.away_message, None
        return text

    def content_changed(self) -> None:
        """After a job wrote listings: the open tools show them afresh; the host resets the resident screens."""
        tools = self.tools
        if tools is not None:
            listings_page = tools.pages.get("listings")
            refresh = getattr(listings_page, "refresh", None)
            if callable(refresh):
                refresh()
            tools.update_feedback_count()
        self.contentChanged.emit()

    # -- look ---------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setStyleSheet(admin_qss(theme))
        if self.tools is not None:
            self.tools.apply_theme(theme)
        keyboard_theme = getattr(self.keyboard, "apply_theme", None) if self.keyboard is not None else None
        if callable(keyboard_theme):
            keyboard_theme(theme)

    # -- on-screen keyboard ---------------------------------------------------------------------
    def _attach_keyboard(self, layout: QVBoxLayout) -> None:
        """The touch keyboard (pinyin/ABC/123, and 手写 where the recognizer is installed) under the tools."""
        from kiosk.core.handwriting import domain_chars
        from kiosk.ui.widgets.handwriting import add_handwriting_page
        from kiosk.ui.widgets.keyboard import TouchKeyboard

        keyboard = TouchKeyboard(theme=self.theme)
        self.keyboard = keyboard
        self._vocabulary: Any = None
        keyboard.set_candidate_source(self._pinyin_candidates)
        keyboard.hideRequested.connect(keyboard.hide)
        add_handwriting_page(keyboard, theme=self.theme, domain_chars=domain_chars(self.ctx.conn))  # None: no Zinnia
        keyboard.hide()
        layout.addWidget(keyboard)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _pinyin_candidates(self, letters: str) -> list[Any]:
        """Chinese candidates for typed pinyin (the search helper's vocabulary of the kiosk's texts)."""
        if self._vocabulary is None:
            from kiosk.core.search.candidates import PinyinVocabulary

            self._vocabulary = PinyinVocabulary.from_connection(self.ctx.conn)
        return list(self._vocabulary.candidates(letters))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        keyboard = self.keyboard
        if keyboard is None or not self.is_open:
            return
        if isinstance(new, QLineEdit) and self.isAncestorOf(new):
            keyboard.set_target(new)  # type: ignore[attr-defined]
            keyboard.show()
        elif new is not None and self.isAncestorOf(new) and not keyboard.isAncestorOf(new):
            keyboard.hide()


class ToolsView(QWidget):
    """The tools after the PIN: section buttons on top, the chosen section below."""

    SECTIONS = (("listings", "服务信息"), ("feedback", "居民反馈"), ("reports", "使用报告"),
                ("transfer", "导入导出"), ("holidays", "节假日"))
    OFFICE_SECTIONS = (("fleet", "终端状态"),)
    """Only in the office window (`kiosk admin`): the status board of the terminals' reports collected there."""

    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("ToolsView")
        self.panel = panel
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (*self.SECTIONS, *(() if panel.touch else self.OFFICE_SECTIONS)):
            btn = button(text, "chip")
            btn.setObjectName(f"section-{key}")
            btn.setCheckable(True)
            btn.clicked.connect(lambda _=False, k=key: self.show_section(k))
            row.addWidget(btn)
            self.buttons[key] = btn
        self.session_label = label(f"{panel.session.id if panel.session else ''}", "muted")
        self.session_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # chips first
        self.session_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addSpacing(12)
        row.addWidget(self.session_label, 1)
        self.exit_button = button("退出", "nav")
        self.exit_button.setObjectName("adminExit")
        self.exit_button.clicked.connect(panel.leave)
        row.addWidget(self.exit_button)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        from kiosk.ui.crash import recovery_notice_bar

        self.recovery_notice = recovery_notice_bar(panel.ctx.conn)  # the database was recovered at start
        if self.recovery_notice is not None:
            layout.addWidget(self.recovery_notice)
        from kiosk.ui.admin.conflicts_page import ConflictsNotice

        # fields the office and this terminal both changed: a notice while some are open (no sixth chip)
        self.conflicts_notice = ConflictsNotice(panel.ctx.conn, lambda: self.show_section("conflicts"))
        layout.addWidget(self.conflicts_notice)
        layout.addWidget(self.stack, 1)
        self.show_section("listings")
        self.update_feedback_count()

    def page(self, key: str) -> QWidget:
        """The page of a section, built on first use."""
        if key not in self.pages:
            if key == "listings":
                from kiosk.ui.admin.listings_page import ListingsPage
                page: QWidget = ListingsPage(self.panel)
            elif key == "feedback":
                from kiosk.ui.admin.feedback_page import FeedbackPage
                page = FeedbackPage(self.panel, self)
            elif key == "reports":
                from kiosk.ui.admin.reports_page import ReportsPage
                page = ReportsPage(self.panel)
            elif key == "holidays":
                from kiosk.ui.admin.holidays_page import HolidaysPage
                page = HolidaysPage(self.panel)
            elif key == "conflicts":
                from kiosk.ui.admin.conflicts_page import ConflictsPage
                page = ConflictsPage(self.panel)
            elif key == "fleet":
                from kiosk.ui.admin.fleet_page import FleetPage
                page = FleetPage(self.panel)
            else:
                from kiosk.ui.admin.transfer_page import TransferPage
                page = TransferPage(self.panel)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def show_section(self, key: str) -> QWidget:
        page = self.page(key)
        for name, btn in self.buttons.items():
            btn.setChecked(name == key)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
        self.stack.setCurrentWidget(page)
        return page

    def open_listing(self, service_id: str) -> None:
        """Show the editor of one listing (from the feedback queue)."""
        page = self.show_section("listings")
        page.open_editor(service_id)  # type: ignore[attr-defined]

    def update_feedback_count(self) -> None:
        count = feedback_core.count_open(self.panel.ctx.conn)
        self.buttons["feedback"].setText(f"居民反馈（{count}）" if count else "居民反馈")

    def apply_theme(self, theme: Theme) -> None:
        for page in self.pages.values():
            apply = getattr(page, "apply_theme", None)
            if callable(apply):
                apply(theme)
