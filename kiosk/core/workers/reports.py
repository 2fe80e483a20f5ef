"""Reports for workers: what residents look at, what they searched for and did not find, open feedback.

Built only from anonymous counters (``usage_counts``, ``search_misses``) and the feedback table, per
day or per week (weeks start on Monday, as on a Chinese calendar). Searches without a result never show
a run of 3+ digits (a phone or ID number): they are masked when recorded (kiosk.core.masking).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from kiosk.core.limits import TOP_MAX, check_date, check_int
from kiosk.core.masking import mask_digits
from kiosk.core.workers.feedback import FeedbackItem, list_feedback
from kiosk.core.workers.usage import LOCAL

Period = Literal["day", "week"]


@dataclass(frozen=True)
class Count:
    """One line of a top list: what (key and names) and how many times."""

    key: str
    name: str
    name_en: str | None
    count: int


@dataclass(frozen=True)
class PeriodReport:
    start: date
    end: date
    """Last day included."""
    services: tuple[Count, ...]
    categories: tuple[Count, ...]
    misses: tuple[Count, ...]
    views: int
    feedback_new: int
    feedback_done: int

    @property
    def label(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start:%m-%d}–{self.end:%m-%d}"


@dataclass(frozen=True)
class UsageReport:
    start: date
    end: date
    by: Period
    periods: tuple[PeriodReport, ...]
    total: PeriodReport
    open_feedback: tuple[FeedbackItem, ...]


def period_bounds(start: date, end: date, by: Period) -> list[tuple[date, date]]:
    """The days or Monday-based weeks covering ``start``…``end`` (clipped to that range)."""
    if end < start:
        raise ValueError("the report's end is before its start")
    out = []
    day = start
    while day <= end:
        last = day if by == "day" else min(end, day + timedelta(days=6 - day.weekday()))
        out.append((day, last))
        day = last + timedelta(days=1)
    return out


def build_report(conn: sqlite3.Connection, start: date, end: date, *, by: Period = "week",
                 top: int = 10) -> UsageReport:
    """Top services and categories, zero-result searches and feedback for each period and in total.

    Raises :class:`kiosk.core.limits.LimitError` for days outside the kiosk's date bounds (a week
    reaching past year 9999 would overflow) or a ``top`` outside 1…TOP_MAX.
    """
    check_date(start, what="report start")
    check_date(end, what="report end")
    check_int(top, what="top", low=1, high=TOP_MAX)
    names = {r["id"]: (r["name"], r["name_en"]) for r in conn.execute("SELECT id, name, name_en FROM services")}
    cats = {r["id"]: (r["name"], r["name_en"]) for r in conn.execute("SELECT id, name, name_en FROM categories")}
    periods = tuple(_period(conn, s, e, names, cats, top) for s, e in period_bounds(start, end, by))
    total = _period(conn, start, end, names, cats, top)
    return UsageReport(start, end, by, periods, total, tuple(list_feedback(conn, "open")))


def _period(conn: sqlite3.Connection, start: date, end: date, names: dict[str, tuple[str, str | None]],
            cats: dict[str, tuple[str, str | None]], top: int) -> PeriodReport:
    span = (start.isoformat(), end.isoformat())

    def counts(kind: str, table: dict[str, tuple[str, str | None]]) -> tuple[Count, ...]:
        rows = conn.execute(
            "SELECT key, SUM(count) AS n FROM usage_counts WHERE kind = ? AND day BETWEEN ? AND ? "
            "GROUP BY key ORDER BY n DESC, key LIMIT ?", (kind, *span, top))
        out = []
        for r in rows:
            name, name_en = table.get(r["key"], (r["key"], None))
            out.append(Count(r["key"], name, name_en, int(r["n"])))
        return tuple(out)

    misses = tuple(  # masked when recorded (schema step 6 masked older rows); masked again here all the same
        Count(mask_digits(r["query"]), mask_digits(r["query"]), None, int(r["n"]))
        for r in conn.execute(
            "SELECT query, SUM(count) AS n FROM search_misses WHERE day BETWEEN ? AND ? "
            "GROUP BY query ORDER BY n DESC, query LIMIT ?", (*span, top))
    )
    views = conn.execute("SELECT COALESCE(SUM(count), 0) FROM usage_counts WHERE kind = 'service' "
                         "AND day BETWEEN ? AND ?", span).fetchone()[0]
    new = done = 0
    for created, resolved in conn.execute("SELECT created_at, resolved_at FROM feedback"):
        if start <= _day(created) <= end:
            new += 1
        if resolved and start <= _day(resolved) <= end:
            done += 1
    return PeriodReport(start, end, counts("service", names), counts("category", cats), misses, int(views),
                        new, done)


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(LOCAL).date()


def format_report(report: UsageReport) -> str:
    """The report as plain text (Chinese labels, for the CLI and printing)."""
    lines = [f"使用报告 Usage report {report.start} – {report.end}（按{'天' if report.by == 'day' else '周'}）", ""]

    def block(title: str, items: tuple[Count, ...]) -> None:
        lines.append(f"  {title}")
        if not items:
            lines.append("    （无 none）")
        for n, item in enumerate(items, start=1):
            lines.append(f"    {n:>2}. {item.name}  ×{item.count}")

    for period in (*report.periods, report.total) if len(report.periods) > 1 else (report.total,):
        heading = "合计 Total" if period is report.total else period.label
        lines.append(f"== {heading}: {period.views} 次查看 views, 新反馈 {period.feedback_new} new feedback, "
                     f"已处理 {period.feedback_done} done")
        block("最常查看的服务 Most viewed services", period.services)
        block("最常查看的类别 Most viewed categories", period.categories)
        block("没有结果的搜索 Searches with no results", period.misses)
        lines.append("")
    lines.append(f"待处理的反馈 Open feedback: {len(report.open_feedback)}")
    for item in report.open_feedback:
        lines.append(f"  #{item.id} {item.created_at:%Y-%m-%d %H:%M} {item.service_name or item.service_id or '—'}："
                     f"{item.label}")
    return "\n".join(lines)
