"""The idle reset forgets the last resident's search, including the field's undo history (issue #20)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.window import KioskWindow


def open_search(window: KioskWindow) -> SearchScreen:
    window.nav.home()
    window.nav.push("search")
    screen = window.nav.current()
    assert isinstance(screen, SearchScreen)
    return screen


def test_undo_after_the_idle_reset_gives_an_empty_field(qtbot: Any, window: KioskWindow) -> None:
    """Typed words, then the idle reset: undo (and Ctrl+Z, and redo) in the field leave it empty."""
    screen = open_search(window)
    QTest.keyClicks(screen.input, "yang")
    screen.keyboard.insert_text("养老院")  # what the touch keyboard's candidates and the pad send
    assert screen.input.text() == "yang养老院"
    assert screen.input.isUndoAvailable()
    window.idle.fire()
    window.nav.push("search")
    assert window.nav.current() is screen
    assert not screen.input.isUndoAvailable() and not screen.input.isRedoAvailable()
    screen.input.undo()
    assert screen.input.text() == ""
    screen.input.setFocus()
    QTest.keySequence(screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    screen.input.redo()
    assert screen.input.text() == ""


def test_the_clear_button_stays_undoable_for_the_same_resident(qtbot: Any, window: KioskWindow) -> None:
    """清除 by the resident themself may be undone (only the idle reset forgets the history)."""
    screen = open_search(window)
    screen.keyboard.insert_text("养老")
    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)
    assert screen.input.text() == ""
    screen.input.undo()
    assert screen.input.text() == "养老"
