"""Read functions for the screens: they take a connection and return dataclasses."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import TypeAlias

from kiosk.core.models import (
    Category,
    Figure,
    Hotline,
    Location,
    NewsItem,
    Phone,
    PlaceFacts,
    Schedule,
    ServiceDetail,
    ServiceSummary,
    SourceRef,
)

Connection: TypeAlias = sqlite3.Connection
"""The connection type screens hold (they never import sqlite3 themselves)."""


class _Sources:
    """Caches source titles so that each SourceRef is cheap to make."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._meta = {r["id"]: (r["title"], r["year"]) for r in conn.execute("SELECT id, title, year FROM sources")}

    def ref(self, source_id: str | None, quote: str | None) -> SourceRef | None:
        if not source_id or not quote or source_id not in self._meta:
            return None
        title, year = self._meta[source_id]
        return SourceRef(source_id, title, year, quote)


def list_categories(conn: sqlite3.Connection, *, primary_only: bool = False) -> list[Category]:
    """Categories in display order, each with its count of active services."""
    sql = """
        SELECT c.*, (SELECT COUNT(*) FROM services s
                     WHERE s.category_id = c.id AND s.status = 'active') AS service_count
        FROM categories c {where} ORDER BY c.sort_order, c.id
    """.format(where="WHERE c.is_primary = 1" if primary_only else "")
    return [_category(r) for r in conn.execute(sql)]


def get_category(conn: sqlite3.Connection, category_id: str) -> Category | None:
    for cat in list_categories(conn):
        if cat.id == category_id:
            return cat
    return None


def _category(r: sqlite3.Row) -> Category:
    return Category(r["id"], r["name"], r["name_en"], r["description"], r["description_en"], r["icon"],
                    r["color"], bool(r["is_primary"]), r["service_count"])


_SUMMARY_SQL = """
    SELECT s.id, s.category_id, s.name, s.name_en, s.description, s.description_en, s.count, s.count_unit,
           s.count_unit_en,
           (SELECT opening_hours FROM schedules h WHERE h.service_id = s.id AND h.location_id IS NULL
            ORDER BY h.id LIMIT 1) AS hours,
           (SELECT number FROM phones p WHERE p.service_id = s.id AND p.location_id IS NULL
            ORDER BY p.sort_order, p.id LIMIT 1) AS phone,
           (SELECT COUNT(*) FROM service_at_location sl JOIN locations l ON l.id = sl.location_id
            WHERE sl.service_id = s.id AND l.status = 'active') AS places
    FROM services s
"""


def list_services(conn: sqlite3.Connection, category_id: str | None = None) -> list[ServiceSummary]:
    """Active services of a category (or all), in the seed's order."""
    if category_id is None:
        rows = conn.execute(_SUMMARY_SQL + " WHERE s.status = 'active' ORDER BY s.sort_order, s.id")
    else:
        rows = conn.execute(
            _SUMMARY_SQL + " WHERE s.status = 'active' AND s.category_id = ? ORDER BY s.sort_order, s.id",
            (category_id,),
        )
    return _with_place_hours(conn, [_summary(r) for r in rows])


def _with_place_hours(conn: sqlite3.Connection, summaries: list[ServiceSummary]) -> list[ServiceSummary]:
    """The summaries with the opening hours of their active places (one query for all of them)."""
    ids = [s.id for s in summaries if s.places]
    if not ids:
        return summaries
    marks = ",".join("?" * len(ids))
    hours: dict[str, list[str]] = {}
    for r in conn.execute(
            f"""SELECT h.service_id, h.opening_hours FROM schedules h JOIN locations l ON l.id = h.location_id
                WHERE h.service_id IN ({marks}) AND l.status = 'active' ORDER BY h.service_id, h.id""", ids):
        hours.setdefault(r[0], []).append(r[1])
    return [replace(s, place_hours=tuple(hours.get(s.id, ()))) for s in summaries]


