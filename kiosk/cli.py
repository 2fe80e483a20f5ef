"""The ``kiosk`` command: one entry point with subcommands.

Subcommands live in :mod:`kiosk.commands`, one module per area; each module has a
``register(subparsers, common)`` function that adds its subcommands and sets ``func`` on them.
Modules are found automatically, so adding a command never touches this file.

User errors (:class:`kiosk.core.errors.KioskError`) print one line and exit non-zero; there is no
traceback unless ``KIOSK_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.core.errors import KioskError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="上街社区服务终端 — Shangjie community services kiosk.",
        epilog="Run `kiosk COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", default=None,
        help="writable data directory (runtime database, backups, logs); default: $KIOSK_DATA_DIR "
             "or the platform's user data directory",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=None,
                        help="work on this database file instead of the default one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import kiosk.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"kiosk.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["KIOSK_DATA_DIR"] = os.path.abspath(args.data_dir)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KioskError as exc:
        if os.environ.get("KIOSK_DEBUG"):
            raise
        print(f"kiosk {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        if os.environ.get("KIOSK_DEBUG"):
            raise
        print(f"kiosk {args.command}: error: database problem: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`kiosk report | head`): stop quietly, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
