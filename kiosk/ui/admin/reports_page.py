"""Usage reports on screen: the last 7 days by day or the last 4 weeks by week (anonymous counts)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.core.workers.reports import build_report, format_report
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
        report = build_report(self.panel.ctx.conn, end - timedelta(days=days - 1), end, by=by)  # type: ignore[arg-type]
        self.text.setPlainText(format_report(report))
        for name, btn in self.buttons.items():
            btn.setChecked(name == key)
