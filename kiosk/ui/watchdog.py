"""The service manager's watchdog: ``READY=1`` once the kiosk is painted, ``WATCHDOG=1`` from the event loop.

A kiosk whose event loop is blocked (a driver call that never returns, a deadlock) shows a frozen
window but stays alive, so ``Restart=always`` never restarts it. With ``Type=notify`` and
``WatchdogSec=`` in the unit, systemd restarts it when the pings stop. The pings come from a
:class:`QTimer` in the GUI thread — never from a helper thread, which would keep pinging for a frozen
window. Half the watchdog interval between pings, as sd_watchdog_enabled(3) advises.

Outside systemd (no ``$NOTIFY_SOCKET``) nothing is sent and no timer runs.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.core.terminal import sdnotify
from kiosk.ui.readiness import when_painted

log = logging.getLogger(__name__)


class ServiceWatchdog(QObject):
    """Tells the service manager the kiosk is ready, then keeps pinging from the GUI event loop."""

    def __init__(self, parent: QObject | None = None, *, interval_s: float | None = None) -> None:
        super().__init__(parent)
        self.interval_s = sdnotify.watchdog_interval() if interval_s is None else interval_s
        self.ready_sent = False
        self.pings = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stopping)

    def active(self) -> bool:
        """True when a service manager listens (``$NOTIFY_SOCKET`` is set)."""
        return bool(os.environ.get(sdnotify.NOTIFY_SOCKET))

    def start_pinging(self) -> None:
        """Ping every half watchdog interval (when systemd asked for a watchdog)."""
        if self.interval_s:
            self._timer.start(max(50, int(self.interval_s * 1000 / 2)))
            self.ping()

    def ready(self) -> None:
        """The kiosk is painted and answers: ``READY=1``, then the pings begin."""
        if self.ready_sent:
            return
        self.ready_sent = sdnotify.notify("READY=1\nSTATUS=showing the resident screens")
        if self.ready_sent:
            log.info("told the service manager the kiosk is ready (watchdog every %s s)",
                     f"{self.interval_s / 2:g}" if self.interval_s else "-")
        self.start_pinging()

    def ping(self) -> None:
        if sdnotify.notify("WATCHDOG=1"):
            self.pings += 1

    def stopping(self) -> None:
        self._timer.stop()
        sdnotify.notify("STOPPING=1")


def install(window: QWidget) -> ServiceWatchdog | None:
    """``READY=1`` once ``window`` is painted and the loop idle, then watchdog pings; None outside systemd."""
    if not os.environ.get(sdnotify.NOTIFY_SOCKET):
        return None
    watchdog = ServiceWatchdog(window)
    when_painted(window, watchdog.ready)
    return watchdog


__all__ = ["ServiceWatchdog", "install"]
