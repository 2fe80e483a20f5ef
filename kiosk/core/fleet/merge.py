"""Three-way, field-level merge of a listing when an office bundle reaches a terminal.

For each listing there are three versions: the *base* (what the office last sent this terminal for
that listing, kept in ``listing_base``), the *office* version in the new bundle and the *local* one
(the terminal's now). Field by field:

=================================  ==========================================================
what changed since the base        result
=================================  ==========================================================
nothing, or both to the same value  that value
only the office                     the office's value (an office change reaches the terminal)
only the terminal                   the terminal's value
both, to different values           a CONFLICT: the terminal's value stays for now and the field
                                    is listed in ``merge_conflicts`` (``kiosk conflicts``) until a
                                    worker takes the office's value or keeps the terminal's
=================================  ==========================================================

Which values are "fields" comes from :mod:`kiosk.core.listings.fields`, never from a list here:

- every single-valued field of a listing (name, description, status, category …) and the
  ``lines`` lists (languages) is one field;
- a repeated part whose entries have no identity of their own (phones, opening hours, required
  documents) is merged as ONE value, the whole ordered list: two versions of "the second phone" cannot
  be told apart from "a phone removed and another added", so any change to the list is one change;
- a repeated part whose entries carry an ``id`` (places) is merged entry by entry, matched by id:
  each field of a place (its name, address, hours, phones, status …) is its own field, and a place
  added or removed on one side is one change of the key ``("locations", place_id)``. The places'
  order follows the office unless the terminal reordered them; places only one side has stay in
  their side's order, at the end.

Retirement always reaches the terminal: a listing the office retired (status ``retired`` in the
bundle) or dropped (missing from the bundle, though the office sent it before) is retired on the
terminal even when a worker edited it there. Each field the worker had changed is then listed as a
conflict of kind ``retired`` (the worker's value stays in the retired listing, and is also exported
as a proposal), so the edit is never lost silently.

The base. The office's snapshot of every listing in a bundle is stored at each apply (a dropped
listing's base keeps its last snapshot, marked retired). A terminal upgraded from a program
without ``listing_base`` has no base yet: for a listing a worker edited there, the base is the
``before`` of the earliest not-undone local audit entry of that listing (the listing as it was
before this terminal's first edit); when even that does not exist, every field in which office and
terminal differ is a conflict (the terminal's value kept). A listing no worker edited on the
terminal uses its own current version as base, so it simply follows the office.
"""

from __future__ import annotations

import copy
import functools
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kiosk.core.listings import audit
from kiosk.core.listings.editing import (
    LISTING,
    STATUS_LABELS,
    Listing,
    Snapshot,
    _same,
    apply_listing,
    listing_from_snapshot,
    snapshot,
    write_snapshot,
)
from kiosk.core.listings.fields import Declared, declared, groups, label_of, scalars

if TYPE_CHECKING:
    from kiosk.core.db.runtime import MergeReport

FieldKey = tuple[str, ...]
"""Where a merged value is: ``("description",)``, ``("phones",)`` (the whole list),
``("locations", "<place id>")`` (a place as a whole) or ``("locations", "<place id>", "address")``."""

NOT_MERGED: Final = ("id", "origin")
"""The listing's id (it is what matches the three versions) and where it first came from (read-only)."""

MERGE_ACTION = "merge"
"""Audit action of a listing written by a bundle's merge (office changes taken, the terminal's kept)."""


class _Absent:
    """No such value: a place one version does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@functools.cache
def _keyed() -> tuple[tuple[str, type], ...]:
    out = []
    for d in groups():
        assert d.group is not None
        if any(e.name == "id" for e in declared(d.group.entry)):
            out.append((d.name, d.group.entry))
    return tuple(out)


def keyed_groups() -> dict[str, type]:
    """Repeated parts whose entries carry an ``id`` (places), merged entry by entry."""
    return dict(_keyed())


@functools.cache
def _top() -> tuple[Declared, ...]:
    """The listing's merged fields (declared once, read once)."""
    return tuple(d for d in declared(Listing) if d.name not in NOT_MERGED)


@functools.cache
def _entry_fields(cls: type) -> tuple[Declared, ...]:
    """The fields of one keyed entry but its id."""
    return tuple(e for e in scalars(cls) if e.name != "id")


