"""Terminal edits as proposals to the office, field by field.

On a terminal, :func:`export_proposals` turns the workers' edits into field-level diffs against the
base (the office's snapshot as last applied, :mod:`kiosk.core.fleet.merge`; for an upgraded terminal
the listing before its first local edit): one item per changed field, in the same field units the
merge uses (a listing field, a whole phone/hours/document list, a place's field, a place added or
removed). Only fields a worker changed here are proposed (an audit entry of this terminal changed
the field): a difference a program upgrade's built-in content or a restored backup made is not a
worker's proposal. A listing created on the terminal has no base and is not proposed field by field
(export it with ``kiosk export`` and import it at the office).

Each item is JSON data::

    {"service_id": "…", "service_name": "…", "field": ["locations", "<place id>", "phones"],
     "label": "地点 2（测试站乙） 电话", "base": [...], "proposed": [...], "actor": "admin-…",
     "time": "2026-03-02T09:30:00+08:00", "key": "<stable proposal key>"}

``key`` is a hash of the listing, field, base and proposed value, so the same edit exported twice
is the same proposal. At the office, :func:`store_proposals` keeps them in ``proposals``
idempotently (per terminal and key), checking every item's shape and bounds first (a report is
untrusted input: a bad item is skipped with a logged reason). A newer proposal from the same
terminal for the same field replaces the older open one (which is closed as rejected, noted
"superseded"). A worker then takes (:func:`take_proposals`: the value is written to the office's
listing through the normal editing path, validated and in its history, so the next bundle carries
it) or rejects (:func:`reject_proposals`) each one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.fleet.merge import (
    ABSENT,
    NOT_MERGED,
    FieldKey,
    base_of,
    changed_fields,
    field_label,
    fields_of,
    from_json,
    keyed_groups,
    local_entries,
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
    snapshot,
    validate_listing,
)
from kiosk.core.listings.fields import declared, scalars

log = logging.getLogger(__name__)

TABLE = "proposals"
MAX_ITEMS = 5_000
"""Items taken from one report (more are skipped, with one log line)."""
MAX_ID_CHARS = 200
MAX_TEXT_CHARS = 500
MAX_VALUE_CHARS = 20_000
"""Longest value (as JSON) of a proposal: a whole list of places' worth of text is far less."""
MAX_DEPTH = 4
"""Deepest nesting of a proposed value (a list of phone entries is 2)."""
KEY_CHARS = frozenset("0123456789abcdef")


class ProposalError(KioskError):
    """No such open proposal, or it cannot be taken as it is; nothing was changed."""


# ------------------------------------------------------------------------------ on a terminal


def proposal_key(service_id: str, key: FieldKey | list[str], base: Any, proposed: Any) -> str:
    """A stable key of one proposed change (the same edit gives the same key on every export)."""
    text = json.dumps([service_id, list(key), None if base is ABSENT else base,
                       None if proposed is ABSENT else proposed], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def export_proposals(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """This terminal's workers' edits as field-level proposals against the base (JSON-able items)."""
    items: list[dict[str, Any]] = []
    for (sid,) in conn.execute("SELECT id FROM services ORDER BY id").fetchall():
        sid = str(sid)
        _source, base_snap = base_of(conn, sid)
        current = snapshot(conn, sid)
        if base_snap is None or current is None:
            continue
        base, local = listing_from_snapshot(base_snap), listing_from_snapshot(current)
        diffs = changed_fields(fields_of(base), fields_of(local))
        if not diffs:
            continue
        entries = local_entries(conn, sid)
        for key, old, new in diffs:
            who = _who(entries, key)
            if who is None:
                continue  # not a worker's edit here (a program upgrade's content, a restored backup)
            actor, at = who
            items.append({"service_id": sid, "service_name": local.name, "field": list(key),
                          "label": field_label(local if new is not ABSENT else base, key),
                          "base": None if old is ABSENT else old, "proposed": None if new is ABSENT else new,
                          "actor": actor, "time": at, "key": proposal_key(sid, key, old, new)})
    return items


def _who(entries: list[audit.AuditEntry], key: FieldKey) -> tuple[str, str] | None:
    """Who made the latest local change of field ``key``, and when; None when no worker here changed it."""
    for entry in reversed(entries):
        before = listing_from_snapshot(entry.before) if entry.before is not None else None
        after = listing_from_snapshot(entry.after) if entry.after is not None else None
        if value_at(before, key) != value_at(after, key):
            return entry.actor, entry.at.isoformat()
    return None


# ------------------------------------------------------------------------------ at the office


def _depth(value: Any, limit: int) -> int:
    """How deeply lists and dicts nest in ``value`` (counting stops past ``limit``)."""
    if limit < 0 or not isinstance(value, (list, dict)):
        return 0
    inner = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in inner), default=0)


