"""The back/home bar always names the page: the title is shown whole on every screen, size, language and
theme — between the buttons when it fits there, else on its own line under them — and the buttons do not
move for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.app import sample_params, show_screen
from kiosk.ui.navigation import ATTRACT
from kiosk.ui.registry import RESIDENT_SCREENS
from kiosk.ui.window import KioskWindow

from .conftest import LANDSCAPE, PORTRAIT

THEMES = ("standard", "elder", "contrast")
LANGUAGES = ("zh", "en")


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def title_fits(window: KioskWindow) -> str:
    """'' when the bar's title shows its whole text, else what is wrong."""
    title = window.nav_bar.title
    text = title.text()
    if not title.isVisible():
        return "title hidden"
    if not text:
        return "title empty"
    if title.width() <= 0 or title.height() <= 0:
        return f"title has no room ({title.width()}x{title.height()})"
    metrics = QFontMetrics(title.font())
    if metrics.horizontalAdvance(text) <= title.width():
        return ""
    if title.wordWrap() and title.heightForWidth(title.width()) <= title.height():
        return ""
    return f"{text!r} needs {metrics.horizontalAdvance(text)} px, has {title.width()}x{title.height()}"


def where(widget: QWidget, window: QWidget) -> tuple[int, int, int, int]:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return top_left.x(), top_left.y(), widget.width(), widget.height()


def test_the_title_shows_whole_on_every_screen_size_language_and_theme(
        make_window: Callable[..., KioskWindow], seed_conn: Any) -> None:
    """For each screen with the bar, in portrait and landscape, zh and en, standard, elder and contrast:
    the title is the screen's title, visible, and its text fits its label (on one line or wrapped)."""
    params = sample_params(seed_conn)
    problems = []
    checked = 0
    for size in (PORTRAIT, LANDSCAPE):
        window = make_window(size=size)
        for theme in THEMES:
            window.ctx.set_theme_name(theme)
            for lang in LANGUAGES:
                window.ctx.set_language(lang)
                for name in RESIDENT_SCREENS:
                    if name == ATTRACT:
                        continue
                    screen = show_screen(window, name, params.get(name))
                    settle()
                    assert window.nav_bar.isVisible(), name
                    expected = screen.title()
                    if not expected:
                        continue
                    checked += 1
                    assert window.nav_bar.title.full_text() == expected, (name, size, lang, theme)
                    problem = title_fits(window)
                    if problem:
                        problems.append((name, size, lang, theme, problem))
    assert checked >= 2 * len(THEMES) * len(LANGUAGES) * 5  # at least five titled screens each time
    assert not problems, problems


def test_portrait_elder_english_puts_the_title_under_the_buttons(
        make_window: Callable[..., KioskWindow], seed_conn: Any) -> None:
    """The case that used to show no title: portrait, 长辈模式, English, a category page."""
    window = make_window(size=PORTRAIT)
    window.ctx.set_theme_name("elder")
    window.ctx.set_language("en")
    show_screen(window, "category", sample_params(seed_conn)["category"])
    settle()
    bar = window.nav_bar
    assert bar.title_below()
    assert bar.title_line.isVisible()
    assert bar.title.geometry().top() >= 0
    title_top = bar.title.mapTo(window, QPoint(0, 0)).y()
    assert title_top >= bar.back_button.mapTo(window, QPoint(0, 0)).y() + bar.back_button.height()
    assert title_fits(window) == ""
    # the same page in Chinese, standard theme, portrait: the title fits between the buttons again
    window.ctx.set_theme_name("standard")
    window.ctx.set_language("zh")
    settle()
    assert not bar.title_below() and not bar.title_line.isVisible()
    assert title_fits(window) == ""


def test_a_very_long_title_wraps_under_the_buttons(make_window: Callable[..., KioskWindow],
                                                   seed_conn: Any) -> None:
    """A title wider than the whole bar wraps on its own line instead of being cut."""
    window = make_window(size=PORTRAIT)
    window.ctx.set_theme_name("elder")
    show_screen(window, "category", sample_params(seed_conn)["category"])
    settle()
    bar = window.nav_bar
    bar.title.setText("社区居家养老服务与智慧养老平台及老年人助餐点、日间照料中心和长者服务站")
    settle()
    assert bar.title_below() and bar.title.wordWrap()
    assert QFontMetrics(bar.title.font()).horizontalAdvance(bar.title.text()) > bar.title.width()
    assert bar.title.height() >= bar.title.heightForWidth(bar.title.width())
    assert bar.title.height() > QFontMetrics(bar.title.font()).height() * 1.5  # two lines at least
    assert title_fits(window) == ""


def test_bar_buttons_keep_their_place_and_size_in_every_theme(
        make_window: Callable[..., KioskWindow], seed_conn: Any) -> None:
    """Back, 找人帮忙 and home sit at the same place with the same size in standard, elder and contrast
    (for each size and language), whether the title is between them or under them; ≥ 40 px in elder mode."""
    params = sample_params(seed_conn)
    for size in (PORTRAIT, LANDSCAPE):
        window = make_window(size=size)
        for lang in LANGUAGES:
            window.ctx.set_language(lang)
            places = {}
            for theme in THEMES:
                window.ctx.set_theme_name(theme)
                show_screen(window, "category", params["category"])
                settle()
                bar = window.nav_bar
                buttons = (bar.back_button, bar.help_button, bar.home_button)
                places[theme] = [where(b, window) for b in buttons]
                if theme == "elder":
                    assert all(min(w, h) >= 40 for _x, _y, w, h in places[theme])
            assert places["standard"] == places["elder"] == places["contrast"], (size, lang, places)
