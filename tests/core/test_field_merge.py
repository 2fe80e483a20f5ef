"""Office bundles merge into a terminal's listings field by field (kiosk.core.fleet.merge).

Each row of the three-way table (only the office changed, only the terminal, both alike, both
differently), places merged place by place, retirement that always reaches the terminal, conflicts
that are listed and resolved, and a roll-out summary whose counts are true. All listings and values
here are synthetic (测试).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.exchange.bundle import apply_bundle, export_bundle
from kiosk.core.fleet import conflicts
from kiosk.core.fleet.merge import (
    ABSENT,
    field_label,
    fields_of,
    load_base,
    merge_listing,
    show_value,
    with_value,
)
from kiosk.core.listings import audit
from kiosk.core.listings.editing import (
    Listing,
    ListingInvalid,
    LocationEntry,
    PhoneEntry,
    get_listing,
    listing_from_snapshot,
    retire_listing,
    save_listing,
    snapshot,
)
from tests.helpers.worker import NOW, synthetic_listing

SID = "elderly-care-facilities"
OTHER = "community-health-centres"


def _two_places() -> Listing:
    listing = synthetic_listing(name="测试站点服务（合成）")
    listing.locations = [
        LocationEntry(id="test-loc-a", name="测试站甲", address="测试路 1 号", phones=["0371-68000011"]),
        LocationEntry(id="test-loc-b", name="测试站乙", address="测试路 2 号", phones=["0371-68000012"])]
    return listing


# ------------------------------------------------------------------------------ the three-way table


def test_only_the_office_changed_takes_the_office_value() -> None:
    base = synthetic_listing(id="t")
    office = replace(base, description="办公室的新说明（合成）")
    merged = merge_listing(base, office, base)
    assert merged.listing.description == "办公室的新说明（合成）"
    assert merged.taken == [("description",)] and not merged.conflicts and not merged.kept


def test_only_the_terminal_changed_keeps_the_terminal_value() -> None:
    base = synthetic_listing(id="t")
    local = replace(base, name_en="Terminal name (test)")
    merged = merge_listing(base, base, local)
    assert merged.listing.name_en == "Terminal name (test)"
    assert merged.kept == [("name_en",)] and not merged.conflicts and not merged.taken


def test_both_changed_alike_is_no_conflict() -> None:
    base = synthetic_listing(id="t")
    same = replace(base, fees_description="免费（合成）")
    merged = merge_listing(base, same, replace(base, fees_description="免费（合成）"))
    assert merged.listing.fees_description == "免费（合成）" and not merged.conflicts


def test_both_changed_differently_keeps_the_terminal_value_and_lists_a_conflict() -> None:
    base = synthetic_listing(id="t")
    office = replace(base, description="办公室版（合成）", name_en="Office (test)")
    local = replace(base, description="本机版（合成）", email="local@example.com")
    merged = merge_listing(base, office, local)
    assert merged.listing.description == "本机版（合成）"
    assert merged.listing.name_en == "Office (test)" and merged.listing.email == "local@example.com"
    [conflict] = merged.conflicts
    assert conflict.key == ("description",) and conflict.kind == "conflict"
    assert (conflict.base, conflict.office, conflict.local) == (base.description, "办公室版（合成）", "本机版（合成）")


def test_without_a_base_every_difference_is_a_conflict() -> None:
    office = synthetic_listing(id="t")
    local = replace(office, description="本机（合成）")
    merged = merge_listing(None, office, local)
    assert [c.key for c in merged.conflicts] == [("description",)]
    assert merged.conflicts[0].base is None and merged.listing.description == "本机（合成）"


def test_phones_are_one_field_the_whole_list() -> None:
    """Phones (no identity per entry) merge as the whole list: a change on each side is a conflict."""
    base = synthetic_listing(id="t")
    office = replace(base, phones=[PhoneEntry("0371-68000002")])
    assert merge_listing(base, office, base).listing.phones == [PhoneEntry("0371-68000002")]
    local = replace(base, phones=[*base.phones, PhoneEntry("0371-68000003")])
    merged = merge_listing(base, office, local)
    assert [c.key for c in merged.conflicts] == [("phones",)] and merged.listing.phones == local.phones


def test_places_merge_field_by_field_matched_by_id() -> None:
    """The office changes place A's address, the terminal place B's phones: both land, no conflict."""
    base = replace(_two_places(), id="t")
    office = with_value(base, ["locations", "test-loc-a", "address"], "测试路 100 号")
    local = with_value(base, ["locations", "test-loc-b", "phones"], ["0371-68000099"])
    merged = merge_listing(base, office, local)
    assert not merged.conflicts
    a, b = merged.listing.locations
    assert (a.id, a.address, b.id, b.phones) == ("test-loc-a", "测试路 100 号", "test-loc-b", ["0371-68000099"])
    both = with_value(base, ["locations", "test-loc-b", "phones"], ["0371-68000055"])
    merged = merge_listing(base, both, local)
    [conflict] = merged.conflicts
    assert conflict.key == ("locations", "test-loc-b", "phones")
    assert field_label(merged.listing, conflict.key) == "地点 2（测试站乙） 电话"


def test_places_added_and_removed() -> None:
    """A place the office adds arrives; one it removes goes, unless the terminal edited it (conflict)."""
    base = replace(_two_places(), id="t")
    added = replace(base, locations=[*base.locations, LocationEntry(id="test-loc-c", name="测试站丙")])
    assert [p.id for p in merge_listing(base, added, base).listing.locations] == ["test-loc-a", "test-loc-b",
                                                                                   "test-loc-c"]
    removed = replace(base, locations=base.locations[:1])
    assert [p.id for p in merge_listing(base, removed, base).listing.locations] == ["test-loc-a"]
    edited = with_value(base, ["locations", "test-loc-b", "name"], "测试站乙（本机改名）")
    merged = merge_listing(base, removed, edited)
    assert [p.id for p in merged.listing.locations] == ["test-loc-a", "test-loc-b"]
    assert [(c.key, c.office) for c in merged.conflicts] == [(("locations", "test-loc-b"), ABSENT)]
    assert show_value(merged.conflicts[0].office, merged.conflicts[0].key) == "（没有这个地点）"
    assert show_value(merged.conflicts[0].local, merged.conflicts[0].key) == "测试站乙（本机改名）"


def test_office_retirement_always_wins_and_lists_the_local_edits() -> None:
    base = synthetic_listing(id="t")
    office = replace(base, status="retired")
    local = replace(base, description="本机改过（合成）")
    merged = merge_listing(base, office, local)
    assert merged.listing.status == "retired" and merged.retired_by_office
    assert [(c.key, c.kind, c.local) for c in merged.conflicts] == [(("description",), "retired", "本机改过（合成）")]
    paused = merge_listing(base, office, replace(base, status="inactive"))
    assert paused.listing.status == "retired"


def test_fields_come_from_the_declarations() -> None:
    """Every declared listing field (but id and origin) is merged; a place's fields each on their own."""
    from kiosk.core.listings.fields import declared

    keys = fields_of(_two_places())
    top = {k[0] for k in keys}
    assert top == {d.name for d in declared(Listing)} - {"id", "origin"}
    assert ("locations", "test-loc-a", "hours") in keys and ("locations", "test-loc-a") in keys


