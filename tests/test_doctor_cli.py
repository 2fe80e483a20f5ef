"""`kiosk doctor` end to end (a child process: it starts Qt offscreen and probes the display)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
