"""The row helpers and the database copy in kiosk.core.db.rows, on real sqlite files (test data made here)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db.rows import (
    copy_database,
    insert,
    insert_all,
    primary_key,
    select_rows,
    table_columns,
    table_rows,
    upsert,
)

SCHEMA = """
CREATE TABLE place (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT DEFAULT 'test', note TEXT);
CREATE TABLE pair (a TEXT, b TEXT, v INTEGER, PRIMARY KEY (b, a));
CREATE TABLE loose (x TEXT);
"""


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    c.executescript(SCHEMA)
    return c


def test_select_rows_gives_dicts_in_query_order(conn: sqlite3.Connection) -> None:
    """Rows come back as column → value dicts, in the order the query asks for."""
    conn.executemany("INSERT INTO place(id, name) VALUES (?, ?)", [("b", "测试乙"), ("a", "测试甲")])
    assert select_rows(conn, "SELECT id, name FROM place ORDER BY id") == [
        {"id": "a", "name": "测试甲"}, {"id": "b", "name": "测试乙"}]
    assert select_rows(conn, "SELECT id FROM place WHERE id = ?", ("b",)) == [{"id": "b"}]


def test_table_rows_of_a_missing_table_is_empty(conn: sqlite3.Connection) -> None:
    """A table the database does not have reads as no rows, not an error (an older build)."""
    insert(conn, "loose", {"x": "1"})
    assert table_rows(conn, "loose") == [{"x": "1"}]
    assert table_rows(conn, "no_such_table") == []


def test_table_columns_and_primary_key_follow_the_schema(conn: sqlite3.Connection) -> None:
    """Columns are read from the schema as it is now, including one added after a first look."""
    assert table_columns(conn, "place") == ["id", "name", "kind", "note"]
    conn.execute("ALTER TABLE place ADD COLUMN extra TEXT")
    assert table_columns(conn, "place")[-1] == "extra"
    assert primary_key(conn, "place") == ["id"]
    assert primary_key(conn, "pair") == ["b", "a"]
    assert primary_key(conn, "loose") == []


def test_insert_leaves_out_unknown_keys_and_keeps_defaults(conn: sqlite3.Connection) -> None:
    """Keys that are not columns are dropped; columns the row lacks get the schema default."""
    insert(conn, "place", {"id": "p1", "name": "测试点", "not_a_column": 5})
    assert table_rows(conn, "place") == [{"id": "p1", "name": "测试点", "kind": "test", "note": None}]


def test_insert_all_counts_and_keeps_order(conn: sqlite3.Connection) -> None:
    """insert_all writes every row in the given order and says how many."""
    assert insert_all(conn, "loose", ({"x": str(n)} for n in range(3))) == 3
    assert [r["x"] for r in select_rows(conn, "SELECT x FROM loose ORDER BY rowid")] == ["0", "1", "2"]


def test_upsert_updates_only_the_given_columns(conn: sqlite3.Connection) -> None:
    """A second upsert with the same key changes the columns it has and leaves the others."""
    upsert(conn, "place", {"id": "p1", "name": "旧名", "note": "保留"})
    upsert(conn, "place", {"id": "p1", "name": "新名"})
    upsert(conn, "place", {"id": "p2", "name": "另一个"})
    assert table_rows(conn, "place") == [
        {"id": "p1", "name": "新名", "kind": "test", "note": "保留"},
        {"id": "p2", "name": "另一个", "kind": "test", "note": None}]


def test_upsert_by_a_composite_key_and_refuses_a_table_without_one(conn: sqlite3.Connection) -> None:
    """The declared primary key decides what is the same row; a table without one is refused."""
    upsert(conn, "pair", {"a": "1", "b": "2", "v": 1})
    upsert(conn, "pair", {"a": "1", "b": "2", "v": 7})
    upsert(conn, "pair", {"a": "1", "b": "2"})  # only key columns: nothing to update
    assert table_rows(conn, "pair") == [{"a": "1", "b": "2", "v": 7}]
    with pytest.raises(ValueError, match="no declared primary key"):
        upsert(conn, "loose", {"x": "1"})


def _file_db(path: Path, rows: list[str]) -> None:
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE loose (x TEXT)")
    c.executemany("INSERT INTO loose VALUES (?)", [(r,) for r in rows])
    c.commit()
    c.close()


def test_copy_database_between_files_and_connections(tmp_path: Path) -> None:
    """Path → path, connection → path and path → open connection all copy the whole content."""
    src = tmp_path / "src.db"
    _file_db(src, ["a", "b"])
    copy_database(src, tmp_path / "copy.db")
    c = sqlite3.connect(tmp_path / "copy.db")
    assert table_rows(c, "loose") == [{"x": "a"}, {"x": "b"}]
    c.execute("INSERT INTO loose VALUES ('c')")
    c.commit()
    copy_database(c, tmp_path / "again.db")
    target = sqlite3.connect(":memory:")
    copy_database(tmp_path / "again.db", target)
    assert [r["x"] for r in table_rows(target, "loose")] == ["a", "b", "c"]
    c.execute("SELECT 1")  # a connection it was given stays open
    c.close()


def test_copy_database_opens_a_file_source_read_only(tmp_path: Path) -> None:
    """A missing source file is an error, never created as an empty database."""
    missing = tmp_path / "missing.db"
    with pytest.raises(sqlite3.Error):
        copy_database(missing, tmp_path / "out.db")
    assert not missing.exists()
