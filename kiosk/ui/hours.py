"""Opening-hours state for the screens (kiosk.core.hours.opening at the window's clock and calendar).

Every function returns None when the expression cannot be read (a listing is never broken by its
hours), so screens simply show nothing about "open now" then.

The holiday calendar follows the database: it is cached per connection and made again when the
holiday rows change (a content update, a worker's entry — from this connection or another one),
without a restart (:class:`kiosk.core.hours.holidays.CalendarCache`).
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.context import AppContext

_calendars: Any | None = None
"""The CalendarCache, made on first use."""


def warm_up(ctx: AppContext) -> None:
    """Load what the first open-now badge needs — the opening-hours parser and, for a year without a
    published schedule within the look-ahead, its statutory holidays (the ``holidays`` package, about
    0.15 s once) — ahead of time, while the attract screen waits; nothing when no listing has hours."""
    from datetime import timedelta

    from kiosk.core import queries

    if not any(s.opening_hours for s in queries.list_services(ctx.conn)):
        return
    from kiosk.core.hours.holidays import library_covers, statutory_holidays
    from kiosk.core.hours.opening import HORIZON_DAYS

    today = ctx.clock().date()
    for year in sorted({today.year, (today + timedelta(days=HORIZON_DAYS)).year}):
        if not library_covers(year):
            statutory_holidays(year)
    calendar(ctx)


def state(ctx: AppContext, expr: str | None) -> Any | None:
    """The HoursState of ``expr`` now (``.state``, ``.label(lang)``), or None when unknown."""
    if not expr:
        return None
    from kiosk.core.hours import opening as hours  # on the first listing with hours, not at start-up

    try:
        return hours.hours_state(expr, ctx.clock(), calendar(ctx))
    except Exception:  # a bad expression never breaks a screen
        return None


def calendar(ctx: AppContext) -> Any:
    """The holiday calendar of ``ctx.conn``, as of the database's current content."""
    global _calendars
    if _calendars is None:
        from kiosk.core.hours.holidays import CalendarCache

        _calendars = CalendarCache()
    return _calendars.get(ctx.conn)


def label(ctx: AppContext, expr: str | None) -> str | None:
    """"营业中 · 17:30 关门" / "Open · closes 17:30", or None when unknown."""
    st = state(ctx, expr)
    if st is None or getattr(st, "state", "unknown") == "unknown":
        return None
    try:
        return str(st.label(ctx.language))
    except Exception:
        return None


def is_open(ctx: AppContext, expr: str | None) -> bool | None:
    """True/False when known, None when the hours are unknown."""
    st = state(ctx, expr)
    if st is None or st.state == "unknown":
        return None
    return bool(st.state == "open")



def text(expr: str | None, lang: str) -> str:
    """Stored hours in plain words for a resident ("周一至周五 8:30–17:30；法定节假日休息" / "Mon–Fri …")."""
    if not expr:
        return ""
    from kiosk.core.hours.wording import describe

    return describe(expr, "en" if lang == "en" else "zh")


def open_count(ctx: AppContext, place_hours: tuple[str, ...]) -> int:
    """How many places with these hours are open now (kiosk.core.places.count_open); 0 when unknown."""
    if not place_hours:
        return 0
    from kiosk.core.places import count_open  # the hours engine: on the first service with places

    try:
        return count_open(place_hours, ctx.clock(), calendar(ctx))
    except Exception:  # as state(): a listing's hours never break a screen
        return 0
