"""Shared fixtures: the seed database is built by the same code users run."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")  # read-aloud: Qt's silent engine, whatever is installed

from kiosk.core.content.build import build_database
from kiosk.core.db.connection import connect
from kiosk.core.terminal.paths import seeds_dir


@pytest.fixture(scope="session")
def seed_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the real seeds/ once per test session (read-only use)."""
    out = tmp_path_factory.mktemp("seeddb") / "kiosk.db"
    build_database(seeds_dir(), out)
    return out


@pytest.fixture
def seed_conn(seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the seed database."""
    conn = connect(seed_db_path, readonly=True)
    yield conn
    conn.close()


@pytest.fixture
def conn(writable_db: Path) -> Iterator[sqlite3.Connection]:
    """A writable connection to a private copy of the seed database (closed after the test)."""
    c = connect(writable_db)
    yield c
    c.close()


@pytest.fixture
def writable_db(seed_db_path: Path, tmp_path: Path) -> Path:
    """A private writable copy of the seed database."""
    target = tmp_path / "kiosk.db"
    target.write_bytes(seed_db_path.read_bytes())
    return target


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data directory from a test."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data-dir"))
