"""`kiosk config`: --example, --check and the effective settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.terminal.config import SETTINGS


def test_example_then_check_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`config --example` output passes `config --check` with no setting changed."""
    assert main(["config", "--example"]) == 0
    path = tmp_path / "config.toml"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["config", "--check", str(path)]) == 0
    assert "0 setting(s) differ" in capsys.readouterr().out


def test_check_reports_a_bad_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value exits 1 with a single line naming the setting."""
    path = tmp_path / "config.toml"
    path.write_text("idle_timeout_s = 2\n", encoding="utf-8")
    assert main(["config", "--check", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "idle_timeout_s must be at least 15" in err and len(err.splitlines()) == 1


def test_show_uses_the_data_dir_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`kiosk --data-dir DIR config` reads DIR/config.toml and lists every setting."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    (tmp_path / "config.toml").write_text('terminal_id = "hall-7"\n', encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "config"]) == 0
    out = capsys.readouterr().out
    assert "'hall-7'" in out and str(tmp_path / "config.toml") in out
    assert all(s.name in out for s in SETTINGS)
