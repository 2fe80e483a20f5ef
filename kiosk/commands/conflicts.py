"""``kiosk conflicts [--json]``, ``kiosk conflicts take-office ID`` / ``keep-local ID``: fields both the office
and this terminal changed (kiosk.core.fleet.conflicts). The decision is recorded in the history under the
computer account that ran the command."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands._common import cli_actor, int_arg, open_data_database
from kiosk.core.limits import SQLITE_INT_MAX


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("conflicts", parents=[common],
                       help="fields the office and this terminal both changed: list, take the office's or keep ours",
                       description="A content bundle keeps this terminal's value of a field that the office changed "
                                   "too, and lists it here until a worker decides.",
                       epilog="example: kiosk conflicts; kiosk conflicts take-office 3; kiosk conflicts keep-local 4")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    p.add_argument("--all", action="store_true", help="resolved conflicts too")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    for action, text in (("take-office", "give the field the office's value (validated, in the listing's history)"),
                         ("keep-local", "keep this terminal's value (the office sees it as a proposal)")):
        a = actions.add_parser(action, parents=[common], help=text)
        a.add_argument("id", metavar="ID", type=int_arg(1, SQLITE_INT_MAX), help="the conflict's number (#)")
    p.set_defaults(func=cmd_conflicts)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from kiosk.core.fleet import conflicts
    from kiosk.core.hours.opening import SHANGHAI

    conn = open_data_database(args)
    try:
        if args.action in ("take-office", "keep-local"):
            from datetime import datetime

            resolve = conflicts.take_office if args.action == "take-office" else conflicts.keep_local
            found = resolve(conn, args.id, actor=cli_actor(), now=datetime.now(SHANGHAI))
            which = "办公室的 the office's" if args.action == "take-office" else "本机的 this terminal's"
            print(f"冲突 #{found.id} 已处理 (resolved)：{found.service_name} {found.label} 用{which} value")
            return 0
        found_all = conflicts.list_conflicts(conn, include_closed=getattr(args, "all", False))
    finally:
        conn.close()
    if args.json:
        print(json.dumps([c.as_json() for c in found_all], ensure_ascii=False, indent=2))
        return 0
    if not found_all:
        print("没有待处理的冲突 (no open conflicts)")
        return 0
    for c in found_all:
        status = "" if c.status == "open" else f"  [{conflicts.STATUSES.get(c.status, c.status)}, {c.resolved_by}]"
        print(c.line() + status)
    print("→ kiosk conflicts take-office ID（用办公室的）或 keep-local ID（保留本机的）")
    return 0
