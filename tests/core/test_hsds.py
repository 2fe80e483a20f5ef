"""HSDS 3.0 data packages: Open Referral's real example imports; our export has HSDS's shape."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kiosk.core import queries
from kiosk.core.exchange.hsds import RESOURCES, rule_to_opening_hours, simple_rule
from kiosk.core.exchange.transfer import export, import_path, plan_import
from tests.helpers.worker import NOW, content

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "hsds-example"
"""Open Referral's HSDS 3.0 example package, copied unchanged (CC BY-SA 4.0, see its LICENSE)."""
SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def test_example_without_category_is_a_clear_error(conn: sqlite3.Connection) -> None:
    """The example links its service to no category of ours: the dry run says to pass --category."""
    before = content(conn)
    plan = plan_import(conn, EXAMPLE)
    assert len(plan.problems) == 1
    problem = str(plan.problems[0])
    assert "services.csv" in problem and "第 2 行" in problem and "--category" in problem
    assert content(conn) == before


def test_example_imports_with_category(conn: sqlite3.Connection) -> None:
    """With --category health the example's service, phone, hours, location, documents and language arrive."""
    plan = plan_import(conn, EXAMPLE, category="health")
    assert plan.ok and plan.new == [SERVICE]
    notes = " ".join(str(w) for w in plan.warnings)
    assert "contacts.csv" in notes and "latitude" in notes  # people's names are not stored; lat 100 dropped
    import_path(conn, EXAMPLE, actor="t", now=NOW, category="health")
    detail = queries.get_service(conn, SERVICE)
    assert detail is not None and detail.name == "Community Counselling" and detail.category.id == "health"
    assert [p.number for p in detail.phones] == ["+44 1234 234567"]
    assert [s.opening_hours for s in detail.schedules] == ["Th,Fr 10:00-18:00"]
    place = detail.locations[0]
    assert place.name == "MyCity Civic Center" and "1-30 Main Street" in (place.address or "")
    assert detail.locations[0].latitude is None
    assert detail.required_documents and detail.languages == ("Urdu",)
    assert conn.execute("SELECT name FROM organizations").fetchall()[0][0] == "Example Organization Inc."
    # a second import of the same package changes nothing
    again = plan_import(conn, EXAMPLE, category="health")
    assert again.ok and again.changed == [] and again.new == []


def test_export_has_hsds_tables_and_descriptor(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Our export: HSDS 3.0 column names first in every CSV and a datapackage.json naming each resource."""
    export(conn, "hsds", tmp_path / "pkg")
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    names = {r["name"]: r for r in package["resources"]}
    for name, file, columns, _extra in RESOURCES:
        assert names[name]["path"] == file
        header = (tmp_path / "pkg" / file).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[: len(columns)] == list(columns)
        example = EXAMPLE / file
        if example.is_file():  # the same columns as Open Referral's own example, in the same order
            assert header[: len(columns)] == example.read_text(encoding="utf-8").splitlines()[0].split(",")
    services = (tmp_path / "pkg" / "services.csv").read_text(encoding="utf-8")
    assert "smart-elderly-care-12349" in services


def test_weekly_rules_convert_both_ways() -> None:
    """Simple opening hours become HSDS weekly rules and HSDS rules become opening hours."""
    rule = simple_rule("Mo-Fr 08:30-17:30")
    assert rule == {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "08:30:00", "closes_at": "17:30:00"}
    assert simple_rule("Mo-Fr 08:30-12:00,14:30-17:30") is None
    assert rule_to_opening_hours({"freq": "WEEKLY", "byday": "TH,FR", "opens_at": "10:00:00",
                                  "closes_at": "18:00:00"}) == ("Th,Fr 10:00-18:00", "")
    assert rule_to_opening_hours({"freq": "MONTHLY", "opens_at": "10:00"})[0] is None
