"""Start-up steps that must run first, in a fixed order, before the kiosk builds any window.

``kiosk run`` calls :func:`early_init` by name (never as a side effect of an import), modelled on
qutebrowser's ``misc/earlyinit.py``:

1. **log files** — the rotating log in the data directory (:func:`kiosk.ui.crash.start_logging`);
2. **faulthandler** — a crash inside Qt or a C library (a segfault, an abort, ``Fatal Python error``)
   kills the process before any Python handler runs. :mod:`faulthandler` writes the Python stack of
   every thread to ``faults.log`` beside the log at that moment; the next start copies what it finds
   there into ``kiosk.log`` (so the office sees it with everything else) and empties it;
3. **binding check** — PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every Qt call
   that returns nothing, and the interpreter aborts ("deallocating None") after some thousand taps.
   pyproject.toml excludes that release; :func:`pyside_drops_references` measures it, so a terminal
   that got a bad release anyway says so in its log (and tests/ui/test_pyside_refcounts.py fails).
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.terminal.config import Config

log = logging.getLogger("kiosk.earlyinit")

FAULTS_FILE_NAME = "faults.log"
MAX_REPORTED_CHARS = 8000
_fault_file: IO[str] | None = None


def early_init(config: Config) -> Path | None:
    """Run the start-up steps in order; returns the log file (None when logging to the console only)."""
    from kiosk.core.terminal.paths import PathError
    from kiosk.ui.crash import start_logging

    log_path = None
    with contextlib.suppress(PathError):  # no usable data directory (kiosk run reports it): the console only
        log_path = start_logging(config)
    enable_faulthandler(log_path.parent if log_path is not None else None)
    check_binding()
    return log_path


def enable_faulthandler(log_dir: Path | None) -> Path | None:
    """Fatal-error stack traces to ``log_dir/faults.log`` (stderr when there is no log folder).

    What an earlier run left there is first copied into the log as one warning, then the file is emptied.
    """
    global _fault_file
    if log_dir is None:
        faulthandler.enable(file=sys.stderr, all_threads=True)
        return None
    path = log_dir / FAULTS_FILE_NAME
    try:
        earlier = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if earlier.strip():
            log.warning("the previous run ended in a fatal error:\n%s", earlier[-MAX_REPORTED_CHARS:].rstrip())
        if _fault_file is not None:
            _fault_file.close()
        _fault_file = path.open("w", encoding="utf-8")  # kept open: faulthandler writes to its descriptor
    except OSError as exc:
        log.warning("cannot write %s (%s); fatal errors go to the console", path, exc)
        faulthandler.enable(file=sys.stderr, all_threads=True)
        return None
    faulthandler.enable(file=_fault_file, all_threads=True)
    return path


def pyside_drops_references(calls: int = 64) -> bool:
    """True when the installed PySide6 loses a reference to ``None`` on every Qt call returning nothing.

    Always False where ``None`` is immortal (CPython ≥ 3.12): the bug is harmless there.
    """
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")  # a void method: returns None to Python
    after = sys.getrefcount(None)
    del probe
    return after < before - calls // 2


def check_binding() -> bool:
    """Log an error when the Qt binding has a known fatal bug; True when it is fine."""
    import PySide6

    if pyside_drops_references():
        log.error("PySide6 %s drops references to None on every Qt call: the kiosk will abort after long use "
                  "(\"deallocating None\"). Install the release pyproject.toml asks for (pip install -e .)",
                  PySide6.__version__)
        return False
    return True


__all__ = ["FAULTS_FILE_NAME", "check_binding", "early_init", "enable_faulthandler", "pyside_drops_references"]
