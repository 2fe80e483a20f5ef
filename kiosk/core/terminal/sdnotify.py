"""Telling systemd how the kiosk is doing: ``READY=1`` once painted, ``WATCHDOG=1`` while it answers.

The kiosk's unit (packaging/systemd/shangjie-kiosk.service) is ``Type=notify`` with ``WatchdogSec=``:
systemd starts counting the kiosk as running only when it says ``READY=1``, and restarts it when the
``WATCHDOG=1`` pings stop — a window frozen in a blocked event loop, which ``Restart=always`` alone
never notices because the process is still alive. The pings are sent from the GUI event loop
(:mod:`kiosk.ui.watchdog`), so they stop exactly when the loop stops.

This is the whole of the sd_notify protocol the kiosk needs: one datagram of ``KEY=VALUE`` lines to
the ``AF_UNIX`` socket named by ``$NOTIFY_SOCKET`` (``@name`` is Linux's abstract namespace). Outside
systemd the variable is unset and every call is a no-op that returns False. Errors are never raised:
a kiosk must not stop because its supervisor went away.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

NOTIFY_SOCKET = "NOTIFY_SOCKET"
WATCHDOG_USEC = "WATCHDOG_USEC"
WATCHDOG_PID = "WATCHDOG_PID"


def _address(environ: Mapping[str, str]) -> str | None:
    value = environ.get(NOTIFY_SOCKET, "")
    if not value or not (value.startswith("/") or value.startswith("@")):
        return None  # unset, or a vsock/other address family the kiosk does not speak
    return "\0" + value[1:] if value.startswith("@") else value


def notify(state: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``, ``"WATCHDOG=1"``, ``"STATUS=…"``); True when it was sent."""
    address = _address(os.environ if environ is None else environ)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.settimeout(0.5)  # a full socket buffer must never hold the GUI thread
            sock.sendto(state.encode("utf-8"), address)
    except OSError:
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] | None = None, pid: int | None = None) -> float | None:
    """Seconds between pings systemd expects (``WatchdogSec=``), or None when no watchdog is set for us.

    ``WATCHDOG_PID``, when present, must be this process (systemd sets it for the main process only).
    """
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get(WATCHDOG_USEC, ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    owner = env.get(WATCHDOG_PID)
    if owner and owner.strip() != str(os.getpid() if pid is None else pid):
        return None
    return usec / 1_000_000


__all__ = ["notify", "watchdog_interval"]
