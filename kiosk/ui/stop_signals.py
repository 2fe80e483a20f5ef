"""A clean stop on SIGTERM/SIGINT: the event loop ends, ``aboutToQuit`` runs, the database is closed.

Python runs signal handlers only between bytecodes, and the Qt event loop runs in C, so without
help a SIGTERM from ``systemctl stop`` is not seen until the next touch — or the process is killed
outright in the middle of a write. :func:`exit_on_stop_signals` uses :func:`signal.set_wakeup_fd`:
the C-level handler writes a byte to a socket that a :class:`QSocketNotifier` watches, which wakes
the loop at once, and the Python handler then asks the application to exit.
"""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Wakeup(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        self.notifier = QSocketNotifier(self.reader.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._drain)
        self.previous = signal.set_wakeup_fd(self.writer.fileno(), warn_on_full_buffer=False)

    def _drain(self) -> None:
        try:
            while self.reader.recv(64):
                pass
        except BlockingIOError:
            pass


def exit_on_stop_signals(app: QCoreApplication, status: int = 0) -> None:
    """On SIGTERM or SIGINT, end ``app``'s event loop with ``status`` (once; a second signal still kills)."""
    _Wakeup(app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping on %s", signal.Signals(signum).name)
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        app.exit(status)

    for sig in STOP_SIGNALS:
        signal.signal(sig, stop)


__all__ = ["exit_on_stop_signals"]
