"""Handwriting pad under a resident who never lifts the finger (issue #20): time per move event and
for the recognition on release, for one stroke of N moves, and the process's peak memory.

Before the bounds, a stroke of 2,000 moves cost 26 ms per move (growing with the stroke) and one of
6,000 points took 2 GB on release. Run: ``python benchmarks/pad_long_stroke.py [--moves 10000]``.
The finger path is SYNTHETIC: a wobbling circle, a few pixels per move.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    moves: int
    median_ms: float
    p99_ms: float
    worst_ms: float
    release_ms: float
    points_kept: int
    peak_mb: float
    candidates: list[str]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def measure(moves: int = 10_000) -> Result:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from kiosk.core.handwriting import shared_recognizer
    from kiosk.ui.widgets.handwriting import HandwritingPad

    app = QApplication.instance() or QApplication([])
    pad = HandwritingPad(shared_recognizer())
    pad.show()
    app.processEvents()
    area = pad.writing_area
    side = pad.side()
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, i: int) -> None:
        point = QPointF(side / 2 + side * 0.33 * math.cos(i / 25) + side * 0.08 * math.cos(i / 3),
                        side / 2 + side * 0.33 * math.sin(i / 25))
        button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else left
        QApplication.sendEvent(area, QMouseEvent(kind, point, area.mapToGlobal(point), button, buttons,
                                                 Qt.KeyboardModifier.NoModifier))

    send(QEvent.Type.MouseButtonPress, 0)
    times: list[float] = []
    for i in range(1, moves):
        start = time.perf_counter()
        send(QEvent.Type.MouseMove, i)
        app.processEvents()  # the repaint of the move's rectangle
        times.append((time.perf_counter() - start) * 1000)
    kept = area.point_count()
    start = time.perf_counter()
    send(QEvent.Type.MouseButtonRelease, moves)
    release_ms = (time.perf_counter() - start) * 1000
    times.sort()
    result = Result(moves, statistics.median(times), times[int(len(times) * 0.99)], times[-1], release_ms, kept,
                    peak_mb(), pad.candidates()[:3])
    pad.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10_000, help="moves in the one stroke (default 10000)")
    r = measure(parser.parse_args().moves)
    print(f"one stroke of {r.moves} moves: per move median {r.median_ms:.2f} ms, p99 {r.p99_ms:.2f} ms, "
          f"worst {r.worst_ms:.2f} ms; {r.points_kept} points kept")
    print(f"release (recognition): {r.release_ms:.1f} ms, candidates {' '.join(r.candidates)}; "
          f"peak memory {r.peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
