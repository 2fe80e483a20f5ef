"""The hidden admin entry: press and hold the top-left corner of the kiosk window for 3 seconds.

Residents never find it by accident (a tap does nothing; the hold must stay in the corner), and it
needs no visible button. It works on every screen, the attract screen included.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer
from PySide6.QtGui import QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QApplication, QWidget

HOLD_MS = 3000


class CornerHold(QObject):
    """Calls ``on_hold`` after a press held ``hold_ms`` inside the top-left ``size``×``size`` px."""

    def __init__(self, window: QWidget, on_hold: Callable[[], None], *, hold_ms: int = HOLD_MS,
                 size: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.on_hold = on_hold
        self.hold_ms = hold_ms
        self.size = size
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fire)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def corner(self) -> QRect:
        side = self.size or max(96, int(self.window.height() * 0.06))
        return QRect(0, 0, side, side)

    def _in_corner(self, global_pos: QPoint) -> bool:
        return self.corner().contains(self.window.mapFromGlobal(global_pos))

    def _fire(self) -> None:
        self.on_hold()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            pos = self._position(event)
            if pos is not None and self._in_corner(pos):
                if not self.timer.isActive():
                    self.timer.start(self.hold_ms)
            else:
                self.timer.stop()
        elif kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate):
            pos = self._position(event)
            if self.timer.isActive() and (pos is None or not self._in_corner(pos)):
                self.timer.stop()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self.timer.stop()
        return False

    @staticmethod
    def _position(event: QEvent) -> QPoint | None:
        if isinstance(event, QMouseEvent):
            return event.globalPosition().toPoint()
        if isinstance(event, QTouchEvent) and event.points():
            return event.points()[0].globalPosition().toPoint()
        return None
