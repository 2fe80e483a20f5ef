"""Residents' "信息有误" reports: the open queue, newest first; open the listing, mark done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.core.workers import feedback
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel, ToolsView


class FeedbackPage(QWidget):
    def __init__(self, panel: AdminPanel, tools: ToolsView) -> None:
        super().__init__()
        self.setObjectName("FeedbackPage")
        self.panel = panel
        self.tools = tools
        self.show_done = False
        self.done_buttons: dict[int, QPushButton] = {}
        self.toggle = button("显示已处理的", "chip")
        self.toggle.setCheckable(True)
        self.toggle.clicked.connect(self._toggle)
        self.summary = label("", "heading")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.toggle)
        self.content = QWidget()
        self.rows = QVBoxLayout(self.content)
        scroll = scroll_area(self.content, touch=panel.touch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.refresh()

    def _toggle(self, on: bool) -> None:
        self.show_done = on
        self.refresh()

    def refresh(self) -> None:
        while self.rows.count():
            taken = self.rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.done_buttons = {}
        conn = self.panel.ctx.conn
        items = feedback.list_feedback(conn, None if self.show_done else "open")
        self.summary.setText(f"待处理 {feedback.count_open(conn)} 条")
        if not items:
            self.rows.addWidget(label("没有待处理的反馈。", "muted"))
        for item in items:
            box = QFrame()
            box.setProperty("role", "section")
            line = QHBoxLayout(box)
            state = "" if item.status == "open" else f"（已处理 {item.resolved_at:%m-%d}）" if item.resolved_at else ""
            text = label(f"{item.created_at:%Y-%m-%d %H:%M}　{item.service_name or '（服务已不在）'}\n"
                         f"{item.label}{state}", "body", wrap=True)
            line.addWidget(text, 1)
            if item.service_id:
                open_button = button("查看并修改", "nav")
                open_button.clicked.connect(lambda _=False, s=item.service_id: self.tools.open_listing(s))
                line.addWidget(open_button)
            if item.status == "open":
                done = button("已处理")
                done.setObjectName(f"feedbackDone-{item.id}")
                done.clicked.connect(lambda _=False, n=item.id: self.mark_done(n))
                line.addWidget(done)
                self.done_buttons[item.id] = done
            self.rows.addWidget(box)
        self.rows.addStretch(1)
        self.rows.setAlignment(Qt.AlignmentFlag.AlignTop)

    def mark_done(self, feedback_id: int) -> None:
        session = self.panel.session
        feedback.mark_done(self.panel.ctx.conn, feedback_id, now=self.panel.ctx.clock(),
                           actor=session.id if session else "admin")
        self.refresh()
        self.tools.update_feedback_count()
