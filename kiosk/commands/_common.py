"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.core.terminal.paths import bundled_db_path

if TYPE_CHECKING:
    from kiosk.core.terminal.config import Config


def database_path(args: argparse.Namespace, positional: str | None = None) -> Path:
    """The database a data command works on: a positional PATH, ``--db``, or the default.

    The default is the runtime database in the data directory (the config's ``database`` setting or
    ``kiosk.db`` there) once it exists, and the bundled database until then.
    """
    _refuse_empty(positional, getattr(args, "db", None))
    chosen = positional or getattr(args, "db", None)
    if chosen:
        return Path(chosen)
    runtime = runtime_database_path()
    return runtime if runtime.is_file() else bundled_db_path()


def _refuse_empty(*paths: str | None) -> None:
    """An empty PATH or ``--db ""`` (an unset shell variable) is a mistake, not "use the default"."""
    from kiosk.core.errors import DatabaseError

    if any(path is not None and not path.strip() for path in paths):
        raise DatabaseError("the database path is empty: name a database file, or leave the option out "
                            "for this terminal's database")


def runtime_database_path(config: Config | None = None) -> Path:
    """The runtime database file of this terminal (it may not exist yet): the ``database`` setting of
    ``config`` (default: the terminal's config file in the data directory), else kiosk.db there."""
    from kiosk.core.terminal.config import load_terminal_config
    from kiosk.core.terminal.paths import default_data_dir

    data_dir = default_data_dir()
    if config is None:
        config, _ = load_terminal_config(data_dir)
    return config.database_path(data_dir)


def open_data_database(args: argparse.Namespace, config: Config | None = None) -> sqlite3.Connection:
    """A writable connection for a data command: ``--db PATH`` (which must exist), or the runtime
    database — created from the bundled one on first use, migrated and upgraded as at kiosk start.
    ``config`` (``kiosk run --config``) chooses the runtime database's file by its ``database`` setting."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.core.db.connection import connect
    from kiosk.core.db.runtime import open_runtime_database
    from kiosk.core.errors import DatabaseError
    from kiosk.core.terminal.paths import default_data_dir

    chosen = getattr(args, "db", None)
    _refuse_empty(chosen)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise DatabaseError(f"database not found: {path}")
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":  # connect() would turn an empty file into a database
                raise DatabaseError(f"{path} is not a kiosk database (not an SQLite file): check the --db path")
        conn = connect(path)
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn
    return open_runtime_database(default_data_dir(), bundled_db_path(), db_path=runtime_database_path(config),
                                 now=datetime.now(ZoneInfo("Asia/Shanghai")))


def int_arg(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number in ``low``…``high`` (ASCII digits only; see kiosk.core.limits)."""
    from kiosk.core.limits import LimitError, parse_int

    def parse(text: str) -> int:
        try:
            return parse_int(text, what="", low=low, high=high)  # argparse names the argument
        except LimitError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def date_arg() -> Callable[[str], date]:
    """An argparse ``type`` for a date YYYY-MM-DD within the kiosk's date bounds."""
    from kiosk.core.limits import LimitError, parse_date

    def parse(text: str) -> date:
        try:
            return parse_date(text, what="")  # argparse names the argument
        except LimitError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def add_moment_argument(parser: argparse.ArgumentParser, example: str) -> None:
    """``--at ISO_DATETIME``: the moment a command answers for (read with :func:`moment_of`)."""
    parser.add_argument("--at", metavar="ISO_DATETIME", default=None,
                        help=f"the moment, e.g. {example} (no offset = Asia/Shanghai time; default: now)")


def moment_of(text: str | None) -> datetime:
    """``--at``'s moment, aware (Asia/Shanghai when no offset is given); now when not given."""
    from kiosk.core.hours.opening import SHANGHAI
    from kiosk.core.limits import parse_moment

    if text is None:
        return datetime.now(SHANGHAI)
    moment = parse_moment(text, what="--at")  # an ISO date-time within the kiosk's date bounds
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def cli_actor() -> str:
    """Who a command-line change is recorded under: ``cli:`` and the computer account that ran it
    (at the office each worker has their own), so the history names someone."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"
