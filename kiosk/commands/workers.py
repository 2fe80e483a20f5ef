"""``kiosk workers list|add|remove``: the workers who may open the admin screen, each with a name and a PIN.

``add`` and ``remove`` are ``kiosk set-pin --worker NAME`` (and ``--remove``): they ask for the
administrator's PIN, and the history records who did it. ``list`` shows names only, never a PIN.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.commands._common import open_data_database


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("workers", parents=[common], help="list, add or remove the workers who may open admin",
                       description="Each worker has a name (shown on the PIN pad and in the history) and a PIN.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[common], help="the workers' names")
    for action, text in (("add", "add a worker (asks the administrator's PIN, then the new worker's)"),
                         ("remove", "take a worker's PIN away (asks the administrator's PIN)")):
        a = actions.add_parser(action, parents=[common], help=text)
        a.add_argument("name", metavar="NAME", help="the worker's name, e.g. 王芳")
        a.add_argument("--pin-stdin", action="store_true", help="read the PINs from standard input, one a line")
    p.set_defaults(func=cmd_workers)


def cmd_workers(args: argparse.Namespace) -> int:
    from kiosk.commands.admin_tools import cmd_set_pin
    from kiosk.core.workers.auth import workers

    if args.action == "list":
        conn = open_data_database(args)
        try:
            names = workers(conn)
        finally:
            conn.close()
        if not names:
            print("还没有工作人员：运行 `kiosk set-pin` 设置管理员密码 (no workers yet: run `kiosk set-pin`)")
        for name in names:
            print(name)
        return 0
    forwarded = argparse.Namespace(**vars(args), worker=args.name, remove=args.action == "remove", reset=False)
    return cmd_set_pin(forwarded)
