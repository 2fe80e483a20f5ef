"""The handwriting pad (kiosk.ui.widgets.handwriting): strokes in, candidates shown, a tap types the character."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.core import handwriting
from kiosk.core.handwriting import Recognizer, shared_recognizer
from kiosk.ui import fonts
from kiosk.ui.theme import make_theme
from kiosk.ui.widgets.handwriting import (
    MIN_SIDE,
    HandwritingPad,
    add_handwriting_page,
    create_handwriting_pad,
)
from tests.fixtures.strokes.qt import LEFT, NONE, tap_candidate, to_pad, write_with_mouse


def make_pad(qtbot: QtBot, **kwargs: Any) -> HandwritingPad:
    pad = HandwritingPad(shared_recognizer(), **kwargs)
    qtbot.addWidget(pad)
    pad.show()
    return pad


def test_pad_is_large_with_at_least_eight_big_candidates(qtbot: QtBot) -> None:
    """Inside a window styled by the theme: square ≥ 400 px; ≥ 8 square candidates ≥ 64 px; undo/clear ≥ 64 px high."""
    theme = make_theme()
    window = QWidget()
    window.setStyleSheet(theme.qss())  # the window's sheet must not shrink the pad's buttons
    qtbot.addWidget(window)
    pad = HandwritingPad(shared_recognizer(), window, theme=theme)
    window.show()
    assert pad.writing_area.width() >= MIN_SIDE and pad.writing_area.height() == pad.writing_area.width()
    assert len(pad.candidate_buttons) >= 8
    assert all(b.width() == b.height() >= theme.min_target for b in pad.candidate_buttons)
    assert pad.undo_button.height() >= theme.min_target and pad.clear_button.height() >= theme.min_target
    assert pad.undo_button.width() >= 3 * theme.min_target


def test_elder_mode_makes_the_pad_and_candidates_larger(qtbot: QtBot) -> None:
    """With the elder theme the writing square and the candidate buttons grow."""
    standard = make_pad(qtbot, theme=make_theme())
    elder = make_pad(qtbot, theme=make_theme(elder=True))
    assert elder.side() > standard.side()
    assert elder.candidate_buttons[0].width() > standard.candidate_buttons[0].width()
    standard.apply_theme(make_theme(elder=True))
    assert standard.side() == elder.side()


def test_candidates_use_the_bundled_cjk_font(qtbot: QtBot) -> None:
    """The candidate buttons' font is the bundled one and has glyphs for the characters shown."""
    pad = make_pad(qtbot)
    write_with_mouse(pad, "卫")
    button = pad.candidate_buttons[0]
    button.ensurePolished()
    assert button.font().family() == fonts.load_bundled_font()
    assert button.font().pixelSize() >= 40
    assert all(QFontMetrics(button.font()).inFontUcs4(ord(c)) for c in "".join(pad.candidates()))


def test_each_stroke_updates_candidates_and_a_tap_emits_the_character(qtbot: QtBot) -> None:
    """十: after the first stroke 一 leads, after the second 十; tapping it emits textChosen('十') and clears."""
    pad = make_pad(qtbot)
    area = pad.writing_area
    QTest.mousePress(area, LEFT, NONE, to_pad(pad, 10, 45))
    QTest.mouseMove(area, to_pad(pad, 50, 45))
    QTest.mouseRelease(area, LEFT, NONE, to_pad(pad, 90, 45))
    assert pad.candidates()[0] == "一"
    QTest.mousePress(area, LEFT, NONE, to_pad(pad, 50, 8))
    QTest.mouseMove(area, to_pad(pad, 50, 50))
    QTest.mouseRelease(area, LEFT, NONE, to_pad(pad, 50, 92))
    assert pad.candidates()[0] == "十" and len(pad.candidates()) == len(pad.candidate_buttons)
    with qtbot.waitSignal(pad.textChosen, timeout=1000) as chosen:
        tap_candidate(pad, "十")
    assert chosen.args == ["十"]
    assert pad.writing_area.stroke_count() == 0 and pad.candidates() == []


@pytest.mark.parametrize("char", ["口", "中", "书"])
def test_written_character_is_offered(qtbot: QtBot, char: str) -> None:
    """Characters drawn with the mouse on the real pad appear in the candidate bar."""
    pad = make_pad(qtbot)
    write_with_mouse(pad, char)
    assert char in pad.candidates()[:5]


