"""Fault test: a speech daemon that accepts the connection and never answers (issue #18, never freeze).

Before the speech worker, ``QTextToSpeech("speechd")`` built on the GUI thread blocked for ever on
such a daemon: ``kiosk run`` never painted. The fake daemon (tests.helpers.fake_speechd) needs Qt's
speechd plugin to load, which needs Debian's libspeechd2 (scripts/debian-packages.txt); it does not
matter whether speech-dispatcher itself is installed.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.ui import speech
from kiosk.ui.window import KioskWindow
from tests.helpers.fake_speechd import HungDaemon, hung_speechd

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def daemon() -> Iterator[HungDaemon]:
    with hung_speechd() as fake:
        yield fake


def tap(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


@pytest.mark.parametrize("engine", ["", "speechd"], ids=["engine-unset", "engine-speechd"])
def test_kiosk_run_gets_ready_with_a_hung_speech_daemon(daemon: HungDaemon, tmp_path: Path, engine: str) -> None:
    """The real ``kiosk run --ready-report tour`` paints, shows every screen and exits while speechd hangs."""
    env = {**os.environ, **daemon.env, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop(speech.ENGINE_ENV, None)
    if engine:
        env[speech.ENGINE_ENV] = engine
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kiosk", "run", "--windowed", "--size", "1080x1920",
                           "--ready-report", "tour"], env=env, capture_output=True, timeout=60, cwd=tmp_path)
    wall = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    line = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert line["ready"] == "tour" and line["seconds"] < 10 and wall < 30
    assert daemon.connections, "the speech worker never reached the fake daemon: the fault was not exercised"


def test_window_stays_responsive_and_the_hung_engine_is_dropped(
        qtbot: Any, make_window: Callable[..., KioskWindow], daemon: HungDaemon,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """While the engine hangs, taps are answered and the idle reset fires; then the worker is killed,
    the read-aloud button stays hidden and exactly one line is logged."""
    for key, value in daemon.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv(speech.ENGINE_ENV, "speechd")
    monkeypatch.setattr(speech, "ENGINE_TIMEOUT_MS", 2000)
    caplog.set_level(logging.INFO, logger="kiosk.ui.speech")
    window = make_window()
    window.nav.home()
    window.nav.push("detail", service_id="smart-elderly-care-12349")
    button = window.nav_bar.read_button
    assert button is not None and button.isHidden()
    reader = button.reader
    qtbot.waitUntil(lambda: bool(daemon.connections), timeout=10_000)  # the worker is now stuck in libspeechd

    started = time.perf_counter()
    tap(qtbot, window.nav_bar.home_button)
    assert window.nav.current_name == "home" and time.perf_counter() - started < 0.5
    assert window.idle is not None
    window.idle.timeout_s = 1
    window.nav.push("hotlines")
    qtbot.waitUntil(lambda: window.nav.current_name == "attract", timeout=3000)  # the idle reset fired
    assert reader.state == speech.STARTING  # all that while the engine had not answered

    qtbot.waitUntil(lambda: reader.state == speech.DROPPED, timeout=5000)
    assert reader._process is None and not reader.available() and button.isHidden()
    window.nav.home()
    window.nav.push("detail", service_id="smart-elderly-care-12349")
    assert button.isHidden()
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.ui.speech"]
    assert lines == ["read-aloud off for this session: speech engine speechd did not answer within 2 s "
                     "(is the speech daemon hung?)"]
