"""``kiosk hours EXPR --at ISO_DATETIME``: is an opening-hours expression open at that moment?

EXPR is OSM ``opening_hours`` or hours written in Chinese as on a notice board (``周一至周五 8:30-17:30，
节假日休息``), read by :func:`kiosk.core.hours.wording.to_osm`; the answer says the hours in words too.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands._common import add_moment_argument, database_path, moment_of
from kiosk.core.errors import KioskError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "hours", parents=[common], help="say whether opening hours are open at a moment (holidays included)",
        description="Evaluate an OpenStreetMap opening_hours expression (or hours written in Chinese, "
                    "e.g. 工作日 9:00-17:00，节假日休息) at a moment in Asia/Shanghai time, "
                    "with Chinese public holidays and make-up working days (chinese-calendar plus the database's "
                    "holiday_overrides). Exit code 2 when the expression is not valid.",
        epilog='examples: kiosk hours "Mo-Fr 08:30-12:00,14:30-17:30; PH off" --at 2026-10-01T10:00 · '
               'kiosk hours "周一至周五 8:30-12:00 14:30-17:30，节假日休息" --at 2026-10-01T10:00',
    )
    p.add_argument("expr", metavar="EXPR", help='opening hours, e.g. "Mo-Fr 08:30-12:00,14:30-17:30; PH off" '
                                                'or "周一至周五 8:30-17:30，节假日休息"')
    add_moment_argument(p, "2026-10-01T10:00")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.set_defaults(func=cmd_hours)


class _BadMoment(KioskError):
    """``--at`` is not a date-time."""

    exit_code = 2


def cmd_hours(args: argparse.Namespace) -> int:
    from kiosk.core.db.connection import connect
    from kiosk.core.hours.opening import HolidayCalendar, hours_state, load_calendar
    from kiosk.core.hours.wording import describe, to_osm

    osm = to_osm(args.expr)  # InvalidHoursError (exit 2) with the one-line message
    moment = moment_of(args.at)
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
        state = hours_state(osm, moment, calendar)
    except ValueError as exc:
        raise _BadMoment(f"--at: {exc}") from None
    if args.json:
        words = {"osm": osm, "text_zh": describe(osm, "zh"), "text_en": describe(osm, "en")}
        print(json.dumps({"expr": args.expr.strip(), **state.as_dict(), **words}, ensure_ascii=False))
        return 0
    print(f"{state.label('zh')} / {state.label('en')}")
    print(f"hours: {describe(osm, 'zh')} / {describe(osm, 'en')}")
    if osm != args.expr.strip():
        print(f"osm: {osm}")
    change = state.next_change.isoformat() if state.next_change else "none within the next weeks"
    print(f"state: {state.state} at {state.now.isoformat()}; next change: {change}"
          + (f" → {state.next_state}" if state.next_state else ""))
    if state.holiday:
        print(f"holiday: {state.holiday} ({state.holiday_en})")
    if state.makeup_day:
        print("make-up working day (调休上班): working-day hours apply")
    return 0
