"""The running kiosk's side of reports back: starts and clean stops counted, reports dropped on a schedule.

:func:`install` (``kiosk run``) counts this start in ``runs.json`` (:mod:`kiosk.core.terminal.runs`)
once the event loop runs, so nothing of it comes before the first paint; ``kiosk run`` records a
clean stop when the event loop ends with status 0. With the ``outbox_dir`` setting an
:class:`OutboxWriter` writes a report into that folder :data:`FIRST_DELAY_MS` after the start and
then every ``outbox_every_minutes``, always on a worker thread with its own database connection:
building and zipping a report reads the usage tables, which must never freeze the screen. A report
that cannot be written (share not mounted, disk full) is logged and tried again at the next turn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from kiosk.core.fleet.outbox import database_file
from kiosk.core.queries import Connection
from kiosk.core.terminal.config import Config

log = logging.getLogger(__name__)

FIRST_DELAY_MS = 120_000
"""The first report waits two minutes after the start (the kiosk is busy building its screens before)."""
JOIN_S = 5.0


class OutboxWriter(QObject):
    """Drops this terminal's report into ``outbox`` on a timer, off the GUI thread."""

    def __init__(self, db: Path, writable: bool, outbox: Path, config: Config, data_dir: Path, *,
                 clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.writable, self.outbox, self.config, self.data_dir = db, writable, outbox, config, data_dir
        self.clock = clock
        self.written: list[Path] = []
        self.failures = 0
        self._thread: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(config.outbox_every_minutes * 60_000)
        self.timer.timeout.connect(self.tick)

    def start(self, first_delay_ms: int = FIRST_DELAY_MS) -> None:
        self.timer.start()
        QTimer.singleShot(first_delay_ms, self.tick)

    def tick(self) -> None:
        """Start writing a report unless the previous one is still being written."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._write, name="kiosk-outbox", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = JOIN_S) -> None:
        """Let a report being written finish (at exit: no half-written temporary file is left)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _write(self) -> None:
        try:
            from kiosk.core.fleet.outbox import write_scheduled_report

            written = write_scheduled_report(self.db, self.writable, self.outbox, self.config, self.data_dir,
                                             now=self.clock())
            self.written.append(written.path)
            log.info("report %s dropped into the outbox %s", written.report_id, self.outbox)
        except Exception as exc:  # never let a report reach the crash guard (it would send the resident home)
            self.failures += 1
            log.warning("could not write a report into the outbox %s: %s", self.outbox, exc)


class Reports:
    """What :func:`install` set up: the runs file (None: not counted) and the outbox writer (None: off)."""

    def __init__(self, runs_file: Path | None, writer: OutboxWriter | None) -> None:
        self.runs_file = runs_file
        self.writer = writer

    def finish(self, status: int) -> None:
        """After the event loop: wait for a report being written; a clean stop (status 0) is recorded."""
        if self.writer is not None:
            self.writer.timer.stop()
            self.writer.wait()
        if status == 0 and self.runs_file is not None:
            from kiosk.core.terminal.runs import record_stop

            try:
                record_stop(self.runs_file)
            except OSError as exc:
                log.warning("could not record the clean stop: %s", exc)


def install(conn: Connection, config: Config, *, clock: Callable[[], datetime],
            parent: QObject | None = None) -> Reports:
    """Count this start (from the event loop) and, with ``outbox_dir``, start the outbox writer."""
    from kiosk.core.terminal.paths import PathError, default_data_dir
    from kiosk.core.terminal.runs import runs_path

    try:
        data_dir = default_data_dir()
    except PathError:
        return Reports(None, None)
    runs_file = runs_path(data_dir)

    def count_start() -> None:
        from kiosk.core.terminal.runs import record_start

        try:
            record_start(runs_file, clock())
        except OSError as exc:
            log.warning("could not count this start: %s", exc)

    QTimer.singleShot(0, count_start)
    writer = None
    outbox = config.outbox_path()
    db, writable = database_file(conn)
    if outbox is not None and db is not None:
        writer = OutboxWriter(db, writable, outbox, config, data_dir, clock=clock, parent=parent)
        writer.start()
        log.info("start: a report goes into %s every %d min", outbox, config.outbox_every_minutes)
    return Reports(runs_file, writer)
