"""Logging: `kiosk run` writes rotating log files, and what residents type or a PIN never reaches them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.search import ranking as search
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.logging_setup import teardown_logging
from kiosk.core.workers import auth
from kiosk.ui.crash import start_logging
from kiosk.ui.window import KioskWindow
from tests.helpers.worker import NOW

QUERY = "王秀英 13812345678 养老"
PIN = "739146"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Logging as `kiosk run` sets it up (debug level), into this test's data directory."""
    path = start_logging(Config(log_level="debug", log_dir=str(tmp_path / "logs")))
    assert path is not None
    yield path
    teardown_logging()
    logging.getLogger().setLevel(logging.WARNING)


def test_start_logging_writes_into_the_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the default settings the log file is logs/kiosk.log in the data directory."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    try:
        path = start_logging(Config())
    finally:
        teardown_logging()
        logging.getLogger().setLevel(logging.WARNING)
    assert path == tmp_path / "data" / "logs" / "kiosk.log"
    assert "kiosk starting" in path.read_text(encoding="utf-8")


def test_unwritable_log_folder_does_not_stop_the_kiosk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log folder that cannot be made (a file is in the way) gives one line on stderr, not a failure."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    assert start_logging(Config(log_dir=str(blocker / "logs"))) is None
    assert "cannot write log files" in capsys.readouterr().err


def test_search_text_and_pin_are_not_logged(qtbot: Any, log_file: Path, make_window: Callable[..., KioskWindow],
                                            writable_db: Path) -> None:
    """A resident's search (screen and core) and a worker's PIN attempts leave no trace in the log."""
    window = make_window()
    window.nav.home()
    window.nav.push("search")
    screen = window.nav.current()
    screen.input.setText(QUERY)
    qtbot.wait(400)  # the screen searches after a short pause
    conn = connect(writable_db)
    search.search(conn, QUERY)
    auth.set_pin(conn, "258013", now=NOW)
    for _ in range(auth.MAX_FAILURES + 1):
        auth.check_pin(conn, PIN, now=NOW)
    conn.close()
    logging.getLogger("kiosk").info("end of test")
    text = log_file.read_text(encoding="utf-8")
    assert "end of test" in text
    for secret in ("王秀英", "13812345678", PIN, "258013"):
        assert secret not in text
