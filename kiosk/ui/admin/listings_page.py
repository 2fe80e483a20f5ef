"""The list of listings (search, category, retired too) and, on a tap, the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.listings import editing as listings
from kiosk.ui.widgets.kinetic import enable_kinetic
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.editor import ListingEditor
    from kiosk.ui.admin.panel import AdminPanel


class ListingsPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("ListingsPage")
        self.panel = panel
        self.search = QLineEdit()
        self.search.setObjectName("listingSearch")
        self.search.setPlaceholderText("搜索名称或编号")
        self.search.textChanged.connect(self.refresh)
        self.category = QComboBox()
        self.category.setObjectName("listingCategory")
        self.category.addItem("全部类别", "")
        for cid, name in listings.category_ids(panel.ctx.conn).items():
            self.category.addItem(name, cid)
        self.category.currentIndexChanged.connect(self.refresh)
        self.new_button = button("新增服务")
        self.new_button.setObjectName("newListing")
        self.new_button.clicked.connect(lambda: self.open_editor(None))
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.category, 1)
        top.addWidget(self.new_button)
        self.list = QListWidget()
        self.list.setObjectName("listingList")
        self.list.itemClicked.connect(self._clicked)
        if panel.touch:
            enable_kinetic(self.list)
        self.count = label("", "muted")
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(top)
        list_layout.addWidget(self.count)
        list_layout.addWidget(self.list, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.editor: ListingEditor | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.refresh()

    def refresh(self) -> None:
        if self.editor is not None and self.stack.currentWidget() is self.editor:
            return
        rows = listings.list_listings(self.panel.ctx.conn, text=self.search.text(),
                                      category_id=self.category.currentData() or None)
        self.list.clear()
        for row in rows:
            marks = []
            if row.status != "active":
                marks.append(listings.STATUS_LABELS.get(row.status, row.status))
            if row.updated_at:
                marks.append("已修改")
            if row.open_feedback:
                marks.append(f"反馈 {row.open_feedback}")
            text = f"{row.name}　·　{row.category_name}" + (f"　[{'，'.join(marks)}]" if marks else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.count.setText(f"共 {len(rows)} 条")

    def _clicked(self, item: QListWidgetItem) -> None:
        self.open_editor(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_editor(self, service_id: str | None) -> ListingEditor:
        """Edit one listing (None: a new one)."""
        from kiosk.ui.admin.editor import ListingEditor

        self.close_editor()
        self.editor = ListingEditor(self.panel, service_id)
        self.editor.done.connect(self.close_editor)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def close_editor(self) -> None:
        if self.editor is not None:
            self.stack.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None
        self.stack.setCurrentIndex(0)
        self.refresh()
        tools = self.panel.tools
        if tools is not None:
            tools.update_feedback_count()
