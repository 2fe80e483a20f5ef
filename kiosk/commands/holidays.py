"""``kiosk holidays``: enter the year's holiday notice so that opening hours stay right.

``add DATE holiday|workday [--name N] [--partial]``, ``remove DATE``, ``list [--year Y]``,
``import FILE [--partial] [--year Y]``. The dates go to the worker tables of the runtime database
(:mod:`kiosk.core.hours.holiday_store`), which content and program updates keep.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.commands._common import cli_actor, int_arg, open_data_database
from kiosk.core.errors import KioskError

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUS_TEXT = {"published": "published (complete)", "partial": "partially entered — the rest is estimated",
               "expected": "not published — estimated from the statutory holidays"}


class _NoFile(KioskError):
    exit_code = 2


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("holidays", help="enter the year's public holidays and make-up working days",
                       description="The State Council publishes each year's holidays and make-up working days "
                                   "(调休) late in the year before. Enter them here; they survive content and "
                                   "program updates. Until a year is entered in full, its statutory holidays "
                                   "are shown as expected (预计休息) and days near them as not yet published.")
    hsub = p.add_subparsers(dest="holidays_command", metavar="ACTION", required=True)

    a = hsub.add_parser("add", parents=[common], help="enter or correct one date",
                        epilog="example: kiosk holidays add 2027-02-14 workday --name 春节 --partial")
    a.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    a.add_argument("kind", metavar="KIND", help="holiday (放假) or workday (上班: a make-up working day)")
    a.add_argument("--name", default=None,
                   help="the holiday's name, e.g. 春节 (for a workday: the one it makes up for)")
    a.add_argument("--partial", action="store_true",
                   help="allow a single date in a year not entered in full (the rest of it stays estimated)")
    a.set_defaults(func=cmd_add)

    r = hsub.add_parser("remove", parents=[common], help="take back a date a worker entered")
    r.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    r.set_defaults(func=cmd_remove)

    ls = hsub.add_parser("list", parents=[common], help="the entered dates and each year's status")
    ls.add_argument("--year", type=int_arg(2000, 2099), default=None, help="only this year")
    ls.set_defaults(func=cmd_list)

    i = hsub.add_parser("import", parents=[common], help="enter a year's whole notice from a text or CSV file",
                        description="One arrangement a line: '2027-02-05 至 2027-02-12 春节 放假', "
                                    "'2027-02-14 春节 上班' (or CSV date,kind,name). All or nothing: the first bad "
                                    "line stops it. Replaces the dates entered before for that year and marks "
                                    "the year complete. See docs/hours.md.")
    i.add_argument("file", metavar="FILE", type=Path, help="the notice as text (UTF-8)")
    i.add_argument("--year", type=int_arg(2000, 2099), default=None,
                   help="the notice's year (default: the year of most dates)")
    i.add_argument("--partial", action="store_true",
                   help="the file is not the whole notice: enter its dates, keep estimating the rest")
    i.set_defaults(func=cmd_import)


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def cmd_add(args: argparse.Namespace) -> int:
    from kiosk.core.hours import holiday_store

    day = holiday_store.to_date(args.date)
    conn = open_data_database(args)
    try:
        row = holiday_store.add_day(conn, day, args.kind, name=args.name, partial=args.partial, actor=cli_actor(),
                                    now=_now())
        status = holiday_store.summaries(conn, [day.year])[0].status
    finally:
        conn.close()
    kind = "放假 holiday" if row.kind == "holiday" else "上班 make-up working day"
    print(f"{row.date} {kind}{' ' + row.name if row.name else ''} entered; {day.year}: {STATUS_TEXT[status]}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kiosk.core.hours import holiday_store

    day = holiday_store.to_date(args.date)
    conn = open_data_database(args)
    try:
        holiday_store.remove_day(conn, day, actor=cli_actor(), now=_now())
    finally:
        conn.close()
    print(f"{day} removed")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.core.hours import holiday_store

    conn = open_data_database(args)
    try:
        today = _now().date()
        rows = holiday_store.worker_days(conn, args.year)
        years = [args.year] if args.year else sorted({today.year, today.year + 1} | {r.date.year for r in rows})
        summaries = holiday_store.summaries(conn, years)
    finally:
        conn.close()
    for s in summaries:
        print(f"{s.year}: {STATUS_TEXT[s.status]}; entered by workers: {s.holidays} holiday(s), "
              f"{s.workdays} make-up working day(s)")
    for row in rows:
        kind = "放假" if row.kind == "holiday" else "上班"
        print(f"  {row.date} {row.date.strftime('%a')} {kind} {row.name or ''}".rstrip())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.core.hours import holiday_store
    from kiosk.core.hours.holiday_notice import parse_notice

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _NoFile(f"{args.file}: no such file") from None
    except UnicodeDecodeError:
        raise _NoFile(f"{args.file} is not UTF-8 text; save it as UTF-8 (Excel: CSV UTF-8)") from None
    except OSError as exc:
        raise _NoFile(f"cannot read {args.file}: {exc.strerror or exc}") from None
    days = parse_notice(text)
    conn = open_data_database(args)
    try:
        year = holiday_store.import_notice(conn, days, year=args.year, partial=args.partial, actor=cli_actor(),
                                           now=_now())
        status = holiday_store.summaries(conn, [year])[0].status
    finally:
        conn.close()
    rest = sum(d.kind == "holiday" for d in days)
    print(f"{year}: {rest} holiday date(s) and {len(days) - rest} make-up working day(s) entered; "
          f"{STATUS_TEXT[status]}")
    return 0
