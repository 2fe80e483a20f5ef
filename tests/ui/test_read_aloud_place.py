"""One 朗读 button, in the window's bar, in the same place on every screen with chrome; it reads the
visible screen's speech_text() (issue #19, item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.ui import speech
from kiosk.ui.app import sample_params, show_screen
from kiosk.ui.theme import THEME_NAMES
from tests.ui.conftest import LANDSCAPE, PORTRAIT

CHROME_SCREENS = ("home", "category", "search", "detail", "hotlines", "news", "figures")


@pytest.fixture
def mock_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(speech.ENGINE_ENV, "mock")


@pytest.mark.usefixtures("mock_engine")
@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_one_read_button_in_one_place_on_every_screen(qtbot: Any, make_window: Any, seed_conn: Any,
                                                      size: tuple[int, int]) -> None:
    """English (mock has English voices): the bar's button shows on every chrome screen at one geometry,
    its label as large as back/home, and no screen has a second one."""
    window = make_window(size=size)
    window.ctx.set_language("en")
    params = sample_params(seed_conn)
    show_screen(window, "home")
    button = window.nav_bar.read_button
    assert button is not None
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    for theme in THEME_NAMES:
        window.ctx.set_theme_name(theme)
        places = {}
        for name in CHROME_SCREENS:
            screen = show_screen(window, name, params.get(name))
            QApplication.processEvents()
            assert button.isVisible(), name
            places[name] = (button.mapTo(window, button.rect().topLeft()).toTuple(), button.size().toTuple())
            others = [b for b in screen.findChildren(speech.ReadAloudButton) if b.isVisible()]
            assert others == [] or name == "detail", (name, others)  # detail's own goes with its rework
        assert len(set(places.values())) == 1, (theme, places)
        assert button.font().pixelSize() >= window.nav_bar.home_button.font().pixelSize()


@pytest.mark.usefixtures("mock_engine")
def test_the_button_reads_the_visible_screen(qtbot: Any, make_window: Any, seed_conn: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Each screen's own text: home's tiles, a category's services, hotline numbers digit by digit."""
    said: list[str] = []
    monkeypatch.setattr(speech.Reader, "say", lambda self, text, lang=None: said.append(text) or True)
    window = make_window()
    window.ctx.set_language("en")
    params = sample_params(seed_conn)
    show_screen(window, "home")
    button = window.nav_bar.read_button
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    button.click()
    assert "Elderly care" in said[-1] and "Hotlines" in said[-1]
    category = show_screen(window, "category", params["category"])
    button.click()
    first = category.model.rows()[0]
    assert category.title() in said[-1] and (first.name_en or first.name) in said[-1]
    show_screen(window, "hotlines")
    button.click()
    assert "1 2 3 4 9" in said[-1]
    news = show_screen(window, "news")
    button.click()
    assert (news.items[0].title_en or news.items[0].title) in said[-1]


def test_default_speech_text_is_the_page_text(make_window: Any) -> None:
    """A screen that does not override speech_text() reads its labels (search: the default)."""
    window = make_window()
    screen = show_screen(window, "search")
    text = screen.speech_text()
    assert text.strip()
    assert all(line.strip() for line in text.splitlines())


def test_no_button_where_read_aloud_is_off(make_window: Any) -> None:
    from kiosk.core.terminal.config import Config

    window = make_window(config=Config(read_aloud=False))
    show_screen(window, "hotlines")
    assert window.nav_bar.read_button is None
