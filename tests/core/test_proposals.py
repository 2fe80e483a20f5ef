"""Terminal edits go to the office as field-level proposals (kiosk.core.fleet.proposals).

Export on a terminal, idempotent storing at the office, hostile items skipped one by one, take and
reject, and the whole round trip: a phone edited on a terminal, taken at the office, comes back in
the next bundle and merges without a conflict. All data here is synthetic (测试).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.errors import KioskError
from kiosk.core.exchange.bundle import apply_bundle, export_bundle
from kiosk.core.fleet import conflicts
from kiosk.core.fleet.merge import load_base
from kiosk.core.fleet.proposals import (
    ProposalError,
    export_proposals,
    list_proposals,
    reject_proposals,
    store_proposals,
    take_proposals,
)
from kiosk.core.listings import audit
from kiosk.core.listings.editing import (
    ListingInvalid,
    LocationEntry,
    get_listing,
    listing_from_snapshot,
    save_listing,
    snapshot,
)
from tests.helpers.worker import NOW, synthetic_listing

TERMINAL = "test-terminal-1"


@pytest.fixture
def office_path(writable_db: Path) -> Path:
    conn = connect(writable_db)
    listing = synthetic_listing(name="测试站点服务（合成）")
    listing.locations = [
        LocationEntry(id="test-loc-a", name="测试站甲", address="测试路 1 号", phones=["0371-68000011"]),
        LocationEntry(id="test-loc-b", name="测试站乙", address="测试路 2 号", phones=["0371-68000012"])]
    save_listing(conn, replace(listing, id="test-places"), actor="admin-office", now=NOW)
    conn.close()
    return writable_db


@pytest.fixture
def office(office_path: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(office_path)
    yield conn
    conn.close()


@pytest.fixture
def terminal(tmp_path: Path, seed_db_path: Path, office_path: Path) -> Iterator[sqlite3.Connection]:
    """A terminal that has applied the office's bundle v1."""
    conn = open_runtime_database(tmp_path / "terminal", seed_db_path)
    export_bundle(office_path, tmp_path / "v1.zip", version=1)
    apply_bundle(conn, tmp_path / "v1.zip", now=NOW)
    yield conn
    conn.close()


def _edit_place_phone(conn: sqlite3.Connection, number: str) -> None:
    listing = get_listing(conn, "test-places")
    assert listing is not None
    listing.locations[1].phones = [number]
    save_listing(conn, listing, actor="admin-terminal", now=NOW + timedelta(minutes=5))


def test_export_lists_each_changed_field_against_the_base(terminal: sqlite3.Connection) -> None:
    assert export_proposals(terminal) == []
    _edit_place_phone(terminal, "0371-68000099")
    listing = get_listing(terminal, "elderly-care-facilities")
    assert listing is not None
    save_listing(terminal, replace(listing, description="本机说明（合成）"), actor="admin-terminal", now=NOW)
    items = export_proposals(terminal)
    assert json.loads(json.dumps(items, ensure_ascii=False)) == items  # JSON-able
    by_field = {tuple(i["field"]): i for i in items}
    assert set(by_field) == {("description",), ("locations", "test-loc-b", "phones")}
    phone = by_field[("locations", "test-loc-b", "phones")]
    assert phone["label"] == "地点 2（测试站乙） 电话"
    assert (phone["base"], phone["proposed"]) == (["0371-68000012"], ["0371-68000099"])
    assert phone["actor"] == "admin-terminal" and phone["time"].startswith("2026-03-02T09:35")
    assert phone["service_id"] == "test-places" and phone["service_name"] == "测试站点服务（合成）"
    assert export_proposals(terminal) == items  # stable keys


def test_store_is_idempotent_and_a_newer_edit_supersedes(office: sqlite3.Connection,
                                                        terminal: sqlite3.Connection) -> None:
    _edit_place_phone(terminal, "0371-68000099")
    items = export_proposals(terminal)
    assert store_proposals(office, TERMINAL, "report-1", items, now=NOW) == 1
    assert store_proposals(office, TERMINAL, "report-2", items, now=NOW) == 0
    assert store_proposals(office, "test-terminal-2", "report-3", items, now=NOW) == 1
    assert len(list_proposals(office)) == 2
    _edit_place_phone(terminal, "0371-68000098")
    assert store_proposals(office, TERMINAL, "report-4", export_proposals(terminal), now=NOW) == 1
    shown = [(p.terminal_id, p.proposed) for p in list_proposals(office)]
    assert sorted(shown) == [(TERMINAL, ["0371-68000098"]), ("test-terminal-2", ["0371-68000099"])]
    rejected = office.execute("SELECT decided_by FROM proposals WHERE status = 'rejected'").fetchall()
    assert [r[0] for r in rejected] == ["superseded"]


