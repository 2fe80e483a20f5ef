"""Holiday dates community workers enter, kept apart from the bundled content.

A worker enters the State Council's notice for a year (:func:`import_notice`: the whole list in one
go, which marks the year *complete*) or single dates (:func:`add_day`; for a year not yet complete
only with ``partial=True``, and the year stays *partially known*: the entered dates are used, the
rest is estimated from the law, see :mod:`kiosk.core.hours.holidays`). The rows live in
``worker_holidays`` and ``worker_holiday_years`` — tables the content merge of an update never
touches — so they survive content and program updates. Each change is one transaction with an
entry in the audit log.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.hours.holiday_notice import DATE_HELP, NoticeDay, parse_date, parse_kind
from kiosk.core.hours.holidays import NAMES_BY_ZH, HolidayOverride, YearStatus, load_calendar, statutory_holidays
from kiosk.core.listings import audit

TABLE = "worker_holidays"
MIN_YEAR, MAX_YEAR = 2000, 2100


class HolidayEntryError(KioskError):
    """A worker's holiday entry cannot be made; nothing was changed."""

    exit_code = 2


@dataclass(frozen=True)
class YearSummary:
    year: int
    status: YearStatus
    holidays: int
    workdays: int


def _check_year(day: date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise HolidayEntryError(f"{day} is outside the years {MIN_YEAR}–{MAX_YEAR}; check the year")


def to_date(text: str) -> date:
    """A date a worker typed; :class:`HolidayEntryError` with an example when it is not one."""
    day = parse_date(text)
    if day is None:
        raise HolidayEntryError(f"'{text}' is not a date of the calendar; {DATE_HELP}")
    _check_year(day)
    return day


def worker_days(conn: sqlite3.Connection, year: int | None = None) -> list[HolidayOverride]:
    """The dates workers entered (all years, or ``year``), in date order."""
    sql = "SELECT date, kind, name, name_en FROM worker_holidays"
    params: tuple[str, ...] = ()
    if year is not None:
        sql += " WHERE date LIKE ?"
        params = (f"{year:04d}-%",)
    out: list[HolidayOverride] = []
    for day_text, kind, name, name_en in conn.execute(sql + " ORDER BY date", params):
        day = parse_date(str(day_text))
        if day is not None and kind in ("holiday", "workday"):
            out.append(HolidayOverride(day, kind, name, name_en, "worker"))
    return out


def summaries(conn: sqlite3.Connection, years: list[int]) -> list[YearSummary]:
    """For each year: published / partial / expected, and how many dates workers entered."""
    calendar = load_calendar(conn)
    out: list[YearSummary] = []
    for year in years:
        rows = worker_days(conn, year)
        out.append(YearSummary(year, calendar.year_status(year), sum(r.kind == "holiday" for r in rows),
                               sum(r.kind == "workday" for r in rows)))
    return out


def _name_en(name: str | None) -> str | None:
    return NAMES_BY_ZH.get(name) if name else None


def _mark_year(conn: sqlite3.Connection, year: int, complete: bool, actor: str, now: datetime) -> None:
    conn.execute("INSERT INTO worker_holiday_years (year, complete, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(year) DO UPDATE SET complete = excluded.complete, updated_at = excluded.updated_at, "
                 "updated_by = excluded.updated_by", (year, int(complete), audit.timestamp(now), actor))


def _write(conn: sqlite3.Connection, day: date, kind: str, name: str | None, actor: str, now: datetime) -> None:
    conn.execute("INSERT INTO worker_holidays (date, kind, name, name_en, added_at, added_by) VALUES (?,?,?,?,?,?) "
                 "ON CONFLICT(date) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
                 "name_en = excluded.name_en, added_at = excluded.added_at, added_by = excluded.added_by",
                 (day.isoformat(), kind, name, _name_en(name), audit.timestamp(now), actor))


def add_day(conn: sqlite3.Connection, day: date, kind: str, *, name: str | None = None, partial: bool = False,
            actor: str, now: datetime) -> HolidayOverride:
    """Enter (or correct) one date.

    For a year without a whole published schedule this needs ``partial=True`` (the year then stays
    partially known); in a published year it is a correction.
    """
    _check_year(day)
    found = parse_kind(kind)
    if found is None:
        raise HolidayEntryError(f"'{kind}' is not a kind of day; say holiday (放假) or workday (上班, a make-up "
                                "working day)")
    if found == "workday" and day.weekday() < 5:
        raise HolidayEntryError(f"{day} is a weekday; a make-up working day (上班) is a Saturday or Sunday")
    name = (name or "").strip() or None
    status = load_calendar(conn).year_status(day.year)
    if status != "published" and not partial:
        raise HolidayEntryError(
            f"{day.year} has no complete holiday schedule yet: enter the whole notice with "
            f"`kiosk holidays import FILE`, or add --partial to enter single dates (the rest of {day.year} "
            "stays estimated)")
    before = [r for r in worker_days(conn, day.year) if r.date == day]
    with transaction(conn):
        _write(conn, day, found, name, actor, now)
        if status != "published":
            _mark_year(conn, day.year, False, actor, now)
        audit.record(conn, actor=actor, table=TABLE, record_id=day.isoformat(), action="add",
                     before=_as_dict(before[0]) if before else None,
                     after={"kind": found, "name": name, "partial": status != "published"}, now=now)
    return HolidayOverride(day, found, name, _name_en(name), "worker")


def remove_day(conn: sqlite3.Connection, day: date, *, actor: str, now: datetime) -> HolidayOverride:
    """Take back one entered date (the year's status is left as it is)."""
    existing = [r for r in worker_days(conn, day.year) if r.date == day]
    if not existing:
        raise HolidayEntryError(f"{day} was not entered by a worker; `kiosk holidays list --year {day.year}` "
                                "shows the entered dates")
    with transaction(conn):
        conn.execute("DELETE FROM worker_holidays WHERE date = ?", (day.isoformat(),))
        audit.record(conn, actor=actor, table=TABLE, record_id=day.isoformat(), action="remove",
                     before=_as_dict(existing[0]), after=None, now=now)
    return existing[0]


def _as_dict(row: HolidayOverride) -> dict[str, str | None]:
    return {"kind": row.kind, "name": row.name}


def notice_year(days: list[NoticeDay]) -> int:
    """The year a notice is for: the year most of its dates are in."""
    return Counter(d.date.year for d in days).most_common(1)[0][0]


def missing_statutory(days: list[NoticeDay], year: int) -> list[tuple[date, str]]:
    """Statutory holidays of ``year`` the notice does not list as rest days."""
    rest = {d.date for d in days if d.kind == "holiday"}
    return [(day, names[0]) for day, names in sorted(statutory_holidays(year).items()) if day not in rest]


def import_notice(conn: sqlite3.Connection, days: list[NoticeDay], *, year: int | None = None,
                  partial: bool = False, actor: str, now: datetime) -> int:
    """Enter a year's notice in one go; return the year. All or nothing.

    Replaces the dates workers entered for that year before. Unless ``partial``, the notice must
    list every statutory holiday of the year as a rest day (a whole notice does), and the year is
    marked complete.
    """
    if not days:
        raise HolidayEntryError("the notice lists no dates")
    for d in days:
        _check_year(d.date)
    year = notice_year(days) if year is None else year
    if not partial:
        missing = missing_statutory(days, year)
        if missing:
            day, name = missing[0]
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise HolidayEntryError(
                f"{day} ({name}, a statutory holiday) is not listed as 放假{more}; a whole notice lists every "
                "holiday — add the line, or use --partial to enter only these dates")
    with transaction(conn):
        before = len(worker_days(conn, year))
        conn.execute("DELETE FROM worker_holidays WHERE date LIKE ?", (f"{year:04d}-%",))
        for d in days:
            _write(conn, d.date, d.kind, d.name, actor, now)
        _mark_year(conn, year, not partial, actor, now)
        audit.record(conn, actor=actor, table=TABLE, record_id=str(year), action="import",
                     before={"dates": before}, after={"dates": len(days), "complete": not partial}, now=now)
    return year


def upcoming_gap(conn: sqlite3.Connection, today: date, *, warn_days: int = 60) -> int | None:
    """The year starting within ``warn_days`` of ``today`` (or already running) with no published schedule.

    None when the current year and, from ``warn_days`` before 1 January, the next year are published.
    """
    calendar = load_calendar(conn)
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= warn_days:
        years.append(today.year + 1)
    for year in years:
        if calendar.year_status(year) != "published":
            return year
    return None