def _text(item: dict[str, Any], name: str, limit: int, *, required: bool = True) -> str | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (not value.strip() and required):
        raise ValueError(f"{name} must be text")
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return "".join(c for c in value if c.isprintable())


def _ident(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ID_CHARS or \
            any(not c.isprintable() or c.isspace() for c in value):
        raise ProposalError(f"{what} must be text of 1 to {MAX_ID_CHARS} printable characters without spaces")
    return value


def _valid_key(key: Any) -> FieldKey:
    """A field key that names a merged field of a listing (from the declarations)."""
    if not isinstance(key, list) or not 1 <= len(key) <= 3 or \
            not all(isinstance(k, str) and 0 < len(k) <= MAX_ID_CHARS for k in key):
        raise ValueError("field must be a list of 1 to 3 names")
    head = next((d for d in declared(Listing) if d.name == key[0] and d.name not in NOT_MERGED), None)
    if head is None:
        raise ValueError(f"field {key[0][:40]!r} is not a listing field")
    keyed = keyed_groups()
    if head.name not in keyed:
        if len(key) != 1:
            raise ValueError(f"field {key[0]} takes no entry")
    elif len(key) == 1 or (len(key) == 3 and key[2] not in {e.name for e in scalars(keyed[head.name])
                                                             if e.name != "id"}):
        raise ValueError(f"field {'/'.join(key)[:60]!r} is not a field of a {head.name} entry")
    return tuple(key)


def _value(item: dict[str, Any], name: str) -> Any:
    value = item.get(name)
    if _depth(value, MAX_DEPTH + 1) > MAX_DEPTH:
        raise ValueError(f"{name} nests deeper than {MAX_DEPTH}")
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not JSON data") from exc
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{name} is longer than {MAX_VALUE_CHARS} characters")
    return value


def check_item(item: Any) -> dict[str, Any]:
    """One untrusted proposal item, checked and cleaned; ValueError says what is wrong."""
    if not isinstance(item, dict):
        raise ValueError("an item must be an object")
    service_id = item.get("service_id")
    try:
        _ident(service_id, "service_id")
    except ProposalError as exc:
        raise ValueError(str(exc)) from None
    key = item.get("key")
    if not isinstance(key, str) or not 16 <= len(key) <= 64 or not set(key) <= KEY_CHARS:
        raise ValueError("key must be 16 to 64 hexadecimal digits")
    when = _text(item, "time", 40, required=False)
    if when:
        try:
            datetime.fromisoformat(when)
        except ValueError:
            raise ValueError("time is not an ISO date and time") from None
    return {"service_id": service_id, "key": key, "field": _valid_key(item.get("field")),
            "service_name": _text(item, "service_name", MAX_TEXT_CHARS, required=False),
            "label": _text(item, "label", MAX_TEXT_CHARS, required=False),
            "actor": _text(item, "actor", MAX_ID_CHARS, required=False), "time": when or None,
            "base": _value(item, "base"), "proposed": _value(item, "proposed")}


def store_proposals(conn: sqlite3.Connection, terminal_id: str, report_id: str, items: list[dict[str, Any]], *,
                    now: datetime) -> int:
    """Keep a terminal's proposals (idempotent per terminal and key); return how many were new.

    A bad item is skipped with a logged reason; a bad ``terminal_id`` or ``report_id``, or ``items``
    that is not a list, raises ProposalError (nothing stored).
    """
    _ident(terminal_id, "terminal id")
    _ident(report_id, "report id")
    if not isinstance(items, list):
        raise ProposalError("the proposals of a report must be a list")
    if len(items) > MAX_ITEMS:
        log.warning("report %s from terminal %s: %d proposals, only the first %d are read", report_id[:40],
                    terminal_id[:40], len(items), MAX_ITEMS)
    new = 0
    stamp = audit.timestamp(now)
    with transaction(conn):
        for n, raw in enumerate(items[:MAX_ITEMS], start=1):
            try:
                item = check_item(raw)
            except (ValueError, TypeError, RecursionError) as exc:
                log.warning("report %s from terminal %s: proposal %d skipped: %s", report_id[:40], terminal_id[:40],
                            n, str(exc)[:200])
                continue
            field_json = to_json(list(item["field"]))
            cur = conn.execute(
                "INSERT INTO proposals(terminal_id, proposal_key, report_id, service_id, service_name, field, label, "
                "base, proposed, actor, proposed_at, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(terminal_id, proposal_key) DO NOTHING",
                (terminal_id, item["key"], report_id, item["service_id"], item["service_name"], field_json,
                 item["label"], to_json(item["base"]), to_json(item["proposed"]), item["actor"], item["time"], stamp))
            if cur.rowcount:
                new += 1
                conn.execute("UPDATE proposals SET status = 'rejected', decided_at = ?, decided_by = ?, note = ? "
                             "WHERE terminal_id = ? AND service_id = ? AND field = ? AND status = 'open' "
                             "AND proposal_key != ?",
                             (stamp, "superseded", "replaced by a newer proposal from the same terminal",
                              terminal_id, item["service_id"], field_json, item["key"]))
    return new


@dataclass(frozen=True)
class StoredProposal:
    """One row of ``proposals`` with the words to show it."""

    id: int
    terminal_id: str
    service_id: str
    service_name: str
    key: FieldKey
    label: str
    base: Any
    proposed: Any
    current: Any
    """The office listing's value now (ABSENT: no such listing or place here)."""
    actor: str | None
    proposed_at: str | None
    status: str

    def line(self) -> str:
        """``地点 2（测试站乙） 电话：0371-68000012 → 0371-68000099``, and the office's value if it changed since."""
        k = self.key
        text = f"{self.label}：{show_value(self.base, k)} → {show_value(self.proposed, k)}"
        if self.current is not ABSENT and self.current != self.base:
            text += f"（办公室现在是 office now：{show_value(self.current, k)}）"
        return text

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "terminal_id": self.terminal_id, "service_id": self.service_id,
                "service_name": self.service_name, "field": list(self.key), "label": self.label,
                "base": self.base, "proposed": self.proposed,
                "office_now": None if self.current is ABSENT else self.current, "actor": self.actor,
                "time": self.proposed_at, "status": self.status}


