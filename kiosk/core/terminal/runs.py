"""Starts and crashes of the kiosk, counted in a small file the reports to the office read.

``kiosk run`` calls :func:`record_start` once it is up and :func:`record_stop` when it ends cleanly
(a stop by systemd or a worker, exit status 0). A start that finds the previous run never ended
cleanly counts that run as a crash: a kill, a power cut, the crash guard giving up (status 70), a
segfault — whatever the way, the next start sees it. The file (``runs.json`` in the data directory)
holds only counters and the start time of the current run, and is replaced atomically; a damaged or
missing file starts the counters again from zero rather than stopping the kiosk.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

RUNS_FILE = "runs.json"
MAX_FILE_BYTES = 4096
MAX_COUNT = 10**12


@dataclass(frozen=True)
class Runs:
    """The counters: every start, every run that did not end cleanly, and the current run."""

    starts: int = 0
    crashes: int = 0
    started_at: str = ""
    """ISO time the last run started (empty: never started)."""
    running: bool = False
    """True from a start until its clean stop (or the next start, which then counts a crash)."""

    def uptime_s(self, now: datetime) -> int | None:
        """Seconds the kiosk has been running at ``now``; None when it is not running."""
        if not self.running or not self.started_at:
            return None
        try:
            started = datetime.fromisoformat(self.started_at)
        except ValueError:
            return None
        return max(0, int((now - started).total_seconds()))


def runs_path(data_dir: Path) -> Path:
    return Path(data_dir) / RUNS_FILE


def read_runs(path: Path) -> Runs:
    """The counters in ``path``; zeros when it is missing or damaged."""
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        raw = json.loads(data.decode("utf-8")) if len(data) <= MAX_FILE_BYTES else None
    except (OSError, ValueError):
        return Runs()
    if not isinstance(raw, dict):
        return Runs()

    def count(key: str) -> int:
        value = raw.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT else 0

    started = raw.get("started_at")
    return Runs(count("starts"), count("crashes"), started[:40] if isinstance(started, str) else "",
                raw.get("running") is True)


def _write(path: Path, runs: Runs) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(runs), fh)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def record_start(path: Path, now: datetime) -> Runs:
    """Count a start (and a crash, when the previous run never stopped cleanly); returns the new counters."""
    old = read_runs(path)
    new = Runs(min(old.starts + 1, MAX_COUNT), min(old.crashes + (1 if old.running else 0), MAX_COUNT),
               now.isoformat(timespec="seconds"), True)
    _write(path, new)
    return new


def record_stop(path: Path) -> Runs:
    """The current run ended cleanly."""
    old = read_runs(path)
    new = Runs(old.starts, old.crashes, old.started_at, False)
    _write(path, new)
    return new
