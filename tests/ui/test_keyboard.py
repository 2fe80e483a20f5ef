"""The touch keyboard: pinyin by taps gives Chinese, letters and digits by taps, pages, sizes."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from kiosk.core.search.candidates import PinyinVocabulary
from kiosk.ui.theme import make_theme
from kiosk.ui.widgets.keyboard import ABC, NUMBERS, PINYIN, TouchKeyboard

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def vocabulary(seed_db_path: Any) -> PinyinVocabulary:
    from kiosk.core.db.connection import connect

    conn = connect(seed_db_path, readonly=True)
    try:
        return PinyinVocabulary.from_connection(conn)
    finally:
        conn.close()


def make(qtbot: Any, vocabulary: PinyinVocabulary | None = None, *, elder: bool = False,
         width: int = 1080) -> tuple[TouchKeyboard, QLineEdit]:
    field = QLineEdit()
    keyboard = TouchKeyboard(theme=make_theme(elder=elder))
    qtbot.addWidget(field)
    qtbot.addWidget(keyboard)
    keyboard.set_target(field)
    if vocabulary is not None:
        keyboard.set_candidate_source(vocabulary.candidates)
    keyboard.resize(width, 500)
    keyboard.show()
    field.show()
    qtbot.waitExposed(keyboard)
    return keyboard, field


def tap_keys(qtbot: Any, keyboard: TouchKeyboard, keys: str) -> None:
    for ch in keys:
        qtbot.mouseClick(keyboard.key_button(ch), LEFT)


def tap_candidate(qtbot: Any, keyboard: TouchKeyboard, text: str) -> None:
    index = keyboard.candidates().index(text)
    qtbot.mouseClick(keyboard.candidate_buttons[index], LEFT)


def test_pinyin_by_taps_gives_chinese(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """Tapping y-a-n-g-l-a-o shows 养老 first on the bar; tapping it puts 养老 in the field."""
    keyboard, field = make(qtbot, vocabulary)
    seen: list[str] = []
    keyboard.compositionChanged.connect(seen.append)
    tap_keys(qtbot, keyboard, "yanglao")
    assert keyboard.composition() == "yanglao"
    assert seen[-1] == "yanglao"
    assert field.text() == ""  # still a composition (pre-edit), not text
    assert keyboard.candidates()[0] == "养老"
    tap_candidate(qtbot, keyboard, "养老")
    assert field.text() == "养老"
    assert keyboard.composition() == "" and seen[-1] == ""


def test_a_single_character_leaves_the_rest_to_type(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """Choosing 卫 for weisheng keeps sheng composing; then 生 completes 卫生."""
    keyboard, field = make(qtbot, vocabulary)
    tap_keys(qtbot, keyboard, "weisheng")
    tap_candidate(qtbot, keyboard, "卫")
    assert field.text() == "卫" and keyboard.composition() == "sheng"
    tap_candidate(qtbot, keyboard, "生")
    assert field.text() == "卫生" and keyboard.composition() == ""


def test_initials_offer_whole_names(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """y-l-f-w offers 养老服务 first (pinyin initials, as residents type them)."""
    keyboard, field = make(qtbot, vocabulary)
    tap_keys(qtbot, keyboard, "ylfw")
    assert keyboard.candidates()[0] == "养老服务"
    qtbot.mouseClick(keyboard.space_button, LEFT)  # space takes the first candidate
    assert field.text() == "养老服务"


def test_backspace_removes_letters_then_characters(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """⌫ takes back a composed letter first, then a character of the field."""
    keyboard, field = make(qtbot, vocabulary)
    field.setText("图书")
    tap_keys(qtbot, keyboard, "ka")
    qtbot.mouseClick(keyboard.backspace_button, LEFT)
    assert keyboard.composition() == "k" and field.text() == "图书"
    qtbot.mouseClick(keyboard.backspace_button, LEFT)
    qtbot.mouseClick(keyboard.backspace_button, LEFT)
    assert keyboard.composition() == "" and field.text() == "图"


def test_abc_and_123_pages_type_directly(qtbot: Any) -> None:
    """ABC puts letters straight in the field, 123 digits; a composition is kept as letters on switching."""
    keyboard, field = make(qtbot)
    tap_keys(qtbot, keyboard, "ba")
    qtbot.mouseClick(keyboard.page_button(ABC), LEFT)
    assert keyboard.page() == ABC and field.text() == "ba" and keyboard.composition() == ""
    tap_keys(qtbot, keyboard, "ng")
    qtbot.mouseClick(keyboard.page_button(NUMBERS), LEFT)
    tap_keys(qtbot, keyboard, "12349")
    assert field.text() == "bang12349"
    assert not keyboard.candidate_bar.isVisible()


def test_candidate_bar_pages(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """› shows the next candidates, ‹ the previous ones; the first page starts with the best."""
    keyboard, _field = make(qtbot, vocabulary, width=700)
    tap_keys(qtbot, keyboard, "shi")
    first = keyboard.candidates()
    assert first and keyboard.next_button.isEnabled() and not keyboard.previous_button.isEnabled()
    qtbot.mouseClick(keyboard.next_button, LEFT)
    second = keyboard.candidates()
    assert second and not set(second) & set(first)
    qtbot.mouseClick(keyboard.previous_button, LEFT)
    assert keyboard.candidates()[0] == first[0]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_keys_are_touch_sized(qtbot: Any, vocabulary: PinyinVocabulary, elder: bool) -> None:
    """Every key, tab and candidate is at least the theme's touch target (64 px, elder 80 px), none overlap."""
    keyboard, _field = make(qtbot, vocabulary, elder=elder, width=1040)
    tap_keys(qtbot, keyboard, "tushu")
    QApplication.processEvents()
    target = keyboard._theme.min_target
    buttons = [b for b in keyboard.findChildren(QWidget) if b.property("kbd") and b.isVisible()]
    assert len(buttons) > 30
    for b in buttons:
        assert b.width() >= target and b.height() >= target, (b.objectName(), b.size())
    row = sorted((b.mapTo(keyboard, b.rect().topLeft()).x(), b.width()) for b in keyboard.candidate_buttons
                 if b.isVisible())
    for (x1, w1), (x2, _w2) in itertools.pairwise(row):
        assert x1 + w1 <= x2, "candidate buttons overlap"
    right = max(b.mapTo(keyboard, b.rect().topRight()).x() for b in buttons)
    assert right <= keyboard.width()


