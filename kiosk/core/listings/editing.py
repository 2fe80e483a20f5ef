"""Listings as workers edit them: create, edit, retire, restore, undo.

A *listing* is one service with everything hanging off it: its phones, opening hours, required
documents, languages and locations (with their accessibility notes). :class:`Listing` is the
editable form the editor and the importers fill in; :func:`save_listing` validates it, writes it,
and records the whole before/after *snapshot* (every row of every table the listing touches) in
the audit log, so :func:`undo` can put back exactly the previous record.

Nothing is hard-deleted: retiring sets ``status = 'retired'`` (hidden from residents, kept for
history and restore). Any change sets ``services.updated_at``; an untouched seed listing has
``updated_at IS NULL`` and ``origin = 'seed'``, which is how an upgrade knows it may replace it
with newer seed content (see :mod:`kiosk.core.db.runtime`). Undoing a change restores the previous
``updated_at`` too, so undoing every edit of a seed listing makes it a plain seed listing again.

Rows that do not change keep their ids and their seed provenance (``source_quote``): a phone
number the worker left alone still shows its source on the resident card.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kiosk.core.db.connection import transaction
from kiosk.core.db.rows import Row, insert, select_rows, table_columns, upsert
from kiosk.core.errors import KioskError
from kiosk.core.limits import COUNT_MAX, too_long
from kiosk.core.listings import audit
from kiosk.core.listings.fields import (
    SERVICE_FIELDS,
    Declared,
    DocumentEntry,
    FieldPath,
    Group,
    HoursEntry,
    Listing,
    LocationEntry,
    PhoneEntry,
    declared,
    groups,
    label_of,
    main_field,
    scalars,
)
from kiosk.core.listings.validation import (
    FieldProblem,
    check_coordinate,
    check_email,
    check_phone,
    check_url,
    clean_text,
    hours_message,
    normalize_phone,
    problem,
    stored_hours,
)
from kiosk.core.models import Category, Location, Phone, Schedule, ServiceDetail

__all__ = ["SERVICE_FIELDS", "DocumentEntry", "HoursEntry", "Listing", "LocationEntry", "PhoneEntry"]

LISTING = "services"
"""``audit_log.table_name`` of listing snapshots (``record_id`` is the service id)."""

STATUSES = ("active", "inactive", "retired")
STATUS_LABELS = {"active": "在用", "inactive": "暂停", "retired": "已停用"}
PLACE_STATUSES = ("active", "retired")
"""A place is in use or retired (a paused service is paused everywhere)."""

Snapshot = dict[str, list[Row]]
SNAPSHOT_TABLES = ("services", "phones", "schedules", "required_documents", "languages",
                   "service_at_location", "locations", "accessibility")
_BOOKKEEPING = ("updated_at",)


class ListingInvalid(KioskError):
    """A listing did not pass validation; ``problems`` names each field and what is wrong."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(str(p) for p in self.problems))


class ListingNotFound(KioskError):
    def __init__(self, service_id: str) -> None:
        super().__init__(f"没有编号为“{service_id}”的服务 (no listing with id '{service_id}')")


class UndoRefused(KioskError):
    """The change cannot be undone (already undone, or the listing changed again since)."""


# ------------------------------------------------------------------------------ editable form
# Listing and its entries (PhoneEntry, HoursEntry, DocumentEntry, LocationEntry) are declared, field
# by field, in kiosk.core.listings.fields.


@dataclass(frozen=True)
class ListingSummary:
    """A row of the admin's listing list."""

    id: str
    name: str
    name_en: str | None
    category_id: str
    category_name: str
    status: str
    origin: str
    updated_at: str | None
    open_feedback: int


@dataclass(frozen=True)
class SaveResult:
    service_id: str
    audit_id: int | None
    """None when nothing changed (no audit entry written)."""

    @property
    def changed(self) -> bool:
        return self.audit_id is not None


# ------------------------------------------------------------------------------ reading


