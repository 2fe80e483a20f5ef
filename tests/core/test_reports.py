"""Reports: most viewed services/categories, zero-result searches, feedback — by day and week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.core.db.connection import connect
from kiosk.core.workers import feedback, usage
from kiosk.core.workers.reports import build_report, format_report, period_bounds
from tests.helpers.worker import NOW


def test_weeks_start_on_monday() -> None:
    """Periods by week are Monday–Sunday, clipped to the asked range."""
    bounds = period_bounds(date(2026, 3, 4), date(2026, 3, 17), "week")
    assert bounds == [(date(2026, 3, 4), date(2026, 3, 8)), (date(2026, 3, 9), date(2026, 3, 15)),
                      (date(2026, 3, 16), date(2026, 3, 17))]
    assert len(period_bounds(date(2026, 3, 4), date(2026, 3, 6), "day")) == 3


def test_views_are_counted_per_local_day(writable_db: Path) -> None:
    """A view at 23:30 UTC counts on the next day in Shanghai; only a counter per day is kept."""
    conn = connect(writable_db)
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 March in Shanghai
    usage.record_view(conn, "service", "library-branches", late)
    assert tuple(conn.execute("SELECT day, count FROM usage_counts").fetchone()) == ("2026-03-02", 1)


def test_report_ranks_views_misses_and_feedback(writable_db: Path) -> None:
    """Top services and categories by views, searches with no result, feedback new/done per week."""
    conn = connect(writable_db)
    for _ in range(3):
        usage.record_view(conn, "service", "library-branches", NOW)
    usage.record_view(conn, "service", "smart-elderly-care-12349", NOW + timedelta(days=7))
    usage.record_view(conn, "category", "culture", NOW)
    conn.execute("INSERT INTO search_misses(day, query, count) VALUES ('2026-03-03', '游泳馆', 4)")
    item = feedback.add_feedback(conn, "library-branches", "closed", NOW)
    feedback.mark_done(conn, item, now=NOW + timedelta(days=8), actor="t")
    feedback.add_feedback(conn, "library-branches", "other", NOW)

    report = build_report(conn, date(2026, 3, 2), date(2026, 3, 15), by="week")
    first, second = report.periods
    assert [(c.name, c.count) for c in first.services] == [("图书分馆", 3)]
    assert [(c.name, c.count) for c in first.categories] == [("图书文化", 1)]
    assert [(c.key, c.count) for c in first.misses] == [("游泳馆", 4)]
    assert (first.feedback_new, first.feedback_done, second.feedback_done) == (2, 0, 1)
    assert [c.key for c in report.total.services] == ["library-branches", "smart-elderly-care-12349"]
    assert len(report.open_feedback) == 1
    text = format_report(report)
    assert "图书分馆" in text and "游泳馆" in text and "Open feedback: 1" in text
