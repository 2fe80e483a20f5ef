"""What the search screen shows for a query: the hits, with what each card needs, after the "open now" filter.

The screen used to fetch summaries, categories and figures and filter by opening hours itself; that
is a rule of the product, so it lives here, without Qt, with ``now`` as a parameter, and the screen
only formats these rows and navigates.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.core import queries
from kiosk.core.models import Category, Figure, ServiceSummary
from kiosk.core.search.ranking import SearchHit, search

if TYPE_CHECKING:
    from kiosk.core.hours.holidays import CalendarCache
    from kiosk.core.hours.opening import HoursState

_calendars: CalendarCache | None = None
"""The holiday calendar per connection, made on the first service with hours."""


@dataclass(frozen=True)
class SearchResult:
    """One row of the results: the hit and what its card shows (None where the kind has none)."""

    hit: SearchHit
    category: Category | None
    """The hit's category (a service's, or the category hit itself)."""
    summary: ServiceSummary | None = None
    """For a service: its summary."""
    hours: HoursState | None = None
    """For a service with readable hours: its state at ``now`` (None when unknown)."""
    figure: Figure | None = None
    """For a figure: the figure."""

    @property
    def kind(self) -> str:
        return self.hit.kind


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
    service_ids = [h.id for h in hits if h.kind == "service"]
    summaries = {s.id: s for s in queries.get_summaries(conn, service_ids)} if service_ids else {}
    categories = {c.id: c for c in queries.list_categories(conn)}
    figures = ({f.id: f for f in queries.list_figures(conn)}
               if any(h.kind == "figure" for h in hits) else {})
    rows: list[SearchResult] = []
    for hit in hits:
        summary = summaries.get(hit.id) if hit.kind == "service" else None
        state = hours_at(conn, summary.opening_hours, now) if summary is not None else None
        if open_only and (summary is None or is_open(state) is not True):
            continue
        rows.append(SearchResult(hit, categories.get(hit.category_id or ""), summary, state,
                                 figures.get(hit.id) if hit.kind == "figure" else None))
    return rows
