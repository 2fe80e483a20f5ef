"""Open merge conflicts on a terminal: listed, then resolved by a worker.

A conflict is one field of one listing that the office and this terminal both changed, to different
values, since the office's last bundle (:mod:`kiosk.core.fleet.merge`); or (kind ``retired``) a field
a worker changed in a listing the office has since retired. The terminal's value stays until a
worker decides: :func:`take_office` writes the office's value (its latest snapshot, the stored
base) through the normal editing path — validated and in the listing's history — and
:func:`keep_local` keeps the terminal's value (which the office sees as a proposal). Either way the
decision is one audit-log entry (table ``merge_conflicts``) naming who made it. A conflict whose two
values have become equal (the office took the terminal's value) is closed by the next bundle.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.fleet.merge import (
    ABSENT,
    Conflict,
    FieldKey,
    field_label,
    from_json,
    load_base,
    show_value,
    to_json,
    value_at,
    with_value,
)
from kiosk.core.limits import SQLITE_INT_MAX
from kiosk.core.listings import audit
from kiosk.core.listings.editing import (
    Listing,
    ListingInvalid,
    apply_listing,
    compact,
    get_listing,
    listing_from_snapshot,
    reindex,
    validate_listing,
)

TABLE = "merge_conflicts"
STATUSES = {"open": "待处理", "office": "用了办公室的", "local": "保留了本机的"}


class ConflictError(KioskError):
    """No such open conflict, or it cannot be resolved as asked; nothing was changed."""


@dataclass(frozen=True)
class StoredConflict:
    """One row of ``merge_conflicts`` with the words to show it."""

    id: int
    service_id: str
    service_name: str
    key: FieldKey
    label: str
    kind: str
    base: Any
    office: Any
    local: Any
    bundle_version: int | None
    created_at: str
    status: str
    resolved_by: str | None

    def line(self) -> str:
        """``#3 测试站（svc-id） 电话：旧 → 办公室 新 / 本机 另一个``."""
        what = "办公室已停用这条服务 (retired by the office)；" if self.kind == "retired" else ""
        k = self.key
        return (f"#{self.id} {self.service_name} [{self.service_id}] {self.label}：{what}原来 "
                f"{show_value(self.base, k)}，办公室 {show_value(self.office, k)}，本机 {show_value(self.local, k)}")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "service_id": self.service_id, "service_name": self.service_name,
                "field": list(self.key), "label": self.label, "kind": self.kind, "base": self.base,
                "office": self.office, "local": self.local, "bundle_version": self.bundle_version,
                "time": self.created_at, "status": self.status, "resolved_by": self.resolved_by}


def record_conflicts(conn: sqlite3.Connection, service_id: str, conflicts: Sequence[Conflict], *,
                     version: int | None, now: datetime) -> None:
    """Store (or refresh: one open row per listing and field) the conflicts of one merge; in the caller's
    transaction."""
    for c in conflicts:
        conn.execute(
            "INSERT INTO merge_conflicts(service_id, field, kind, base, office, local, bundle_version, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(service_id, field) WHERE status = 'open' DO UPDATE SET "
            "kind = excluded.kind, base = excluded.base, office = excluded.office, local = excluded.local, "
            "bundle_version = excluded.bundle_version, created_at = excluded.created_at",
            (service_id, to_json(list(c.key)), c.kind, to_json(c.base), to_json(c.office), to_json(c.local), version,
             audit.timestamp(now)))


def settle_conflicts(conn: sqlite3.Connection, service_id: str, office: Listing, merged: Listing, *, actor: str,
                     now: datetime) -> int:
    """Close the listing's open conflicts whose office and terminal values are now the same; how many."""
    closed = 0
    for ident, key_text in conn.execute("SELECT id, field FROM merge_conflicts WHERE service_id = ? AND "
                                        "status = 'open' AND kind = 'conflict'", (service_id,)).fetchall():
        key = tuple(from_json(key_text))
        if value_at(office, key) == value_at(merged, key):
            conn.execute("UPDATE merge_conflicts SET status = 'office', resolved_at = ?, resolved_by = ? WHERE id = ?",
                         (audit.timestamp(now), actor, ident))
            closed += 1
    return closed


