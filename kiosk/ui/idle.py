"""Idle reset: after a quiet spell the kiosk forgets the last resident and shows the attract screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

#: events that mean "someone is using the kiosk"
ACTIVITY = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.KeyPress, QEvent.Type.Wheel,
})


class IdleWatcher(QObject):
    """Watches the application's input events; calls ``on_idle`` after ``timeout_s`` without any.

    ``timeout_for()`` is asked at each restart, so the current screen can choose its own timeout
    (the worker tools use a longer one). Call :meth:`fire` in tests instead of waiting.
    """

    def __init__(self, timeout_s: int, on_idle: Callable[[], None], *,
                 timeout_for: Callable[[], int | None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._on_idle = on_idle
        self._timeout_for = timeout_for
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.fire)

    def start(self) -> None:
        """(Re)start counting from now."""
        seconds = (self._timeout_for() if self._timeout_for else None) or self.timeout_s
        self.timer.start(int(seconds * 1000))

    def stop(self) -> None:
        self.timer.stop()

    def fire(self) -> None:
        """Act as if the timeout had passed."""
        self.timer.stop()
        self._on_idle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self.timer.isActive():
            self.start()
        return False