def list_listings(conn: sqlite3.Connection, *, text: str | None = None, category_id: str | None = None,
                  include_retired: bool = True) -> list[ListingSummary]:
    """Every listing (retired ones too unless asked not to), in category then seed order."""
    where, params = ["1"], []
    if not include_retired:
        where.append("s.status != 'retired'")
    if category_id:
        where.append("s.category_id = ?")
        params.append(category_id)
    if text and text.strip():
        like = "%" + text.strip().replace("%", "").replace("_", "") + "%"
        where.append("(s.name LIKE ? OR s.name_en LIKE ? OR s.id LIKE ?)")
        params += [like, like, like]
    rows = conn.execute(
        f"""SELECT s.id, s.name, s.name_en, s.category_id, c.name AS category_name, s.status, s.origin,
                   s.updated_at,
                   (SELECT COUNT(*) FROM feedback f WHERE f.service_id = s.id AND f.status = 'open') AS open_fb
            FROM services s JOIN categories c ON c.id = s.category_id
            WHERE {' AND '.join(where)}
            ORDER BY c.sort_order, s.sort_order, s.id""",
        params,
    )
    return [ListingSummary(r["id"], r["name"], r["name_en"], r["category_id"], r["category_name"], r["status"],
                           r["origin"], r["updated_at"], r["open_fb"]) for r in rows]


def get_listing(conn: sqlite3.Connection, service_id: str) -> Listing | None:
    """The editable form of a stored listing, or None."""
    snap = snapshot(conn, service_id)
    return listing_from_snapshot(snap) if snap is not None else None


def listing_from_snapshot(snap: Snapshot) -> Listing:
    service = snap["services"][0]
    access: dict[str, list[str]] = {}
    for row in snap.get("accessibility", []):
        access.setdefault(row["location_id"], []).append(row["description"])
    values: dict[str, Any] = {name: service.get(name) for name in SERVICE_FIELDS}
    # A place's own hours and phones are rows with its location_id; the service's own have none.
    place_hours: dict[str, str] = {}
    for row in _ordered(snap.get("schedules", []), ("id",)):
        if row.get("location_id"):
            place_hours.setdefault(row["location_id"], row["opening_hours"])
    place_phones: dict[str, list[str]] = {}
    for row in _ordered(snap.get("phones", []), ("sort_order", "id")):
        if row.get("location_id"):
            place_phones.setdefault(row["location_id"], []).append(row["number"])
    order = {r["location_id"]: (r.get("sort_order") is None, r.get("sort_order") or 0, r["location_id"])
             for r in snap.get("service_at_location", [])}
    for d in groups():
        assert d.group is not None
        g = d.group
        rows = [r for r in snap.get(g.table, []) if g.table == "locations" or not r.get("location_id")]
        if g.table == "locations":
            rows.sort(key=lambda r: order.get(r["id"], (True, 0, r["id"])))
        else:
            rows = _ordered(rows, ("sort_order", "id") if g.table == "phones" else ("id",))
        entries = []
        for row in rows:
            entry = {e.name: row.get(e.name) for e in scalars(g.entry) if e.spec and e.spec.stored_in is None}
            if g.table == "locations":
                entry.update(accessibility=access.get(row["id"], []), hours=place_hours.get(row["id"]),
                             phones=place_phones.get(row["id"], []), status=row.get("status") or "active")
            entries.append(g.entry(**entry))
        values[d.name] = entries
    return Listing(
        id=service["id"], **values,
        languages=[lang["name"] for lang in _ordered(snap["languages"], ("id",))],
        origin=service.get("origin") or "worker",
    )


def _ordered(rows: Iterable[Row], keys: tuple[str, ...]) -> list[Row]:
    return sorted(rows, key=lambda r: tuple((r.get(k) is None, r.get(k) or 0) if k == "sort_order"
                                            else (False, str(r.get(k))) for k in keys))


def snapshot(conn: sqlite3.Connection, service_id: str) -> Snapshot | None:
    """Every row the listing consists of, table by table, in id order (None: no such service)."""
    service = select_rows(conn, "SELECT * FROM services WHERE id = ?", (service_id,))
    if not service:
        return None
    links = select_rows(conn, "SELECT * FROM service_at_location WHERE service_id = ? ORDER BY id", (service_id,))
    location_ids = [link["location_id"] for link in links]
    marks = ",".join("?" * len(location_ids))
    return {
        "services": service,
        "phones": select_rows(conn, "SELECT * FROM phones WHERE service_id = ? ORDER BY id", (service_id,)),
        "schedules": select_rows(conn, "SELECT * FROM schedules WHERE service_id = ? ORDER BY id", (service_id,)),
        "required_documents": select_rows(conn, "SELECT * FROM required_documents WHERE service_id = ? ORDER BY id",
                                          (service_id,)),
        "languages": select_rows(conn, "SELECT * FROM languages WHERE service_id = ? ORDER BY id", (service_id,)),
        "service_at_location": links,
        "locations": select_rows(conn, f"SELECT * FROM locations WHERE id IN ({marks}) ORDER BY id", location_ids)
        if location_ids else [],
        "accessibility": select_rows(conn, f"SELECT * FROM accessibility WHERE location_id IN ({marks}) ORDER BY id",
                                     location_ids) if location_ids else [],
    }


