"""A fake speech daemon that accepts connections and never answers: the fault that froze the kiosk.

libspeechd (used by Qt's speechd engine) finds the daemon through ``SPEECHD_ADDRESS``
(``unix_socket:/path``), else ``$XDG_RUNTIME_DIR/speech-dispatcher/speechd.sock``; it autospawns
a real ``speech-dispatcher`` only when it cannot connect. :func:`hung_speechd` serves on a socket
in a fresh short directory and gives the environment pointing both ways at it, so the connection
always succeeds (no autospawn) and then every request waits for ever, whether or not
speech-dispatcher is installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class HungDaemon:
    """The running fake: its socket path, the environment for clients, the connections it holds."""

    path: str
    env: dict[str, str]
    connections: list[socket.socket] = field(default_factory=list)


@contextmanager
def hung_speechd() -> Iterator[HungDaemon]:
    """Serve a speech daemon that accepts and never answers while the ``with`` block runs."""
    root = tempfile.mkdtemp(prefix="spd", dir="/tmp")  # unix socket paths must stay short
    os.makedirs(os.path.join(root, "speech-dispatcher"))
    path = os.path.join(root, "speech-dispatcher", "speechd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    daemon = HungDaemon(path, {"SPEECHD_ADDRESS": f"unix_socket:{path}", "XDG_RUNTIME_DIR": root})
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            daemon.connections.append(conn)  # held open, never read, never answered

    thread = threading.Thread(target=serve, name="hung-speechd", daemon=True)
    thread.start()
    try:
        yield daemon
    finally:
        stopping.set()
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the serving thread
        server.close()
        for conn in daemon.connections:
            conn.close()
        thread.join(timeout=2)
        shutil.rmtree(root, ignore_errors=True)
