"""Places found as results of their own: "地点名 — 服务名", by name and address, pinyin and initials.

The places are generated test data (测试 = test, made up), added through the worker's editing path.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.core.listings.fields import LocationEntry
from kiosk.core.search.index import reindex
from kiosk.core.search.ranking import SCORES, SearchHit, search
from kiosk.core.search.results import search_page

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SERVICE = "elderly-care-facilities"
"""The listing given the generated places (社区养老服务设施)."""

PLACES = [
    LocationEntry(name="测试翠湖邻里站", address="测试枫桥路 18 号", community="测试东社区",
                  name_en="Test Cuihu Neighbourhood Post", address_en="18 Test Fengqiao Road"),
    LocationEntry(name="测试银杏驿站", address="测试松柏街 3 号", community="测试西社区"),
]


def give_places(conn: sqlite3.Connection, places: list[LocationEntry], service_id: str = SERVICE) -> None:
    listing = get_listing(conn, service_id)
    assert listing is not None
    save_listing(conn, replace(listing, locations=places), actor="测试", now=NOW)


def places_of(hits: list[SearchHit]) -> list[SearchHit]:
    return [h for h in hits if h.kind == "place"]


def service_name(conn: sqlite3.Connection, service_id: str = SERVICE) -> str:
    return str(conn.execute("SELECT name FROM services WHERE id = ?", (service_id,)).fetchone()[0])


def test_place_found_by_its_name_as_place_and_service(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    hits = search(conn, "翠湖邻里")
    found = places_of(hits)
    assert len(found) == 1
    hit = found[0]
    assert hit.service_id == SERVICE
    assert hit.name == f"测试翠湖邻里站 — {service_name(conn)}"
    assert hit.name_en is not None and hit.name_en.startswith("Test Cuihu Neighbourhood Post — ")
    assert hit.group == "main" and hit.score == SCORES["contains"]
    place_id = hit.place_id
    assert place_id and conn.execute("SELECT name FROM locations WHERE id = ?", (place_id,)).fetchone()[0] \
        == "测试翠湖邻里站"
    assert not [h for h in hits if h.kind == "service" and h.id == SERVICE]  # once, as the place


def test_place_found_by_address_pinyin_and_initials(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    for query in ("枫桥路", "松柏街3号", "cuihulinli", "ceshicuihu", "cschllz", "chllz", "fengqiaolu"):
        found = places_of(search(conn, query))
        assert found, query
        assert found[0].service_id == SERVICE, query
    assert places_of(search(conn, "松柏街"))[0].name.startswith("测试银杏驿站")
    assert places_of(search(conn, "fengqiao road"))[0].name.startswith("测试翠湖邻里站")


def test_a_service_is_listed_once_when_its_name_and_a_place_match(conn: sqlite3.Connection) -> None:
    """The service's name matches "社区养老" and so do both place names: the service is listed once, as itself
    (its page shows every place)."""
    give_places(conn, [LocationEntry(name="测试社区养老东站"), LocationEntry(name="测试社区养老西站")])
    hits = search(conn, "社区养老")
    of_service = [h for h in hits if h.service_id == SERVICE]
    assert [h.kind for h in of_service] == ["service"]


def test_one_result_per_service_when_several_places_match(conn: sqlite3.Connection) -> None:
    give_places(conn, [LocationEntry(name="测试甲站", address="测试长巷路 1 号"),
                       LocationEntry(name="测试乙站", address="测试长巷路 2 号")])
    found = places_of(search(conn, "长巷路"))
    assert [h.service_id for h in found] == [SERVICE]


def test_retired_place_is_not_found(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    assert places_of(search(conn, "银杏驿站"))
    give_places(conn, PLACES[:1])  # the worker takes the second place off the listing
    assert not places_of(search(conn, "银杏驿站"))
    assert places_of(search(conn, "翠湖邻里"))
    with conn:
        conn.execute("UPDATE locations SET status = 'retired' WHERE name = '测试翠湖邻里站'")
        reindex(conn, [SERVICE])
    assert not places_of(search(conn, "翠湖邻里"))


def test_edited_place_name_is_found_after_the_edit(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    assert places_of(search(conn, "翠湖邻里"))
    listing = get_listing(conn, SERVICE)
    assert listing is not None
    renamed = [replace(listing.locations[0], name="测试荷塘邻里站"), *listing.locations[1:]]
    save_listing(conn, replace(listing, locations=renamed), actor="测试", now=NOW)
    assert not places_of(search(conn, "翠湖邻里"))
    assert places_of(search(conn, "荷塘邻里"))[0].name.startswith("测试荷塘邻里站")
    assert places_of(search(conn, "hetang"))


def test_retired_service_takes_its_places_along(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    with conn:
        conn.execute("UPDATE services SET status = 'inactive' WHERE id = ?", (SERVICE,))
    assert not places_of(search(conn, "翠湖邻里"))  # even before the re-index


def test_full_rebuild_keeps_places(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    with conn:
        reindex(conn)
    assert places_of(search(conn, "翠湖邻里"))
    rows = conn.execute("SELECT COUNT(*) FROM search_index WHERE kind = 'place' AND name LIKE '测试%'").fetchone()
    assert rows[0] == 2


def test_place_results_carry_the_service_summary(conn: sqlite3.Connection) -> None:
    give_places(conn, PLACES)
    page = search_page(conn, "翠湖邻里", now=NOW)
    row = next(r for r in page.results if r.kind == "place")
    assert row.summary is not None and row.summary.id == SERVICE
    assert row.category is not None and row.category.id == "elderly"


def test_a_place_result_carries_the_place_s_own_hours_and_phone(conn: sqlite3.Connection) -> None:
    """A place hit's open-now state and phone are the place's own (what its card on the detail page says):
    an open place passes the 现在开放 filter, a place with no hours recorded is unknown and does not."""
    open_place = replace(PLACES[0], hours="周一至周五 8:30-17:30", phones=["0371-60000009"])
    give_places(conn, [open_place, PLACES[1]])
    page = search_page(conn, "测试翠湖邻里站", now=NOW)
    row = next(r for r in page.results if r.kind == "place")
    assert row.place is not None and row.place.first_phone == "0371-60000009"
    assert row.place.address == "测试枫桥路 18 号"
    assert row.hours is not None and row.hours.state == "open"
    assert page.has_hours
    bare = next(r for r in search_page(conn, "测试银杏驿站", now=NOW).results if r.kind == "place")
    assert bare.place is not None and bare.place.hours is None and bare.place.first_phone is None
    assert bare.hours is None
    open_now = search_page(conn, "测试", now=NOW, open_only=True).results
    assert row.hit.place_id in {r.hit.place_id for r in open_now if r.kind == "place"}
    assert not [r for r in open_now if r.kind == "place" and r.hit.place_id == bare.hit.place_id]
    evening = search_page(conn, "测试翠湖邻里站", now=NOW.replace(hour=20), open_only=True).results
    assert not [r for r in evening if r.kind == "place"]
