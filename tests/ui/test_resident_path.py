"""A resident's path through the kiosk by taps: attract → home → category → detail → back → home."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from kiosk.ui.window import KioskWindow


def tap(qtbot: Any, widget: Any, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())


def test_attract_home_category_detail_back_home(qtbot: Any, window: KioskWindow) -> None:
    """Every step is a tap on what a resident sees, and back/home land where they should."""
    nav = window.nav
    assert nav.current_name == "attract"
    assert not window.status_bar.isVisible() and not window.nav_bar.isVisible()

    tap(qtbot, nav.current())
    assert nav.current_name == "home"
    assert window.status_bar.isVisible() and window.nav_bar.isVisible()  # for 朗读 and 找人帮忙
    assert not window.nav_bar.back_button.isVisible() and not window.nav_bar.home_button.isVisible()

    home = nav.current()
    tap(qtbot, home.primary_tiles["elderly"])
    assert nav.current_name == "category"
    assert nav.current_params == {"category_id": "elderly"}
    assert window.nav_bar.isVisible()
    assert window.nav_bar.title.full_text() == "养老服务"

    category = nav.current()
    view = category.view
    assert category.model.rowCount() == 2
    index = category.model.index(1, 0)
    tap(qtbot, view.viewport(), view.visualRect(index).center())
    qtbot.waitUntil(lambda: nav.current_name == "detail")
    assert nav.current_params == {"service_id": "smart-elderly-care-12349"}
    detail = nav.current()
    assert "12349" in detail.heading.text()

    tap(qtbot, window.nav_bar.back_button)
    assert nav.current_name == "category"
    assert nav.current_params == {"category_id": "elderly"}

    tap(qtbot, window.nav_bar.home_button)
    assert nav.current_name == "home"
    assert nav.history() == [("home", {})]


def test_back_and_home_stay_in_the_same_place(qtbot: Any, window: KioskWindow) -> None:
    """The back and home buttons have the same geometry on every screen that shows them."""
    nav = window.nav
    places = set()
    for name, params in (("category", {"category_id": "health"}), ("hotlines", {}), ("figures", {}),
                         ("news", {}), ("search", {})):
        nav.home()
        nav.push(name, **params)
        qtbot.wait(1)
        places.add((window.nav_bar.back_button.mapTo(window, QPoint(0, 0)).toTuple(),
                    window.nav_bar.home_button.mapTo(window, QPoint(0, 0)).toTuple()))
    assert len(places) == 1


def test_home_reaches_every_screen_by_touch(qtbot: Any, window: KioskWindow) -> None:
    """Search, hotlines, news, figures and every category open from a tile or button on home."""
    nav = window.nav
    nav.home()
    home = nav.current()
    targets = {**{f"category:{k}": t for k, t in {**home.primary_tiles, **home.secondary_tiles}.items()},
               **{k: t for k, t in home.feature_tiles.items()}, "search": home.search_button}
    for key, widget in targets.items():
        nav.home()
        tap(qtbot, widget)
        expected = "category" if key.startswith("category:") else key
        assert nav.current_name == expected, key
        if expected == "category":
            assert nav.current_params["category_id"] == key.split(":")[1]


def test_news_list_opens_an_article_and_back_returns_to_the_list(qtbot: Any, window: KioskWindow) -> None:
    """Tapping a news card shows that section; back shows the list again."""
    nav = window.nav
    nav.home()
    nav.push("news")
    news = nav.current()
    card = news.cards[1]
    tap(qtbot, card)
    assert nav.current_params == {"item_id": card.item.id}
    assert news.pages.currentWidget() is news.article_area
    assert news.article_title.text() == card.item.title
    tap(qtbot, window.nav_bar.back_button)
    assert news.pages.currentWidget() is news.list_area


def test_repeated_tap_does_not_stack_the_same_screen(window: KioskWindow) -> None:
    """A double tap on a tile opens the screen once: one back returns home."""
    nav = window.nav
    nav.home()
    nav.push("hotlines")
    nav.push("hotlines")
    nav.back()
    assert nav.current_name == "home"


def test_residents_cannot_close_the_window(window: KioskWindow) -> None:
    """With block_close (the default) a close request is ignored."""
    assert window.close() is False
    assert window.isVisible()


def test_kiosk_mode_is_fullscreen_and_frameless_windowed_is_not(make_window: Any) -> None:
    """`kiosk run` shows a frameless fullscreen window; `--windowed` a normal one of the asked size."""
    from kiosk.core.terminal.config import Config
    from kiosk.ui.app import show_kiosk_window

    window = make_window()
    show_kiosk_window(window, Config(stay_on_top=True))
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    other = make_window()
    show_kiosk_window(other, Config(), windowed=True, size=(1000, 700))
    assert not other.isFullScreen()
    assert not other.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert other.size().toTuple() == (1000, 700)
