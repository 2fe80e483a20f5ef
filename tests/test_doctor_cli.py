"""`kiosk doctor` end to end (a child process: it starts Qt offscreen and probes the display)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _doctor(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "KIOSK_CONFIG")}
    base["KIOSK_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([sys.executable, "-m", "kiosk", "doctor"], env={**base, **env}, capture_output=True,
                          text=True, timeout=180, check=False)


def test_no_display_is_a_problem(tmp_path: Path) -> None:
    """Without DISPLAY/WAYLAND_DISPLAY the display line is a PROBLEM with a fix, and the exit status is 1."""
    result = _doctor(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if " display " in f" {x} ")
    assert line.startswith("PROBLEM") and "→" in result.stdout
    for name in ("config", "data directory", "bundled database", "font rendering", "speech", "handwriting"):
        assert name in result.stdout


def test_offscreen_terminal_passes(tmp_path: Path) -> None:
    """Offscreen, a sound set-up has no PROBLEM (display is a WARN: nothing shown) and exits 0."""
    result = _doctor(tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PROBLEM" not in result.stdout
    assert any(x.startswith("WARN") and "offscreen" in x for x in result.stdout.splitlines())
    assert any(x.startswith("OK") and "font rendering" in x for x in result.stdout.splitlines())


def test_bad_config_fails(tmp_path: Path) -> None:
    """A config file with a bad value makes doctor exit 1 naming the setting."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "config.toml").write_text('default_language = "fr"\n', encoding="utf-8")
    result = _doctor(tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 1 and "default_language must be one of" in result.stdout


def test_doctor_speech_line_with_the_mock_engine(tmp_path: Path) -> None:
    """With the mock engine (English voices only) the speech line is a WARN naming what to change, not
    advice to install packages that are already there."""
    result = _doctor(tmp_path, QT_QPA_PLATFORM="offscreen", KIOSK_SPEECH_ENGINE="mock")
    lines = result.stdout.splitlines()
    i = next(n for n, x in enumerate(lines) if " speech " in f" {x} ")
    assert lines[i].startswith("WARN") and "engine mock has no Mandarin voice" in lines[i]
    assert "unset KIOSK_SPEECH_ENGINE" in lines[i + 1]


def test_doctor_says_a_hung_speech_daemon_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A speech daemon that accepts and never answers: one WARN line saying so, with what to do, in time."""
    from kiosk.commands.doctor import check_speech
    from kiosk.ui import speech
    from tests.helpers.fake_speechd import hung_speechd

    monkeypatch.setattr(speech, "ENGINE_TIMEOUT_MS", 1000)
    with hung_speechd() as daemon:
        for key, value in daemon.env.items():
            monkeypatch.setenv(key, value)
        started = time.monotonic()
        check = check_speech(True, "speechd")
        assert daemon.connections  # the worker really reached the daemon
    assert time.monotonic() - started < 15
    assert check.status == "WARN" and "\n" not in check.detail
    assert check.detail.startswith("speech engine speechd does not answer (nothing within 1 s")
    assert "read_aloud = false" in check.fix
