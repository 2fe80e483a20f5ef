"""The warning before the idle reset (WCAG 2.2.1, timing adjustable): "还在看吗？" with a countdown and
a large 继续使用 button, over the whole window, so a slow reader never loses the page without notice."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.widgets.text import button, label


class IdleWarning(QFrame):
    """Covers its parent; :meth:`warn` shows it counting down from ``seconds``; any tap keeps the page."""

    def __init__(self, parent: QWidget, text: Callable[[str, str], str]) -> None:
        super().__init__(parent)
        self.setObjectName("idleWarning")
        self.setProperty("role", "scrim")
        self._text = text
        self.left = 0
        self.panel = QFrame(self)
        self.panel.setProperty("role", "card")
        self.question = label("", "title", wrap=True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "heading", wrap=True)
        self.countdown.setObjectName("idleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keep = button("", None)
        self.keep.setObjectName("idleKeep")
        self.keep.clicked.connect(self.hide)
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(24)
        layout.addWidget(self.question)
        layout.addWidget(self.countdown)
        layout.addWidget(self.keep)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        parent.installEventFilter(self)
        self.hide()

    def warn(self, seconds: int) -> None:
        self.left = seconds
        self.question.setText(self._text("还在看吗？", "Still there?"))
        self.keep.setText(self._text("继续使用", "Keep this page"))
        self._show_left()
        self._place()
        self.show()
        self.raise_()
        self.tick.start()

    def hideEvent(self, event: object) -> None:
        self.tick.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

    def _tick(self) -> None:
        self.left = max(0, self.left - 1)
        self._show_left()

    def _show_left(self) -> None:
        self.countdown.setText(self._text(f"{self.left} 秒后回到首页，点任意处继续",
                                          f"Back to the start in {self.left} s — tap anywhere to stay"))

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        width = min(parent.width() - 40, max(560, int(parent.width() * 0.8)))
        self.panel.setFixedWidth(width)
        self.panel.adjustSize()
        self.panel.move((self.width() - width) // 2, max(20, (self.height() - self.panel.height()) // 2))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
