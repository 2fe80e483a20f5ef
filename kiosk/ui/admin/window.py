"""``kiosk admin``: the worker tools in a normal window for an office PC (mouse and keyboard).

The same panel as on the kiosk, with desktop sizes, file pickers for import/export, the PIN first,
and the same idle lock (``admin_idle_timeout_s``). It works on the runtime database of this machine
(or ``--db PATH``).
"""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from kiosk.core.queries import Connection
from kiosk.core.terminal.config import Config
from kiosk.ui.admin.panel import AdminPanel
from kiosk.ui.admin.style import office_theme
from kiosk.ui.context import AppContext
from kiosk.ui.idle import IdleWatcher

JOB_WAIT_AT_EXIT_S = 120.0
"""Closing the office window during an import or restore waits this long for it before the program ends."""


class AdminWindow(QWidget):
    """A top-level window holding the admin panel; locks after the idle time, closes on 退出."""

    def __init__(self, conn: Connection, config: Config | None = None, *, ctx: AppContext | None = None) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")  # the theme's window rules apply
        self.ctx = ctx or AppContext(conn, config)
        self.ctx.theme = office_theme()
        self.setWindowTitle(f"{self.ctx.config.display_name} — 社区工作者工具")
        self.setStyleSheet(self.ctx.theme.qss())
        self.panel = AdminPanel(self.ctx, touch=False, theme=self.ctx.theme)
        self.panel.closed.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.idle = IdleWatcher(self.ctx.config.admin_idle_timeout_s, self.panel.lock, parent=self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.panel.unlocked.connect(self.idle.start)
        self.resize(1280, 860)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.panel.lock()
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        event.accept()


def run_admin(conn: Connection, config: Config) -> int:
    """Open the admin window on ``conn`` (``kiosk admin`` opens this machine's runtime database, or ``--db``)."""
    from kiosk.ui.app import create_application
    from kiosk.ui.background import running_jobs, wait_all

    app = create_application()
    window = AdminWindow(conn, config)
    window.show()
    status = int(app.exec())
    if running_jobs():  # the window was closed during an import: let it finish (all or nothing either way)
        wait_all(JOB_WAIT_AT_EXIT_S)
    return status