def _stored(conn: sqlite3.Connection, row: sqlite3.Row, names: dict[str, Listing | None]) -> StoredProposal:
    sid = str(row["service_id"])
    if sid not in names:
        names[sid] = get_listing(conn, sid)
    listing = names[sid]
    key = tuple(str(k) for k in from_json(row["field"]))
    here = listing is not None and (len(key) == 1 or value_at(listing, key[:2]) is not ABSENT)
    label = field_label(listing, key) if here else (row["label"] or "/".join(key))
    return StoredProposal(int(row["id"]), str(row["terminal_id"]), sid,
                          listing.name if listing is not None else (row["service_name"] or sid), key, label,
                          from_json(row["base"]), from_json(row["proposed"]), value_at(listing, key),
                          row["actor"], row["proposed_at"], str(row["status"]))


def list_proposals(conn: sqlite3.Connection, *, status: str = "open") -> list[StoredProposal]:
    """Proposals with ``status`` (``open``, ``taken``, ``rejected``), by listing then arrival."""
    rows = conn.execute("SELECT * FROM proposals WHERE status = ? ORDER BY service_id, id", (status,)).fetchall()
    names: dict[str, Listing | None] = {}
    return [_stored(conn, row, names) for row in rows]


def _open(conn: sqlite3.Connection, ident: int) -> StoredProposal:
    row = conn.execute("SELECT * FROM proposals WHERE id = ?", (ident,)).fetchone() \
        if 0 < ident <= SQLITE_INT_MAX else None
    if row is None:
        raise ProposalError(f"没有编号为 {ident} 的建议 (no proposal #{ident}); `kiosk proposals` lists them")
    found = _stored(conn, row, {})
    if found.status != "open":
        raise ProposalError(f"建议 #{ident} 已经处理过了 (proposal #{ident} is already {found.status})")
    return found


