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
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from kiosk.core.db.connection import transaction
from kiosk.core.db.rows import Row, insert, select_rows, table_columns, upsert
from kiosk.core.errors import KioskError
from kiosk.core.limits import COUNT_MAX, too_long
from kiosk.core.listings import audit
from kiosk.core.listings.validation import (
    FieldProblem,
    check_coordinate,
    check_email,
    check_phone,
    check_url,
    clean_text,
    hours_message,
    label_for,
    normalize_phone,
)
from kiosk.core.models import Category, Location, Phone, Schedule, ServiceDetail

LISTING = "services"
"""``audit_log.table_name`` of listing snapshots (``record_id`` is the service id)."""

STATUSES = ("active", "inactive", "retired")
STATUS_LABELS = {"active": "在用", "inactive": "暂停", "retired": "已停用"}

SERVICE_FIELDS = (
    "category_id", "name", "name_en", "alternate_name", "description", "description_en", "url", "email",
    "status", "application_process", "application_process_en", "eligibility_description",
    "eligibility_description_en", "fees_description", "fees_description_en", "count", "count_unit",
    "count_unit_en", "organization_id",
)
"""Service columns a worker edits (everything else — origin, provenance, order — is kept)."""

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


@dataclass
class PhoneEntry:
    number: str = ""
    type: str | None = None
    description: str | None = None
    description_en: str | None = None
    extension: str | None = None


@dataclass
class HoursEntry:
    opening_hours: str = ""
    description: str | None = None
    description_en: str | None = None


@dataclass
class DocumentEntry:
    document: str = ""
    document_en: str | None = None


@dataclass
class LocationEntry:
    id: str | None = None
    name: str | None = None
    name_en: str | None = None
    address: str | None = None
    address_en: str | None = None
    community: str | None = None
    transportation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    accessibility: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """One service with its phones, hours, documents, locations and languages, as edited."""

    id: str | None = None
    category_id: str = ""
    name: str = ""
    name_en: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    description_en: str | None = None
    url: str | None = None
    email: str | None = None
    status: str = "active"
    application_process: str | None = None
    application_process_en: str | None = None
    eligibility_description: str | None = None
    eligibility_description_en: str | None = None
    fees_description: str | None = None
    fees_description_en: str | None = None
    count: int | None = None
    count_unit: str | None = None
    count_unit_en: str | None = None
    organization_id: str | None = None
    """The HSDS organization (kept as is by the editor; set by HSDS imports)."""
    phones: list[PhoneEntry] = field(default_factory=list)
    hours: list[HoursEntry] = field(default_factory=list)
    documents: list[DocumentEntry] = field(default_factory=list)
    locations: list[LocationEntry] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    origin: str = "worker"
    """Read-only: 'seed', 'worker' or 'import' (where the listing first came from)."""


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
    return Listing(
        id=service["id"],
        **values,
        phones=[PhoneEntry(p["number"], p.get("type"), p.get("description"), p.get("description_en"),
                           p.get("extension")) for p in _ordered(snap["phones"], ("sort_order", "id"))],
        hours=[HoursEntry(h["opening_hours"], h.get("description"), h.get("description_en"))
               for h in _ordered(snap["schedules"], ("id",))],
        documents=[DocumentEntry(d["document"], d.get("document_en"))
                   for d in _ordered(snap["required_documents"], ("id",))],
        locations=[LocationEntry(loc["id"], loc.get("name"), loc.get("name_en"), loc.get("address"),
                                 loc.get("address_en"), loc.get("community"), loc.get("transportation"),
                                 loc.get("latitude"), loc.get("longitude"), access.get(loc["id"], []))
                   for loc in _ordered(snap["locations"], ("id",))],
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


_LIST_LABELS = {"phones": "电话", "hours": "营业时间", "documents": "所需材料", "locations": "地点",
                "languages": "服务语言"}


def describe_change(before: Snapshot | None, after: Snapshot | None) -> list[str]:
    """What changed between two listing snapshots, one plain-Chinese line per field."""
    if before is None:
        return ["新建 (new listing)"]
    if after is None:
        return []
    a, b = listing_from_snapshot(before), listing_from_snapshot(after)
    lines = []
    for f in fields(Listing):
        old, new = getattr(a, f.name), getattr(b, f.name)
        if old == new or f.name == "origin":
            continue
        label = _LIST_LABELS.get(f.name) or label_for(f.name)
        lines.append(f"{label}：{_brief(old)} → {_brief(new)}")
    return lines


def _brief(value: Any) -> str:
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, PhoneEntry):
                items.append(item.number)
            elif isinstance(item, HoursEntry):
                items.append(item.opening_hours)
            elif isinstance(item, DocumentEntry):
                items.append(item.document)
            elif isinstance(item, LocationEntry):
                items.append(item.address or item.name or item.id or "")
            else:
                items.append(str(item))
        text = "、".join(items) or "（无）"
    else:
        text = "（空）" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


