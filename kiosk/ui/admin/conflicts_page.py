"""Fields both the office and this terminal changed (kiosk.core.fleet.conflicts): take the office's value
or keep this terminal's, one conflict at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.core.errors import KioskError
from kiosk.core.fleet import conflicts
from kiosk.core.fleet.merge import show_value
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel


class ConflictsNotice(QFrame):
    """At the top of the tools while conflicts are open: how many, and a button to the 冲突 page (a section
    without a chip: a sixth chip does not fit the touch tools in elder mode)."""

    def __init__(self, conn: Any, open_page: Callable[[], object]) -> None:
        super().__init__()
        self.conn = conn
        self.setObjectName("conflictsNotice")
        self.setProperty("role", "card")
        self.text = label("", "body", wrap=True)
        self.open_button = button("查看并处理", "nav")
        self.open_button.setObjectName("conflictsNoticeOpen")
        self.open_button.clicked.connect(lambda _=False: open_page())
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)
        self.refresh()

    def refresh(self) -> None:
        count = conflicts.count_open(self.conn)
        self.text.setText(f"有 {count} 处冲突待处理：办公室和本机改了同一处，请决定用哪一个。")
        self.setVisible(count > 0)


class ConflictsPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("ConflictsPage")
        self.panel = panel
        self.buttons: dict[tuple[int, str], QPushButton] = {}
        self.summary = label("", "heading")
        self.message = label("", "muted", wrap=True)
        self.content = QWidget()
        self.rows = QVBoxLayout(self.content)
        scroll = scroll_area(self.content, touch=panel.touch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.refresh()

    def refresh(self) -> None:
        while self.rows.count():
            taken = self.rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()  # gone at once, not only when the event loop deletes it
                widget.deleteLater()
        self.buttons = {}
        items = conflicts.list_conflicts(self.panel.ctx.conn)
        self.summary.setText(f"待处理的冲突 {len(items)} 处" if items else "没有待处理的冲突")
        if not items:
            self.rows.addWidget(label("办公室和本机改了同一处时，会列在这里，由工作人员决定用哪一个。", "muted",
                                      wrap=True))
        for item in items:
            box = QFrame()
            box.setProperty("role", "section")
            line = QHBoxLayout(box)
            retired = "\n办公室已停用这条服务；本机的修改保留在停用的服务里。" if item.kind == "retired" else ""
            text = label(f"{item.service_name}　{item.label}\n办公室：{show_value(item.office, item.key)}\n"
                         f"本机：{show_value(item.local, item.key)}{retired}", "body", wrap=True)
            line.addWidget(text, 1)
            for action, caption in (("office", "用办公室的"), ("local", "保留本机的")):
                btn = button(caption, "nav" if action == "office" else "")
                btn.setObjectName(f"conflict-{action}-{item.id}")
                btn.clicked.connect(lambda _=False, n=item.id, a=action: self.resolve(n, a))
                line.addWidget(btn)
                self.buttons[(item.id, action)] = btn
            self.rows.addWidget(box)
        self.rows.addStretch(1)
        self.rows.setAlignment(Qt.AlignmentFlag.AlignTop)

    def resolve(self, ident: int, action: str) -> None:
        """Take the office's value or keep this terminal's; a refusal is shown in one line."""
        session = self.panel.session
        actor = session.id if session else "admin"
        do = conflicts.take_office if action == "office" else conflicts.keep_local
        try:
            found = do(self.panel.ctx.conn, ident, actor=actor, now=self.panel.ctx.clock())
        except KioskError as exc:
            self.message.setText(f"没有改动：{exc}")
        else:
            which = "办公室的" if action == "office" else "本机的"
            self.message.setText(f"已处理：{found.service_name} {found.label} 用{which}。")
        self.refresh()
        notice = getattr(self.panel.tools, "conflicts_notice", None)
        if notice is not None:
            notice.refresh()
