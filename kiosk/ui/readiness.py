"""``kiosk run --ready-report MODE``: say when the kiosk is really ready, then quit (for benchmarks).

The start-up benchmark (``benchmarks/startup.py``) times the real ``kiosk run`` from the outside:
process start until this module prints its line. "Ready" means the screen has been painted and
the event loop has then run dry once — what a resident sees as a kiosk that answers a touch.

Modes:

* ``first`` — the first screen the kiosk shows (the attract screen);
* ``home`` — the home screen: the kiosk starts on it instead of the attract screen;
* ``tour`` — ``home``, then every resident screen is shown once (with real content) before the
  report, so the resident set size printed is the one after a resident has been everywhere.

The line printed on standard output is JSON:
``{"ready": MODE, "seconds": …, "ready_perf_counter": …, "rss_kb": …, "rss_settled_kb": …}``.
``seconds``, ``ready_perf_counter`` and ``rss_kb`` are taken when the kiosk is ready: ``seconds``
counts from the start of ``kiosk run``; ``ready_perf_counter`` is ``time.perf_counter()`` then, a
clock all processes share on Linux (CLOCK_MONOTONIC), so the benchmark can time the whole process
from just before it started it. The line is printed, and the process exits, only once
the screens built ahead of time while the kiosk waits (:func:`kiosk.ui.app.prebuild_screens`) are
built: ``rss_settled_kb`` is the memory of the kiosk at rest after start-up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.window import KioskWindow

MODES = ("first", "home", "tour")

SETTLE_TIMEOUT_S = 10.0
"""Longest wait for the screens built ahead of time before ``rss_settled_kb`` is taken anyway."""

SETTLE_PAUSE_MS = 300
"""Pause after the last screen is built (its deferred loading) before ``rss_settled_kb`` is taken."""


def rss_kb(field: str = "VmRSS") -> int:
    """Resident set size of this process in kB, or its ``RssAnon`` (heap) / ``RssFile`` part
    (Linux ``/proc``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class _PaintWatch(QObject):
    """Calls ``done`` once, from an idle event loop, after ``widget`` or a child of it was painted.

    (A screen covered by its children may get no paint event itself, so the whole application is
    watched until the first paint inside ``widget``.)
    """

    def __init__(self, widget: QWidget, done: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._done = done
        app = QApplication.instance()
        assert app is not None
        self._app = app
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and (watched is self._widget or self._widget.isAncestorOf(watched))):
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self._done)  # runs once the loop is idle again
        return False


def when_painted(widget: QWidget, done: Callable[[], None]) -> None:
    """Call ``done`` once, from an idle event loop, after ``widget`` (or a child of it) was first painted."""
    _PaintWatch(widget, done)


def _tour(window: KioskWindow) -> None:
    """Show every resident screen once, painting each, ending on home."""
    from kiosk.ui.app import sample_params, show_screen
    from kiosk.ui.registry import RESIDENT_SCREENS

    params = sample_params(window.ctx.conn)
    for name in RESIDENT_SCREENS:
        show_screen(window, name, params.get(name))
        QApplication.processEvents()
        window.repaint()
    show_screen(window, "home")


def install(window: KioskWindow, mode: str, started: float) -> None:
    """Arrange for the report line and quit once the kiosk is ready in ``mode``.

    Call after the window is built and before it is shown.
    """
    if mode not in MODES:
        raise ValueError(f"ready-report mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode in ("home", "tour"):
        window.nav.home()

    line: dict[str, object] = {"ready": mode}
    deadline = time.perf_counter() + SETTLE_TIMEOUT_S

    def finish() -> None:
        line["rss_settled_kb"] = rss_kb()
        print(json.dumps(line), flush=True)
        app = QApplication.instance()
        if app is not None:
            app.exit(0)  # not quit(): that asks the windows, and the kiosk window refuses to close

    def settled() -> None:
        """Wait until the screens built ahead of time (kiosk.ui.app.prebuild_screens) are all there."""
        from kiosk.ui.registry import RESIDENT_SCREENS

        if set(RESIDENT_SCREENS) <= set(window.nav.built()) or time.perf_counter() > deadline:
            QTimer.singleShot(SETTLE_PAUSE_MS, finish)
        else:
            QTimer.singleShot(20, settled)

    def report() -> None:
        if mode == "tour":
            _tour(window)
            QApplication.processEvents()
        now = time.perf_counter()
        line.update(seconds=round(now - started, 4), ready_perf_counter=now, rss_kb=rss_kb())
        settled()

    screen = window.nav.current()
    _PaintWatch(screen if screen is not None else window, report)