def listing_history(conn: sqlite3.Connection, service_id: str) -> list[audit.AuditEntry]:
    """Every recorded change of one listing, newest first."""
    return audit.history(conn, LISTING, service_id)


def describe_change(before: Snapshot | None, after: Snapshot | None) -> list[str]:
    """What changed between two listing snapshots, one plain-Chinese line per field
    (``电话：0371-68000001 → 0371-68000002``; a place's fields each on their own line:
    ``地点 2（测试站）开放时间：… → …``, a new place ``新地点：测试站``)."""
    if before is None:
        return ["新建 (new listing)"]
    if after is None:
        return []
    a, b = listing_from_snapshot(before), listing_from_snapshot(after)
    lines = []
    for d in declared(Listing):
        old, new = getattr(a, d.name), getattr(b, d.name)
        if old == new or d.name == "origin":
            continue
        if d.name == "locations":
            lines += _place_changes(old, new)
            continue
        if d.name == "status":
            old, new = STATUS_LABELS.get(old, old), STATUS_LABELS.get(new, new)
        lines.append(f"{label_of((d.name,))}：{_brief(old)} → {_brief(new)}")
    return lines


def _place_changes(old: list[LocationEntry], new: list[LocationEntry]) -> list[str]:
    """Field by field, per place (matched by id); new places and a changed order said once each."""
    by_id = {p.id: p for p in old if p.id}
    lines = []
    for n, place in enumerate(new, start=1):
        before = by_id.get(place.id) if place.id else None
        name = place.name or place.address or place.id or ""
        if before is None:
            lines.append(f"新地点 (new place)：{name}")
            continue
        for d in scalars(LocationEntry):
            was, now = getattr(before, d.name), getattr(place, d.name)
            if d.name == "status":
                was, now = STATUS_LABELS.get(was, was), STATUS_LABELS.get(now, now)
            if was != now:
                lines.append(f"{label_of(('locations', n, d.name)).replace(f'地点 {n}', f'地点 {n}（{name}）', 1)}："
                             f"{_brief(was)} → {_brief(now)}")
    if [p.id for p in old] != [p.id for p in new if p.id in by_id] and len(lines) == 0:
        lines.append("地点的顺序改了 (places reordered)")
    return lines


def _brief(value: Any) -> str:
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, LocationEntry):
                items.append(item.address or item.name or item.id or "")
            elif isinstance(item, str):
                items.append(item)
            else:
                main = main_field(type(item))
                items.append(str(getattr(item, main) if main else item))
        text = "、".join(items) or "（无）"
    else:
        text = "（空）" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


# ------------------------------------------------------------------------------ validation


def _clean(d: Declared, value: Any) -> Any:
    """A value as stored: text trimmed (empty → None, or ``""`` for a required text), lists without blanks."""
    assert d.spec is not None
    if d.spec.kind in ("lines", "phones"):
        return [item.strip() for item in value or [] if item and item.strip()]
    if isinstance(value, str):
        text = clean_text(value)
        return text if text is not None or d.optional else ""
    if value is None and not d.optional:
        return ""
    return value


def _clean_entry(cls: type, entry: Any) -> Any | None:
    """An entry with every field cleaned; None when nothing is left in it."""
    parts = scalars(cls)
    values = {d.name: _clean(d, getattr(entry, d.name)) for d in parts}
    if all(values[d.name] in (None, "", [], d.default) for d in parts):
        return None
    return cls(**values)


def compact(listing: Listing) -> Listing:
    """Trim every text and drop the empty rows an editor form leaves behind."""
    values: dict[str, Any] = {}
    for d in declared(Listing):
        value = getattr(listing, d.name)
        if d.group is not None:
            values[d.name] = [e for e in (_clean_entry(d.group.entry, entry) for entry in value) if e is not None]
        else:
            values[d.name] = _clean(d, value)
    values["status"] = values["status"] or "active"
    return Listing(**values)


