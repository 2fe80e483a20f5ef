"""Audit log and undo: who/when/before/after, exact restore, order of undos, nothing hard-deleted."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from kiosk.core.listings.editing import (
    HoursEntry,
    PhoneEntry,
    UndoRefused,
    get_listing,
    listing_history,
    retire_listing,
    save_listing,
    snapshot,
    undo,
)
from tests.helpers.worker import NOW, content, synthetic_listing


def _fix_phone_and_add_hours(conn: sqlite3.Connection, actor: str = "admin-20260302-0930-abc123") -> int:
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None
    listing.phones[0] = PhoneEntry("0371-68000002", "voice", "测试电话")
    listing.hours = [HoursEntry("Mo-Fr 08:30-17:30")]
    result = save_listing(conn, listing, actor=actor, now=NOW)
    assert result.audit_id is not None
    return result.audit_id


def test_change_is_recorded_with_who_when_before_after(conn: sqlite3.Connection) -> None:
    """An edit writes one audit entry: the admin session, the time, the full before and after."""
    before = snapshot(conn, "smart-elderly-care-12349")
    entry_id = _fix_phone_and_add_hours(conn)
    [entry] = listing_history(conn, "smart-elderly-care-12349")
    assert entry.id == entry_id and entry.actor == "admin-20260302-0930-abc123" and entry.action == "edit"
    assert entry.at == NOW
    assert entry.before == before
    assert entry.after["phones"][0]["number"] == "0371-68000002"
    assert entry.after["schedules"][0]["opening_hours"] == "Mo-Fr 08:30-17:30"


def test_undo_restores_the_exact_previous_record(conn: sqlite3.Connection) -> None:
    """Undo puts every row back byte for byte (ids, provenance, updated_at) — the whole database content."""
    untouched = content(conn)
    entry_id = _fix_phone_and_add_hours(conn)
    assert content(conn) != untouched
    undo(conn, entry_id, actor="admin-x", now=NOW + timedelta(minutes=1))
    restored = [line for line in content(conn) if '"table": "audit_log"' not in line]
    assert restored == [line for line in untouched if '"table": "audit_log"' not in line]


def test_undo_is_itself_audited_and_marks_the_entry(conn: sqlite3.Connection) -> None:
    """The undo is a new entry; the undone one points to it and cannot be undone twice."""
    entry_id = _fix_phone_and_add_hours(conn)
    result = undo(conn, entry_id, actor="admin-x", now=NOW)
    newest, original = listing_history(conn, "smart-elderly-care-12349")
    assert newest.action == "undo" and newest.id == result.audit_id
    assert original.undone_by == newest.id
    with pytest.raises(UndoRefused, match="已经撤销"):
        undo(conn, entry_id, actor="admin-x", now=NOW)


def test_older_change_cannot_be_undone_over_a_newer_one(conn: sqlite3.Connection) -> None:
    """Undo of an older change is refused while a newer change exists; undoing newest first works."""
    first = _fix_phone_and_add_hours(conn)
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None
    listing.description = "第二次修改"
    second = save_listing(conn, listing, actor="t", now=NOW).audit_id
    assert second is not None
    with pytest.raises(UndoRefused, match="undo the newer change first"):
        undo(conn, first, actor="t", now=NOW)
    undo(conn, second, actor="t", now=NOW)
    undo(conn, first, actor="t", now=NOW)
    seed = snapshot(conn, "smart-elderly-care-12349")
    assert seed is not None and seed["services"][0]["updated_at"] is None


def test_undo_of_create_retires_never_deletes(conn: sqlite3.Connection) -> None:
    """Undoing the creation of a listing retires it; its rows stay in the database."""
    result = save_listing(conn, synthetic_listing(), actor="t", now=NOW)
    assert result.audit_id is not None
    undo(conn, result.audit_id, actor="t", now=NOW)
    row = conn.execute("SELECT status FROM services WHERE id = ?", (result.service_id,)).fetchone()
    assert row is not None and row[0] == "retired"


def test_undo_of_retire_brings_listing_back(conn: sqlite3.Connection) -> None:
    """Undo of a retire makes the listing active again, exactly as before."""
    before = snapshot(conn, "library-branches")
    result = retire_listing(conn, "library-branches", actor="t", now=NOW)
    assert result.audit_id is not None
    undo(conn, result.audit_id, actor="t", now=NOW)
    assert snapshot(conn, "library-branches") == before