def take_proposals(conn: sqlite3.Connection, ids: Sequence[int], *, actor: str, now: datetime) -> list[StoredProposal]:
    """Write each proposed value to the office's listing (validated, audited), all or none."""
    taken: list[StoredProposal] = []
    touched: list[str] = []
    with transaction(conn):
        for ident in dict.fromkeys(ids):
            found = _open(conn, ident)
            listing = get_listing(conn, found.service_id)
            if listing is None:
                raise ProposalError(f"建议 #{ident}：办公室没有这条服务 (no listing {found.service_id} here); "
                                    "reject it, or add the listing first")
            try:
                changed = with_value(listing, found.key, found.proposed)
            except KeyError:
                raise ProposalError(f"建议 #{ident}：{found.label} 在办公室的这条服务里已经没有了 (the place is no "
                                    "longer in this listing); reject it") from None
            except (TypeError, ValueError) as exc:
                raise ProposalError(f"建议 #{ident}：{found.label} 的值不对 (the proposed value has the wrong shape: "
                                    f"{str(exc)[:100]}); reject it") from exc
            changed = compact(changed)
            problems = validate_listing(conn, changed)
            if problems:
                raise ListingInvalid(problems)
            apply_listing(conn, changed, actor=actor, now=now)
            _decide(conn, found, "taken", actor=actor, now=now)
            taken.append(found)
            touched.append(found.service_id)
        if touched:
            reindex(conn, list(dict.fromkeys(touched)))
    return taken


def reject_proposals(conn: sqlite3.Connection, ids: Sequence[int], *, actor: str,
                     now: datetime) -> list[StoredProposal]:
    """Close each proposal as rejected (the office's listing stays as it is), all or none."""
    rejected = []
    with transaction(conn):
        for ident in dict.fromkeys(ids):
            found = _open(conn, ident)
            _decide(conn, found, "rejected", actor=actor, now=now)
            rejected.append(found)
    return rejected


def _decide(conn: sqlite3.Connection, found: StoredProposal, status: str, *, actor: str, now: datetime) -> None:
    conn.execute("UPDATE proposals SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                 (status, audit.timestamp(now), actor, found.id))
    audit.record(conn, actor=actor, table=TABLE, record_id=str(found.id),
                 action="take" if status == "taken" else "reject",
                 before={"status": "open", "terminal_id": found.terminal_id, "service_id": found.service_id,
                         "field": list(found.key), "base": found.base, "proposed": found.proposed},
                 after={"status": status}, now=now)


def count_open(conn: sqlite3.Connection) -> int:
    """How many proposals wait at the office (0 on a database without the table)."""
    try:
        return int(conn.execute("SELECT count(*) FROM proposals WHERE status = 'open'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
