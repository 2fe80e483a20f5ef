"""The ``kiosk`` command: one entry point with subcommands.

Subcommands live in :mod:`kiosk.commands`, one module per area; each module has a
``register(subparsers, common)`` function that adds its subcommands and sets ``func`` on them.
Modules are found automatically, so adding a command never touches this file.

User errors (:class:`kiosk.core.errors.KioskError`) print one line and exit non-zero; there is no
traceback unless ``KIOSK_DEBUG=1``. So do bad arguments (one line naming the argument, not argparse's
usage block), unreadable paths (OSError), and arguments that are not text (a NUL byte, bytes that are
not UTF-8). Anything else still ends in one line, marked as a bug to report (exit 70): a worker at the
office PC never sees a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from kiosk import __version__
from kiosk.core.errors import KioskError


class KioskArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line error: what is wrong with which argument, and where the help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


INTERNAL_ERROR_EXIT = 70
"""Exit status of a failure that is a bug of the kiosk, not of the input (EX_SOFTWARE)."""


_ALONE = {"run": "run"}
"""Commands whose module is loaded alone: ``kiosk run`` is how a terminal starts, and importing every
other command module first costs about 30 ms of the start-up (kiosk.ui.app)."""


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not an option or --data-dir's value)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--data-dir":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``kiosk`` parser with every command (or, for ``kiosk run …`` in ``argv``, that command alone)."""
    parser = KioskArgumentParser(
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
    common = KioskArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=None,
                        help="work on this database file instead of the default one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import kiosk.commands as commands

    alone = _ALONE.get(_command_of(argv) or "") if argv is not None else None
    names = [alone] if alone else sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    for name in names:
        module = importlib.import_module(f"kiosk.commands.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub, common)
    return parser


def _not_text(argv: Sequence[str]) -> str | None:
    """Why an argument cannot be used as text (a NUL byte, bytes that are not UTF-8), or None."""
    for n, arg in enumerate(argv, start=1):
        if "\x00" in arg:
            return f"argument {n} contains a NUL byte; type it again without control characters"
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")[:60]
            return (f"argument {n} ('{shown}') is not UTF-8 text: set the terminal to UTF-8 "
                    "(LANG=zh_CN.UTF-8) or rename the file")
    return None


def one_line(message: str) -> str:
    """``message`` on one line: a quoted input's line breaks and control characters shown as ``\\n``, ``\\x07``.

    Lines that start with ``  - `` stay: they list several problems under the one-line summary.
    """
    lines = message.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if line.startswith("  - "):
            out.append(line)
        else:
            out[-1] += "\\n" + line
    return "\n".join("".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in line) for line in out)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    problem = _not_text(argv)
    if problem:
        print(f"kiosk: error: {problem}", file=sys.stderr)
        return 2
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad argument (one line already printed)
        return exc.code if isinstance(exc.code, int) else 2
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
        print(f"kiosk {args.command}: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        if os.environ.get("KIOSK_DEBUG"):
            raise
        print(f"kiosk {args.command}: error: database problem: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return _quiet_pipe()
        if os.environ.get("KIOSK_DEBUG"):
            raise
        where = f": {one_line(str(exc.filename))[:200]}" if exc.filename else ""
        print(f"kiosk {args.command}: error: {exc.strerror or exc}{where} — check the path and its permissions",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, never a traceback on a worker's screen
        if os.environ.get("KIOSK_DEBUG"):
            raise
        text = one_line(" ".join(str(exc).split()))[:200]
        print(f"kiosk {args.command}: internal error: {type(exc).__name__}: {text} — this is a bug of the kiosk; "
              "please report it with the command you ran (KIOSK_DEBUG=1 shows the details)", file=sys.stderr)
        return INTERNAL_ERROR_EXIT


def _quiet_pipe() -> int:
    """The reader went away (`kiosk report | head`): stop quietly, like other Unix tools."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
