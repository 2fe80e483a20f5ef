"""A tap-only choice panel over a screen (no keyboard, no long-press): a question, large choices,
then a short thank-you. It covers its parent widget; the idle reset and leaving the screen close it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import button, label

THANKS_MS = 5000


class ChoiceOverlay(QFrame):
    """Dim the parent and ask one question with a few large answers and 取消 / Cancel."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "scrim")
        self.setObjectName("choiceOverlay")
        self.panel = QFrame(self)
        self.panel.setProperty("role", "card")
        self.question = label("", "heading", wrap=True)
        self.message = label("", "body", wrap=True)
        self.layout_ = QVBoxLayout(self.panel)
        self.layout_.addWidget(self.question)
        self.layout_.addWidget(self.message)
        self.buttons: list[QPushButton] = []
        self.cancel = button("", None)
        self.cancel.setObjectName("choiceCancel")
        self.cancel.clicked.connect(self.close_overlay)
        self.layout_.addWidget(self.cancel)
        self._callback: Callable[[str], None] | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.close_overlay)
        parent.installEventFilter(self)
        self.hide()

    def ask(self, question: str, choices: list[tuple[str, str]], cancel_text: str,
            callback: Callable[[str], None]) -> None:
        """Show ``question`` with ``choices`` as (key, text); ``callback(key)`` after a tap."""
        self._clear_buttons()
        self.question.setText(question)
        self.message.hide()
        for key, text in choices:
            btn = button(text, "choice")
            btn.setObjectName(f"choice-{key}")
            btn.clicked.connect(lambda _=False, k=key: self._chosen(k))
            self.layout_.insertWidget(self.layout_.count() - 1, btn)
            self.buttons.append(btn)
        self.cancel.setText(cancel_text)
        self._callback = callback
        self._show()

    def tell(self, message: str, close_text: str) -> None:
        """Replace the choices by ``message`` and a close button; closes by itself after a while."""
        self._clear_buttons()
        self.question.setText(message)
        self.message.hide()
        self.cancel.setText(close_text)
        self._callback = None
        self._show()
        self.timer.start(THANKS_MS)

    def close_overlay(self) -> None:
        self.timer.stop()
        self._callback = None
        self.hide()

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.layout_.setContentsMargins(2 * s, 2 * s, 2 * s, 2 * s)
        self.layout_.setSpacing(s)
        self._place()

    # -- internals ----------------------------------------------------------------------------
    def _chosen(self, key: str) -> None:
        callback = self._callback
        self._callback = None
        if callback is not None:
            callback(key)

    def _clear_buttons(self) -> None:
        for btn in self.buttons:
            self.layout_.removeWidget(btn)
            btn.deleteLater()
        self.buttons = []

    def _show(self) -> None:
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        width = min(parent.width() - 40, max(600, int(parent.width() * 0.9), self._needed_width()))
        self.panel.setFixedWidth(width)
        self.panel.adjustSize()
        self.panel.move((self.width() - width) // 2, max(20, (self.height() - self.panel.height()) // 2))

    def _needed_width(self) -> int:
        """Wide enough for the longest answer on one line."""
        margins = self.layout_.contentsMargins()
        widest = max((b.sizeHint().width() for b in [*self.buttons, self.cancel]), default=0)
        return widest + margins.left() + margins.right()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # taps on the dim area do nothing (one tap does one thing)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