GOOD = {"service_id": "test-places", "service_name": "测试", "field": ["description"], "label": "简介",
        "base": None, "proposed": "测试建议（合成）", "actor": "admin-x", "time": "2026-03-02T09:30:00+08:00",
        "key": "0123456789abcdef0123"}

HOSTILE: list[Any] = [
    None, 7, "text", [], {},
    {**GOOD, "key": "short"}, {**GOOD, "key": "x" * 20}, {**GOOD, "service_id": ""},
    {**GOOD, "service_id": "a\nb"}, {**GOOD, "service_id": "x" * 5000}, {**GOOD, "field": "description"},
    {**GOOD, "field": []}, {**GOOD, "field": ["id"]}, {**GOOD, "field": ["origin"]}, {**GOOD, "field": ["nope"]},
    {**GOOD, "field": ["locations"]}, {**GOOD, "field": ["locations", "test-loc-a", "nope"]},
    {**GOOD, "field": ["phones", "1"]}, {**GOOD, "field": ["name", 3]}, {**GOOD, "time": "yesterday"},
    {**GOOD, "proposed": "x" * 30_000}, {**GOOD, "proposed": [[[[[["deep"]]]]]]}, {**GOOD, "proposed": {1, 2}},
    {**GOOD, "label": 5}, {**GOOD, "actor": "x" * 5000},
]


def test_hostile_items_are_skipped_one_by_one(office: sqlite3.Connection, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.core.fleet.proposals"):
        assert store_proposals(office, TERMINAL, "report-1", [*HOSTILE, GOOD], now=NOW) == 1
    skipped = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(HOSTILE)
    assert [p.proposed for p in list_proposals(office)] == ["测试建议（合成）"]


@pytest.mark.parametrize(("terminal_id", "report_id", "items"), [
    ("", "r", []), ("a b", "r", []), ("t", "", []), ("t", "x" * 500, []), ("t", "r", {"not": "a list"}),
    (None, "r", []),
])
def test_a_bad_report_is_refused_whole(office: sqlite3.Connection, terminal_id: Any, report_id: Any,
                                       items: Any) -> None:
    with pytest.raises(ProposalError):
        store_proposals(office, terminal_id, report_id, items, now=NOW)
    assert list_proposals(office) == []


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4), max_leaves=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.one_of(JSON, st.fixed_dictionaries({k: st.one_of(st.just(v), JSON)
                                                                for k, v in GOOD.items()})), max_size=6))
def test_any_json_items_are_stored_or_skipped_never_a_crash(office: sqlite3.Connection, items: list[Any]) -> None:
    before = office.execute("SELECT count(*) FROM proposals").fetchone()[0]
    new = store_proposals(office, TERMINAL, "report-h", items, now=NOW)
    after = office.execute("SELECT count(*) FROM proposals").fetchone()[0]
    assert after - before == new
    for p in list_proposals(office):
        assert p.line()  # every stored proposal can be shown
        take_or_refuse(office, p.id)


def take_or_refuse(conn: sqlite3.Connection, ident: int) -> None:
    """Taking a stored (possibly odd) proposal either works or is refused with a KioskError."""
    with contextlib.suppress(KioskError):
        take_proposals(conn, [ident], actor="cli:tester", now=NOW)


def test_take_writes_through_the_editing_path_and_reject_closes(office: sqlite3.Connection,
                                                                terminal: sqlite3.Connection) -> None:
    _edit_place_phone(terminal, "0371-68000099")
    store_proposals(office, TERMINAL, "report-1", export_proposals(terminal), now=NOW)
    [p] = list_proposals(office)
    assert p.line() == "地点 2（测试站乙） 电话：0371-68000012 → 0371-68000099"
    take_proposals(office, [p.id], actor="cli:tester", now=NOW)
    listing = get_listing(office, "test-places")
    assert listing is not None and listing.locations[1].phones == ["0371-68000099"]
    history = audit.history(office, "services", "test-places")
    assert history[0].actor == "cli:tester" and history[0].action == "edit"
    assert audit.history(office, "proposals", str(p.id))[0].action == "take"
    assert list_proposals(office) == [] and [x.id for x in list_proposals(office, status="taken")] == [p.id]
    with pytest.raises(ProposalError, match="already taken"):
        reject_proposals(office, [p.id], actor="cli:tester", now=NOW)
    store_proposals(office, TERMINAL, "report-2", [GOOD], now=NOW)
    [q] = list_proposals(office)
    reject_proposals(office, [q.id], actor="cli:tester", now=NOW)
    assert get_listing(office, "test-places").description != GOOD["proposed"]  # type: ignore[union-attr]
    assert [x.id for x in list_proposals(office, status="rejected")] == [q.id]


