"""Idle reset: after a quiet spell the kiosk forgets the last resident and shows the attract screen.

:data:`WARN_S` seconds before, ``on_warn`` shows a warning with a countdown (WCAG 2.2.1: at least 20 s
to say "I am still here"); any touch then keeps the page and ``on_active`` hides the warning."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

#: events that mean "someone is using the kiosk"
ACTIVITY = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.KeyPress, QEvent.Type.Wheel,
})


WARN_S = 20
"""Seconds of warning before the reset (when the timeout is long enough to leave room for it)."""


class IdleWatcher(QObject):
    """Watches the application's input events; calls ``on_idle`` after ``timeout_s`` without any.

    ``timeout_for()`` is asked at each restart, so the current screen can choose its own timeout
    (the worker tools use a longer one). Call :meth:`fire` in tests instead of waiting.
    """

    def __init__(self, timeout_s: int, on_idle: Callable[[], None], *,
                 timeout_for: Callable[[], int | None] | None = None,
                 on_warn: Callable[[int], None] | None = None, on_active: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._on_idle = on_idle
        self._timeout_for = timeout_for
        self._on_warn = on_warn
        self._on_active = on_active
        self.warning = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._due)
        self.final = QTimer(self)
        self.final.setSingleShot(True)
        self.final.timeout.connect(self.fire)

    def start(self) -> None:
        """(Re)start counting from now (and take back a warning on screen)."""
        self._end_warning()
        seconds = (self._timeout_for() if self._timeout_for else None) or self.timeout_s
        warn = WARN_S if self._on_warn is not None and seconds >= 2 * WARN_S else 0
        self.timer.start(int((seconds - warn) * 1000))

    def stop(self) -> None:
        self.timer.stop()
        self.final.stop()
        self._end_warning()

    def fire(self) -> None:
        """Act as if the timeout had passed."""
        self.timer.stop()
        self.final.stop()
        self._end_warning()
        self._on_idle()

    def warn_now(self) -> None:
        """Act as if the warning time had come (tests)."""
        self.timer.stop()
        self._due()

    def _due(self) -> None:
        seconds = (self._timeout_for() if self._timeout_for else None) or self.timeout_s
        if self._on_warn is None or seconds < 2 * WARN_S:
            self.fire()
            return
        self.warning = True
        self._on_warn(WARN_S)
        self.final.start(WARN_S * 1000)

    def _end_warning(self) -> None:
        if self.warning:
            self.warning = False
            if self._on_active is not None:
                self._on_active()

    def active(self) -> bool:
        """Counting (or warning) now."""
        return self.timer.isActive() or self.final.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self.active():
            self.final.stop()
            self.start()
        return False
