"""``kiosk proposals [--json]``, ``kiosk proposals take ID…`` / ``reject ID…``: at the office, the terminals'
edits field by field (kiosk.core.fleet.proposals). Taking one writes it to the office's listing (validated,
in its history), so the next content bundle carries it; several IDs are taken all or none."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands._common import cli_actor, int_arg, open_data_database
from kiosk.core.limits import SQLITE_INT_MAX


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("proposals", parents=[common],
                       help="the terminals' edits as proposals: list, take or reject each",
                       description="Terminals send their workers' edits with their reports (`kiosk collect`); "
                                   "each changed field is one proposal.",
                       epilog="example: kiosk proposals; kiosk proposals take 3 4; kiosk proposals reject 5")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    p.add_argument("--status", choices=("open", "taken", "rejected"), default="open",
                   help="which proposals to list (default: open)")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    for action, text in (("take", "write the proposed values to the office's listings (all or none)"),
                         ("reject", "close the proposals; the office's listings stay as they are")):
        a = actions.add_parser(action, parents=[common], help=text)
        a.add_argument("ids", metavar="ID", nargs="+", type=int_arg(1, SQLITE_INT_MAX),
                       help="the proposals' numbers (#)")
    p.set_defaults(func=cmd_proposals)


def cmd_proposals(args: argparse.Namespace) -> int:
    from kiosk.core.fleet import proposals
    from kiosk.core.hours.opening import SHANGHAI

    conn = open_data_database(args)
    try:
        if args.action in ("take", "reject"):
            from datetime import datetime

            decide = proposals.take_proposals if args.action == "take" else proposals.reject_proposals
            done = decide(conn, args.ids, actor=cli_actor(), now=datetime.now(SHANGHAI))
            verb = "采用 taken" if args.action == "take" else "不采用 rejected"
            for p in done:
                print(f"#{p.id} {verb}：{p.service_name} [{p.service_id}] {p.line()}")
            return 0
        found = proposals.list_proposals(conn, status=getattr(args, "status", "open"))
    finally:
        conn.close()
    if args.json:
        print(json.dumps([p.as_json() for p in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("没有建议 (no proposals)")
        return 0
    shown = None
    for p in found:
        if p.service_id != shown:
            print(f"~ 修改 changed：{p.service_name} [{p.service_id}]")
            shown = p.service_id
        who = ", ".join(x for x in (p.terminal_id, p.actor or "", p.proposed_at or "") if x)
        print(f"    #{p.id} {p.line()}  ({who})")
    if getattr(args, "status", "open") == "open":
        print("→ kiosk proposals take ID…（采用）或 reject ID…（不采用）")
    return 0