# ------------------------------------------------------------------------------ through real bundles


@pytest.fixture
def office(writable_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(writable_db)
    yield conn
    conn.close()


@pytest.fixture
def terminal(tmp_path: Path, seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_runtime_database(tmp_path / "terminal", seed_db_path)
    yield conn
    conn.close()


def _roll_out(office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path, version: int,
              hours: int = 0) -> str:
    path = Path(office.execute("PRAGMA database_list").fetchone()[2])
    bundle = tmp_path / f"v{version}.zip"
    export_bundle(path, bundle, version=version)
    return apply_bundle(terminal, bundle, now=NOW + timedelta(hours=hours)).message


def _edit(conn: sqlite3.Connection, sid: str, actor: str, **changes: object) -> None:
    listing = get_listing(conn, sid)
    assert listing is not None
    save_listing(conn, replace(listing, **changes), actor=actor, now=NOW)


def test_an_office_change_and_a_terminal_change_of_other_fields_both_land(
        office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机修改的说明（合成）")
    _edit(office, SID, "admin-office", phones=[PhoneEntry("0371-68000021")], name_en="Office name (test)")
    message = _roll_out(office, terminal, tmp_path, 2)
    listing = get_listing(terminal, SID)
    assert listing is not None
    assert listing.description == "本机修改的说明（合成）"
    assert listing.phones == [PhoneEntry("0371-68000021", "voice")] or \
        [p.number for p in listing.phones] == ["0371-68000021"]
    assert listing.name_en == "Office name (test)"
    assert conflicts.list_conflicts(terminal) == []
    assert "1 updated" in message and "1 kept with this terminal's edits" in message and "0 conflict(s)" in message


def test_both_change_one_field_differently_conflict_listed_then_resolved(
        office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机版本（合成）")
    _edit(office, SID, "admin-office", description="办公室版本（合成）")
    message = _roll_out(office, terminal, tmp_path, 2)
    assert "1 conflict(s)" in message
    assert get_listing(terminal, SID).description == "本机版本（合成）"  # type: ignore[union-attr]
    [c] = conflicts.list_conflicts(terminal)
    assert (c.service_id, c.key, c.office, c.local, c.bundle_version) == (SID, ("description",), "办公室版本（合成）",
                                                                          "本机版本（合成）", 2)
    assert c.label == "简介" and "办公室版本" in c.line()
    # the same office value in the next bundle: still one open conflict, not two
    _edit(office, OTHER, "admin-office", description="别的修改（合成）")
    _roll_out(office, terminal, tmp_path, 3)
    assert len(conflicts.list_conflicts(terminal)) == 1
    conflicts.take_office(terminal, c.id, actor="cli:tester", now=NOW)
    assert get_listing(terminal, SID).description == "办公室版本（合成）"  # type: ignore[union-attr]
    assert conflicts.list_conflicts(terminal) == []
    entry = audit.history(terminal, "merge_conflicts", str(c.id))[0]
    assert entry.actor == "cli:tester" and entry.action == "take_office"
    with pytest.raises(conflicts.ConflictError, match="already resolved"):
        conflicts.keep_local(terminal, c.id, actor="cli:tester", now=NOW)
    # and now it follows the office cleanly again
    _edit(office, SID, "admin-office", description="办公室第三版（合成）")
    _roll_out(office, terminal, tmp_path, 4)
    assert get_listing(terminal, SID).description == "办公室第三版（合成）"  # type: ignore[union-attr]
    assert conflicts.list_conflicts(terminal) == []


def test_keep_local_keeps_the_value_and_the_next_bundle_leaves_it(
        office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机版本（合成）")
    _edit(office, SID, "admin-office", description="办公室版本（合成）")
    _roll_out(office, terminal, tmp_path, 2)
    [c] = conflicts.list_conflicts(terminal)
    conflicts.keep_local(terminal, c.id, actor="cli:tester", now=NOW)
    assert audit.history(terminal, "merge_conflicts", str(c.id))[0].action == "keep_local"
    _roll_out(office, terminal, tmp_path, 3)
    assert get_listing(terminal, SID).description == "本机版本（合成）"  # type: ignore[union-attr]
    assert conflicts.list_conflicts(terminal) == []


def test_a_retirement_reaches_a_terminal_that_edited_the_listing(
        office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机改过（合成）")
    _edit(terminal, OTHER, "admin-terminal", description="本机也改过（合成）")
    retire_listing(office, SID, actor="admin-office", now=NOW)
    office.execute("DELETE FROM services WHERE id = ?", (OTHER,))  # dropped from the office entirely
    message = _roll_out(office, terminal, tmp_path, 2)
    status = dict(terminal.execute("SELECT id, status FROM services WHERE id IN (?, ?)", (SID, OTHER)).fetchall())
    assert status == {SID: "retired", OTHER: "retired"}
    assert "2 retired" in message
    found = {(c.service_id, c.key, c.kind) for c in conflicts.list_conflicts(terminal)}
    assert found == {(SID, ("description",), "retired"), (OTHER, ("description",), "retired")}
    assert get_listing(terminal, OTHER).description == "本机也改过（合成）"  # type: ignore[union-attr]


def test_a_listing_made_on_the_terminal_stays(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                              tmp_path: Path) -> None:
    _roll_out(office, terminal, tmp_path, 1)
    made = save_listing(terminal, synthetic_listing(), actor="admin-terminal", now=NOW).service_id
    _roll_out(office, terminal, tmp_path, 2)
    assert terminal.execute("SELECT status FROM services WHERE id = ?", (made,)).fetchone()[0] == "active"


def test_summary_counts_two_office_edits_as_two_updated(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                                        tmp_path: Path) -> None:
    """The summary that said "0 updated" for two office edits now says 2 (and nothing kept or in conflict)."""
    _roll_out(office, terminal, tmp_path, 1)
    _edit(office, SID, "admin-office", description="办公室修改一（合成）")
    _edit(office, OTHER, "admin-office", description="办公室修改二（合成）")
    message = _roll_out(office, terminal, tmp_path, 2)
    assert "0 new, 2 updated, 0 kept with this terminal's edits, 0 conflict(s), 0 retired" in message
    entry = terminal.execute("SELECT after FROM audit_log WHERE action = 'content_update' ORDER BY id DESC").fetchone()
    assert '"office_edits_taken": ["community-health-centres", "elderly-care-facilities"]' in entry[0] or \
        sorted(__import__("json").loads(entry[0])["office_edits_taken"]) == sorted([SID, OTHER])


def test_the_base_is_the_office_snapshot_as_last_applied(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                                          tmp_path: Path) -> None:
    _edit(office, SID, "admin-office", description="办公室（合成）")
    _roll_out(office, terminal, tmp_path, 1)
    base = load_base(terminal, SID)
    assert base is not None and listing_from_snapshot(base).description == "办公室（合成）"
    assert terminal.execute("SELECT bundle_version FROM listing_base WHERE service_id = ?", (SID,)).fetchone()[0] == 1
    assert terminal.execute("SELECT count(*) FROM listing_base").fetchone()[0] == \
        office.execute("SELECT count(*) FROM services").fetchone()[0]


def test_an_upgraded_terminal_without_a_base_uses_the_audit_log(office: sqlite3.Connection,
                                                                 terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """No base yet (first bundle): the listing before the worker's first edit is the base."""
    _edit(terminal, SID, "admin-terminal", description="本机（合成）")
    _edit(office, SID, "admin-office", phones=[PhoneEntry("0371-68000031")])
    _roll_out(office, terminal, tmp_path, 1)
    listing = get_listing(terminal, SID)
    assert listing is not None and listing.description == "本机（合成）"
    assert [p.number for p in listing.phones] == ["0371-68000031"]
    assert conflicts.list_conflicts(terminal) == []


def test_take_office_goes_through_validation(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                             tmp_path: Path) -> None:
    """A conflict whose office value no longer validates here is refused with the field named; nothing changes."""
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", name="本机名称（合成）")
    _edit(office, SID, "admin-office", name="办公室名称（合成）")
    _roll_out(office, terminal, tmp_path, 2)
    [c] = conflicts.list_conflicts(terminal)
    terminal.execute("UPDATE listing_base SET snapshot = replace(snapshot, '办公室名称（合成）', '') "
                     "WHERE service_id = ?", (SID,))
    before = snapshot(terminal, SID)
    with pytest.raises(ListingInvalid, match="名称"):
        conflicts.take_office(terminal, c.id, actor="cli:tester", now=NOW)
    assert snapshot(terminal, SID) == before and len(conflicts.list_conflicts(terminal)) == 1


def test_doctor_warns_of_open_conflicts(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                        tmp_path: Path) -> None:
    from kiosk.core.terminal.health import OK, WARN, check_conflicts

    db = Path(terminal.execute("PRAGMA database_list").fetchone()[2])
    assert check_conflicts(db).status == OK
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机版本（合成）")
    _edit(office, SID, "admin-office", description="办公室版本（合成）")
    _roll_out(office, terminal, tmp_path, 2)
    found = check_conflicts(db)
    assert found.status == WARN and "1 处冲突" in found.detail and "kiosk conflicts" in found.fix


def test_the_conflicts_command_lists_and_resolves(office: sqlite3.Connection, terminal: sqlite3.Connection,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kiosk import cli

    db = str(terminal.execute("PRAGMA database_list").fetchone()[2])
    _roll_out(office, terminal, tmp_path, 1)
    _edit(terminal, SID, "admin-terminal", description="本机版本（合成）")
    _edit(office, SID, "admin-office", description="办公室版本（合成）")
    _roll_out(office, terminal, tmp_path, 2)
    assert cli.main(["conflicts", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "简介" in out and "办公室 办公室版本（合成）" in out and "本机 本机版本（合成）" in out
    assert cli.main(["conflicts", "--json", "--db", db]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert (item["field"], item["office"], item["local"], item["bundle_version"]) == (
        ["description"], "办公室版本（合成）", "本机版本（合成）", 2)
    assert cli.main(["conflicts", "keep-local", "--db", db, str(item["id"])]) == 0
    assert "resolved" in capsys.readouterr().out
    assert cli.main(["conflicts", "take-office", "--db", db, str(item["id"])]) == 1
    assert "already resolved" in capsys.readouterr().err
    entry = audit.history(terminal, "merge_conflicts", str(item["id"]))[0]
    assert entry.actor.startswith("cli:") and entry.action == "keep_local"


def test_a_listing_not_edited_here_takes_the_office_rows_whole(office: sqlite3.Connection,
                                                                terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """Beyond the fields: the office's order and sources reach a listing no worker here changed."""
    _edit(office, SID, "admin-office", description="办公室（合成）")
    _roll_out(office, terminal, tmp_path, 1)
    office.execute("UPDATE services SET sort_order = 999, source_quote = NULL WHERE id = ?", (SID,))
    message = _roll_out(office, terminal, tmp_path, 2)
    row = terminal.execute("SELECT sort_order, source_quote FROM services WHERE id = ?", (SID,)).fetchone()
    assert tuple(row) == (999, None) and "1 updated" in message


_TEXT_FIELDS = ["name_en", "description", "fees_description", "email", "url"]
_PLACE_FIELDS = [("test-loc-a", "address"), ("test-loc-b", "name"), ("test-loc-b", "transportation")]


@settings(max_examples=80, deadline=None)
@given(office_edits=st.dictionaries(st.sampled_from(_TEXT_FIELDS + _PLACE_FIELDS), st.sampled_from(["甲", "乙"])),
       local_edits=st.dictionaries(st.sampled_from(_TEXT_FIELDS + _PLACE_FIELDS), st.sampled_from(["甲", "丙"])))
def test_no_change_is_lost_or_won_silently(office_edits: dict[Any, str], local_edits: dict[Any, str]) -> None:
    """For any edits on each side: office-only changes land, terminal-only ones stay, each clash is listed."""
    base = replace(_two_places(), id="t")

    def edited(edits: dict[Any, str]) -> Listing:
        out = base
        for where, text in edits.items():
            key = ["locations", *where] if isinstance(where, tuple) else [where]
            out = with_value(out, key, f"测试{text}")
        return out

    merged = merge_listing(base, edited(office_edits), edited(local_edits))
    got = fields_of(merged.listing)
    listed = {c.key for c in merged.conflicts}
    for where in _TEXT_FIELDS + _PLACE_FIELDS:
        key = ("locations", *where) if isinstance(where, tuple) else (where,)
        o, lo = office_edits.get(where), local_edits.get(where)
        if lo is not None:
            assert got[key] == f"测试{lo}"  # the terminal's value stays
            assert (key in listed) == (o is not None and o != lo)
        elif o is not None:
            assert got[key] == f"测试{o}" and key in merged.taken and key not in listed
        else:
            assert got[key] == fields_of(base)[key]