def category_ids(conn: sqlite3.Connection) -> dict[str, str]:
    """Category id → Chinese name, in display order."""
    return {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM categories ORDER BY sort_order, id")}


def _value_problems(d: Declared, value: Any, path: FieldPath) -> list[FieldProblem]:
    """What the field's kind and declaration say is wrong with ``value`` (a compacted value)."""
    assert d.spec is not None
    spec, out = d.spec, []
    empty = value in (None, "", [])
    if spec.required and empty:
        return [problem(path, spec.required)]
    if spec.kind == "phones":
        for item in value or []:
            if message := check_phone(item):
                out.append(problem(path, message))
        return out
    if empty and d.optional:
        return []
    if spec.kind == "phone":
        message = check_phone(value or "")
    elif spec.kind == "hours":
        message = hours_message(value or "")
    elif empty:
        return []
    elif spec.kind == "email":
        message = check_email(value)
    elif spec.kind == "url":
        message = check_url(value)
    elif spec.kind == "int":
        message = "不能是负数。" if value < 0 else (
            f"不能超过 {COUNT_MAX} (at most {COUNT_MAX})。" if value > COUNT_MAX else None)
    elif spec.kind in ("latitude", "longitude"):
        message = check_coordinate(str(value), latitude=spec.kind == "latitude")[1]
    elif spec.kind == "id" and len(path) == 1:
        message = "编号不能有空格，最长 100 个字符。" if len(value) > 100 or re.search(r"\s", value) else None
    else:
        message = None
    if message:
        out.append(problem(path, message))
    if spec.kind == "lines":
        for item in value:
            if message := too_long(item, d.limit):
                out.append(problem(path, message))
                break
    elif isinstance(value, str) and not (spec.kind == "id" and len(path) == 1) and \
            (message := too_long(value, d.limit)):
        out.append(problem(path, message))
    return out


def validate_listing(conn: sqlite3.Connection, listing: Listing, *, categories: dict[str, str] | None = None,
                     organizations: set[str] | None = None) -> list[FieldProblem]:
    """Every problem of a (compacted) listing, each naming its field in plain words.

    Each declared field is checked by its kind (:mod:`kiosk.core.listings.fields`); what needs the
    database (the category, the organization) and what involves two fields is checked here.
    """
    problems: list[FieldProblem] = []
    cats = categories if categories is not None else category_ids(conn)
    for d in declared(Listing):
        value = getattr(listing, d.name)
        if d.spec is not None:
            problems += _value_problems(d, value, (d.name,))
            continue
        assert d.group is not None
        for n, entry in enumerate(value, start=1):
            for e in scalars(d.group.entry):
                problems += _value_problems(e, getattr(entry, e.name), (d.name, n, e.name))
    choices = "、".join(f"{n}（{i}）" for i, n in cats.items())
    if not listing.category_id:
        problems = [p for p in problems if p.path != ("category_id",)]
        problems.append(problem(("category_id",), f"必填，请选择一个类别：{choices}。"))
    elif listing.category_id not in cats:
        problems.append(problem(("category_id",), f"没有“{listing.category_id}”这个类别；可选：{choices}。"))
    if listing.status not in STATUSES:
        problems.append(problem(("status",), "只能是 active（在用）、inactive（暂停）或 retired（已停用）。"))
    if listing.organization_id is not None and conn.execute(
            "SELECT 1 FROM organizations WHERE id = ?", (listing.organization_id,)).fetchone() is None \
            and listing.organization_id not in (organizations or ()):
        problems.append(problem(("organization_id",), f"没有编号为“{listing.organization_id}”的机构。"))
    for n, loc in enumerate(listing.locations, start=1):
        if not (loc.name or loc.address or loc.id):
            problems.append(problem(("locations", n, "address"), "地点需要名称或地址。"))
        if loc.status not in PLACE_STATUSES:
            problems.append(problem(("locations", n, "status"), "地点的状态只能是 在用（active）或 停用（retired）。"))
    return [_named_place(p, listing) for p in problems]


def _named_place(found: FieldProblem, listing: Listing) -> FieldProblem:
    """A place's problem names the place too: ``地点 2（测试养老服务站）开放时间``."""
    path = found.path
    if path[0] != "locations" or len(path) < 2 or not isinstance(path[1], int):
        return found
    place = listing.locations[path[1] - 1] if 0 < path[1] <= len(listing.locations) else None
    name = place.name or place.address if place is not None else None
    if not name:
        return found
    head = f"地点 {path[1]}"
    return replace(found, label=found.label.replace(head, f"{head}（{name[:30]}）", 1))


# ------------------------------------------------------------------------------ writing


def save_listing(conn: sqlite3.Connection, listing: Listing, *, actor: str, now: datetime) -> SaveResult:
    """Validate and store a listing (new when ``listing.id`` is None or unknown); audit the change.

    Raises :class:`ListingInvalid` naming every bad field; nothing is written then.
    """
    listing = compact(listing)
    problems = validate_listing(conn, listing)
    if problems:
        raise ListingInvalid(problems)
    with transaction(conn):
        result = apply_listing(conn, listing, actor=actor, now=now)
        if result.changed:
            reindex(conn, [result.service_id])
    return result


def apply_listing(conn: sqlite3.Connection, listing: Listing, *, actor: str, now: datetime,
                  origin: str = "worker", action: str | None = None) -> SaveResult:
    """Write an already validated listing inside the caller's transaction and audit it.

    ``origin`` is recorded for a new listing only; an existing one keeps its origin.
    """
    before = snapshot(conn, listing.id) if listing.id else None
    service_id = listing.id or new_service_id(conn, listing.name)
    after = _rows_for(conn, replace(listing, id=service_id), before, origin)
    if before is not None and _same(before, after):
        return SaveResult(service_id, None)
    after["services"][0]["updated_at"] = audit.timestamp(now)
    write_snapshot(conn, service_id, after)
    if action is None:
        if before is None:
            action = "create"
        elif before["services"][0]["status"] != "retired" and listing.status == "retired":
            action = "retire"
        elif before["services"][0]["status"] == "retired" and listing.status != "retired":
            action = "restore"
        else:
            action = "edit"
    entry = audit.record(conn, actor=actor, table=LISTING, record_id=service_id, action=action,
                         before=before, after=snapshot(conn, service_id), now=now)
    return SaveResult(service_id, entry)


def set_status(conn: sqlite3.Connection, service_id: str, status: str, *, actor: str, now: datetime) -> SaveResult:
    listing = get_listing(conn, service_id)
    if listing is None:
        raise ListingNotFound(service_id)
    listing.status = status
    with transaction(conn):
        result = apply_listing(conn, listing, actor=actor, now=now)
        if result.changed:
            reindex(conn, [service_id])
    return result


def retire_listing(conn: sqlite3.Connection, service_id: str, *, actor: str, now: datetime) -> SaveResult:
    """Soft delete: residents no longer see the listing; it stays in the database and history."""
    return set_status(conn, service_id, "retired", actor=actor, now=now)


def restore_listing(conn: sqlite3.Connection, service_id: str, *, actor: str, now: datetime) -> SaveResult:
    """Bring a retired (or paused) listing back for residents."""
    return set_status(conn, service_id, "active", actor=actor, now=now)


def undo(conn: sqlite3.Connection, entry_id: int, *, actor: str, now: datetime) -> SaveResult:
    """Put back the listing exactly as it was before change ``entry_id``; audit the undo.

    Only the latest change of a listing can be undone (undo newer ones first). Undoing the creation
    of a listing retires it (nothing is ever hard-deleted).
    """
    entry = audit.get_entry(conn, entry_id)
    if entry is None or entry.table_name != LISTING:
        raise UndoRefused(f"没有编号为 {entry_id} 的修改记录 (no listing change #{entry_id})")
    if entry.undone:
        raise UndoRefused(f"修改 #{entry_id} 已经撤销过了 (change #{entry_id} was already undone)")
    service_id = entry.record_id
    with transaction(conn):
        current = snapshot(conn, service_id)
        if current is None or entry.after is None or not _same(current, entry.after, strict=True):
            raise UndoRefused(
                f"这条服务在修改 #{entry_id} 之后又改过，请先撤销更新的修改 "
                f"(listing '{service_id}' changed again after #{entry_id}; undo the newer change first)")
        if entry.before is not None:
            target: Snapshot = entry.before
        else:
            target = {table: [dict(r) for r in rows] for table, rows in current.items()}
            target["services"][0]["status"] = "retired"
            target["services"][0]["updated_at"] = audit.timestamp(now)
        write_snapshot(conn, service_id, target)
        new_id = audit.record(conn, actor=actor, table=LISTING, record_id=service_id, action="undo",
                              before=current, after=snapshot(conn, service_id), now=now)
        audit.mark_undone(conn, entry_id, new_id)
        reindex(conn, [service_id])
    return SaveResult(service_id, new_id)


def write_snapshot(conn: sqlite3.Connection, service_id: str, snap: Snapshot) -> None:
    """Make the stored listing exactly ``snap`` (inside the caller's transaction)."""
    for table in ("phones", "schedules", "required_documents", "languages", "service_at_location"):
        conn.execute(f"DELETE FROM {table} WHERE service_id = ?", (service_id,))
    for row in snap["services"]:
        upsert(conn, "services", row)
    for row in snap.get("locations", []):
        upsert(conn, "locations", row)
        conn.execute("DELETE FROM accessibility WHERE location_id = ?", (row["id"],))
    for table in ("accessibility", "phones", "schedules", "required_documents", "languages", "service_at_location"):
        for row in snap.get(table, []):
            insert(conn, table, row)


def _same(a: Snapshot, b: Snapshot, *, strict: bool = False) -> bool:
    """Equal content (``strict``: bookkeeping columns such as updated_at compared too)."""
    def norm(snap: Snapshot) -> dict[str, list[tuple[tuple[str, Any], ...]]]:
        out = {}
        for table in SNAPSHOT_TABLES:
            rows = []
            for row in snap.get(table, []):
                items = tuple(sorted((k, v) for k, v in row.items() if strict or k not in _BOOKKEEPING))
                rows.append(items)
            out[table] = sorted(rows, key=repr)
        return out
    return norm(a) == norm(b)


def new_service_id(conn: sqlite3.Connection, name: str, *, reserved: set[str] | None = None) -> str:
    """A readable id from the name's pinyin (``社区食堂`` → ``she-qu-shi-tang``), unique.

    ``reserved`` holds ids already handed out but not stored yet (an import plan); the new id is
    added to it.
    """
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(name or "")
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")[:40].strip("-") or "service"
    taken = {r[0] for r in conn.execute("SELECT id FROM services WHERE id = ? OR (id >= ? AND id < ?)",
                                        (slug, slug + "-", slug + "."))}
    taken |= reserved or set()
    ident, n = slug, 2
    while ident in taken:
        ident, n = f"{slug}-{n}", n + 1
    if reserved is not None:
        reserved.add(ident)
    return ident


class _Ids:
    """Hands out ``<prefix>-<n>`` ids not used yet in a table."""

    def __init__(self, conn: sqlite3.Connection, table: str, prefix: str) -> None:
        # A range over the primary key ("<prefix>-" up to "<prefix>." — '.' sorts right after '-'),
        # so the lookup uses the index instead of scanning the table.
        self.taken = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id >= ? AND id < ?",
                                                 (prefix + "-", prefix + "."))}
        self.prefix = prefix

    def next(self) -> str:
        n = 1
        while f"{self.prefix}-{n}" in self.taken:
            n += 1
        ident = f"{self.prefix}-{n}"
        self.taken.add(ident)
        return ident