# ------------------------------------------------------------------------------ validation


def compact(listing: Listing) -> Listing:
    """Trim every text and drop the empty rows an editor form leaves behind."""
    values: dict[str, Any] = {}
    for f in fields(Listing):
        value = getattr(listing, f.name)
        if isinstance(value, str) and f.name not in ("category_id", "name", "status", "origin"):
            value = clean_text(value)
        values[f.name] = value
    values["id"] = clean_text(listing.id)
    values["organization_id"] = clean_text(listing.organization_id)
    values["name"] = (listing.name or "").strip()
    values["category_id"] = (listing.category_id or "").strip()
    values["status"] = (listing.status or "active").strip()
    values["phones"] = [
        PhoneEntry((p.number or "").strip(), clean_text(p.type), clean_text(p.description),
                   clean_text(p.description_en), clean_text(p.extension))
        for p in listing.phones
        if any(clean_text(v) for v in (p.number, p.description, p.description_en, p.extension))
    ]
    values["hours"] = [
        HoursEntry((h.opening_hours or "").strip(), clean_text(h.description), clean_text(h.description_en))
        for h in listing.hours if any(clean_text(v) for v in (h.opening_hours, h.description, h.description_en))
    ]
    values["documents"] = [
        DocumentEntry((d.document or "").strip(), clean_text(d.document_en))
        for d in listing.documents if clean_text(d.document) or clean_text(d.document_en)
    ]
    values["locations"] = [
        replace(loc, id=clean_text(loc.id), name=clean_text(loc.name), name_en=clean_text(loc.name_en),
                address=clean_text(loc.address), address_en=clean_text(loc.address_en),
                community=clean_text(loc.community), transportation=clean_text(loc.transportation),
                accessibility=[a.strip() for a in loc.accessibility if a and a.strip()])
        for loc in listing.locations
        if loc.id or any(clean_text(v) for v in (loc.name, loc.name_en, loc.address, loc.address_en,
                                                  loc.community, loc.transportation))
        or loc.latitude is not None or loc.longitude is not None
    ]
    values["languages"] = [lang.strip() for lang in listing.languages if lang and lang.strip()]
    return Listing(**values)