def _stored(conn: sqlite3.Connection, row: sqlite3.Row, names: dict[str, Listing | None]) -> StoredConflict:
    sid = str(row["service_id"])
    if sid not in names:
        names[sid] = get_listing(conn, sid)
    listing = names[sid]
    key = tuple(str(k) for k in from_json(row["field"]))
    return StoredConflict(int(row["id"]), sid, listing.name if listing is not None else sid, key,
                          field_label(listing, key), str(row["kind"]), from_json(row["base"]),
                          from_json(row["office"]), from_json(row["local"]), row["bundle_version"],
                          str(row["created_at"]), str(row["status"]), row["resolved_by"])


def list_conflicts(conn: sqlite3.Connection, *, include_closed: bool = False) -> list[StoredConflict]:
    """The open conflicts (with ``include_closed`` the resolved ones too), oldest first."""
    where = "" if include_closed else "WHERE status = 'open'"
    rows = conn.execute(f"SELECT * FROM merge_conflicts {where} ORDER BY id").fetchall()
    names: dict[str, Listing | None] = {}
    return [_stored(conn, row, names) for row in rows]


def count_open(conn: sqlite3.Connection) -> int:
    """How many conflicts wait for a worker (0 on a database without the table)."""
    try:
        return int(conn.execute("SELECT count(*) FROM merge_conflicts WHERE status = 'open'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def get_conflict(conn: sqlite3.Connection, ident: int) -> StoredConflict:
    """The open conflict ``ident``; ConflictError when there is none."""
    row = conn.execute("SELECT * FROM merge_conflicts WHERE id = ?", (ident,)).fetchone() \
        if 0 < ident <= SQLITE_INT_MAX else None
    if row is None:
        raise ConflictError(f"没有编号为 {ident} 的冲突 (no conflict #{ident}); `kiosk conflicts` lists them")
    found = _stored(conn, row, {})
    if found.status != "open":
        raise ConflictError(f"冲突 #{ident} 已经处理过了 (conflict #{ident} is already resolved: {found.status}, "
                            f"by {found.resolved_by})")
    return found


def take_office(conn: sqlite3.Connection, ident: int, *, actor: str, now: datetime) -> StoredConflict:
    """Give the field the office's value (its latest snapshot) through the editing path; close the conflict.

    Raises ConflictError (no such open conflict, the listing is gone) or ListingInvalid; nothing changes then.
    """
    found = get_conflict(conn, ident)
    listing = get_listing(conn, found.service_id)
    if listing is None:
        raise ConflictError(f"冲突 #{ident}：这条服务已经不在本机 (listing {found.service_id} is not here any more)")
    base = load_base(conn, found.service_id)
    office = value_at(listing_from_snapshot(base), found.key) if base is not None else found.office
    try:
        changed = with_value(listing, found.key, None if office is ABSENT else office)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConflictError(f"冲突 #{ident}：{found.label} 不能改成办公室的值 (cannot set the office's value: "
                            f"{exc})") from exc
    changed = compact(changed)
    problems = validate_listing(conn, changed)
    if problems:
        raise ListingInvalid(problems)
    with transaction(conn):
        result = apply_listing(conn, changed, actor=actor, now=now)
        _close(conn, found, "office", actor=actor, now=now, value=office)
        if result.changed:
            reindex(conn, [found.service_id])
    return found


def keep_local(conn: sqlite3.Connection, ident: int, *, actor: str, now: datetime) -> StoredConflict:
    """Keep the terminal's value (the listing is not changed); close the conflict."""
    found = get_conflict(conn, ident)
    with transaction(conn):
        _close(conn, found, "local", actor=actor, now=now, value=found.local)
    return found


def _close(conn: sqlite3.Connection, found: StoredConflict, status: str, *, actor: str, now: datetime,
           value: Any) -> None:
    conn.execute("UPDATE merge_conflicts SET status = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
                 (status, audit.timestamp(now), actor, found.id))
    audit.record(conn, actor=actor, table=TABLE, record_id=str(found.id),
                 action="take_office" if status == "office" else "keep_local",
                 before={"status": "open", "service_id": found.service_id, "field": list(found.key),
                         "office": found.office, "local": found.local},
                 after={"status": status, "value": None if value is ABSENT else value}, now=now)
