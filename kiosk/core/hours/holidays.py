"""The Chinese holiday calendar: public holidays and make-up working days (调休).

The sources, the first that knows a date wins:

1. rows a community worker entered (``worker_holidays``, :mod:`kiosk.core.hours.holiday_store`) — they
   survive content and program updates;
2. rows of the ``holiday_overrides`` table (seeded from ``seeds/holidays.toml`` with the bundled
   database; replaced by each content update);
3. the ``chinese-calendar`` library, which knows the years up to its release (2004–2026 in 1.11);
4. for a year no *published* source covers: an **estimate** from the law. The statutory holidays
   (元旦, 除夕 and 春节, 清明, 劳动节, 端午, 中秋, 国庆 — the ``holidays`` package computes them for
   any year) are holidays marked ``expected``; days where the State Council's make-up arrangements
   are plausible are ``unknown``; every other day is ordinary. See :func:`estimated_days`.

A year is *published* (:meth:`HolidayCalendar.year_status`) when ``chinese-calendar`` covers it,
when a worker imported its whole notice (``worker_holiday_years.complete``), or when the seed rows
of that year name every statutory holiday of it (a whole notice always does). A year with only
some rows is *partial*: the rows are used, every other date of it is estimated as in 4.

All dates are Asia/Shanghai calendar days.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import chinese_calendar

DayKind = Literal["ordinary", "holiday", "workday", "unknown"]
"""``holiday``: a public-holiday rest day (weekends inside the holiday included); ``workday``: a
make-up working day (调休上班, usually a Saturday or Sunday); ``ordinary``: a normal day (Mon–Fri
work, Sat–Sun rest); ``unknown``: the arrangements for this date are not published and a make-up
arrangement is plausible."""

Source = Literal["worker", "override", "library", "statutory"]
YearStatus = Literal["published", "partial", "expected"]
"""``published``: a whole schedule is known; ``partial``: some dates entered, the rest estimated;
``expected``: nothing published, every date estimated from the law."""
Origin = Literal["seed", "worker"]

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

STATUTORY_NAMES: dict[str, tuple[str, str]] = {
    # the ``holidays`` package's zh_CN name → (Chinese, English) shown to residents
    "元旦": ("元旦", "New Year's Day"),
    "农历除夕": ("春节", "Spring Festival"),
    "春节": ("春节", "Spring Festival"),
    "清明节": ("清明节", "Qingming Festival"),
    "劳动节": ("劳动节", "Labour Day"),
    "端午节": ("端午节", "Dragon Boat Festival"),
    "中秋节": ("中秋节", "Mid-Autumn Festival"),
    "国庆节": ("国庆节", "National Day"),
}
"""Only these names count as statutory; the package's other entries (substituted days off of
published years) are not law and are ignored."""

NAMES_BY_ZH: dict[str, str] = {zh: en for zh, en in STATUTORY_NAMES.values()}
"""Chinese holiday name → English, for rows a worker enters with a Chinese name only."""

LONG_HOLIDAY_REACH = 4
"""Days after a multi-day holiday (and its weekend) on which an extension is plausible."""
MAKEUP_REACH = 10
"""Days around a holiday with plausible extra rest days on which a make-up Saturday/Sunday is plausible."""


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    kind: DayKind
    name: str | None = None
    """Chinese name of the holiday (for a make-up day: the holiday it makes up for), if known."""
    name_en: str | None = None
    source: Source | None = None
    expected: bool = False
    """An estimate from the law for a year whose schedule is not published (预计)."""


@dataclass(frozen=True)
class HolidayOverride:
    """One entered date: a row of ``holiday_overrides`` (origin seed) or ``worker_holidays`` (worker)."""

    date: date
    kind: Literal["holiday", "workday"]
    name: str | None = None
    name_en: str | None = None
    origin: Origin = "seed"


# --------------------------------------------------------------------------------------------
# Published library and the law
# --------------------------------------------------------------------------------------------


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


@lru_cache(maxsize=64)
def library_covers(year: int) -> bool:
    """True when ``chinese-calendar`` has the published schedule of ``year``."""
    return _library_day(date(year, 6, 1)).kind != "unknown"


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, tuple[str, str]]:
    """The statutory public holidays of ``year`` by law (date → (Chinese, English) name), no 调休.

    Computed by the ``holidays`` package (loaded on first use: about 0.15 s, once per process).
    """
    from holidays.countries.china import China

    out: dict[date, tuple[str, str]] = {}
    try:
        table = China(years=year, observed=False, language="zh_CN")  # type: ignore[no-untyped-call]
    except OSError:  # a bundle without the package's message catalogues: its source names are zh_CN anyway
        table = China(years=year, observed=False, language="C")  # type: ignore[no-untyped-call]
    for day, raw in table.items():
        names = [STATUTORY_NAMES[n.strip()] for n in str(raw).split(";") if n.strip() in STATUTORY_NAMES]
        if not names:
            continue
        zh = "、".join(dict.fromkeys(n[0] for n in names))
        en = " / ".join(dict.fromkeys(n[1] for n in names))
        out[day] = (zh, en)
    return out


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


@lru_cache(maxsize=16)
def estimated_days(year: int) -> dict[date, DayInfo]:
    """The estimate for a year without a published schedule: its non-ordinary days.

    * a statutory holiday is a ``holiday`` with ``expected=True``;
    * a weekday is ``unknown`` when the notice is likely to make it a rest day: it bridges a
      holiday to a weekend (holiday on a Tuesday → that Monday; Thursday → Friday), it follows a
      holiday that falls on a weekend (the Monday after, the Friday before), or it lies within
      :data:`LONG_HOLIDAY_REACH` days after a multi-day holiday and its weekend (春节, 劳动节, 国庆节
      are usually extended);
    * a Saturday or Sunday outside the holiday is ``unknown`` within :data:`MAKEUP_REACH` days of
      a holiday that has such plausible extra rest days: it may become a make-up working day.

    Every date not in the result is an ordinary day.
    """
    law: dict[date, tuple[str, str]] = {}
    for y in (year - 1, year, year + 1):
        law.update(statutory_holidays(y))
    clusters: list[list[date]] = []
    for day in sorted(law):
        if clusters and (day - clusters[-1][-1]).days == 1:
            clusters[-1].append(day)
        else:
            clusters.append([day])
    one = timedelta(days=1)
    out: dict[date, DayInfo] = {}
    unknown_weekdays: dict[date, tuple[str, str]] = {}
    rest_blocks: list[tuple[date, date, tuple[str, str], bool]] = []  # start, end, name, has extension
    for cluster in clusters:
        name = law[cluster[0]]
        start, end = cluster[0], cluster[-1]
        while _is_weekend(start - one):
            start -= one
        while _is_weekend(end + one):
            end += one
        extra: list[date] = []
        before, after = start - one, end + one  # the weekdays just outside the rest block
        if all(_is_weekend(d) for d in cluster):
            extra += [before, after]
        if _is_weekend(after + one) and after not in law:
            extra.append(after)  # a single weekday between the holiday and the next weekend
        if _is_weekend(before - one) and before not in law:
            extra.append(before)
        if len(cluster) >= 2:
            extra += [end + timedelta(days=n) for n in range(1, LONG_HOLIDAY_REACH + 1)]
        extra = [d for d in extra if not _is_weekend(d) and d not in law]
        for d in extra:
            unknown_weekdays.setdefault(d, name)
        rest_blocks.append((start, end, name, bool(extra)))
    in_block = {start + timedelta(days=n) for start, end, _, _ in rest_blocks for n in range((end - start).days + 1)}
    for start, end, name, extended in rest_blocks:
        if not extended:
            continue
        day = start - timedelta(days=MAKEUP_REACH)
        while day <= end + timedelta(days=MAKEUP_REACH):
            if _is_weekend(day) and day not in in_block and day not in law:
                out.setdefault(day, DayInfo("unknown", name[0], name[1], "statutory"))
            day += one
    for day, name in unknown_weekdays.items():
        out[day] = DayInfo("unknown", name[0], name[1], "statutory")
    for day, name in law.items():
        out[day] = DayInfo("holiday", name[0], name[1], "statutory", expected=True)
    return {d: info for d, info in out.items() if d.year == year}


# --------------------------------------------------------------------------------------------
# The calendar
# --------------------------------------------------------------------------------------------


class HolidayCalendar:
    """Public holidays and make-up working days: worker rows, seed rows, ``chinese-calendar``, the law.

    ``overrides`` are entered dates (seed or worker origin; a worker row wins on the same date);
    ``complete_years`` are the years a worker marked as entered in full (a whole notice imported).
    Immutable once made; cheap to ask (results are memoised per date).
    """

    def __init__(self, overrides: Iterable[HolidayOverride] = (), *, complete_years: Iterable[int] = ()) -> None:
        ordered = sorted(overrides, key=lambda o: o.origin == "worker")  # worker rows last: they win
        self._overrides: dict[date, HolidayOverride] = {o.date: o for o in ordered}
        self._complete = frozenset(complete_years)
        self._memo: dict[date, DayInfo] = {}
        self._status: dict[int, YearStatus] = {}

    @property
    def overrides(self) -> tuple[HolidayOverride, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.date))

    @property
    def complete_years(self) -> frozenset[int]:
        return self._complete

    def day(self, day: date) -> DayInfo:
        """What kind of day ``day`` is (see the module docstring for the order of the sources)."""
        info = self._memo.get(day)
        if info is None:
            info = self._lookup(day)
            self._memo[day] = info
        return info

    def year_status(self, year: int) -> YearStatus:
        """``published``, ``partial`` (some dates entered, the rest estimated) or ``expected``."""
        status = self._status.get(year)
        if status is None:
            status = self._year_status(year)
            self._status[year] = status
        return status

    def knows_year(self, year: int) -> bool:
        """True when a whole published schedule of ``year`` is known."""
        return self.year_status(year) == "published"

    def _year_status(self, year: int) -> YearStatus:
        if year in self._complete or library_covers(year):
            return "published"
        rows = [o for o in self._overrides.values() if o.date.year == year]
        if not rows:
            return "expected"
        seed_holidays = {o.date for o in rows if o.origin == "seed" and o.kind == "holiday"}
        if 1950 <= year <= 2100 and set(statutory_holidays(year)) <= seed_holidays:
            return "published"  # the seed rows name every statutory holiday: a whole notice
        return "partial"

    def _lookup(self, day: date) -> DayInfo:
        override = self._overrides.get(day)
        if override is not None:
            source: Source = "worker" if override.origin == "worker" else "override"
            if override.kind == "workday" and day.weekday() < 5:
                return DayInfo("ordinary", override.name, override.name_en, source)
            return DayInfo(override.kind, override.name, override.name_en, source)
        if library_covers(day.year):
            return _library_day(day)
        if self.year_status(day.year) == "published":
            return DayInfo("ordinary", source="override")
        if not 1950 <= day.year <= 2100:  # beyond the law's tables: say unknown, do not guess
            return DayInfo("unknown")
        return estimated_days(day.year).get(day, DayInfo("ordinary", source="statutory"))


def _table_exists(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return found is not None


CalendarRows = tuple[tuple[tuple[object, ...], ...], tuple[tuple[object, ...], ...], tuple[tuple[object, ...], ...]]


def calendar_rows(conn: sqlite3.Connection) -> CalendarRows:
    """Everything the calendar is made from, as plain rows (equal rows → the same calendar)."""
    seed = tuple(tuple(r) for r in conn.execute(
        "SELECT date, kind, name, name_en FROM holiday_overrides ORDER BY date"))
    worker: tuple[tuple[object, ...], ...] = ()
    years: tuple[tuple[object, ...], ...] = ()
    if _table_exists(conn, "worker_holidays"):
        worker = tuple(tuple(r) for r in conn.execute(
            "SELECT date, kind, name, name_en FROM worker_holidays ORDER BY date"))
        years = tuple(tuple(r) for r in conn.execute(
            "SELECT year, complete FROM worker_holiday_years ORDER BY year"))
    return seed, worker, years


def calendar_from_rows(rows: CalendarRows) -> HolidayCalendar:
    seed, worker, years = rows
    overrides: list[HolidayOverride] = []
    for origin, group in (("seed", seed), ("worker", worker)):
        for day_text, kind, name, name_en in group:
            try:
                day = date.fromisoformat(str(day_text))
            except ValueError:
                continue  # the seed build and the worker tools validate dates; a bad row is ignored, not fatal
            if kind in ("holiday", "workday"):
                overrides.append(HolidayOverride(day, kind, str(name) if name else None,
                                                 str(name_en) if name_en else None, origin))  # type: ignore[arg-type]
    complete = [int(str(y)) for y, flag in years if flag]
    return HolidayCalendar(overrides, complete_years=complete)


def load_calendar(conn: sqlite3.Connection) -> HolidayCalendar:
    """The calendar of the database ``conn``: its seed rows, its worker rows and years, the libraries."""
    return calendar_from_rows(calendar_rows(conn))


class CalendarCache:
    """One calendar per connection, made again only when the holiday rows have changed.

    The stamp is cheap: ``PRAGMA data_version`` (changes when *another* connection commits) and
    ``total_changes`` (this connection's own writes). When the stamp moved, the holiday rows are
    read again (a few rows); the calendar object — and so the memo of every answer — is kept when
    they are the same as before (a usage count was written, say).
    """

    MAX_CONNECTIONS = 8
    """Entries kept (each holds its connection, so that an id is never reused while cached)."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[sqlite3.Connection, tuple[int, int], CalendarRows, HolidayCalendar]] = {}

    def get(self, conn: sqlite3.Connection) -> HolidayCalendar:
        stamp = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes)
        entry = self._entries.pop(id(conn), None)
        if entry is not None and entry[0] is not conn:
            entry = None
        if entry is not None and entry[1] == stamp:
            calendar = entry[3]
            rows = entry[2]
        else:
            rows = calendar_rows(conn)
            calendar = entry[3] if entry is not None and entry[2] == rows else calendar_from_rows(rows)
        self._entries[id(conn)] = (conn, stamp, rows, calendar)  # most recently used last
        while len(self._entries) > self.MAX_CONNECTIONS:
            del self._entries[next(iter(self._entries))]
        return calendar

    def clear(self) -> None:
        self._entries.clear()
