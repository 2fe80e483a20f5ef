"""The search screen for errands: group heading, errand suggestion, 本机暂无, typo line, 现在开放, figures."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.search.typos import KEYBOARD_ROWS
from kiosk.ui.app import build_kiosk
from kiosk.ui.screens.figures import HIGHLIGHT_MS, FiguresScreen
from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.widgets.keyboard import LETTER_ROWS
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW, LANDSCAPE, retire_window


def global_rect(widget: Any) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def open_search(window: KioskWindow) -> SearchScreen:
    window.nav.home()
    window.nav.push("search")
    screen = window.nav.current()
    assert isinstance(screen, SearchScreen)
    return screen


@pytest.fixture
def hours_window(qtbot: Any, conn: sqlite3.Connection) -> Iterator[KioskWindow]:
    """A kiosk on a private database copy in which one service has (TEST DATA, not a fact) opening hours."""
    conn.execute("INSERT INTO schedules (id, service_id, opening_hours) VALUES "
                 "('test-hours', 'elderly-care-facilities', 'Mo-Fr 08:00-18:00')")
    conn.commit()
    window = build_kiosk(conn, None, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    retire_window(window)


def test_figures_and_news_come_under_their_own_heading(qtbot: Any, window: KioskWindow) -> None:
    """养老: category, services and hotline first; one heading, on the first figure. A tap on the card
    below the heading opens the figure; a tap on the heading opens nothing."""
    screen = open_search(window)
    screen.set_query("养老")
    rows = screen.model.rows()
    kinds = [r.hit.kind for r in rows]
    assert kinds[:4] == ["category", "service", "service", "hotline"] and set(kinds[4:]) <= {"figure", "news"}
    assert [r.header for r in rows if r.header] == ["区情数字和新闻"]
    assert rows[4].header and not any(r.header for r in rows[:4])
    screen.set_query("郑品")  # one service, then the figure under the heading: near the top of the list
    assert [(r.hit.kind, bool(r.header)) for r in screen.model.rows()][:2] == [("service", False), ("figure", True)]
    index = screen.model.index(1, 0)
    QApplication.processEvents()
    rect = screen.view.visualRect(index)
    assert rect.height() >= screen.delegate.card_height() + screen.delegate.header_height() - 1
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x(),
                                                                                  rect.bottom() - 10))
    qtbot.waitUntil(lambda: window.nav.current_name == "figures")  # the flick scroller passes taps on late
    window.nav.back()
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the next tap is a tap, not a double click
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x(), rect.top() + 4))
    qtbot.waitUntil(lambda: screen._press_y is not None and screen._press_y < rect.top() + 10)
    qtbot.wait(300)
    assert window.nav.current_name == "search"


def test_no_heading_without_services(qtbot: Any, window: KioskWindow) -> None:
    """Only figures and news found (人口): no heading above them, nothing to set them apart from."""
    screen = open_search(window)
    screen.set_query("人口")
    rows = screen.model.rows()
    assert rows and all(r.hit.group == "info" for r in rows) and not any(r.header for r in rows)


def test_errand_suggestion_opens_its_category(qtbot: Any, window: KioskWindow) -> None:
    """身份证: "去看：政务服务" on top, one tap to the category; 个体工商户开办 is not offered."""
    screen = open_search(window)
    screen.set_query("身份证")
    assert screen.errand_button.isVisible() and "政务服务" in screen.errand_button.text()
    assert "business-registration" not in [h.id for h in screen.hits()]
    screen.errand_button.click()
    assert window.nav.current_name == "category"
    assert window.nav.current_params == {"category_id": "government"}


def test_errand_suggestion_in_english(qtbot: Any, window: KioskWindow) -> None:
    """The suggestion speaks the resident's language."""
    window.ctx.set_language("en")
    screen = open_search(window)
    screen.set_query("id card")
    assert screen.errand_button.isVisible() and screen.errand_button.text().startswith("Go to: Government services")


def test_errand_this_kiosk_has_nothing_for(qtbot: Any, window: KioskWindow) -> None:
    """药店: no suggestion to a wrong place; the honest line with 12345, and the categories below it."""
    screen = open_search(window)
    screen.set_query("药店")
    assert screen.errand_button.isHidden()
    message = screen.empty_state.message.text()
    assert "本机暂无“药店”" in message and "12345" in message
    assert screen.empty_state.isVisible()


def test_a_mistyped_key_is_said(qtbot: Any, window: KioskWindow) -> None:
    """yanglai: the elderly-care results, and "您是不是要找：yanglao" above them."""
    screen = open_search(window)
    screen.set_query("yanglai")
    assert "elderly-care-facilities" in [h.id for h in screen.hits()]
    assert screen.notice.isVisible() and screen.notice.text() == "您是不是要找：yanglao"
    screen.set_query("yanglao")
    assert screen.notice.isHidden()


