"""Hostile writing on the pad (issue #20): endless strokes and stroke counts stay bounded and inked.

Strokes here are SYNTHETIC (generated finger paths sent as real mouse events). Per-move timing is
measured by hand (docs/robustness.md), not asserted: these tests check what bounds the work.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.core.handwriting import MAX_STROKES, shared_recognizer
from kiosk.ui.widgets.handwriting import MAX_POINTS, HandwritingPad
from tests.fixtures.strokes.qt import LEFT, NONE, write_with_mouse


def make_pad(qtbot: QtBot) -> HandwritingPad:
    pad = HandwritingPad(shared_recognizer())
    qtbot.addWidget(pad)
    pad.show()
    return pad


def circling(i: int, side: int) -> QPoint:
    """A finger circling the square with a wobble: every step moves a few pixels."""
    c = side / 2
    return QPoint(round(c + side * 0.33 * math.cos(i / 25) + side * 0.08 * math.cos(i / 3)),
                  round(c + side * 0.33 * math.sin(i / 25)))


def test_ten_thousand_point_stroke_is_held_in_bounded_points_and_recognized(qtbot: QtBot) -> None:
    """A 10,000-move stroke keeps at most MAX_POINTS points, is inked and gives candidates on release."""
    pad = make_pad(qtbot)
    area, side = pad.writing_area, pad.side()
    QTest.mousePress(area, LEFT, NONE, circling(0, side))
    for i in range(1, 10_000):
        QTest.mouseMove(area, circling(i, side))
        assert area.point_count() <= MAX_POINTS
    QTest.mouseRelease(area, LEFT, NONE, circling(10_000, side))
    assert area.stroke_count() == 1 and 100 < area.point_count() <= MAX_POINTS
    assert pad.candidates()
    image = area.grab().toImage()
    ink = QColor("#1A1A1A")
    start = circling(0, side)
    assert image.pixelColor(start.x(), start.y()) == ink


def test_moves_under_two_pixels_add_no_points(qtbot: QtBot) -> None:
    """A resting, trembling finger (moves of one pixel back and forth) records no new points."""
    pad = make_pad(qtbot)
    area = pad.writing_area
    QTest.mousePress(area, LEFT, NONE, QPoint(200, 200))
    for i in range(500):
        QTest.mouseMove(area, QPoint(200 + i % 2, 200))
    QTest.mouseRelease(area, LEFT, NONE, QPoint(200, 200))
    assert area.point_count() == 1


def test_strokes_beyond_the_limit_are_not_taken_and_undo_still_works(qtbot: QtBot) -> None:
    """After MAX_STROKES strokes a further stroke adds nothing; undo removes the last one as before."""
    pad = make_pad(qtbot)
    area = pad.writing_area
    for k in range(MAX_STROKES + 5):
        y = 20 + (k * 9) % 400
        QTest.mousePress(area, LEFT, NONE, QPoint(20, y))
        QTest.mouseMove(area, QPoint(200, y))
        QTest.mouseRelease(area, LEFT, NONE, QPoint(380, y))
    assert area.stroke_count() == MAX_STROKES
    pad.undo_stroke()
    assert area.stroke_count() == MAX_STROKES - 1


def test_cached_ink_follows_undo_and_clear(qtbot: QtBot) -> None:
    """The cached finished strokes are repainted: undo removes a stroke's ink, clear shows the empty square."""
    pad = make_pad(qtbot)
    area = pad.writing_area
    write_with_mouse(pad, "十")  # horizontal at y = 45 %, vertical at x = 50 % of the square
    ink = QColor("#1A1A1A")
    side = pad.side()
    horizontal, vertical = (round(side * 0.3), round(side * 0.45)), (round(side * 0.5), round(side * 0.2))

    def inked(point: tuple[int, int]) -> bool:
        return area.grab().toImage().pixelColor(*point) == ink

    assert inked(horizontal) and inked(vertical)
    pad.undo_stroke()
    assert inked(horizontal) and not inked(vertical)
    pad.clear()
    assert area.stroke_count() == 0 and not inked(horizontal)


def test_long_stroke_benchmark_runs_and_reports_sane_figures(qapp: Any) -> None:
    """benchmarks/pad_long_stroke.py: a short run gives positive times, bounded points and candidates."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        import pad_long_stroke
    finally:
        sys.path.pop(0)
    result = pad_long_stroke.measure(moves=600)
    assert result.median_ms > 0 and result.worst_ms >= result.median_ms and result.release_ms > 0
    assert 2 <= result.points_kept <= MAX_POINTS and result.peak_mb > 0 and result.candidates
