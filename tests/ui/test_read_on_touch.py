"""read_on_touch: in elder mode a tapped tile or button says its label; off by default, off outside
elder mode (kiosk.ui.touch_reading)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.core.terminal.config import Config
from kiosk.ui import speech
from kiosk.ui.app import show_screen


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(speech.ENGINE_ENV, "mock")
    out: list[str] = []
    monkeypatch.setattr(speech.Reader, "say", lambda self, text, lang=None: out.append(text) or True)
    return out


def tap_tile(qtbot: Any, window: Any, name: str) -> None:
    home = show_screen(window, "home")
    qtbot.mouseClick(home.primary_tiles[name], Qt.MouseButton.LeftButton)
    qtbot.wait(20)


def test_elder_mode_reads_the_tapped_tile(qtbot: Any, make_window: Any, said: list[str]) -> None:
    window = make_window(config=Config(read_on_touch=True))
    window.ctx.set_language("en")
    window.ctx.set_theme_name("elder")
    tap_tile(qtbot, window, "elderly")
    assert window.nav.current_name == "category"  # the tap did its work
    assert said and said[-1].startswith("Elderly care")
    said.clear()
    qtbot.mouseClick(window.nav_bar.help_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert said == ["Get help"] and window.nav.current_name == "hotlines"


def test_not_outside_elder_mode_and_not_by_default(qtbot: Any, make_window: Any, said: list[str]) -> None:
    window = make_window(config=Config(read_on_touch=True))
    tap_tile(qtbot, window, "elderly")
    assert said == []
    other = make_window()
    other.ctx.set_theme_name("elder")
    tap_tile(qtbot, other, "health")
    assert said == [] and other.touch_reader is None