def test_open_now_offered_only_where_a_listing_has_hours(qtbot: Any, hours_window: KioskWindow) -> None:
    """养老 finds a service with hours: 现在开放 shows and keeps it; 图书 finds none with hours: no chip."""
    screen = open_search(hours_window)
    chip = screen.open_now_chip
    assert chip is not None
    screen.set_query("图书")
    assert chip.isHidden()
    screen.set_query("养老")
    assert chip.isVisible()
    chip.click()
    assert [h.id for h in screen.hits()] == ["elderly-care-facilities"]
    chip.click()
    assert len(screen.hits()) > 1


def test_figure_result_opens_at_that_figure(qtbot: Any, window: KioskWindow) -> None:
    """A figure hit opens the figures page on its own topic, scrolled to its card, outlined for a moment."""
    screen = open_search(window)
    screen.set_query("矛盾")  # 基层各类矛盾化解调处率: the last tile of the 民生服务 topic
    hit = next(h for h in screen.hits() if h.kind == "figure")
    assert hit.id == "dispute-resolution"
    screen.open_hit(hit)
    assert window.nav.current_name == "figures" and window.nav.current_params == {"figure_id": hit.id}
    figures = window.nav.current()
    assert isinstance(figures, FiguresScreen)
    assert figures.topic == "services"
    card = figures.card_for[hit.id]
    assert figures.highlighted is card and card.styleSheet()
    qtbot.waitUntil(lambda: figures.scroll_area.verticalScrollBar().value() > 0, timeout=2000)
    viewport = figures.scroll_area.viewport()
    shown = QRect(card.mapTo(viewport, QPoint(0, 0)), card.size())
    assert viewport.rect().intersects(shown)
    qtbot.waitUntil(lambda: figures.highlighted is None, timeout=HIGHLIGHT_MS + 2000)
    assert card.styleSheet() == ""


def test_figure_result_in_another_topic(qtbot: Any, window: KioskWindow) -> None:
    """地区生产总值 is an economy figure: the page opens on 经济发展, not on the first topic."""
    screen = open_search(window)
    screen.set_query("地区生产总值")
    hit = next(h for h in screen.hits() if h.kind == "figure")
    screen.open_hit(hit)
    figures = window.nav.current()
    assert isinstance(figures, FiguresScreen) and figures.topic == "economy"
    assert hit.id in [f.id for f in figures.topic_figures()]
    assert figures.card_for[hit.id].year.text() == "2020年数据"


def test_figure_cards_say_their_year(qtbot: Any, window: KioskWindow) -> None:
    """A figure of the 2021 article says 2021年数据 on its card and in its search result."""
    screen = open_search(window)
    screen.set_query("建成投用养老服务设施")
    row = next(r for r in screen.model.rows() if r.hit.kind == "figure")
    assert "2021年数据" in row.meta
    screen.open_hit(row.hit)
    figures = window.nav.current()
    assert isinstance(figures, FiguresScreen)
    assert figures.card_for[row.hit.id].year.text() == "2021年数据"


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("theme", ["elder", "contrast-elder", "standard", "contrast"])
def test_landscape_shows_every_category_shortcut(qtbot: Any, make_window: Any, theme: str, language: str) -> None:
    """Landscape, elder mode and English too: every category shortcut (its whole label) and the hotline
    card fit without scrolling; the quick chips sit above the keyboard, and return when it is hidden."""
    window = make_window(size=LANDSCAPE)
    window.ctx.set_theme_name(theme)
    window.ctx.set_language(language)
    screen = open_search(window)
    QApplication.processEvents()
    viewport = screen.empty_area.viewport()
    for widget in [*screen.empty_state.category_buttons.values(), screen.empty_state.hotline_card]:
        assert widget.isVisible()
        rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        assert viewport.rect().contains(rect), (widget.objectName(), rect, viewport.rect())
    for btn in screen.empty_state.category_buttons.values():
        assert btn.width() >= btn.sizeHint().width(), btn.text()  # the label is not cut
    chips, keys = global_rect(screen.chips), global_rect(screen.keyboard)
    assert chips.bottom() <= keys.top() and chips.left() >= global_rect(screen.empty_area).right()
    screen.hide_keyboard()
    QApplication.processEvents()
    assert global_rect(screen.chips).right() <= global_rect(screen.view if screen.view.isVisible()
                                                            else screen.empty_area).right()
    assert global_rect(screen.empty_area).width() > LANDSCAPE[0] * 0.8  # the whole width, not half


def test_typo_neighbours_use_the_keyboard_layout() -> None:
    """The core neighbour table is built from the same rows the touch keyboard shows."""
    assert tuple(LETTER_ROWS) == KEYBOARD_ROWS
