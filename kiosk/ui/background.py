"""Slow worker jobs off the GUI thread: an export to a slow USB stick, a big spreadsheet's check or import,
a restore. The kiosk's rule is that nothing blocks the GUI thread (the resident screens, the idle reset
and the service manager's watchdog pings all run there).

:func:`run_job` runs ``job(conn)`` on a helper thread with **its own** connection to the same database
file (SQLite connections belong to the thread that opened them), then hands the result — or the
exception — back to the GUI thread, where ``done`` or ``failed`` is called. Writes stay all-or-none:
the core functions open their transaction on the job's connection as they would on any other.

The job outlives the widget that started it: a worker who leaves (or the idle lock) while an import
runs destroys the page, but the import finishes and writes; ``done`` and ``failed`` are then called
with the page gone, so they must check for that (:func:`alive`). Running jobs are held here, never
by the page, so nothing is deleted under a running thread.

A database with no file behind it (``:memory:``, only in tests) cannot be opened twice: the job then
runs at once on the GUI thread's connection, as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from kiosk.core.queries import Connection

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
"""The job's connection waits this long for a write lock held elsewhere (a save on the kiosk screen)."""

_running: set[Job] = set()


def alive(widget: object) -> bool:
    """True while ``widget``'s C++ object exists (False once the page was destroyed under a running job)."""
    return widget is not None and shiboken6.isValid(widget)


def running_jobs() -> int:
    """How many jobs are still running (tests; a clean exit waits for them with :func:`wait_all`)."""
    return len(_running)


def wait_all(timeout: float = 10.0) -> None:
    """Let running jobs finish (their results are delivered on the next turn of the event loop)."""
    for job in list(_running):
        job.wait(timeout)


class _Relay(QObject):
    """Carries finished jobs to the GUI thread: one object for the life of the application, never deleted
    (a QObject per job could be freed by Python inside its own queued call)."""

    finished = Signal(object)  # the Job, emitted on its helper thread

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)  # the receiver lives in the GUI thread: a queued call

    @Slot(object)
    def _deliver(self, job: Job) -> None:
        job._deliver()


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    """The relay, made on first use — in the GUI thread, where jobs are started."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class Job:
    """One job: its thread, and what to call on the GUI thread with its outcome."""

    def __init__(self, name: str, work: Callable[[], Any], done: Callable[[Any], None],
                 failed: Callable[[BaseException], None]) -> None:
        self.name = name
        self._work = work
        self._done = done
        self._failed = failed
        self.result: Any = None
        self.error: BaseException | None = None
        self._relay = _the_relay()
        self._thread = threading.Thread(target=self._run, name=f"kiosk-job-{name}", daemon=True)

    def start(self) -> None:
        _running.add(self)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread ends (tests and exit only, never from a tap). True when it ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self.result = self._work()
        except Exception as exc:  # handed to the GUI thread, which says what went wrong
            self.error = exc
        self._relay.finished.emit(self)

    def _deliver(self) -> None:
        _running.discard(self)
        try:
            if self.error is None:
                self._done(self.result)
            else:
                self._failed(self.error)
        except Exception:  # a page half gone must not take the kiosk down with it
            log.exception("the result of the background job %s could not be shown", self.name)


def start(name: str, work: Callable[[], Any], *, done: Callable[[Any], None],
          failed: Callable[[BaseException], None]) -> Job:
    """Run ``work()`` (no database: a slip laid out into a PDF) off the GUI thread; the outcome as with
    :func:`run_job`."""
    job = Job(name, work, done, failed)
    job.start()
    return job


def database_path(conn: Connection) -> tuple[Path | None, bool]:
    """The file behind ``conn`` (None: in memory) and whether it may be written."""
    from kiosk.core.fleet.outbox import database_file

    return database_file(conn)


def run_job(conn: Connection, name: str, job: Callable[[Connection], Any], *,
            done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> Job | None:
    """Run ``job(own_connection)`` off the GUI thread; ``done(result)`` or ``failed(exc)`` run on the GUI thread.

    Returns the running :class:`Job`, or None when the database has no file and the job ran at once.
    """
    path, writable = database_path(conn)
    if path is None:
        try:
            result = job(conn)
        except Exception as exc:
            failed(exc)
        else:
            done(result)
        return None

    def work() -> Any:
        from kiosk.core.db.connection import connect

        own = connect(path, readonly=not writable, migrate_schema=False)
        try:
            own.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            return job(own)
        finally:
            own.close()

    running = Job(name, work, done, failed)
    running.start()
    return running


__all__ = ["BUSY_TIMEOUT_MS", "Job", "alive", "database_path", "run_job", "running_jobs", "start", "wait_all"]
