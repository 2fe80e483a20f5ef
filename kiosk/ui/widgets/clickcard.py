"""A card (a QFrame with wrapped labels inside) that acts as one large button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QWidget


class ClickCard(QFrame):
    """Emits ``clicked`` when pressed and released inside; shows a pressed look meanwhile."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.setProperty("touch_target", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._down = False

    def _set_down(self, down: bool) -> None:
        self._down = down
        self.setProperty("pressed", down)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._set_down(True)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        was_down = self._down
        self._set_down(False)
        event.accept()
        if was_down and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
