"""A stand-in for systemd's notify socket: a datagram socket that records what the kiosk sends, with times."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path


class NotifyListener:
    """Binds an ``AF_UNIX`` datagram socket (path short enough for ``sun_path``) and records messages."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kn-", dir="/tmp"))
        self.path = self.dir / "notify"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.messages.append((time.monotonic(), data.decode("utf-8", "replace")))

    def times_of(self, state: str) -> list[float]:
        return [t for t, text in list(self.messages) if state in text.splitlines()]

    def wait_for(self, state: str, count: int = 1, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.times_of(state)) >= count:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
        self.path.unlink(missing_ok=True)
        self.dir.rmdir()
