"""``build-db``, ``check``, ``stats`` and ``dump``: building and inspecting a database."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from kiosk.commands._common import database_path
from kiosk.core.terminal.paths import bundled_db_path, seeds_dir


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("build-db", help="build the bundled database from seeds/",
                       description="Validate the seed records (every quoted passage must occur in the seed "
                                   "text) and build the SQLite database. Nothing is written when a check fails.")
    p.add_argument("--seeds", metavar="DIR", type=Path, default=None, help="seed folder (default: seeds/)")
    p.add_argument("--out", metavar="PATH", type=Path, default=None, help="output file (default: data/kiosk.db)")
    p.set_defaults(func=cmd_build_db)

    p = sub.add_parser("check", parents=[common], help="check a database's integrity and provenance",
                       description="Integrity check, foreign keys, required fields, and every stated fact's "
                                   "seed passage. Exit code 1 on any problem.")
    p.add_argument("path", nargs="?", metavar="PATH", help="database file (default: the bundled database)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("stats", parents=[common], help="count rows per table and services per category")
    p.add_argument("path", nargs="?", metavar="PATH", help="database file (default: the bundled database)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("dump", parents=[common], help="print the canonical content dump (JSON lines)",
                       description="One JSON line per row, ordered, for comparing two databases with diff.")
    p.add_argument("path", nargs="?", metavar="PATH", help="database file (default: the bundled database)")
    p.set_defaults(func=cmd_dump)


def cmd_build_db(args: argparse.Namespace) -> int:
    from kiosk.core.content.build import build_database

    start = time.perf_counter()
    result = build_database(args.seeds or seeds_dir(), args.out or bundled_db_path())
    elapsed = time.perf_counter() - start
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    print(f"built {result.path} in {elapsed:.2f} s: {counts}")
    print(f"content hash {result.content_hash}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from kiosk.core.content.check import check_content
    from kiosk.core.db.connection import connect

    path = database_path(args, args.path)
    conn = connect(path, readonly=True)
    try:
        report = check_content(conn)
    finally:
        conn.close()
    for note in report.notes:
        print(f"note: {note}")
    if report.ok:
        print(f"{path}: ok — {report.verified} source passages verified against the seed text")
        return 0
    for problem in report.problems:
        print(f"problem: {problem}")
    print(f"{path}: {len(report.problems)} problem(s)")
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    from kiosk.core.content.stats import database_stats
    from kiosk.core.db.connection import connect

    path = database_path(args, args.path)
    conn = connect(path, readonly=True)
    try:
        stats = database_stats(conn)
    finally:
        conn.close()
    print(f"{path} (schema version {stats.schema_version})")
    if stats.content_hash:
        print(f"content hash {stats.content_hash}")
    print("\nrows per table:")
    for name, count in stats.tables.items():
        print(f"  {name:<22} {count:>6}")
    print("\nservices per category (active / all):")
    for cid, name, active, total in stats.categories:
        print(f"  {cid:<12} {name:<10} {active:>4} / {total}")
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from kiosk.core.content.dump import dump_lines
    from kiosk.core.db.connection import connect

    conn = connect(database_path(args, args.path), readonly=True)
    try:
        for line in dump_lines(conn):
            print(line)
    finally:
        conn.close()
    return 0