def test_take_is_all_or_nothing_and_validated(office: sqlite3.Connection) -> None:
    bad_phone = {**GOOD, "field": ["locations", "test-loc-a", "phones"], "proposed": ["电话号码（不对）"],
                 "key": "1" * 20}
    wrong_shape = {**GOOD, "field": ["phones"], "proposed": [{"nope": 1}], "key": "2" * 20}
    store_proposals(office, TERMINAL, "report-1", [GOOD, bad_phone, wrong_shape], now=NOW)
    ids = {tuple(p.key): p.id for p in list_proposals(office)}
    before = snapshot(office, "test-places")
    with pytest.raises(ListingInvalid, match="电话"):
        take_proposals(office, [ids[("description",)], ids[("locations", "test-loc-a", "phones")]],
                       actor="cli:tester", now=NOW)
    with pytest.raises(ProposalError, match="wrong shape"):
        take_proposals(office, [ids[("phones",)]], actor="cli:tester", now=NOW)
    with pytest.raises(ProposalError, match="no proposal #999"):
        take_proposals(office, [999], actor="cli:tester", now=NOW)
    assert snapshot(office, "test-places") == before and len(list_proposals(office)) == 3


def test_round_trip_terminal_edit_taken_at_the_office_merges_cleanly(
        office_path: Path, office: sqlite3.Connection, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """Terminal edits a phone → proposal → office stores and takes → bundle → terminal: no conflict."""
    _edit_place_phone(terminal, "0371-68000099")
    assert store_proposals(office, TERMINAL, "report-1", export_proposals(terminal), now=NOW) == 1
    take_proposals(office, [list_proposals(office)[0].id], actor="cli:tester", now=NOW)
    export_bundle(office_path, tmp_path / "v2.zip", version=2)
    result = apply_bundle(terminal, tmp_path / "v2.zip", now=NOW + timedelta(hours=1))
    assert "0 conflict(s)" in result.message
    assert conflicts.list_conflicts(terminal) == []
    listing = get_listing(terminal, "test-places")
    assert listing is not None and listing.locations[1].phones == ["0371-68000099"]
    base = load_base(terminal, "test-places")
    assert base is not None and listing_from_snapshot(base).locations[1].phones == ["0371-68000099"]
    assert export_proposals(terminal) == []  # nothing left to propose


def test_the_commands_show_and_decide(office_path: Path, office: sqlite3.Connection, terminal: sqlite3.Connection,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk proposals` prints the field-level diff by listing; `take` writes it; `--json` is a JSON list."""
    from kiosk import cli

    _edit_place_phone(terminal, "0371-68000099")
    store_proposals(office, TERMINAL, "report-1", export_proposals(terminal), now=NOW)
    assert cli.main(["proposals", "--db", str(office_path)]) == 0
    out = capsys.readouterr().out
    assert "~ 修改 changed：测试站点服务（合成） [test-places]" in out
    assert "地点 2（测试站乙） 电话：0371-68000012 → 0371-68000099" in out and TERMINAL in out
    assert cli.main(["proposals", "--json", "--db", str(office_path)]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["field"] == ["locations", "test-loc-b", "phones"] and item["proposed"] == ["0371-68000099"]
    assert cli.main(["proposals", "take", "--db", str(office_path), str(item["id"])]) == 0
    assert "taken" in capsys.readouterr().out
    assert get_listing(office, "test-places").locations[1].phones == ["0371-68000099"]  # type: ignore[union-attr]
    assert audit.history(office, "proposals", str(item["id"]))[0].actor.startswith("cli:")


def test_only_a_workers_own_change_is_proposed(terminal: sqlite3.Connection) -> None:
    """A difference from the base that no worker here made (e.g. an upgrade's content) is not a proposal."""
    terminal.execute("UPDATE services SET name_en = 'Changed by an upgrade (test)' WHERE id = 'test-places'")
    assert export_proposals(terminal) == []
    _edit_place_phone(terminal, "0371-68000099")
    assert [i["field"] for i in export_proposals(terminal)] == [["locations", "test-loc-b", "phones"]]


def test_proposals_travel_in_a_real_report_and_are_counted_once(office: sqlite3.Connection,
                                                                terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """`kiosk outbox`'s report carries the proposals; `kiosk collect` stores them once however often collected."""
    from kiosk.core.fleet.collect import collect_reports
    from kiosk.core.fleet.report import write_report
    from kiosk.core.terminal.runs import Runs

    _edit_place_phone(terminal, "0371-68000099")
    written = write_report(terminal, tmp_path / "report.zip", terminal_id=TERMINAL, place="测试站（合成）",
                           runs=Runs(), now=NOW + timedelta(hours=1))
    first = collect_reports(office, [written.path], now=NOW + timedelta(hours=2))
    again = collect_reports(office, [written.path], now=NOW + timedelta(hours=3))
    assert (first.proposals, again.proposals) == (1, 0)
    [p] = list_proposals(office)
    assert (p.terminal_id, p.key, p.proposed) == (TERMINAL, ("locations", "test-loc-b", "phones"), ["0371-68000099"])
