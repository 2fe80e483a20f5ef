"""One scheduled report, as the running kiosk's outbox writer does it (kiosk.ui.outbox runs this on a thread).

Kept apart from :mod:`kiosk.core.fleet.report` so that the kiosk can schedule reports without importing
what building one needs (the content-bundle and listing modules) before its first paint.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.fleet.report import Written
    from kiosk.core.terminal.config import Config


def database_file(conn: sqlite3.Connection) -> tuple[Path | None, bool]:
    """The file behind ``conn`` and whether it may be written (False: the read-only stand-in)."""
    from kiosk.core.db.runtime import read_only_reason

    row = conn.execute("PRAGMA database_list").fetchone()
    name = str(row[2]) if row is not None and row[2] else ""
    return (Path(name) if name else None), read_only_reason(conn) is None


def write_scheduled_report(db: Path, writable: bool, outbox: Path, config: Config, data_dir: Path, *,
                           now: datetime) -> Written:
    """Open ``db`` on a connection of this thread, drop a report into ``outbox`` (keeping ``outbox_keep``)."""
    from kiosk.core.db.connection import connect
    from kiosk.core.errors import KioskError
    from kiosk.core.exchange.signing import inside, load_private_key
    from kiosk.core.fleet.report import drop_into_outbox
    from kiosk.core.terminal.runs import read_runs, runs_path

    key = None
    if config.report_sign_key:
        if inside(outbox, Path(config.report_sign_key).parent):
            raise KioskError(f"outbox {outbox} is in the folder of the report key; no report written (the key "
                             "would be shared)")
        key = load_private_key(Path(config.report_sign_key))
    conn = connect(db, readonly=not writable)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        return drop_into_outbox(conn, outbox, terminal_id=config.identity(), place=config.terminal_place,
                                runs=read_runs(runs_path(data_dir)), now=now, keep=config.outbox_keep, sign_key=key)
    finally:
        conn.close()
