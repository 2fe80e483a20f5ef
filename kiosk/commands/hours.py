"""``kiosk hours EXPR --at ISO_DATETIME``: is an opening-hours expression open at that moment?"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from kiosk.commands._common import database_path
from kiosk.core.errors import KioskError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "hours", parents=[common], help="say whether opening hours are open at a moment (holidays included)",
        description="Evaluate an OpenStreetMap opening_hours expression at a moment in Asia/Shanghai time, "
                    "with Chinese public holidays and make-up working days (chinese-calendar plus the database's "
                    "holiday_overrides). Exit code 2 when the expression is not valid.",
        epilog='example: kiosk hours "Mo-Fr 08:30-12:00,14:30-17:30; PH off" --at 2026-10-01T10:00',
    )
    p.add_argument("expr", metavar="EXPR", help='opening hours, e.g. "Mo-Fr 08:30-12:00,14:30-17:30; PH off"')
    p.add_argument("--at", metavar="ISO_DATETIME", default=None,
                   help="the moment, e.g. 2026-10-01T10:00 (no offset = Asia/Shanghai time; default: now)")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.set_defaults(func=cmd_hours)


class _BadMoment(KioskError):
    """``--at`` is not a date-time."""

    exit_code = 2


def _moment(text: str | None) -> datetime:
    from kiosk.core.hours.opening import SHANGHAI
    from kiosk.core.limits import parse_moment

    if text is None:
        return datetime.now(SHANGHAI)
    moment = parse_moment(text, what="--at")  # an ISO date-time within the kiosk's date bounds
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def cmd_hours(args: argparse.Namespace) -> int:
    from kiosk.core.db.connection import connect
    from kiosk.core.hours.opening import HolidayCalendar, InvalidHoursError, hours_state, load_calendar, validate_hours

    message = validate_hours(args.expr)
    if message is not None:
        raise InvalidHoursError(message)
    moment = _moment(args.at)
    path = database_path(args)
    if args.db or path.is_file():
        conn = connect(path, readonly=True)
        try:
            calendar = load_calendar(conn)
        finally:
            conn.close()
    else:
        calendar = HolidayCalendar()  # no database yet: the library's calendar alone
    try:
        state = hours_state(args.expr, moment, calendar)
    except ValueError as exc:
        raise _BadMoment(f"--at: {exc}") from None
    if args.json:
        print(json.dumps({"expr": args.expr.strip(), **state.as_dict()}, ensure_ascii=False))
        return 0
    print(f"{state.label('zh')} / {state.label('en')}")
    change = state.next_change.isoformat() if state.next_change else "none within the next weeks"
    print(f"state: {state.state} at {state.now.isoformat()}; next change: {change}"
          + (f" → {state.next_state}" if state.next_state else ""))
    if state.holiday:
        print(f"holiday: {state.holiday} ({state.holiday_en})")
    if state.makeup_day:
        print("make-up working day (调休上班): working-day hours apply")
    return 0
