"""The Chinese holiday calendar: public holidays and make-up working days (调休).

Two sources, the first that knows a date wins:

1. rows of the ``holiday_overrides`` table (seeded from ``seeds/holidays.toml``; an administrator
   adds a year when the State Council publishes it, or corrects a date);
2. the ``chinese-calendar`` library, which knows the years up to its release (2004–2026 in 1.11).

A year that neither source covers is *unknown*: :meth:`HolidayCalendar.day` says so instead of
guessing. A year counts as covered by the overrides as soon as it has at least one override row —
the administrator enters a published year completely (its holidays and its make-up days); every
other date of that year is then an ordinary day.

All dates are Asia/Shanghai calendar days.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import chinese_calendar

DayKind = Literal["ordinary", "holiday", "workday", "unknown"]
"""``holiday``: a public-holiday rest day (weekends inside the holiday included); ``workday``: a
make-up working day (调休上班, usually a Saturday or Sunday); ``ordinary``: a normal day (Mon–Fri
work, Sat–Sun rest); ``unknown``: no source covers the year."""

HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    # chinese-calendar's name → (Chinese, English) shown to residents
    "New Year's Day": ("元旦", "New Year's Day"),
    "Spring Festival": ("春节", "Spring Festival"),
    "Tomb-sweeping Day": ("清明节", "Qingming Festival"),
    "Labour Day": ("劳动节", "Labour Day"),
    "Dragon Boat Festival": ("端午节", "Dragon Boat Festival"),
    "National Day": ("国庆节", "National Day"),
    "Mid-autumn Festival": ("中秋节", "Mid-Autumn Festival"),
    "Anti-Fascist 70th Day": ("抗战胜利70周年纪念日", "70th Anniversary of Victory Day"),
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    kind: DayKind
    name: str | None = None
    """Chinese name of the holiday (for a make-up day: the holiday it makes up for), if known."""
    name_en: str | None = None
    source: Literal["override", "library"] | None = None


@dataclass(frozen=True)
class HolidayOverride:
    """One row of ``holiday_overrides``."""

    date: date
    kind: Literal["holiday", "workday"]
    name: str | None = None
    name_en: str | None = None


def _library_day(day: date) -> DayInfo:
    try:
        is_holiday, raw_name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # chinese-calendar raises this for a year it has no data for
        return DayInfo("unknown")
    if raw_name is None:
        return DayInfo("ordinary", source="library")
    zh, en = HOLIDAY_NAMES.get(str(raw_name), (str(raw_name), str(raw_name)))
    if is_holiday:
        return DayInfo("holiday", zh, en, "library")
    if day.weekday() >= 5:
        return DayInfo("workday", zh, en, "library")
    return DayInfo("ordinary", source="library")


class HolidayCalendar:
    """Public holidays and make-up working days, overrides first, then ``chinese-calendar``.

    Immutable once made; cheap to ask (results are memoised per date).
    """

    def __init__(self, overrides: Iterable[HolidayOverride] = ()) -> None:
        self._overrides: dict[date, HolidayOverride] = {o.date: o for o in overrides}
        self._override_years = frozenset(d.year for d in self._overrides)
        self._memo: dict[date, DayInfo] = {}

    @property
    def overrides(self) -> tuple[HolidayOverride, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.date))

    def day(self, day: date) -> DayInfo:
        """What kind of day ``day`` is; ``kind == "unknown"`` when no source covers its year."""
        info = self._memo.get(day)
        if info is None:
            info = self._lookup(day)
            self._memo[day] = info
        return info

    def knows_year(self, year: int) -> bool:
        """True when the overrides or the library cover ``year``."""
        return year in self._override_years or _library_day(date(year, 1, 1)).kind != "unknown"

    def _lookup(self, day: date) -> DayInfo:
        override = self._overrides.get(day)
        if override is not None:
            if override.kind == "workday" and day.weekday() < 5:
                return DayInfo("ordinary", override.name, override.name_en, "override")
            return DayInfo(override.kind, override.name, override.name_en, "override")
        library = _library_day(day)
        if library.kind == "unknown" and day.year in self._override_years:
            return DayInfo("ordinary", source="override")
        return library


def load_calendar(conn: sqlite3.Connection) -> HolidayCalendar:
    """The calendar: ``chinese-calendar`` plus the rows of ``holiday_overrides`` in ``conn``."""
    rows = conn.execute("SELECT date, kind, name, name_en FROM holiday_overrides ORDER BY date").fetchall()
    overrides: list[HolidayOverride] = []
    for row in rows:
        day_text, kind, name, name_en = (row[0], row[1], row[2], row[3])
        try:
            day = date.fromisoformat(str(day_text))
        except ValueError:
            continue  # the seed build and the editor validate dates; a bad row is ignored, not fatal
        if kind in ("holiday", "workday"):
            overrides.append(HolidayOverride(day, kind, name or None, name_en or None))
    return HolidayCalendar(overrides)
