"""A damaged database never stops the kiosk and never gives a traceback on the command line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.db.recovery import NOTICE_KEY
from tests.core.test_recovery import _damage_pages

REPO = Path(__file__).resolve().parents[2]


def _kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    full_env.pop("KIOSK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=180,
                          cwd=REPO, env=full_env)


def test_self_test_recovers_a_corrupt_runtime_database(tmp_path: Path) -> None:
    """`kiosk --data-dir DIR run --self-test` exits 0 over a corrupt runtime file, moved aside and logged."""
    data = tmp_path / "data"
    data.mkdir()
    junk = os.urandom(40_000)
    (data / "kiosk.db").write_bytes(junk)
    result = _kiosk("--data-dir", str(data), "run", "--self-test")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "kiosk.db.damaged-1").read_bytes() == junk
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")  # `kiosk run` logs to the data directory
    assert "kiosk.db is damaged" in log and "moved aside as kiosk.db.damaged-1" in log
    conn = sqlite3.connect(data / "kiosk.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT 1 FROM meta WHERE key = ?", (NOTICE_KEY,)).fetchone() is not None
    finally:
        conn.close()


@pytest.mark.parametrize("command", [["check"], ["stats"], ["search", "养老"], ["export", "OUT"], ["dump"]])
@pytest.mark.parametrize("damage", ["junk", "pages"])
def test_cli_on_a_corrupt_db_exits_non_zero_with_one_line(seed_db_path: Path, tmp_path: Path,
                                                          command: list[str], damage: str) -> None:
    """check, stats, search, export and dump on a corrupt --db: exit ≠ 0, one line on stderr, no traceback."""
    bad = tmp_path / "bad.db"
    if damage == "junk":
        bad.write_bytes(b"SQLite format 2\0" + os.urandom(20_000))
    else:
        bad.write_bytes(seed_db_path.read_bytes())
        _damage_pages(bad)
    args = [str(tmp_path / "out.csv") if a == "OUT" else a for a in command]
    result = _kiosk(args[0], "--db", str(bad), *args[1:])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kiosk {command[0]}: error:")
    assert "database" in lines[0]
