"""The handwriting pad as the 手写 page of the touch keyboard (kiosk.ui.widgets.keyboard.TouchKeyboard)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.core import handwriting
from kiosk.ui.theme import make_theme
from kiosk.ui.widgets.handwriting import PAGE_LABEL, HandwritingPad, add_handwriting_page
from kiosk.ui.widgets.keyboard import TouchKeyboard
from tests.fixtures.strokes.qt import LEFT, tap_candidate, write_with_mouse


def make_keyboard(qtbot: QtBot, *, elder: bool = False) -> tuple[TouchKeyboard, QLineEdit]:
    keyboard = TouchKeyboard(theme=make_theme(elder=elder))
    field = QLineEdit()
    qtbot.addWidget(keyboard)
    qtbot.addWidget(field)
    keyboard.set_target(field)
    keyboard.show()
    return keyboard, field


def test_weisheng_written_on_the_keyboard_page_reaches_the_field(qtbot: QtBot, seed_conn: sqlite3.Connection) -> None:
    """手写 tab → write 卫, tap it, write 生 (school order), tap it: the keyboard's target field reads 卫生."""
    keyboard, field = make_keyboard(qtbot)
    pad = add_handwriting_page(keyboard, theme=make_theme(), domain_chars=handwriting.domain_chars(seed_conn))
    assert isinstance(pad, HandwritingPad) and PAGE_LABEL in keyboard.page_names()
    QTest.mouseClick(keyboard.page_button(PAGE_LABEL), LEFT)
    assert keyboard.page() == PAGE_LABEL and pad.isVisible()
    write_with_mouse(pad, "卫")
    tap_candidate(pad, "卫")
    write_with_mouse(pad, "生")
    assert "生" in pad.candidates()[:8]
    tap_candidate(pad, "生")
    assert field.text() == "卫生"


def test_keyboard_gives_the_pad_its_theme(qtbot: QtBot) -> None:
    """An elder-mode keyboard makes the added pad's writing square larger than the standard one."""
    standard, _ = make_keyboard(qtbot)
    elder, _ = make_keyboard(qtbot, elder=True)
    small = add_handwriting_page(standard)
    large = add_handwriting_page(elder)
    assert small is not None and large is not None
    assert large.side() > small.side() >= 400


def test_keyboard_reset_clears_the_pad(qtbot: QtBot) -> None:
    """The idle reset of the keyboard empties the writing square and the candidate bar."""
    keyboard, _ = make_keyboard(qtbot)
    pad = add_handwriting_page(keyboard)
    assert pad is not None
    keyboard.set_page(PAGE_LABEL)
    write_with_mouse(pad, "十")
    assert pad.candidates()
    keyboard.reset()
    assert pad.writing_area.stroke_count() == 0 and pad.candidates() == []


def test_without_recognizer_there_is_no_tab_and_the_keyboard_still_types(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Zinnia library: no 手写 tab is added, and the 123 page still types into the field."""
    monkeypatch.setattr(handwriting, "_shared", None)
    monkeypatch.delenv(handwriting.LIBRARY_ENV, raising=False)
    monkeypatch.setattr(handwriting, "library_candidates", lambda: [])
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    keyboard, field = make_keyboard(qtbot)
    assert add_handwriting_page(keyboard) is None
    assert PAGE_LABEL not in keyboard.page_names()
    keyboard.set_page("123")
    QTest.mouseClick(keyboard.key_button("1"), LEFT)
    assert field.text() == "1"


def test_model_is_opened_on_the_first_stroke_and_released_after(qtbot: QtBot) -> None:
    """The 27 MB model is not mapped until a resident writes; release_shared() (the idle reset) unmaps
    it, and the next stroke opens it again and still recognizes."""
    handwriting.release_shared()
    keyboard, _ = make_keyboard(qtbot)
    pad = add_handwriting_page(keyboard)
    assert pad is not None and handwriting._shared is None
    keyboard.set_page(PAGE_LABEL)
    write_with_mouse(pad, "十")
    assert "十" in pad.candidates()[:3]
    opened = handwriting._shared
    assert opened is not None and not opened.closed
    assert handwriting.release_shared() is True
    assert opened.closed and handwriting._shared is None
    assert handwriting.release_shared() is False
    pad.clear()
    write_with_mouse(pad, "十")
    assert "十" in pad.candidates()[:3]
