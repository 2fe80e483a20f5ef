"""Usage reports on screen: the last 7 days by day or the last 4 weeks by week (anonymous counts).

The counts are read off the GUI thread (:mod:`kiosk.ui.background`): a terminal with years of usage
rows must not hold the screen while the report is built. The newest choice wins.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.core.workers.reports import build_report, format_report
from kiosk.ui.background import alive, run_job
from kiosk.ui.widgets.kinetic import enable_kinetic
from kiosk.ui.widgets.text import button

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel

RANGES = (("days", "近 7 天（按天）", 7, "day"), ("weeks", "近 4 周（按周）", 28, "week"))


class ReportsPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("ReportsPage")
        self.panel = panel
        self.current = "weeks"
        self.asked = 0
        """How many reports were asked for; an answer to an older question is dropped."""
        self.busy = False
        row = QHBoxLayout()
        self.buttons = {}
        for key, text, _days, _by in RANGES:
            btn = button(text, "chip")
            btn.setCheckable(True)
            btn.setObjectName(f"report-{key}")
            btn.clicked.connect(lambda _=False, k=key: self.show_range(k))
            row.addWidget(btn)
            self.buttons[key] = btn
        row.addStretch(1)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        if panel.touch:
            enable_kinetic(self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)

    def refresh(self) -> None:
        self.show_range(self.current)

    def show_range(self, key: str) -> None:
        self.current = key
        _key, _text, days, by = next(r for r in RANGES if r[0] == key)
        end = self.panel.ctx.clock().date()
        start = end - timedelta(days=days - 1)
        for name, btn in self.buttons.items():
            btn.setChecked(name == key)
        self.asked += 1
        question = self.asked
        self.busy = True
        self.text.setPlainText("正在统计… (Counting…)")

        def shown(text: str) -> None:
            if alive(self) and question == self.asked:
                self.busy = False
                self.text.setPlainText(text)

        run_job(self.panel.ctx.conn, "report",
                lambda conn: format_report(build_report(conn, start, end, by=by)),  # type: ignore[arg-type]
                done=shown, failed=lambda exc: shown(f"不能统计：{exc}"))