def test_touch_strokes_are_recognized(qtbot: QtBot) -> None:
    """Finger (touch events) writing 一 then 丨 gives 十, and a second finger does not draw."""
    pad = make_pad(qtbot)
    area = pad.writing_area
    device = QTest.createTouchDevice()
    QTest.touchEvent(area, device).press(0, to_pad(pad, 10, 45), area).commit()
    QTest.touchEvent(area, device).move(0, to_pad(pad, 50, 45), area).commit()
    QTest.touchEvent(area, device).release(0, to_pad(pad, 90, 45), area).commit()
    assert area.stroke_count() == 1 and pad.candidates()[0] == "一"
    QTest.touchEvent(area, device).press(0, to_pad(pad, 50, 8), area).commit()
    QTest.touchEvent(area, device).move(0, to_pad(pad, 50, 50), area).press(1, to_pad(pad, 5, 95), area).commit()
    QTest.touchEvent(area, device).release(0, to_pad(pad, 50, 92), area).stationary(1).commit()
    QTest.touchEvent(area, device).release(1, to_pad(pad, 6, 95), area).commit()
    assert area.stroke_count() == 2
    assert pad.candidates()[0] == "十"


def test_undo_stroke_and_clear(qtbot: QtBot) -> None:
    """撤销一笔 removes the last stroke and re-recognizes (十 → 一); 清除 empties the pad and the bar."""
    pad = make_pad(qtbot)
    assert not pad.undo_button.isEnabled() and not pad.clear_button.isEnabled()
    write_with_mouse(pad, "十")
    assert pad.candidates()[0] == "十" and pad.undo_button.isEnabled()
    QTest.mouseClick(pad.undo_button, LEFT)
    assert pad.writing_area.stroke_count() == 1 and pad.candidates()[0] == "一"
    QTest.mouseClick(pad.clear_button, LEFT)
    assert pad.writing_area.stroke_count() == 0 and pad.candidates() == []
    assert not pad.clear_button.isEnabled()
    assert all(not b.isEnabled() for b in pad.candidate_buttons)


def test_buttons_are_labelled(qtbot: QtBot) -> None:
    """The undo and clear buttons say 撤销一笔 and 清除 (Chinese source strings)."""
    pad = make_pad(qtbot)
    assert pad.undo_button.text() == "撤销一笔" and pad.clear_button.text() == "清除"


def test_writing_weisheng_stroke_by_stroke_fills_the_search_field(qtbot: QtBot, seed_conn: sqlite3.Connection) -> None:
    """A resident who knows no pinyin writes 卫 then 生 (school stroke order) and taps each: the field reads 卫生."""
    pad = make_pad(qtbot, domain_chars=handwriting.domain_chars(seed_conn))
    field = QLineEdit()
    qtbot.addWidget(field)
    pad.textChosen.connect(field.insert)
    write_with_mouse(pad, "卫")
    assert "卫" in pad.candidates()[:8]
    tap_candidate(pad, "卫")
    write_with_mouse(pad, "生")
    assert "生" in pad.candidates()[:8]
    tap_candidate(pad, "生")
    assert field.text() == "卫生"


# -- availability: the keyboard shows the 手写 page only with a recognizer ---------------------------


class FakeKeyboard(QWidget):
    """Stands in for TouchKeyboard: records add_page calls."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[tuple[str, QWidget]] = []

    def add_page(self, label: str, widget: QWidget) -> None:
        self.pages.append((label, widget))


def _break_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handwriting, "_shared", None)
    monkeypatch.delenv(handwriting.LIBRARY_ENV, raising=False)
    monkeypatch.setattr(handwriting, "library_candidates", lambda: [])
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)


def test_factory_returns_none_without_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Zinnia library → create_handwriting_pad() is None (the keyboard hides the 手写 tab)."""
    _break_library(monkeypatch)
    assert create_handwriting_pad() is None


def test_handwriting_page_added_only_when_available(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """add_handwriting_page adds a 手写 page with a recognizer, and nothing without one."""
    keyboard = FakeKeyboard()
    qtbot.addWidget(keyboard)
    pad = add_handwriting_page(keyboard)
    assert pad is not None and keyboard.pages == [("手写", pad)]
    _break_library(monkeypatch)
    other = FakeKeyboard()
    qtbot.addWidget(other)
    assert add_handwriting_page(other) is None and other.pages == []


def test_pad_refuses_fewer_than_eight_candidates(qapp: Any) -> None:
    """The candidate bar must offer at least 8 characters."""
    with Recognizer() as rec, pytest.raises(ValueError, match="at least 8"):
        HandwritingPad(rec, candidates=5)
