"""search_results: the rows the search screen shows — every kind with what its card needs, and "open now"."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.core.hours.opening import SHANGHAI
from kiosk.core.search.ranking import search
from kiosk.core.search.results import search_results

WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)
"""A working day (no holiday), mid-morning."""


def add_test_hours(conn: sqlite3.Connection, service_id: str, expr: str) -> None:
    """TEST DATA, not a fact: give ``service_id`` the opening hours ``expr`` in this test's database copy."""
    conn.execute("INSERT INTO schedules (id, service_id, opening_hours) VALUES (?, ?, ?)",
                 (f"test-hours-{service_id}", service_id, expr))
    conn.commit()


def test_rows_follow_search_order_and_carry_what_each_kind_needs(seed_conn: sqlite3.Connection) -> None:
    """Every hit of 养老 is a row, in search order; services have a summary, figures a figure, all a category."""
    rows = search_results(seed_conn, "养老", now=WEDNESDAY_MORNING, open_only=False, limit=50)
    assert [(r.kind, r.hit.id) for r in rows] == [(h.kind, h.id) for h in search(seed_conn, "养老", limit=50)]
    kinds = {r.kind for r in rows}
    assert {"category", "service", "hotline", "figure"} <= kinds
    for r in rows:
        assert (r.summary is not None) == (r.kind == "service")
        assert (r.figure is not None) == (r.kind == "figure")
        if r.kind == "service":
            assert r.summary is not None and r.summary.id == r.hit.id
            assert r.category is not None and r.category.id == r.summary.category_id
            assert r.hours is None  # the seed gives no opening hours
        if r.kind == "figure":
            assert r.figure is not None and r.figure.id == r.hit.id
    category = next(r for r in rows if r.kind == "category")
    assert category.category is not None and category.category.id == category.hit.id == "elderly"


def test_news_hits_are_rows_too(seed_conn: sqlite3.Connection) -> None:
    """人口 finds figures and news; each news row has no summary and no figure."""
    rows = search_results(seed_conn, "人口", now=WEDNESDAY_MORNING, open_only=False, limit=50)
    news = [r for r in rows if r.kind == "news"]
    assert news and all(r.summary is None and r.figure is None for r in news)


def test_blank_query_and_limit(seed_conn: sqlite3.Connection) -> None:
    """Blank text gives no rows; ``limit`` bounds them."""
    assert search_results(seed_conn, "   ", now=WEDNESDAY_MORNING, open_only=False, limit=50) == []
    assert len(search_results(seed_conn, "养老", now=WEDNESDAY_MORNING, open_only=False, limit=2)) == 2


def test_open_only_keeps_only_services_known_to_be_open(conn: sqlite3.Connection) -> None:
    """现在开放: a service open at ``now`` stays; a closed one, one with unreadable or no hours, and every
    non-service row go."""
    add_test_hours(conn, "elderly-care-facilities", "24/7")
    add_test_hours(conn, "smart-elderly-care-12349", "Mo-Fr 14:00-17:00")
    everything = search_results(conn, "养老", now=WEDNESDAY_MORNING, open_only=False, limit=50)
    assert {"elderly-care-facilities", "smart-elderly-care-12349"} <= {r.hit.id for r in everything}
    open_rows = search_results(conn, "养老", now=WEDNESDAY_MORNING, open_only=True, limit=50)
    assert [(r.kind, r.hit.id) for r in open_rows] == [("service", "elderly-care-facilities")]
    assert open_rows[0].hours is not None and open_rows[0].hours.state == "open"
    afternoon = WEDNESDAY_MORNING.replace(hour=15)
    assert [r.hit.id for r in search_results(conn, "养老", now=afternoon, open_only=True, limit=50)] == [
        "elderly-care-facilities", "smart-elderly-care-12349"]
    closed = next(r for r in everything if r.hit.id == "smart-elderly-care-12349")
    assert closed.hours is not None and closed.hours.state != "open"


def test_unreadable_hours_never_break_a_row(conn: sqlite3.Connection) -> None:
    """A service whose hours cannot be read is still shown (hours unknown) and left out by 现在开放."""
    add_test_hours(conn, "elderly-care-facilities", "not hours at all")
    rows = search_results(conn, "养老", now=WEDNESDAY_MORNING, open_only=False, limit=50)
    row = next(r for r in rows if r.hit.id == "elderly-care-facilities")
    assert row.summary is not None and row.hours is None
    assert search_results(conn, "养老", now=WEDNESDAY_MORNING, open_only=True, limit=50) == []
