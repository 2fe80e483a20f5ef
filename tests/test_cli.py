"""The `kiosk` command: subcommands, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main


def test_build_check_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build-db then check then stats work on a fresh output path."""
    out = tmp_path / "k.db"
    assert main(["build-db", "--out", str(out)]) == 0
    assert main(["check", str(out)]) == 0
    assert "verified" in capsys.readouterr().out
    assert main(["stats", "--db", str(out)]) == 0
    text = capsys.readouterr().out
    assert "services" in text and "elderly" in text


def test_dump_is_json_lines(seed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """dump prints one JSON object per row."""
    assert main(["dump", str(seed_db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 50 and all(line.startswith("{") for line in lines)


def test_missing_database_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing database gives a one-line error and exit code 1, no traceback."""
    assert main(["check", str(tmp_path / "nope.db")]) == 1
    err = capsys.readouterr().err
    assert "database not found" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_corrupt_database_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A corrupt --db gives a one-line reason and a non-zero exit."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    assert main(["stats", "--db", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_seeds_exit_nonzero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build-db on a folder without seeds fails with a message."""
    assert main(["build-db", "--seeds", str(tmp_path), "--out", str(tmp_path / "x.db")]) == 1
    assert "sources.toml" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_python_m_kiosk_help() -> None:
    """`python -m kiosk --help` lists the subcommands."""
    result = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True, check=True)
    for command in ("build-db", "check", "stats", "run"):
        assert command in result.stdout


def test_run_without_display_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """On a headless machine `kiosk run` explains that it needs a display or offscreen."""
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    assert main(["run"]) == 1
    assert "QT_QPA_PLATFORM=offscreen" in capsys.readouterr().err
