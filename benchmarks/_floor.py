"""The floor for the start-up benchmark: the smallest PySide6 program that shows a kiosk-sized window.

    QT_QPA_PLATFORM=offscreen python3 benchmarks/_floor.py

A QApplication, one 1080×1920 QWidget holding a QLabel "上街", shown; once the widget (or its label)
has been painted and the event loop has then run dry once, it prints the same JSON line as
``kiosk run --ready-report`` (kiosk/ui/readiness.py) — ``{"ready": "floor", "seconds": …, "rss_kb": …}``
plus ``ready_perf_counter``, the moment of readiness on ``time.perf_counter()``'s clock (Linux:
CLOCK_MONOTONIC, the same in every process) — and quits. ``seconds`` is measured inside the process
from the first line of this script; ``benchmarks/startup.py`` times the whole process from outside.
Nothing of the kiosk is imported.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402  (imports are part of what is timed)
import sys  # noqa: E402

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402


def rss_kb() -> int:
    """Resident set size of this process in kB (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PaintWatch(QObject):
    """Report (from an idle event loop) after the first paint of ``widget`` or a child of it."""

    def __init__(self, app: QApplication, widget: QWidget) -> None:
        super().__init__(widget)
        self._app = app
        self._widget = widget
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and (watched is self._widget or self._widget.isAncestorOf(watched))):
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self.report)  # runs once the loop is idle again
        return False

    def report(self) -> None:
        now = time.perf_counter()
        line = {"ready": "floor", "seconds": round(now - STARTED, 4), "rss_kb": rss_kb(), "ready_perf_counter": now}
        print(json.dumps(line), flush=True)
        self._app.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("上街"))
    window.resize(1080, 1920)
    PaintWatch(app, window)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
