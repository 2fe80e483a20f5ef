"""A service's places as a resident reads them: open ones first, each with its open-now state.

One function for the resident page and ``kiosk show --json`` alike (:func:`place_views`,
:func:`service_view`), so the command line shows exactly what the screen shows. A place without
recorded hours, address or phone says so plainly (:data:`UNKNOWN_ZH`) — nothing is guessed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.hours.holidays import HolidayCalendar
from kiosk.core.hours.opening import HoursState, InvalidHoursError, hours_state
from kiosk.core.hours.wording import describe
from kiosk.core.models import Location, ServiceDetail
from kiosk.core.queries import get_service

HELP_NUMBER = "12345"
"""The number to call where something is not recorded (政务服务便民热线)."""
UNKNOWN_ZH = "暂未收录"
UNKNOWN_EN = "not recorded yet"

_ORDER = {"open": 0, "unknown": 1, "closed": 2}


@dataclass(frozen=True)
class PlaceView:
    """One place of a service, with its state now (None: no hours recorded, or hours not readable)."""

    place: Location
    state: HoursState | None

    @property
    def state_name(self) -> str:
        return self.state.state if self.state is not None else "unknown"

    def badge(self, lang: str) -> str:
        """"营业中 · 17:30 关门", "今天休息"…, or "开放时间暂未收录" when the hours are not recorded."""
        if self.state is not None:
            return self.state.label(lang)
        return "Opening hours not recorded yet" if lang == "en" else "开放时间暂未收录"

    def hours_text(self, lang: str) -> str | None:
        return describe(self.place.hours, "en" if lang == "en" else "zh") if self.place.hours else None

    def missing(self, lang: str) -> list[str]:
        """What is not recorded about the place, in words (``["地址", "开放时间"]``)."""
        en = lang == "en"
        out = []
        if not self.place.address:
            out.append("address" if en else "地址")
        if not self.place.hours:
            out.append("opening hours" if en else "开放时间")
        if not self.place.phones:
            out.append("phone" if en else "电话")
        return out

    def missing_note(self, lang: str) -> str | None:
        """"地址、开放时间：暂未收录 — 请拨打 12345 咨询", or None when everything is recorded."""
        missing = self.missing(lang)
        if not missing:
            return None
        if lang == "en":
            return f"{', '.join(missing).capitalize()}: {UNKNOWN_EN} — please call {HELP_NUMBER}"
        return f"{'、'.join(missing)}：{UNKNOWN_ZH} — 请拨打 {HELP_NUMBER} 咨询"


def states_of(hours: Iterable[str], now: datetime, calendar: HolidayCalendar) -> dict[str, HoursState | None]:
    """The state at ``now`` of each distinct hours text (many places share the same hours: each is
    evaluated once); None for hours that cannot be read (they never break a page)."""
    states: dict[str, HoursState | None] = {}
    for expr in hours:
        if expr not in states:
            try:
                states[expr] = hours_state(expr, now, calendar)
            except (InvalidHoursError, ValueError):
                states[expr] = None
    return states


def count_open(hours: Sequence[str], now: datetime, calendar: HolidayCalendar) -> int:
    """How many of these places' hours (one text per place) are open at ``now``."""
    states = states_of(hours, now, calendar)
    return sum(1 for expr in hours if (state := states[expr]) is not None and state.state == "open")


def place_views(detail: ServiceDetail, now: datetime, calendar: HolidayCalendar) -> list[PlaceView]:
    """The service's active places, open ones first, then unknown, then closed (each in the service's order)."""
    states = states_of((p.hours for p in detail.locations if p.hours), now, calendar)
    views = [PlaceView(place, states[place.hours] if place.hours else None) for place in detail.locations]
    return sorted(views, key=lambda v: _ORDER.get(v.state_name, 1) if v.state is not None else 1.5)


def open_count(views: list[PlaceView]) -> int:
    return sum(1 for v in views if v.state_name == "open")


def service_view(conn: sqlite3.Connection, service_id: str, now: datetime,
                 calendar: HolidayCalendar) -> dict[str, Any] | None:
    """``kiosk show --json``: the service with its places as the resident page shows them (None: no such id)."""
    detail = get_service(conn, service_id)
    if detail is None:
        return None
    views = place_views(detail, now, calendar)
    return {
        "id": detail.id, "name": detail.name, "name_en": detail.name_en, "status": detail.status,
        "category": detail.category.id, "at": now.isoformat(),
        "phones": [p.number for p in detail.phones],
        "hours": [h.opening_hours for h in detail.schedules],
        "places_total": len(views), "places_open": open_count(views),
        "places": [_place_json(v) for v in views],
    }


def _place_json(view: PlaceView) -> dict[str, Any]:
    p = view.place
    state = view.state
    return {
        "id": p.id, "name": p.name, "name_en": p.name_en, "address": p.address, "address_en": p.address_en,
        "community": p.community, "status": "active", "hours": p.hours,
        "hours_text": view.hours_text("zh"), "hours_text_en": view.hours_text("en"),
        "phones": list(p.phones), "latitude": p.latitude, "longitude": p.longitude,
        "transportation": p.transportation, "accessibility": list(p.accessibility),
        "open": {
            "state": view.state_name,
            "label_zh": view.badge("zh"), "label_en": view.badge("en"),
            "next_change": state.next_change.isoformat() if state is not None and state.next_change else None,
        },
        "missing_zh": view.missing_note("zh"),
    }
