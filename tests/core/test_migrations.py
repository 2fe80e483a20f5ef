"""Schema version and migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db import migrations
from kiosk.core.db.connection import connect
from kiosk.core.errors import DatabaseError


def test_new_database_gets_current_version(tmp_path: Path) -> None:
    """A fresh database is migrated to the current schema version."""
    conn = connect(tmp_path / "x.db")
    assert migrations.schema_version(conn) == migrations.SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"services", "phones", "schedules", "figures", "feedback", "audit_log", "usage_counts"} <= tables


def test_migrations_apply_in_order_and_keep_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later step is applied on top of existing data without losing rows."""
    path = tmp_path / "x.db"
    conn = connect(path)
    conn.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')")
    conn.close()
    extra = "CREATE TABLE test_extra (id INTEGER PRIMARY KEY);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, extra])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrations.migrate(conn) == len(migrations.MIGRATIONS)
    assert conn.execute("SELECT value FROM meta WHERE key='k'").fetchone()[0] == "v"
    conn.execute("SELECT * FROM test_extra")


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing step leaves the database at the previous version."""
    path = tmp_path / "x.db"
    connect(path).close()
    before = migrations.SCHEMA_VERSION
    bad = "CREATE TABLE good_one (id INTEGER);\nCREATE TABLE services (id INTEGER);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, bad])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(conn)
    assert migrations.schema_version(conn) == before
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='good_one'").fetchone() is None


def test_newer_database_is_refused(tmp_path: Path) -> None:
    """A database from a newer program is refused with a clear message."""
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer"):
        connect(path)


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    """A file that is not a database gives a DatabaseError, not a traceback."""
    path = tmp_path / "x.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match="cannot open database"):
        connect(path, readonly=True)
