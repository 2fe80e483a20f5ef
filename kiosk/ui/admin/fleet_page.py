"""The office's status board in the worker tools: one card per terminal that reported (kiosk.core.fleet.board).

The same rows as ``kiosk fleet``: last report, content and program version, crashes, open feedback,
top searches without a result; a terminal silent for longer than the stale limit says 失联 in words
(colour is never the only cue). Reports are taken in with ``kiosk collect``; this page only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.fleet.board import DEFAULT_STALE_HOURS, TerminalStatus, fleet_board, uptime_text
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel

EMPTY = "还没有收到任何终端的报告。\n在办公室电脑上运行 kiosk collect 报告文件夹 (run `kiosk collect DIR`)。"


def _ago(hours: float) -> str:
    if hours < 1:
        return f"{max(0, int(hours * 60))} 分钟前"
    if hours < 48:
        return f"{hours:.0f} 小时前"
    return f"{hours / 24:.0f} 天前"


def card_text(row: TerminalStatus) -> tuple[str, str]:
    """The heading and the body of one terminal's card."""
    state = "失联" if row.stale else "正常"
    heading = f"【{state}】{row.terminal_id}　{row.place}".strip()
    content = f"v{row.content_version}" if row.content_version is not None else "内置内容"
    misses = "、".join(f"{q}（{n}）" for q, n in row.top_misses) or "无"
    body = (f"最近报告：{row.last_report_at:%Y-%m-%d %H:%M}（{_ago(row.hours_since)}），共 {row.reports} 份\n"
            f"内容版本：{content}　程序版本：{row.program_version}　运行时长：{uptime_text(row.uptime_s)}\n"
            f"崩溃：上次报告以来 {row.crashes_since_last} 次，累计 {row.crashes_total} 次　"
            f"重启：{row.restarts_since_last} 次\n"
            f"待处理反馈：{row.open_feedback} 条\n"
            f"没有结果的搜索：{misses}")
    return heading, body


class FleetPage(QWidget):
    """终端状态: the board, newest figures from the reports collected at this office."""

    def __init__(self, panel: AdminPanel, *, stale_hours: int = DEFAULT_STALE_HOURS) -> None:
        super().__init__()
        self.setObjectName("FleetPage")
        self.panel = panel
        self.stale_hours = stale_hours
        self.rows: list[TerminalStatus] = []
        self.summary = label("", "heading", wrap=True)
        self.refresh_button = button("刷新", "chip")
        self.refresh_button.setObjectName("fleetRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        self.content = QWidget()
        self.cards = QVBoxLayout(self.content)
        scroll = scroll_area(self.content, touch=panel.touch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.refresh()

    def refresh(self) -> None:
        while self.cards.count():
            taken = self.cards.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:  # gone now, not at the next turn of the event loop (a grab would show both)
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.rows = fleet_board(self.panel.ctx.conn, now=self.panel.ctx.clock(), stale_hours=self.stale_hours)
        stale = sum(1 for r in self.rows if r.stale)
        self.summary.setText(f"{len(self.rows)} 台终端，{stale} 台失联（超过 {self.stale_hours} 小时没有报告）"
                             if self.rows else "终端状态")
        if not self.rows:
            self.cards.addWidget(label(EMPTY, "muted", wrap=True))
        for row in self.rows:
            box = QFrame()
            box.setObjectName(f"fleet-{row.terminal_id}")
            box.setProperty("role", "section")
            box.setProperty("stale", row.stale)
            lines = QVBoxLayout(box)
            heading, body = card_text(row)
            lines.addWidget(label(heading, "heading", wrap=True))
            lines.addWidget(label(body, "body", wrap=True))
            self.cards.addWidget(box)
        self.cards.addStretch(1)
        self.cards.setAlignment(Qt.AlignmentFlag.AlignTop)
