"""``kiosk outbox``, ``kiosk collect``, ``kiosk fleet``, ``kiosk metrics``: reports back and the status board.

A terminal writes a report (``outbox``); the office takes reports in (``collect``), shows one row per
terminal (``fleet``) and, for Prometheus, writes the same figures as a textfile (``metrics``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.commands._common import int_arg
from kiosk.core.errors import KioskError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from kiosk.core.fleet.board import DEFAULT_STALE_HOURS, MAX_STALE_HOURS

    p = sub.add_parser(
        "outbox", parents=[common], help="write this terminal's report for the office (a small ZIP)",
        description="Write a report bundle: terminal id and place, content and program version, uptime, restarts "
                    "and crashes since the last report, open feedback, usage counts and searches without a result "
                    "(digits masked), and the workers' edits as proposals. Signed with report_sign_key if set. "
                    "The office takes it with `kiosk collect`. With the outbox_dir setting the running kiosk "
                    "drops one there on its own every outbox_every_minutes.",
    )
    p.add_argument("--out", metavar="FILE", type=Path, required=True, help="report file to write (.zip)")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser(
        "collect", parents=[common], help="take terminals' reports into the office database",
        description="Read report files (or every report-*.zip in a folder), check each like a content bundle and "
                    "store the new ones in the office database. A report collected twice counts once; a damaged "
                    "or foreign file is named with its reason and the others are still taken.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR", help="report files or folders of them")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser(
        "fleet", parents=[common], help="the status board: one row per terminal that reported",
        description="Last report, content and program version, crashes, open feedback and top searches without a "
                    "result for every terminal whose reports were collected; terminals silent for longer than "
                    "--stale-hours are marked 失联 (stale).",
    )
    p.add_argument("--json", action="store_true", help="print the board as JSON")
    p.add_argument("--stale-hours", metavar="N", type=int_arg(1, MAX_STALE_HOURS), default=DEFAULT_STALE_HOURS,
                   help=f"hours without a report after which a terminal is stale (default {DEFAULT_STALE_HOURS})")
    p.set_defaults(func=cmd_fleet)

    p = sub.add_parser(
        "metrics", parents=[common], help="write the status board for Prometheus (node_exporter textfile)",
        description="Write the board's figures as gauges with terminal=\"…\" labels in node_exporter's textfile "
                    "collector format, atomically (temporary file in the same folder, then renamed).",
    )
    p.add_argument("--textfile", metavar="PATH", type=Path, required=True, help="file to write, e.g. …/kiosk.prom")
    p.add_argument("--stale-hours", metavar="N", type=int_arg(1, MAX_STALE_HOURS), default=DEFAULT_STALE_HOURS,
                   help=f"hours without a report after which a terminal is stale (default {DEFAULT_STALE_HOURS})")
    p.set_defaults(func=cmd_metrics)


def cmd_outbox(args: argparse.Namespace) -> int:
    from kiosk.commands._common import open_data_database
    from kiosk.core.exchange.outputs import check_output
    from kiosk.core.fleet.report import write_report
    from kiosk.core.terminal.config import load_terminal_config
    from kiosk.core.terminal.paths import default_data_dir
    from kiosk.core.terminal.runs import read_runs, runs_path

    check_output(args.out, what="report file")
    data_dir = default_data_dir()
    config, _ = load_terminal_config(data_dir)
    key = report_key(config.report_sign_key)
    if key is not None:
        from kiosk.core.exchange.signing import inside

        if inside(Path(args.out), Path(config.report_sign_key).parent):
            raise KioskError(f"--out {args.out} is in the key folder {Path(config.report_sign_key).parent}; write "
                             "reports elsewhere so the key is never shared")
    conn = open_data_database(args)
    try:
        written = write_report(conn, args.out, terminal_id=config.identity(), place=config.terminal_place,
                               runs=read_runs(runs_path(data_dir)), now=datetime.now(SHANGHAI), sign_key=key)
    finally:
        conn.close()
    c = written.counts
    print(f"wrote {written.path}: report {written.report_id} of terminal {config.identity()}"
          f"{' (signed)' if written.signed else ''}")
    print(f"  {c['usage']} usage counts, {c['misses']} searches without a result, {c['open_feedback']} open "
          f"feedback, {c['proposals']} proposals")
    return 0


def report_key(setting: str) -> Any:
    """The terminal's own private key of the ``report_sign_key`` setting, or None."""
    if not setting:
        return None
    from kiosk.core.exchange.signing import load_private_key

    return load_private_key(Path(setting))


def cmd_collect(args: argparse.Namespace) -> int:
    from kiosk.commands._common import open_data_database
    from kiosk.core.fleet.collect import collect_reports

    conn = open_data_database(args)
    try:
        result = collect_reports(conn, list(args.inputs), now=datetime.now(SHANGHAI))
    finally:
        conn.close()
    for path, report in result.new:
        print(f"  新 (new)       {path.name}: terminal {report.terminal_id}, {report.data['created']}")
    for path, report in result.known:
        print(f"  已收过 (known) {path.name}: report {report.report_id[:8]}… of {report.terminal_id}")
    for _path, reason in result.refused:
        print(f"  无法读取 (refused) {reason}")
    print(result.summary())
    if result.refused:
        print(f"kiosk collect: error: {len(result.refused)} file(s) could not be taken (listed above); the others "
              "were collected", file=sys.stderr)
        return 1
    return 0


def _board(args: argparse.Namespace) -> list[Any]:
    from kiosk.commands._common import open_data_database
    from kiosk.core.fleet.board import fleet_board

    conn = open_data_database(args)
    try:
        return fleet_board(conn, now=datetime.now(SHANGHAI), stale_hours=args.stale_hours)
    finally:
        conn.close()


def cmd_fleet(args: argparse.Namespace) -> int:
    from kiosk.core.fleet.board import format_board

    rows = _board(args)
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
    else:
        print(format_board(rows, stale_hours=args.stale_hours))
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.outputs import check_output
    from kiosk.core.fleet.metrics import metrics_text, write_textfile

    check_output(args.textfile, what="metrics file")
    rows = _board(args)
    write_textfile(args.textfile, metrics_text(rows, now=datetime.now(SHANGHAI)))
    print(f"wrote {args.textfile}: {len(rows)} terminal(s)")
    return 0