def _plain(value: Any) -> Any:
    """A value as JSON-able data (entries as dicts, lists copied)."""
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def fields_of(listing: Listing) -> dict[FieldKey, Any]:
    """Every merged field of ``listing`` by its key, in the declared order (see the module docstring)."""
    keyed = dict(_keyed())
    out: dict[FieldKey, Any] = {}
    for d in _top():
        value = getattr(listing, d.name)
        if d.name not in keyed:
            out[(d.name,)] = _plain(value)
            continue
        for entry in value:
            ident = str(entry.id or "")
            out[(d.name, ident)] = _plain(entry)
            for e in _entry_fields(keyed[d.name]):
                out[(d.name, ident, e.name)] = _plain(getattr(entry, e.name))
    return out


def changed_fields(old: dict[FieldKey, Any], new: dict[FieldKey, Any]) -> list[tuple[FieldKey, Any, Any]]:
    """``(key, old value, new value)`` of each field that differs; a place added or removed is said once,
    by its place key (value: the whole place, or ABSENT), a place in both field by field."""
    out = []
    keys = list(old) + [k for k in new if k not in old]
    for key in keys:
        if len(key) == 3 and ((key[0], key[1]) not in old or (key[0], key[1]) not in new):
            continue
        if len(key) == 2 and key in old and key in new:
            continue
        a, b = old.get(key, ABSENT), new.get(key, ABSENT)
        if a != b:
            out.append((key, a, b))
    return out


@dataclass(frozen=True)
class Conflict:
    """One field both sides changed differently (or a worker's edit of a listing the office retired)."""

    key: FieldKey
    base: Any
    """ABSENT for a place the base did not have; None when there was no base at all."""
    office: Any
    local: Any
    kind: str = "conflict"
    """``conflict``: the terminal's value stays; ``retired``: the office retired the listing, the worker's
    value stays in the retired listing."""


@dataclass
class ListingMerge:
    """What merging one listing gave."""

    listing: Listing
    taken: list[FieldKey] = field(default_factory=list)
    """Fields where the office's change was taken."""
    kept: list[FieldKey] = field(default_factory=list)
    """Fields where only the terminal had changed: its value stays."""
    conflicts: list[Conflict] = field(default_factory=list)
    retired_by_office: bool = False


_NO_BASE: Final = object()


def merge_listing(base: Listing | None, office: Listing, local: Listing) -> ListingMerge:
    """The three-way merge of one listing (``base`` None: no base known, every difference a conflict)."""
    b = fields_of(base) if base is not None else None
    o, lo = fields_of(office), fields_of(local)
    out = ListingMerge(local)
    values: dict[FieldKey, Any] = {}

    def decide(key: FieldKey) -> Any:
        bv = b.get(key, ABSENT) if b is not None else _NO_BASE
        ov, lv = o.get(key, ABSENT), lo.get(key, ABSENT)
        if ov == lv:
            return lv
        if bv is _NO_BASE:
            out.conflicts.append(Conflict(key, None, ov, lv))
            return lv
        if ov == bv:
            out.kept.append(key)
            return lv
        if lv == bv:
            out.taken.append(key)
            return ov
        out.conflicts.append(Conflict(key, bv, ov, lv))
        return lv

    keyed = dict(_keyed())
    entries: dict[str, list[Any]] = {}
    for d in _top():
        if d.name not in keyed:
            values[(d.name,)] = decide((d.name,))
            continue
        cls = keyed[d.name]
        ids = {side: [k[1] for k in fields if len(k) == 2 and k[0] == d.name]
               for side, fields in (("office", o), ("local", lo), ("base", b or {}))}
        merged: dict[str, Any] = {}
        for ident in dict.fromkeys(ids["office"] + ids["local"]):
            if ident in ids["office"] and ident in ids["local"]:
                place = {"id": ident or None}
                for e in _entry_fields(cls):
                    place[e.name] = decide((d.name, ident, e.name))
                merged[ident] = cls(**place)
            else:
                whole = decide((d.name, ident))
                if whole is not ABSENT:
                    merged[ident] = cls(**copy.deepcopy(whole))
        if b is not None and ids["local"] == ids["base"]:
            order = [i for i in ids["office"] if i in merged] + [i for i in ids["local"] if i not in ids["office"]]
        else:
            order = [i for i in ids["local"] if i in merged] + [i for i in ids["office"] if i not in ids["local"]]
        entries[d.name] = [merged[i] for i in order if i in merged]

    result: dict[str, Any] = {}
    for d in _top():
        if d.name in keyed:
            result[d.name] = entries[d.name]
        elif d.group is not None:
            result[d.name] = [d.group.entry(**copy.deepcopy(v)) for v in values[(d.name,)]]
        else:
            result[d.name] = copy.deepcopy(values[(d.name,)])
    out.listing = replace(local, **result)

    newly_retired = office.status == "retired" and (b is None or b.get(("status",)) != "retired")
    if newly_retired:
        out.listing.status = "retired"
        out.retired_by_office = True
        changed = [(c.key, c.base, c.local) for c in out.conflicts] + [(k, b.get(k, ABSENT) if b else None,
                                                                        lo.get(k, ABSENT)) for k in out.kept]
        out.conflicts = [Conflict(k, bv, o.get(k, ABSENT), lv, kind="retired") for k, bv, lv in changed
                         if k != ("status",)]
        out.kept = []
    return out


