"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.core.paths import bundled_db_path


def database_path(args: argparse.Namespace, positional: str | None = None) -> Path:
    """The database a data command works on: a positional PATH, ``--db``, or the default.

    The default is the bundled database until the runtime database exists.
    """
    chosen = positional or getattr(args, "db", None)
    if chosen:
        return Path(chosen)
    return bundled_db_path()