def category_ids(conn: sqlite3.Connection) -> dict[str, str]:
    """Category id → Chinese name, in display order."""
    return {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM categories ORDER BY sort_order, id")}


def validate_listing(conn: sqlite3.Connection, listing: Listing, *, categories: dict[str, str] | None = None,
                     organizations: set[str] | None = None) -> list[FieldProblem]:
    """Every problem of a (compacted) listing, each naming its field in plain words."""
    problems: list[FieldProblem] = []

    def add(name: str, message: str, index: int | None = None, key: str | None = None) -> None:
        problems.append(FieldProblem(key or name, label_for(name, index), message))

    cats = categories if categories is not None else category_ids(conn)
    if listing.id is not None and (len(listing.id) > 100 or re.search(r"\s", listing.id)):
        add("id", "编号不能有空格，最长 100 个字符。")
    if not listing.name:
        add("name", "必填，请写上服务的名称（如“社区老年食堂”）。")
    if not listing.category_id:
        add("category_id", f"必填，请选择一个类别：{'、'.join(f'{n}（{i}）' for i, n in cats.items())}。")
    elif listing.category_id not in cats:
        choices = "、".join(f"{n}（{i}）" for i, n in cats.items())
        add("category_id", f"没有“{listing.category_id}”这个类别；可选：{choices}。")
    if listing.status not in STATUSES:
        add("status", "只能是 active（在用）、inactive（暂停）或 retired（已停用）。")
    if listing.organization_id is not None and conn.execute(
            "SELECT 1 FROM organizations WHERE id = ?", (listing.organization_id,)).fetchone() is None \
            and listing.organization_id not in (organizations or ()):
        add("organization_id", f"没有编号为“{listing.organization_id}”的机构。")
    if listing.count is not None and listing.count < 0:
        add("count", "不能是负数。")
    if listing.email and (msg := check_email(listing.email)):
        add("email", msg)
    if listing.url and (msg := check_url(listing.url)):
        add("url", msg)
    for n, phone in enumerate(listing.phones, start=1):
        if msg := check_phone(phone.number):
            add("phone", msg, n, f"phones.{n}.number")
    for n, hours in enumerate(listing.hours, start=1):
        if msg := hours_message(hours.opening_hours):
            add("opening_hours", msg, n, f"hours.{n}.opening_hours")
    for n, doc in enumerate(listing.documents, start=1):
        if not doc.document:
            add("document", "请写上材料的名称（如“身份证”），英文名称可以不填。", n, f"documents.{n}.document")
    for n, loc in enumerate(listing.locations, start=1):
        if not (loc.name or loc.address or loc.id):
            add("address", "地点需要名称或地址。", n, f"locations.{n}.address")
        for attr, is_lat in (("latitude", True), ("longitude", False)):
            value = getattr(loc, attr)
            if value is not None and (msg := check_coordinate(str(value), latitude=is_lat)[1]):
                add(attr, msg, n, f"locations.{n}.{attr}")
    problems += _length_problems(listing)
    return problems


_ENTRY_LIMITS: dict[str, dict[str, str]] = {
    "phones": {"number": "phone", "type": "phone_type", "description": "phone_description",
               "description_en": "phone_description", "extension": "phone_extension"},
    "hours": {"opening_hours": "opening_hours", "description": "hours_description",
              "description_en": "hours_description"},
    "documents": {"document": "document", "document_en": "document"},
    "locations": {"id": "location_id", "name": "location_name", "name_en": "location_name", "address": "address",
                  "address_en": "address", "community": "community", "transportation": "transportation"},
}
_ENTRY_LABELS = {"phones": "phone", "hours": "opening_hours", "documents": "document", "locations": "address"}


def _length_problems(listing: Listing) -> list[FieldProblem]:
    """Text longer than its limit (kiosk.core.limits.FIELD_MAX_CHARS), and a count above COUNT_MAX."""
    problems: list[FieldProblem] = []
    if listing.count is not None and listing.count > COUNT_MAX:
        problems.append(FieldProblem("count", label_for("count"), f"不能超过 {COUNT_MAX} (at most {COUNT_MAX})。"))
    for f in fields(Listing):
        value = getattr(listing, f.name)
        if f.name != "id" and isinstance(value, str) and (msg := too_long(value, f.name)):  # id: checked above
            problems.append(FieldProblem(f.name, label_for(f.name), msg))
    for kind, limits in _ENTRY_LIMITS.items():
        for n, entry in enumerate(getattr(listing, kind), start=1):
            for attr, limit in limits.items():
                if msg := too_long(getattr(entry, attr), limit):
                    problems.append(FieldProblem(f"{kind}.{n}.{attr}", label_for(_ENTRY_LABELS[kind], n), msg))
    for n, loc in enumerate(listing.locations, start=1):
        for item in loc.accessibility:
            if msg := too_long(item, "accessibility"):
                problems.append(FieldProblem(f"locations.{n}.accessibility", label_for("address", n), msg))
                break
    for item in listing.languages:
        if msg := too_long(item, "language"):
            problems.append(FieldProblem("languages", label_for("languages"), msg))
            break
    return problems


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

    # Phones: reuse a stored row with the same content; renumber sort_order only if order changed.
    old_phones = [dict(r) for r in old["phones"]]
    phone_ids = _Ids(conn, "phones", f"{sid}-phone")
    phones: list[Row] = []
    for entry in listing.phones:
        number = normalize_phone(entry.number)
        key = (number, entry.extension, entry.type, entry.description, entry.description_en)
        row = _reuse(old_phones, key, lambda r: (r["number"], r["extension"], r["type"], r["description"],
                                                  r["description_en"]))
        if row is None:
            row = {c: None for c in table_columns(conn, "phones")}
            row.update(id=phone_ids.next(), service_id=sid, number=number, extension=entry.extension,
                       type=entry.type, description=entry.description, description_en=entry.description_en,
                       sort_order=None)
        phones.append(row)
    keys = [(r["sort_order"], r["id"]) for r in phones]
    if any(k[0] is None for k in keys) or keys != sorted(keys):
        for n, row in enumerate(phones):
            row["sort_order"] = n

    def children(table: str, prefix: str, entries: list[Any], make: Any) -> list[Row]:
        pool = [dict(r) for r in old[table]]
        ids = _Ids(conn, table, f"{sid}-{prefix}")
        out = []
        for entry in entries:
            values: Row = make(entry)
            keys = tuple(values)
            row = _reuse(pool, tuple(values.values()), lambda r, keys=keys: tuple(r[k] for k in keys))
            if row is None:
                row = {c: None for c in table_columns(conn, table)}
                row.update(id=ids.next(), service_id=sid, **values)
            out.append(row)
        return out

    schedules = children("schedules", "hours", listing.hours,
                         lambda h: {"opening_hours": h.opening_hours, "description": h.description,
                                    "description_en": h.description_en})
    documents = children("required_documents", "doc", listing.documents,
                         lambda d: {"document": d.document, "document_en": d.document_en})
    languages = children("languages", "lang", list(listing.languages), lambda name: {"name": name})

    # Locations: an entry with an id updates that location; one without makes a new location.
    old_locations = {r["id"]: r for r in old["locations"]}
    old_links = {r["location_id"]: r for r in old["service_at_location"]}
    old_access = [dict(r) for r in old["accessibility"]]
    loc_ids = _Ids(conn, "locations", f"{sid}-loc")
    locations, links, access = [], [], []
    for place in listing.locations:
        loc_id = place.id or loc_ids.next()
        stored = old_locations.get(loc_id) or _one(conn, "locations", loc_id)
        row = dict(stored) if stored else {c: None for c in table_columns(conn, "locations")}
        row.update(id=loc_id, name=place.name, name_en=place.name_en, address=place.address,
                   address_en=place.address_en, community=place.community, transportation=place.transportation,
                   latitude=place.latitude, longitude=place.longitude)
        locations.append(row)
        link = old_links.get(loc_id) or _link(conn, sid, loc_id)
        links.append(dict(link))
        stored_access = [r for r in old_access if r["location_id"] == loc_id] or (
            select_rows(conn, "SELECT * FROM accessibility WHERE location_id = ? ORDER BY id", (loc_id,))
            if stored else [])
        access_ids = _Ids(conn, "accessibility", f"{loc_id}-access")
        for text in place.accessibility:
            arow = _reuse(stored_access, text, lambda r: r["description"])
            if arow is None:
                arow = {c: None for c in table_columns(conn, "accessibility")}
                arow.update(id=access_ids.next(), location_id=loc_id, description=text)
            access.append(arow)
    return {"services": [service], "phones": phones, "schedules": schedules, "required_documents": documents,
            "languages": languages, "service_at_location": links, "locations": locations, "accessibility": access}


def _one(conn: sqlite3.Connection, table: str, ident: str) -> Row | None:
    rows = select_rows(conn, f"SELECT * FROM {table} WHERE id = ?", (ident,))
    return rows[0] if rows else None


def _link(conn: sqlite3.Connection, service_id: str, location_id: str) -> Row:
    rows = select_rows(conn, "SELECT * FROM service_at_location WHERE service_id = ? AND location_id = ?",
                 (service_id, location_id))
    if rows:
        return rows[0]
    ids = _Ids(conn, "service_at_location", f"{service_id}-at")
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
        schedules=tuple(Schedule(h.opening_hours, h.description, h.description_en, None) for h in listing.hours),
        locations=tuple(Location(loc.id or "", loc.name, loc.name_en, loc.address, loc.address_en, loc.community,
                                 loc.transportation, loc.latitude, loc.longitude, tuple(loc.accessibility))
                        for loc in listing.locations),
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
