"""Resident feedback ("信息有误 / Report a problem") and the workers' queue.

Residents only tap a choice — wrong phone, wrong address, closed, other — so nothing personal is
ever stored: a row is the listing, the kind and the time. Workers see the open items and mark them
done (the audit log records who did).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.limits import SQLITE_INT_MAX
from kiosk.core.listings import audit

KINDS: dict[str, tuple[str, str]] = {
    "wrong_phone": ("电话不对", "Wrong phone number"),
    "wrong_address": ("地址不对", "Wrong address"),
    "wrong_hours": ("开放时间不对", "Wrong opening hours"),
    "missing_info": ("缺少信息", "Information missing"),
    "closed": ("已关门或不再提供", "Closed or no longer offered"),
    "other": ("其他问题", "Something else"),
}
"""Feedback kinds with their Chinese and English labels, in the order the buttons show them."""


class FeedbackError(KioskError):
    """Unknown feedback kind, listing or item."""


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    service_id: str | None
    service_name: str | None
    kind: str
    created_at: datetime
    status: str
    resolved_at: datetime | None

    @property
    def label(self) -> str:
        """The kind in plain Chinese."""
        return KINDS.get(self.kind, (self.kind, self.kind))[0]

    @property
    def label_en(self) -> str:
        return KINDS.get(self.kind, (self.kind, self.kind))[1]


def add_feedback(conn: sqlite3.Connection, service_id: str | None, kind: str, now: datetime) -> int:
    """Store one resident report about a listing; return its id."""
    if kind not in KINDS:
        raise FeedbackError(f"unknown feedback kind '{kind}'; one of {', '.join(KINDS)}")
    if service_id is not None and conn.execute("SELECT 1 FROM services WHERE id = ?", (service_id,)).fetchone() \
            is None:
        raise FeedbackError(f"no listing with id '{service_id}'")
    with transaction(conn):
        cur = conn.execute("INSERT INTO feedback(service_id, kind, created_at) VALUES (?, ?, ?)",
                           (service_id, kind, audit.timestamp(now)))
    return int(cur.lastrowid or 0)


def list_feedback(conn: sqlite3.Connection, status: str | None = "open", *,
                  service_id: str | None = None) -> list[FeedbackItem]:
    """Feedback items, newest first: open ones (default), done ones (``"done"``) or all (None)."""
    where, params = ["1"], []
    if status is not None:
        where.append("f.status = ?")
        params.append(status)
    if service_id is not None:
        where.append("f.service_id = ?")
        params.append(service_id)
    rows = conn.execute(
        f"""SELECT f.*, s.name AS service_name FROM feedback f LEFT JOIN services s ON s.id = f.service_id
            WHERE {' AND '.join(where)} ORDER BY f.created_at DESC, f.id DESC""", params)
    return [FeedbackItem(r["id"], r["service_id"], r["service_name"], r["kind"],
                         datetime.fromisoformat(r["created_at"]), r["status"],
                         datetime.fromisoformat(r["resolved_at"]) if r["resolved_at"] else None) for r in rows]


def count_open(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM feedback WHERE status = 'open'").fetchone()[0])


def mark_done(conn: sqlite3.Connection, feedback_id: int, *, now: datetime, actor: str) -> None:
    """Close an item (the worker checked the listing)."""
    _set_status(conn, feedback_id, "done", now=now, actor=actor)


def reopen(conn: sqlite3.Connection, feedback_id: int, *, now: datetime, actor: str) -> None:
    _set_status(conn, feedback_id, "open", now=now, actor=actor)


def _set_status(conn: sqlite3.Connection, feedback_id: int, status: str, *, now: datetime, actor: str) -> None:
    if not 0 < feedback_id <= SQLITE_INT_MAX:
        raise FeedbackError(f"no feedback item #{feedback_id if feedback_id.bit_length() < 256 else '(a huge number)'}"
                            f"; item numbers run from 1 (see `kiosk feedback --all`)")
    with transaction(conn):
        row = conn.execute("SELECT status, resolved_at FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
        if row is None:
            raise FeedbackError(f"no feedback item #{feedback_id}")
        resolved = audit.timestamp(now) if status == "done" else None
        conn.execute("UPDATE feedback SET status = ?, resolved_at = ? WHERE id = ?", (status, resolved, feedback_id))
        audit.record(conn, actor=actor, table="feedback", record_id=str(feedback_id),
                     action="done" if status == "done" else "reopen",
                     before={"status": row["status"], "resolved_at": row["resolved_at"]},
                     after={"status": status, "resolved_at": resolved}, now=now)