def get_summaries(conn: sqlite3.Connection, ids: list[str]) -> list[ServiceSummary]:
    """Summaries for the given ids, in the given order (missing ids are skipped)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    by_id = {r["id"]: _summary(r) for r in conn.execute(_SUMMARY_SQL + f" WHERE s.id IN ({marks})", ids)}
    return _with_place_hours(conn, [by_id[i] for i in ids if i in by_id])


def _summary(r: sqlite3.Row) -> ServiceSummary:
    return ServiceSummary(r["id"], r["category_id"], r["name"], r["name_en"], r["description"],
                          r["description_en"], r["count"], r["count_unit"], r["count_unit_en"], r["hours"],
                          r["phone"], r["places"])


def place_facts(conn: sqlite3.Connection, ids: list[str]) -> dict[str, PlaceFacts]:
    """Place id → :class:`PlaceFacts` of the given places (a place's own rows, as its card on the detail page)."""
    if not ids:
        return {}
    ids = list(dict.fromkeys(ids))
    marks = ",".join("?" * len(ids))
    hours: dict[str, str] = {}
    for h in conn.execute(f"SELECT location_id, opening_hours FROM schedules WHERE location_id IN ({marks}) "
                          "ORDER BY id", ids):
        hours.setdefault(h[0], h[1])
    phones: dict[str, str] = {}
    for p in conn.execute(f"SELECT location_id, number FROM phones WHERE location_id IN ({marks}) "
                          "ORDER BY sort_order, id", ids):
        phones.setdefault(p[0], p[1])
    return {r[0]: PlaceFacts(r[1], r[2], hours.get(r[0]), phones.get(r[0])) for r in conn.execute(
        f"SELECT id, address, address_en FROM locations WHERE id IN ({marks})", ids)}


def get_service(conn: sqlite3.Connection, service_id: str) -> ServiceDetail | None:
    """Everything known about one service, or None when there is no such service."""
    r = conn.execute("SELECT * FROM services WHERE id = ?", (service_id,)).fetchone()
    if r is None:
        return None
    sources = _Sources(conn)
    category = get_category(conn, r["category_id"])
    assert category is not None  # foreign key
    phones = tuple(
        Phone(p["number"], p["type"], p["description"], p["description_en"],
              sources.ref(p["source_id"], p["source_quote"]))
        for p in conn.execute(
            "SELECT * FROM phones WHERE service_id = ? AND location_id IS NULL ORDER BY sort_order, id",
            (service_id,))
    )
    schedules = tuple(
        Schedule(h["opening_hours"], h["description"], h["description_en"],
                 sources.ref(h["source_id"], h["source_quote"]))
        for h in conn.execute("SELECT * FROM schedules WHERE service_id = ? AND location_id IS NULL ORDER BY id",
                              (service_id,))
    )
    # A place's own rows, read for all the service's places at once (a service may have hundreds).
    place_hours: dict[str, str] = {}
    for h in conn.execute("SELECT location_id, opening_hours FROM schedules WHERE service_id = ? "
                          "AND location_id IS NOT NULL ORDER BY id", (service_id,)):
        place_hours.setdefault(h[0], h[1])
    place_phones: dict[str, list[str]] = {}
    for p in conn.execute("SELECT location_id, number FROM phones WHERE service_id = ? AND location_id IS NOT NULL "
                          "ORDER BY sort_order, id", (service_id,)):
        place_phones.setdefault(p[0], []).append(p[1])
    access: dict[str, list[str]] = {}
    for a in conn.execute("""SELECT a.location_id, a.description FROM accessibility a
                             JOIN service_at_location sl ON sl.location_id = a.location_id
                             WHERE sl.service_id = ? ORDER BY a.id""", (service_id,)):
        access.setdefault(a[0], []).append(a[1])
    locations = [
        Location(loc["id"], loc["name"], loc["name_en"], loc["address"], loc["address_en"], loc["community"],
                 loc["transportation"], loc["latitude"], loc["longitude"], tuple(access.get(loc["id"], ())),
                 place_hours.get(loc["id"]), tuple(place_phones.get(loc["id"], ())))
        for loc in conn.execute(
            """SELECT l.* FROM locations l JOIN service_at_location sl ON sl.location_id = l.id
               WHERE sl.service_id = ? AND l.status = 'active'
               ORDER BY sl.sort_order IS NULL, sl.sort_order, l.id""", (service_id,))
    ]
    documents = tuple(
        (d["document"], d["document_en"])
        for d in conn.execute("SELECT * FROM required_documents WHERE service_id = ? ORDER BY id", (service_id,))
    )
    languages = tuple(
        lang["name"] for lang in conn.execute("SELECT name FROM languages WHERE service_id = ? ORDER BY id",
                                              (service_id,))
    )
    return ServiceDetail(
        id=r["id"], category=category, name=r["name"], name_en=r["name_en"], alternate_name=r["alternate_name"],
        description=r["description"], description_en=r["description_en"], url=r["url"], email=r["email"],
        status=r["status"], application_process=r["application_process"],
        application_process_en=r["application_process_en"],
        eligibility_description=r["eligibility_description"],
        eligibility_description_en=r["eligibility_description_en"], fees_description=r["fees_description"],
        fees_description_en=r["fees_description_en"], count=r["count"], count_unit=r["count_unit"],
        count_unit_en=r["count_unit_en"], origin=r["origin"], source=sources.ref(r["source_id"], r["source_quote"]),
        phones=phones, schedules=schedules, locations=tuple(locations), required_documents=documents,
        languages=languages,
    )


def list_figures(conn: sqlite3.Connection, *, topic: str | None = None) -> list[Figure]:
    """District figures in the seed's order."""
    sources = _Sources(conn)
    if topic is None:
        rows = conn.execute("SELECT * FROM figures ORDER BY sort_order, id")
    else:
        rows = conn.execute("SELECT * FROM figures WHERE topic = ? ORDER BY sort_order, id", (topic,))
    out = []
    for r in rows:
        ref = sources.ref(r["source_id"], r["source_quote"])
        assert ref is not None
        out.append(Figure(r["id"], r["topic"], r["label"], r["label_en"], r["value"], r["unit"], r["unit_en"],
                          r["qualifier"], r["year"], r["period"], r["chart"], r["series"], ref))
    return out


def list_news(conn: sqlite3.Connection) -> list[NewsItem]:
    """The article's sections in reading order."""
    sources = _Sources(conn)
    out = []
    for r in conn.execute("SELECT * FROM news ORDER BY sort_order, id"):
        paragraphs = tuple(p for p in r["body"].split("\n\n") if p.strip())
        ref = sources.ref(r["source_id"], paragraphs[0] if paragraphs else r["title"])
        assert ref is not None
        out.append(NewsItem(r["id"], r["title"], r["title_en"], r["summary_en"], paragraphs,
                            tuple(json.loads(r["captions"])), r["credit"], ref))
    return out


def list_hotlines(conn: sqlite3.Connection) -> list[Hotline]:
    sources = _Sources(conn)
    return [
        Hotline(r["number"], r["name"], r["name_en"], r["service_id"], r["basis"], r["note"], r["note_en"],
                sources.ref(r["source_id"], r["source_quote"]))
        for r in conn.execute("SELECT * FROM hotlines ORDER BY sort_order, number")
    ]


def content_generation(conn: sqlite3.Connection) -> str:
    """The content generation (:func:`kiosk.core.search.index.content_generation`): it changes whenever the
    content changes, so a screen knows when what it read is out of date."""
    from kiosk.core.search.index import content_generation as generation  # not at start-up: pinyin tables

    return generation(conn)