def _reuse(old_rows: list[Row], key: Any, keyof: Any) -> Row | None:
    for i, row in enumerate(old_rows):
        if keyof(row) == key:
            return old_rows.pop(i)
    return None


def _rows_for(conn: sqlite3.Connection, listing: Listing, before: Snapshot | None, origin: str) -> Snapshot:
    """The rows that represent ``listing``, reusing unchanged rows of ``before`` (ids, provenance)."""
    sid = listing.id
    assert sid is not None
    if before is not None:
        service = dict(before["services"][0])
    else:
        next_order = conn.execute("SELECT COALESCE(MAX(sort_order), -1) + 1 FROM services").fetchone()[0]
        service = {c: None for c in table_columns(conn, "services")}
        service.update(id=sid, origin=origin, sort_order=next_order)
    for name in SERVICE_FIELDS:
        service[name] = getattr(listing, name)
    old = before or {t: [] for t in SNAPSHOT_TABLES}

    # Phones, hours, documents: reuse a stored row with the same content (its id and provenance stay);
    # renumber sort_order (phones) only if the order changed.
    handed: dict[str, _Ids] = {}

    def ids_for(table: str, prefix: str) -> _Ids:
        """One id dispenser per table, shared by the service's rows and its places' rows."""
        if table not in handed:
            handed[table] = _Ids(conn, table, f"{sid}-{prefix}")
        return handed[table]

    def children(g: Group, entries: list[Any]) -> list[Row]:
        pool = [dict(r) for r in old[g.table] if not r.get("location_id")]
        ids = ids_for(g.table, g.id_prefix)
        out = []
        for entry in entries:
            values: Row = {d.name: _stored(d, getattr(entry, d.name)) for d in scalars(g.entry)}
            keys = tuple(values)
            row = _reuse(pool, tuple(values.values()), lambda r, keys=keys: tuple(r.get(k) for k in keys))
            if row is None:
                row = {c: None for c in table_columns(conn, g.table)}
                row.update(id=ids.next(), service_id=sid, **values)
            out.append(row)
        if "sort_order" in table_columns(conn, g.table):
            order = [(r["sort_order"], r["id"]) for r in out]
            if any(k[0] is None for k in order) or order != sorted(order):
                for n, row in enumerate(out):
                    row["sort_order"] = n
        return out

    rows: dict[str, list[Row]] = {}
    for d in groups():
        assert d.group is not None
        if d.group.table != "locations":
            rows[d.group.table] = children(d.group, getattr(listing, d.name))
    languages = _text_rows(conn, "languages", "name", listing.languages, [dict(r) for r in old["languages"]],
                           _Ids(conn, "languages", f"{sid}-lang"), {"service_id": sid})

    # Locations: an entry with an id updates that location; one without makes a new location.
    old_locations = {r["id"]: r for r in old["locations"]}
    old_links = {r["location_id"]: r for r in old["service_at_location"]}
    old_access = [dict(r) for r in old["accessibility"]]
    loc_ids = _Ids(conn, "locations", f"{sid}-loc")
    link_ids = _Ids(conn, "service_at_location", f"{sid}-at")
    locations, links, access = [], [], []
    place_pools = {t: [dict(r) for r in old[t] if r.get("location_id")] for t in ("schedules", "phones")}
    place_ids = {t: ids_for(t, p) for t, p in (("schedules", "hours"), ("phones", "phone"))}
    for n, place in enumerate(listing.locations):
        loc_id = place.id or loc_ids.next()
        stored = old_locations.get(loc_id) or _one(conn, "locations", loc_id)
        row: Row = dict(stored) if stored else {c: None for c in table_columns(conn, "locations")}
        row.update({d.name: _stored(d, getattr(place, d.name)) for d in scalars(LocationEntry)
                    if d.spec is not None and d.spec.stored_in is None}, id=loc_id)
        locations.append(row)
        link = dict(old_links.get(loc_id) or _link(conn, sid, loc_id, link_ids))
        if len(listing.locations) > 1 or link.get("sort_order") is not None:
            link["sort_order"] = n
        links.append(link)
        own: list[tuple[str, Row]] = []
        if place.hours:
            own.append(("schedules", {"opening_hours": stored_hours(place.hours)}))
        for number in place.phones:
            own.append(("phones", {"number": normalize_phone(number)}))
        for k, (table, values) in enumerate(own):
            keyed = {**values, "location_id": loc_id}
            prow = _reuse(place_pools[table], tuple(keyed.values()),
                          lambda r, keys=tuple(keyed): tuple(r.get(k) for k in keys))
            if prow is None:
                prow = {c: None for c in table_columns(conn, table)}
                prow.update(id=place_ids[table].next(), service_id=sid, **keyed)
            if table == "phones":
                prow["sort_order"] = k
            rows[table].append(prow)
        stored_access = [r for r in old_access if r["location_id"] == loc_id] or (
            select_rows(conn, "SELECT * FROM accessibility WHERE location_id = ? ORDER BY id", (loc_id,))
            if stored else [])
        access += _text_rows(conn, "accessibility", "description", place.accessibility, stored_access,
                             _Ids(conn, "accessibility", f"{loc_id}-access"), {"location_id": loc_id})
    return {"services": [service], **rows, "languages": languages, "service_at_location": links,
            "locations": locations, "accessibility": access}


