"""The audit log: who changed what, when, from what to what.

Every change a worker (or an import) makes is one row of ``audit_log``: ``actor`` (the admin
session id such as ``admin-20250301-0930-3fa2c1``, or ``cli`` / ``import:<session>``), ``at`` (ISO
time with offset), the table and record it concerns, an ``action`` (``create``, ``edit``, ``retire``,
``restore``, ``undo``, ``import``, ``login`` …), and the record ``before`` and ``after`` as JSON. For
listings the record is the whole listing snapshot (the service row and all its phones, hours,
documents, locations…), so undoing a change puts back exactly the previous record.

Rows are never deleted; an undone entry points to the entry that undid it (``undone_by``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.limits import SQLITE_INT_MAX


@dataclass(frozen=True)
class AuditEntry:
    """One change, as the history view shows it."""

    id: int
    at: datetime
    actor: str
    table_name: str
    record_id: str
    action: str
    before: Any
    after: Any
    undone_by: int | None

    @property
    def undone(self) -> bool:
        return self.undone_by is not None


def timestamp(now: datetime) -> str:
    """How times are stored: ISO 8601 with the UTC offset, to the second."""
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware (Asia/Shanghai)")
    return now.isoformat(timespec="seconds")


def record(conn: sqlite3.Connection, *, actor: str, table: str, record_id: str, action: str,
           before: Any, after: Any, now: datetime) -> int:
    """Append one entry; return its id. Call inside the transaction that makes the change."""
    cur = conn.execute(
        "INSERT INTO audit_log(at, actor, table_name, record_id, action, before, after) VALUES (?,?,?,?,?,?,?)",
        (timestamp(now), actor, table, record_id, action, _json(before), _json(after)),
    )
    return int(cur.lastrowid or 0)


def mark_undone(conn: sqlite3.Connection, entry_id: int, undone_by: int) -> None:
    conn.execute("UPDATE audit_log SET undone_by = ? WHERE id = ?", (undone_by, entry_id))


def get_entry(conn: sqlite3.Connection, entry_id: int) -> AuditEntry | None:
    """The change ``entry_id``, or None when there is none (also for an id SQLite cannot hold)."""
    if not 0 < entry_id <= SQLITE_INT_MAX:
        return None
    row = conn.execute("SELECT * FROM audit_log WHERE id = ?", (entry_id,)).fetchone()
    return _entry(row) if row is not None else None


def history(conn: sqlite3.Connection, table: str, record_id: str) -> list[AuditEntry]:
    """Every change of one record, newest first."""
    rows = conn.execute(
        "SELECT * FROM audit_log WHERE table_name = ? AND record_id = ? ORDER BY id DESC", (table, record_id)
    )
    return [_entry(r) for r in rows]


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"], at=datetime.fromisoformat(row["at"]), actor=row["actor"], table_name=row["table_name"],
        record_id=row["record_id"], action=row["action"],
        before=json.loads(row["before"]) if row["before"] is not None else None,
        after=json.loads(row["after"]) if row["after"] is not None else None,
        undone_by=row["undone_by"],
    )
