"""systemd's watchdog: the real kiosk says READY=1 once painted and pings from its event loop; a blocked
loop stops the pings (so systemd restarts a frozen kiosk)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.ui.watchdog import ServiceWatchdog, install
from tests.helpers.notify_socket import NotifyListener

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener() -> Iterator[NotifyListener]:
    sock = NotifyListener()
    yield sock
    sock.close()


def test_real_kiosk_says_ready_once_painted_then_pings(listener: NotifyListener, tmp_path: Path) -> None:
    """`kiosk run` under a fake NOTIFY_SOCKET with WatchdogSec=0.6 s: READY=1 first, then WATCHDOG=1 pings."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "NOTIFY_SOCKET": str(listener.path), "WATCHDOG_USEC": "600000", "KIOSK_SPEECH_ENGINE": "mock"}
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--windowed", "--size", "1080x1920"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert listener.wait_for("READY=1", timeout=60), "the kiosk never said READY=1"
        assert listener.wait_for("WATCHDOG=1", count=4, timeout=10), "fewer than 4 watchdog pings in 10 s"
        ready = listener.times_of("READY=1")[0]
        pings = listener.times_of("WATCHDOG=1")
        assert all(t >= ready for t in pings)  # no pings before the screen is up
        gaps = [b - a for a, b in itertools.pairwise(pings[1:])]
        assert gaps and max(gaps) < 0.6  # within the watchdog interval (every half interval)
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert "Traceback" not in err
    assert listener.times_of("STOPPING=1"), "no STOPPING=1 on a clean stop"


def test_a_blocked_event_loop_stops_the_pings(qtbot: Any, listener: NotifyListener,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """While the GUI thread is blocked for 1.5 s no ping is sent; they resume when the loop runs again."""
    monkeypatch.setenv("NOTIFY_SOCKET", str(listener.path))
    label = QLabel("kiosk")
    qtbot.addWidget(label)
    watchdog = install(label)
    assert isinstance(watchdog, ServiceWatchdog)
    watchdog.interval_s = 0.2  # ping every 0.1 s
    label.show()
    qtbot.waitUntil(lambda: watchdog.ready_sent, timeout=5000)
    qtbot.waitUntil(lambda: len(listener.times_of("WATCHDOG=1")) >= 3, timeout=5000)  # the loop runs meanwhile
    qtbot.wait(200)
    blocked_from = time.monotonic()
    time.sleep(1.5)  # the event loop is stuck (a driver call that never returns)
    blocked_to = time.monotonic()
    qtbot.wait(400)
    pings = listener.times_of("WATCHDOG=1")
    during = [t for t in pings if blocked_from + 0.15 < t < blocked_to - 0.05]
    assert during == [], f"{len(during)} pings while the loop was blocked"
    assert [t for t in pings if t > blocked_to], "the pings did not resume"
    watchdog.stopping()


def test_outside_systemd_no_watchdog_is_installed(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No NOTIFY_SOCKET (a desktop, the tests): nothing installed, no timer."""
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    label = QLabel("kiosk")
    qtbot.addWidget(label)
    assert install(label) is None


def test_the_terminal_unit_asks_for_the_watchdog() -> None:
    """The shipped systemd unit is Type=notify with a watchdog, so a frozen kiosk is restarted."""
    unit = (REPO / "packaging" / "systemd" / "shangjie-kiosk.service").read_text(encoding="utf-8")
    lines = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in unit.splitlines()
             if "=" in line and not line.startswith("#")}
    assert lines["Type"] == "notify"
    assert int(lines["WatchdogSec"].rstrip("s")) > 0
    assert lines["NotifyAccess"] == "main"
    assert lines["Restart"] == "always"