def retire_missing(base: Listing | None, local: Listing) -> ListingMerge:
    """A listing the office dropped from its bundle: retired; the worker's changes listed (office: ABSENT)."""
    out = ListingMerge(replace(local, status="retired"), retired_by_office=True)
    if base is not None:
        for key, bv, lv in changed_fields(fields_of(base), fields_of(local)):
            if key != ("status",):
                out.conflicts.append(Conflict(key, bv, ABSENT, lv, kind="retired"))
    return out


# ------------------------------------------------------------------------------ words for people


def field_label(listing: Listing | None, key: FieldKey | list[str], lang: str = "zh") -> str:
    """A merged field in plain words: ``简介``, ``电话``, ``地点 2（测试站乙） 电话`` (the place's number and
    name in ``listing``), the same words as the import dry run's (:func:`label_of`)."""
    key = tuple(str(k) for k in key)
    if len(key) == 1:
        return label_of(key, lang)
    places = listing.locations if listing is not None else []
    index = next((n for n, p in enumerate(places, start=1) if str(p.id or "") == key[1]), None)
    group_name = label_of((key[0],), lang)
    if index is None:
        head = f"{group_name}（{key[1]}）"
        name = ""
    else:
        place = places[index - 1]
        name = place.name or place.address or place.id or ""
        head = f"{group_name} {index}" + (f"（{name}）" if name else "")
    if len(key) == 2:
        return head
    whole = label_of((key[0], index or 1, key[2]), lang)
    tail = whole.split(" ", 2)[2] if whole.count(" ") >= 2 else ""
    return f"{head} {tail}".strip()


def value_at(listing: Listing | None, key: FieldKey | list[str]) -> Any:
    """The value of merged field ``key`` in ``listing`` (ABSENT when the listing or the place has none)."""
    if listing is None:
        return ABSENT
    return fields_of(listing).get(tuple(str(k) for k in key), ABSENT)


def _check_type(d: Declared, value: Any) -> None:
    """TypeError unless ``value`` is what field ``d`` holds (text, a list of texts, a number)."""
    assert d.spec is not None
    kind = d.spec.kind
    if kind in ("lines", "phones"):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif kind == "int":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    elif kind in ("latitude", "longitude"):
        ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
    else:
        ok = value is None or isinstance(value, str)
    if not ok:
        raise TypeError(f"{d.name} does not take {type(value).__name__}")