def _text_rows(conn: sqlite3.Connection, table: str, column: str, texts: list[str], pool: list[Row], ids: _Ids,
               owner: dict[str, str]) -> list[Row]:
    """Rows of one text each (languages, accessibility notes), reusing a stored row with the same text."""
    out = []
    for text in texts:
        row = _reuse(pool, text, lambda r: r[column])
        if row is None:
            row = {c: None for c in table_columns(conn, table)}
            row.update(id=ids.next(), **owner, **{column: text})
        out.append(row)
    return out


def _stored(d: Declared, value: Any) -> Any:
    """A field's value as stored (phone numbers in their normal form, hours in OpenStreetMap syntax)."""
    if d.spec is not None and d.spec.kind == "phone" and isinstance(value, str):
        return normalize_phone(value)
    if d.spec is not None and d.spec.kind == "hours" and isinstance(value, str):
        return stored_hours(value)
    return value


def _one(conn: sqlite3.Connection, table: str, ident: str) -> Row | None:
    rows = select_rows(conn, f"SELECT * FROM {table} WHERE id = ?", (ident,))
    return rows[0] if rows else None


def _link(conn: sqlite3.Connection, service_id: str, location_id: str, ids: _Ids) -> Row:
    """The stored link of a service and a place, or a new one with the next free id of ``ids``
    (one ``_Ids`` per listing, so two new places get two ids)."""
    rows = select_rows(conn, "SELECT * FROM service_at_location WHERE service_id = ? AND location_id = ?",
                       (service_id, location_id))
    if rows:
        return rows[0]
    return {"id": ids.next(), "service_id": service_id, "location_id": location_id}