class FakePad(QWidget):
    """Stands in for the handwriting pad: a page that emits textChosen."""

    textChosen = Signal(str)


def test_added_page_types_into_the_target(qtbot: Any) -> None:
    """add_page adds a tab; the page's textChosen(str) lands in the field."""
    keyboard, field = make(qtbot)
    pad = FakePad()
    keyboard.add_page("手写", pad)
    assert keyboard.page_names() == [PINYIN, ABC, NUMBERS, "手写"]
    qtbot.mouseClick(keyboard.page_button("手写"), LEFT)
    assert keyboard.page() == "手写" and keyboard.pages.currentWidget() is pad
    pad.textChosen.emit("卫")
    assert field.text() == "卫"
    with pytest.raises(ValueError):
        keyboard.add_page("手写", FakePad())


def test_reset_forgets_everything(qtbot: Any, vocabulary: PinyinVocabulary) -> None:
    """reset() (idle) drops the composition and returns to the 拼音 page."""
    keyboard, field = make(qtbot, vocabulary)
    tap_keys(qtbot, keyboard, "kan")
    keyboard.set_page(NUMBERS)  # switching pages keeps the letters typed so far
    assert field.text() == "kan"
    keyboard.set_page(PINYIN)
    tap_keys(qtbot, keyboard, "bing")
    keyboard.set_page(ABC)
    keyboard.reset()
    assert keyboard.page() == PINYIN and keyboard.composition() == "" and keyboard.candidates() == []


def test_vocabulary_comes_from_the_kiosk(seed_conn: sqlite3.Connection) -> None:
    """Candidates are the kiosk's own words first: 看病 (everyday word), 图书 (a name), then characters."""
    vocab = PinyinVocabulary.from_connection(seed_conn)
    assert vocab.candidates("kanbing")[0].text == "看病"
    assert vocab.candidates("tushu")[0].text == "图书"
    first = vocab.candidates("yanglao")
    assert first[0].text == "养老" and first[0].letters == 7
    single = next(c for c in first if c.text == "养")
    assert single.letters == 4
    assert vocab.candidates("") == [] and vocab.candidates("123") == []
    assert all(len(c.text) == 1 for c in vocab.candidates("zzzz")[:3])