def _entry(cls: type, data: dict[str, Any]) -> Any:
    """An entry of ``cls`` from JSON data, each field checked (TypeError for an unknown or wrong one)."""
    fields = {e.name: e for e in scalars(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"no field {sorted(unknown)[0][:40]!r} in a {cls.__name__}")
    for name, value in data.items():
        _check_type(fields[name], value)
    return cls(**copy.deepcopy(data))


def with_value(listing: Listing, key: FieldKey | list[str], value: Any) -> Listing:
    """A copy of ``listing`` with merged field ``key`` set to ``value`` (JSON data as :func:`fields_of`
    gives; None for a place key removes the place). Raises KeyError for a key that names no field of
    the listing (or a place it does not have), TypeError/ValueError for a value of the wrong shape."""
    key = tuple(str(k) for k in key)
    keyed = keyed_groups()
    out = copy.deepcopy(listing)
    head = next((d for d in declared(Listing) if d.name == key[0] and d.name not in NOT_MERGED), None)
    if head is None:
        raise KeyError(key[0])
    if head.name not in keyed:
        if len(key) != 1:
            raise KeyError("/".join(key))
        if head.group is not None:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise TypeError(f"{key[0]} takes a list of entries")
            setattr(out, head.name, [_entry(head.group.entry, v) for v in value])
        else:
            _check_type(head, value)
            setattr(out, head.name, copy.deepcopy(value))
        return out
    cls = keyed[head.name]
    entries = list(getattr(out, head.name))
    at = next((n for n, e in enumerate(entries) if str(e.id or "") == key[1]), None)
    if len(key) == 2:
        if value is None or value is ABSENT:
            if at is not None:
                entries.pop(at)
        else:
            if not isinstance(value, dict):
                raise TypeError(f"{key[0]} {key[1]} takes a whole entry")
            entry = _entry(cls, {**value, "id": key[1]})
            if at is None:
                entries.append(entry)
            else:
                entries[at] = entry
        setattr(out, head.name, entries)
        return out
    fields = {e.name: e for e in scalars(cls)}
    if len(key) != 3 or at is None or key[2] == "id" or key[2] not in fields:
        raise KeyError("/".join(key))
    _check_type(fields[key[2]], value)
    setattr(entries[at], key[2], copy.deepcopy(value))
    setattr(out, head.name, entries)
    return out


def show_value(value: Any, key: FieldKey | None = None) -> str:
    """A merged value in a short line: ``（空）``, ``0371-68000001、0371-68000002``, a place by its name
    (``key`` a place key: no value is ``（没有这个地点）``)."""
    if key is not None and len(key) == 2 and (value is None or value is ABSENT):
        return "（没有这个地点）"
    if value is ABSENT or value is None or value == "":
        return "（无）" if value is ABSENT else "（空）"
    if isinstance(value, str) and value in STATUS_LABELS:
        text = STATUS_LABELS[value]
    elif isinstance(value, dict):
        text = str(value.get("name") or value.get("address") or value.get("id") or "")
        main = next((v for k, v in value.items() if k in ("number", "opening_hours", "document")), None)
        text = text or str(main or "")
    elif isinstance(value, list):
        items = [show_value(v) if isinstance(v, dict) else str(v) for v in value]
        text = "、".join(items) or "（无）"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def to_json(value: Any) -> str | None:
    """How merged values are stored (ABSENT and None both as NULL)."""
    if value is ABSENT or value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# ------------------------------------------------------------------------------ the base


def load_base(conn: sqlite3.Connection, service_id: str) -> Snapshot | None:
    """The office's snapshot of the listing as last applied here, or None."""
    row = conn.execute("SELECT snapshot FROM listing_base WHERE service_id = ?", (service_id,)).fetchone()
    return None if row is None else json.loads(row[0])


def store_base(conn: sqlite3.Connection, service_id: str, snap: Snapshot, *, version: int | None,
               now: datetime) -> None:
    conn.execute("INSERT INTO listing_base(service_id, snapshot, bundle_version, applied_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(service_id) DO UPDATE SET snapshot = excluded.snapshot, "
                 "bundle_version = excluded.bundle_version, applied_at = excluded.applied_at",
                 (service_id, _snapshot_json(snap), version, audit.timestamp(now)))


def _snapshot_json(snap: Snapshot) -> str:
    """A base as stored: compact, keys sorted (equal snapshots give equal texts)."""
    return json.dumps(snap, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _excluded_actors() -> tuple[str, str]:
    from kiosk.core.exchange.bundle import ACTOR, UPGRADE_ACTOR

    return ACTOR, UPGRADE_ACTOR


def local_entries(conn: sqlite3.Connection, service_id: str) -> list[audit.AuditEntry]:
    """This terminal's own changes of a listing still in effect (not undone, not roll-out), oldest first."""
    excluded = _excluded_actors()
    return [e for e in reversed(audit.history(conn, LISTING, service_id))
            if not e.undone and e.action != "undo" and e.actor not in excluded]


def fallback_base(conn: sqlite3.Connection, service_id: str) -> tuple[bool, Snapshot | None]:
    """(found, snapshot): the listing before this terminal's first edit still in effect (None: created here)."""
    entries = local_entries(conn, service_id)
    if not entries:
        return False, None
    return True, entries[0].before


def base_of(conn: sqlite3.Connection, service_id: str) -> tuple[str, Snapshot | None]:
    """The base of a listing and where it came from: ``stored``, ``audit`` (the fallback), ``created``
    (the listing was made on this terminal, no base) or ``none`` (no base known)."""
    stored = load_base(conn, service_id)
    if stored is not None:
        return "stored", stored
    found, before = fallback_base(conn, service_id)
    if found:
        return ("audit", before) if before is not None else ("created", None)
    return "none", None


# ------------------------------------------------------------------------------ a bundle's merge


@dataclass
class BundleMerge:
    """What a bundle did to this terminal's listings (each count true, see :meth:`summary`)."""

    added: int = 0
    updated: list[str] = field(default_factory=list)
    """Listings the office's changes were written to (whole or field by field)."""
    kept: list[str] = field(default_factory=list)
    """Listings in which this terminal's own edits stay (some also in ``updated``)."""
    conflicts: int = 0
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    changed: list[str] = field(default_factory=list)
    """Ids written here (to reindex)."""

    def summary(self) -> str:
        return (f"{self.added} new, {len(self.updated)} updated, {len(self.kept)} kept with this terminal's "
                f"edits, {self.conflicts} conflict(s), {len(self.retired)} retired, {self.unchanged} unchanged")


def merge_bundle(conn: sqlite3.Connection, office: dict[str, Snapshot], report: MergeReport, *,
                 version: int | None, now: datetime, actor: str) -> BundleMerge:
    """After :func:`kiosk.core.db.runtime.merge_content`, merge the listings it kept field by field.

    ``office``: the bundle's snapshot of every listing it holds; ``report``: what ``merge_content``
    did (it replaced the listings no worker touched, and kept every touched one whole). Listings the
    office dropped are retired. The base of every bundle listing is stored for the next bundle.
    Runs inside the caller's transaction; writes with ``actor`` (not counted as a local edit).
    """
    from kiosk.core.fleet.conflicts import record_conflicts, settle_conflicts

    out = BundleMerge(added=len(report.added), updated=list(report.updated), retired=list(report.retired),
                      unchanged=report.unchanged)
    in_conflict = {str(r[0]) for r in conn.execute("SELECT DISTINCT service_id FROM merge_conflicts "
                                                   "WHERE status = 'open'")}
    for sid in report.kept_worker:
        new = office.get(sid)
        current = snapshot(conn, sid)
        if new is None or current is None:
            continue
        if sid not in in_conflict and _same(current, new):
            out.unchanged += 1  # the terminal already has the office's version
            continue
        source, base_snap = base_of(conn, sid)
        if sid not in in_conflict and (source == "none" or (source == "stored" and base_snap is not None
                                                              and _same(current, base_snap))):
            # not changed here since the office sent it: the office's version whole (its rows, order, sources)
            write_snapshot(conn, sid, new)
            retired = new["services"][0].get("status") == "retired" != current["services"][0].get("status")
            (out.retired if retired else out.updated).append(sid)
            out.changed.append(sid)
            continue
        local = listing_from_snapshot(current)
        office_listing = listing_from_snapshot(new)
        base = listing_from_snapshot(base_snap) if base_snap is not None else None
        merged = merge_listing(base, office_listing, local)
        if _write(conn, sid, merged.listing, local, office_listing, new, actor=actor, now=now):
            out.changed.append(sid)
            (out.retired if merged.retired_by_office else out.updated).append(sid)
        elif not merged.kept and not merged.conflicts:
            out.unchanged += 1
        if merged.kept or any(c.kind == "conflict" for c in merged.conflicts):
            out.kept.append(sid)
        record_conflicts(conn, sid, merged.conflicts, version=version, now=now)
        out.conflicts += len(merged.conflicts)
        settle_conflicts(conn, sid, office_listing, merged.listing, actor=actor, now=now)
    for sid, status in conn.execute("SELECT id, status FROM services").fetchall():
        if sid in office or status == "retired":
            continue
        source, base_snap = base_of(conn, sid)
        if source == "created":
            continue  # made on this terminal: the office never had it
        current = snapshot(conn, sid)
        assert current is not None
        merged = retire_missing(listing_from_snapshot(base_snap) if base_snap is not None else None,
                                listing_from_snapshot(current))
        conn.execute("UPDATE services SET status = 'retired' WHERE id = ?", (sid,))
        record_conflicts(conn, sid, merged.conflicts, version=version, now=now)
        out.conflicts += len(merged.conflicts)
        out.retired.append(sid)
        out.changed.append(sid)
        if base_snap is not None and source == "stored":
            gone = copy.deepcopy(base_snap)
            gone["services"][0]["status"] = "retired"
            store_base(conn, sid, gone, version=version, now=now)
    stored = dict(conn.execute("SELECT service_id, snapshot FROM listing_base").fetchall())
    for sid, snap in office.items():
        text = _snapshot_json(snap)
        if stored.get(sid) != text:
            store_base(conn, sid, snap, version=version, now=now)
    return out


def _write(conn: sqlite3.Connection, sid: str, merged: Listing, local: Listing, office: Listing,
           office_snap: Snapshot, *, actor: str, now: datetime) -> bool:
    """Store the merged listing when it differs from the terminal's (the office's rows as they are when
    it is the office's version); True when something was written."""
    new = fields_of(merged)
    if new == fields_of(local):
        return False
    if new == fields_of(office):
        write_snapshot(conn, sid, office_snap)
    else:
        apply_listing(conn, merged, actor=actor, now=now, action=MERGE_ACTION)
    return True


def keys_json(keys: Iterable[FieldKey]) -> list[list[str]]:
    return [list(k) for k in keys]
