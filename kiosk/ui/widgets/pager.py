"""Page buttons for touch scrolling: 上一页 / 下一页 under a scrolled list, for a resident who cannot flick.

The two buttons sit in a row in a bottom margin of the scroll area (``setViewportMargins``), so they never
cover the content; the row and its margin exist only while the content is taller than the whole area.
Each tap moves the view by one viewport minus a line (the last line of the page stays in sight, so the
eye can find its place), without animation (no motion to follow). A button is disabled at the top or
the bottom of the content and looks disabled (dashed border, muted text: kiosk.ui.theme).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QHBoxLayout, QPushButton, QScroller, QWidget


class Pager(QWidget):
    """The 上一页 / 下一页 row of one scroll area (created by kiosk.ui.widgets.kinetic.enable_kinetic)."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self.setObjectName("pager")
        self.area = area
        self.up = QPushButton()
        self.down = QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button, name, step in ((self.up, "pageUpButton", -1), (self.down, "pageDownButton", 1)):
            button.setObjectName(name)
            button.setProperty("role", "pager")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, s=step: self.page(s))
            row.addWidget(button, 1)
        self.retranslate()
        self.hide()
        # the range settles in steps while a page is laid out (and changing the margin changes it again):
        # decide once it has settled, after the pending events
        self.pending = QTimer(self)
        self.pending.setSingleShot(True)
        self.pending.setInterval(0)
        self.pending.timeout.connect(self.update_state)
        bar = area.verticalScrollBar()
        bar.rangeChanged.connect(self.update_state)
        bar.rangeChanged.connect(self.pending.start)
        bar.valueChanged.connect(self.update_buttons)
        area.installEventFilter(self)

    def retranslate(self) -> None:
        self.up.setText("▲ " + self.tr("上一页"))
        self.down.setText("▼ " + self.tr("下一页"))
        self.up.setAccessibleName(self.tr("上一页"))
        self.down.setAccessibleName(self.tr("下一页"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.area and event.type() in (QEvent.Type.Resize, QEvent.Type.StyleChange,
                                                     QEvent.Type.Show):
            self.pending.start()
        return False

    def row_height(self) -> int:
        self.ensurePolished()
        for button in (self.up, self.down):
            button.ensurePolished()
        return self.sizeHint().height() + self.gap()

    def gap(self) -> int:
        return max(4, self.fontMetrics().height() // 4)

    def step(self) -> int:
        """One viewport minus a line."""
        bar = self.area.verticalScrollBar()
        line = self.area.fontMetrics().lineSpacing()
        return max(bar.singleStep(), bar.pageStep() - line)

    def page(self, direction: int) -> None:
        QScroller.scroller(self.area.viewport()).stop()
        bar = self.area.verticalScrollBar()
        bar.setValue(bar.value() + direction * self.step())

    def overflows(self) -> bool:
        """True when the content is taller than the whole area (without this row's margin)."""
        bar = self.area.verticalScrollBar()
        if bar.maximum() <= 0:
            return False
        margin = self.row_height() if self.isVisibleTo(self.area) else 0
        return bar.maximum() > margin

    def update_state(self) -> None:
        show = self.overflows()
        height = self.row_height()
        if show != self.isVisibleTo(self.area):
            margins = self.area.viewportMargins()
            margins.setBottom(height if show else 0)
            self.area.setViewportMargins(margins)
            self.setVisible(show)
        if show:
            viewport = self.area.viewport().geometry()
            self.setGeometry(viewport.left(), viewport.bottom() + 1 + self.gap(), viewport.width(),
                             height - self.gap())
            self.raise_()
        self.update_buttons()

    def update_buttons(self) -> None:
        bar = self.area.verticalScrollBar()
        self.up.setEnabled(bar.value() > bar.minimum())
        self.down.setEnabled(bar.value() < bar.maximum())
