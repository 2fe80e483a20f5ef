"""Private temporary folders that do not outlive the run that made them.

Unpacking or exporting a content bundle needs a folder for a database copy. Before this module a
run stopped by SIGTERM (a service restart, a shutdown) left its 0.6 GB folder behind, and every
killed run added one. Now every such folder is ``kiosk-<kind>-<pid>-<random>`` under the system's
temporary folder, so that:

* :func:`install_termination_handler` (called by the long-running commands) turns SIGTERM into a
  normal exit that removes this process's folders first;
* :func:`remove_stale` (called before making a new folder) removes folders of runs that were killed
  outright (SIGKILL, power cut): the pid in the name is gone and the folder is a few minutes old.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)

PREFIX = "kiosk-"
STALE_AFTER_S = 300.0
"""A folder of a vanished process is removed once it is this old (a run just starting is left alone)."""
TERMINATED_EXIT = 128 + signal.SIGTERM

_NAME = re.compile(r"^kiosk-(?P<kind>[a-z]+)-(?P<pid>\d+)-")
_live: set[Path] = set()
_terminating = False


def base_dir() -> Path:
    """Where the folders go (``$TMPDIR`` or the system default)."""
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def scratch_dir(kind: str) -> Iterator[Path]:
    """A new private folder ``kiosk-<kind>-<pid>-…``, removed when the block ends (or on SIGTERM)."""
    if not kind.isalpha() or not kind.islower():
        raise ValueError(f"scratch folder kind must be lower-case letters, got {kind!r}")
    remove_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=base_dir()))
    _live.add(folder)
    try:
        yield folder
    finally:
        _live.discard(folder)
        shutil.rmtree(folder, ignore_errors=True)


def terminating() -> bool:
    """True once SIGTERM arrived (long loops and SQLite progress handlers stop early)."""
    return _terminating


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


def remove_stale(*, folder: Path | None = None, now: float | None = None,
                 older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove scratch folders of processes that no longer run and are older than ``older_than_s``."""
    folder = folder or base_dir()
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        match = _NAME.match(path.name)
        if match is None or _pid_alive(int(match.group("pid"))):
            continue
        try:
            if not path.is_dir() or path.is_symlink() or now - path.stat().st_mtime < older_than_s:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    if removed:
        log.info("removed %d temporary folder(s) left by stopped runs: %s", len(removed),
                 ", ".join(p.name for p in removed))
    return removed


def cleanup_now() -> None:
    """Remove this process's scratch folders (the SIGTERM handler; also safe to call at exit)."""
    for folder in list(_live):
        shutil.rmtree(folder, ignore_errors=True)
        _live.discard(folder)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _terminating
    _terminating = True
    cleanup_now()
    log.info("stopped by signal %d; temporary folders removed", signum)
    raise SystemExit(TERMINATED_EXIT)


def install_termination_handler() -> None:
    """Make SIGTERM remove this process's scratch folders and exit with status 143 (main thread only)."""
    with contextlib.suppress(ValueError):  # not the main thread (an embedding program): leave it be
        signal.signal(signal.SIGTERM, _on_sigterm)