# ------------------------------------------------------------------------------ preview and search


def preview(conn: sqlite3.Connection, listing: Listing) -> ServiceDetail:
    """The resident card's data for an unsaved listing (live preview in the editor)."""
    listing = compact(listing)
    row = conn.execute("SELECT * FROM categories WHERE id = ?", (listing.category_id,)).fetchone()
    if row is not None:
        category = Category(row["id"], row["name"], row["name_en"], row["description"], row["description_en"],
                            row["icon"], row["color"], bool(row["is_primary"]), 0)
    else:
        category = Category("", "（未选类别）", "(no category)", None, None, "fa5s.question-circle", "#555555",
                            False, 0)
    return ServiceDetail(
        id=listing.id or "", category=category, name=listing.name, name_en=listing.name_en,
        alternate_name=listing.alternate_name, description=listing.description,
        description_en=listing.description_en, url=listing.url, email=listing.email, status=listing.status,
        application_process=listing.application_process, application_process_en=listing.application_process_en,
        eligibility_description=listing.eligibility_description,
        eligibility_description_en=listing.eligibility_description_en,
        fees_description=listing.fees_description, fees_description_en=listing.fees_description_en,
        count=listing.count, count_unit=listing.count_unit, count_unit_en=listing.count_unit_en,
        origin=listing.origin, source=None,
        phones=tuple(Phone(normalize_phone(p.number), p.type, p.description, p.description_en, None)
                     for p in listing.phones),
        schedules=tuple(Schedule(stored_hours(h.opening_hours), h.description, h.description_en, None)
                        for h in listing.hours),
        locations=tuple(Location(loc.id or "", loc.name, loc.name_en, loc.address, loc.address_en, loc.community,
                                 loc.transportation, loc.latitude, loc.longitude, tuple(loc.accessibility),
                                 stored_hours(loc.hours) if loc.hours else None,
                                 tuple(normalize_phone(p) for p in loc.phones))
                        for loc in listing.locations if loc.status == "active"),
        required_documents=tuple((d.document, d.document_en) for d in listing.documents),
        languages=tuple(listing.languages),
    )


def reindex(conn: sqlite3.Connection, service_ids: list[str] | None) -> None:
    """Keep the search index in step (kiosk.core.search.ranking.reindex, when that module exists).

    It runs in a savepoint, so callers call it inside their transaction: the listing and its index
    row change together or not at all.
    """
    from kiosk.core.search import ranking  # imported here: the search index imports listings' neighbours

    ranking.reindex(conn, service_ids)
