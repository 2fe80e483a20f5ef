"""Rotating log file in the data directory, with personal numbers masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.terminal.logging_setup import redact, setup_logging, teardown_logging


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    """A log folder; the handler is removed after the test."""
    yield tmp_path / "logs"
    teardown_logging()


def test_writes_to_the_log_folder(log_dir: Path) -> None:
    """setup_logging creates the folder and kiosk.log, with level, logger name and terminal id."""
    path = setup_logging(log_dir, terminal_id="hall-3")
    logging.getLogger("kiosk.test").info("content bundle %s applied", 7)
    assert path == log_dir / "kiosk.log"
    line = path.read_text(encoding="utf-8").strip().splitlines()[-1]
    assert "INFO kiosk.test [hall-3] content bundle 7 applied" in line


def test_rotates_and_keeps_a_bounded_number(log_dir: Path) -> None:
    """Past max_bytes the file rotates and at most backup_count old files stay."""
    setup_logging(log_dir, max_bytes=2_000, backup_count=2)
    for n in range(400):
        logging.getLogger("kiosk.test").warning("line %d %s", n, "x" * 40)
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    assert all(p.stat().st_size <= 2_200 for p in log_dir.iterdir())


def test_setup_twice_keeps_one_handler(log_dir: Path) -> None:
    """A second setup replaces the handler instead of doubling every line."""
    setup_logging(log_dir)
    path = setup_logging(log_dir)
    logging.getLogger("kiosk.test").info("once")
    assert path.read_text(encoding="utf-8").count("once") == 1


def test_personal_numbers_are_masked(log_dir: Path) -> None:
    """Mobile and identity-card numbers never reach the file; hotline numbers do."""
    path = setup_logging(log_dir)
    logging.getLogger("kiosk.test").warning("call %s or 12349, id %s", "13812345678", "41018519800101123X")
    text = path.read_text(encoding="utf-8")
    assert "13812345678" not in text and "41018519800101123X" not in text
    assert "[mobile]" in text and "[id-number]" in text and "12349" in text


def test_redact_leaves_ordinary_numbers() -> None:
    """Counts, dates and short numbers are left alone."""
    text = "2024-10-01 applied bundle v12: 1745 services, 0371-12345"
    assert redact(text) == text
