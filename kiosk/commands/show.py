"""``kiosk show SERVICE_ID``: one service with its places, as the resident page shows them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands._common import add_moment_argument, moment_of, open_data_database
from kiosk.core.errors import KioskError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "show", parents=[common], help="show one service with its places, hours and open-now state",
        description="Show a service as the resident page does: its places (open ones first), each with address, "
                    "community, hours in words, phones and whether it is open at the moment given.",
        epilog="example: kiosk show elderly-care-facilities --at 2026-12-02T10:00 --json")
    p.add_argument("service_id", metavar="SERVICE_ID", help="the service's id (see `kiosk search` or the export)")
    add_moment_argument(p, "2026-12-02T10:00")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.set_defaults(func=cmd_show)


class ServiceNotFound(KioskError):
    exit_code = 2


def cmd_show(args: argparse.Namespace) -> int:
    from kiosk.core.hours.opening import load_calendar
    from kiosk.core.places import service_view

    moment = moment_of(args.at)
    conn = open_data_database(args)  # the terminal's own database, migrated as at start (worker edits included)
    try:
        view = service_view(conn, args.service_id, moment, load_calendar(conn))
    finally:
        conn.close()
    if view is None:
        raise ServiceNotFound(f"没有编号为“{args.service_id[:100]}”的服务 (no service with id "
                              f"'{args.service_id[:100]}'; `kiosk search WORDS` finds ids)")
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
        return 0
    print(f"{view['name']}  [{view['id']}]  {view['places_total']} 处 · {view['places_open']} 处现在开放")
    if not view["places"]:
        print("  地点：暂未收录 — 请拨打 12345 咨询 (places not recorded yet: call 12345)")
    for place in view["places"]:
        print(f"- {place['name'] or place['address'] or place['id']}  [{place['open']['label_zh']}]")
        for key, label in (("address", "地址"), ("community", "社区"), ("hours_text", "开放时间")):
            if place[key]:
                print(f"    {label}：{place[key]}")
        if place["phones"]:
            print(f"    电话：{'、'.join(place['phones'])}")
        if place["missing_zh"]:
            print(f"    {place['missing_zh']}")
    return 0
