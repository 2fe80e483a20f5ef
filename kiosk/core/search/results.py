"""What the search screen shows for a query: the hits, with what each card needs, after the "open now" filter.

The screen used to fetch summaries, categories and figures and filter by opening hours itself; that
is a rule of the product, so it lives here, without Qt, with ``now`` as a parameter, and the screen
only formats these rows and navigates.

:func:`search_page` is what the screen shows for one query: the services group and the district
information group (figures, news) apart, the errand suggestion ("去看：政务服务" or "本机暂无「药店」"),
the one-key typo correction used, and whether any listing found has opening hours (the "现在开放"
filter is offered only then).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.core import queries
from kiosk.core.models import Category, Figure, PlaceFacts, ServiceSummary
from kiosk.core.search.errands import Errand
from kiosk.core.search.ranking import SearchHit, find, search

if TYPE_CHECKING:
    from kiosk.core.hours.holidays import CalendarCache
    from kiosk.core.hours.opening import HoursState

SERVICE_KINDS = frozenset({"service", "place"})
"""Hits that open a service's page (a place hit opens it at that place)."""

_calendars: CalendarCache | None = None
"""The holiday calendar per connection, made on the first service with hours."""


@dataclass(frozen=True)
class SearchResult:
    """One row of the results: the hit and what its card shows (None where the kind has none)."""

    hit: SearchHit
    category: Category | None
    """The hit's category (a service's, or the category hit itself)."""
    summary: ServiceSummary | None = None
    """For a service, or a place of a service: the service's summary."""
    hours: HoursState | None = None
    """For a service with readable hours: its state at ``now`` (None when unknown)."""
    figure: Figure | None = None
    """For a figure: the figure."""
    place: PlaceFacts | None = None
    """For a place: its address, its own hours and first phone (each None: not recorded). ``hours`` is then
    the place's own state, as its card on the detail page shows it."""

    @property
    def kind(self) -> str:
        return self.hit.kind


@dataclass(frozen=True)
class SearchPage:
    """Everything the search screen shows for one query."""

    query: str
    results: list[SearchResult]
    """Categories, services and hotlines (typo hits last), after the open-now filter."""
    info: list[SearchResult]
    """District figures and news sections (none under the open-now filter)."""
    errand: Errand | None = None
    """The query's errand word (see :mod:`kiosk.core.search.errands`)."""
    errand_category: Category | None = None
    """The category the errand leads to (None: this terminal has nothing for it, or no errand)."""
    corrected: str | None = None
    """The one-key variant whose hits were added ("您是不是要找：yanglao")."""
    has_hours: bool = False
    """Some service found (before the open-now filter) has opening hours that can be read."""
    found: int = 0
    """How many hits there were before the open-now filter."""

    @property
    def rows(self) -> list[SearchResult]:
        """Both groups, services first."""
        return [*self.results, *self.info]

    @property
    def nothing_here(self) -> bool:
        """The query is an errand this terminal lists nothing for (say so, offer 12345)."""
        return self.errand is not None and self.errand.category_id is None


def search_page(conn: sqlite3.Connection, query: str, *, now: datetime, open_only: bool = False,
                limit: int = 50) -> SearchPage:
    """What the search screen shows for ``query`` at ``now`` (a blank query: an empty page)."""
    if not query.strip():
        return SearchPage(query, [], [])
    outcome = find(conn, query, limit=limit)
    everything = results_for(conn, outcome.hits, now=now)
    has_hours = any(r.summary is not None and r.hours is not None for r in everything)
    rows = ([r for r in everything if r.kind in SERVICE_KINDS and is_open(r.hours) is True] if open_only
            else everything)
    category = None
    if outcome.errand is not None and outcome.errand.category_id is not None:
        category = next((c for c in queries.list_categories(conn) if c.id == outcome.errand.category_id), None)
    return SearchPage(query, [r for r in rows if r.hit.group == "main"], [r for r in rows if r.hit.group != "main"],
                      outcome.errand, category, outcome.corrected, has_hours, len(outcome.hits))


def hours_at(conn: sqlite3.Connection, expr: str | None, now: datetime) -> HoursState | None:
    """The state of ``expr`` at ``now`` under the database's holiday calendar; None when it cannot be read."""
    if not expr:
        return None
    global _calendars
    from kiosk.core.hours import opening  # on the first listing with hours, not at start-up
    from kiosk.core.hours.holidays import CalendarCache

    if _calendars is None:
        _calendars = CalendarCache()
    try:
        return opening.hours_state(expr, now, _calendars.get(conn))
    except Exception:  # a bad expression never breaks a listing
        return None


def is_open(state: HoursState | None) -> bool | None:
    """True/False when known, None when the hours are unknown."""
    if state is None or state.state == "unknown":
        return None
    return state.state == "open"


def search_results(conn: sqlite3.Connection, query: str, *, now: datetime, open_only: bool = False,
                   limit: int = 50) -> list[SearchResult]:
    """The rows the search screen shows for ``query`` at ``now``, best first.

    With ``open_only`` only services known to be open at ``now`` are kept (every other kind, and a
    service whose hours are unknown, is left out). A blank query gives no rows.
    """
    hits = search(conn, query, limit=limit) if query.strip() else []
    return results_for(conn, hits, now=now, open_only=open_only)


def results_for(conn: sqlite3.Connection, hits: list[SearchHit], *, now: datetime,
                open_only: bool = False) -> list[SearchResult]:
    """:func:`search_results` for hits already found (the screen keeps them to tell "filtered out" from "none")."""
    if not hits:
        return []
    service_ids = list(dict.fromkeys(h.service_id for h in hits if h.service_id))
    summaries = {s.id: s for s in queries.get_summaries(conn, service_ids)} if service_ids else {}
    categories = {c.id: c for c in queries.list_categories(conn)}
    figures = ({f.id: f for f in queries.list_figures(conn)}
               if any(h.kind == "figure" for h in hits) else {})
    places = queries.place_facts(conn, [h.place_id for h in hits if h.place_id])
    rows: list[SearchResult] = []
    for hit in hits:
        summary = summaries.get(hit.service_id) if hit.service_id else None
        place = places.get(hit.place_id) if hit.place_id else None
        if place is not None:  # a place's own hours (none recorded: unknown, as on its card)
            state = hours_at(conn, place.hours, now)
        else:
            state = hours_at(conn, summary.opening_hours, now) if summary is not None else None
        if open_only and (summary is None or is_open(state) is not True):
            continue
        rows.append(SearchResult(hit, categories.get(hit.category_id or ""), summary, state,
                                 figures.get(hit.id) if hit.kind == "figure" else None, place))
    return rows
