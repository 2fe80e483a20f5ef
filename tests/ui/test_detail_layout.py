"""The portrait detail page uses the screen: a short listing leaves no third of it empty (its QR panel
stands upright with a larger code), a long one keeps the QR row at the bottom and scrolls, nothing cut."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.screens.detail import QR_SHARE, DetailScreen
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW, LANDSCAPE, PORTRAIT
from tests.ui.places_data import SERVICE, add_places, many_places

SHORT = "smart-elderly-care-12349"
"""A short listing of the seed: one sentence, one phone, no place or hours recorded."""
MAX_EMPTY = 0.15
"""At most this share of the page's height may stay empty (the page content covers ≥ 85 %)."""


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def open_detail(window: KioskWindow, service_id: str) -> DetailScreen:
    window.nav.home()
    window.nav.push("detail", service_id=service_id)
    settle()
    detail = window.nav.current()
    assert isinstance(detail, DetailScreen)
    return detail


def text_bottom(detail: DetailScreen) -> int:
    """Where the last shown part of the listing's text ends, in the page's coordinates."""
    bottoms = [w.mapTo(detail, QPoint(0, w.height())).y() for w in shown_parts(detail)]
    return max(bottoms)


def shown_parts(detail: DetailScreen) -> list[QWidget]:
    layout = detail.content_layout
    parts = [layout.itemAt(i).widget() for i in range(layout.count())]
    return [w for w in parts if w is not None and not w.isHidden()]


def on_screen(widget: QWidget, detail: DetailScreen) -> bool:
    return QRect(QPoint(0, 0), detail.size()).contains(QRect(widget.mapTo(detail, QPoint(0, 0)), widget.size()))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("theme", ["standard", "elder", "contrast"])
def test_a_short_listing_fills_the_portrait_page(window: KioskWindow, lang: str, theme: str) -> None:
    """Portrait, a short listing: the empty band between its text and the QR panel is at most 15 % of the
    page; where the text leaves room the code is larger than the row's (within QR_SHARE of the width) and
    stands above its caption and 信息有误; nothing needs scrolling and nothing is cut."""
    window.ctx.set_theme_name(theme)
    window.ctx.set_language(lang)
    detail = open_detail(window, SHORT)
    assert detail.portrait
    side_top = detail.side.mapTo(detail, QPoint(0, 0)).y()
    empty = side_top - text_bottom(detail)
    assert empty <= MAX_EMPTY * detail.height(), (empty, detail.height())
    assert on_screen(detail.side, detail) and on_screen(detail.report_button, detail)
    if detail.upright:
        row_side = window.ctx.theme.min_target * 5
        assert row_side < detail.qr.width() <= QR_SHARE * detail.width()
        assert detail.qr.width() == detail.qr.height()
        qr_bottom = detail.qr.mapTo(detail, QPoint(0, detail.qr.height())).y()
        assert qr_bottom <= detail.qr_caption.mapTo(detail, QPoint(0, 0)).y()
        assert detail.qr_caption.mapTo(detail, QPoint(0, 0)).y() < detail.report_button.mapTo(detail, QPoint(0, 0)).y()
        assert detail.scroll_area.verticalScrollBar().maximum() == 0  # the whole text shows, unscrolled
    else:  # elder English: the text alone nearly fills the page; it scrolls a little above the QR row
        assert detail.qr.width() == window.ctx.theme.min_target * 5


def test_the_standard_short_listing_stands_the_qr_panel_upright(window: KioskWindow) -> None:
    """The plain case names its layout: standard theme, Chinese, portrait — the larger upright code."""
    detail = open_detail(window, SHORT)
    assert detail.upright
    assert detail.qr.width() >= window.ctx.theme.min_target * 7


@pytest.fixture
def long_conn(writable_db: Path) -> Iterator[sqlite3.Connection]:
    """A private database whose 社区养老服务设施 has 30 generated places (a long page)."""
    conn = connect(writable_db)
    add_places(conn, many_places(30), FIXED_NOW)
    yield conn
    conn.close()


def test_a_long_listing_keeps_the_qr_row_and_scrolls(qtbot: Any, long_conn: sqlite3.Connection) -> None:
    """Portrait, a long listing: the QR row at the bottom as before, the text scrolls, and scrolled to the
    end its last part (资料来源) shows whole above the row; a short listing after it stands up again."""
    window = build_kiosk(long_conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(*PORTRAIT)
    window.show()
    qtbot.waitExposed(window)
    try:
        detail = open_detail(window, SERVICE)
        assert not detail.upright
        assert detail.qr.width() == window.ctx.theme.min_target * 5
        bar = detail.scroll_area.verticalScrollBar()
        assert bar.maximum() > 0
        assert on_screen(detail.side, detail) and on_screen(detail.report_button, detail)
        bar.setValue(bar.maximum())
        settle()
        last = shown_parts(detail)[-1]
        viewport = detail.scroll_area.viewport()
        top = last.mapTo(viewport, QPoint(0, 0)).y()
        assert top >= 0 and top + last.height() <= viewport.height(), (top, last.height(), viewport.height())
        short = open_detail(window, SHORT)
        assert short is detail and detail.upright
        back = open_detail(window, SERVICE)
        assert not back.upright and back.scroll_area.verticalScrollBar().maximum() > 0
    finally:
        for timer in window.findChildren(QTimer):  # nothing may fire after this test's database closes
            timer.stop()
        if window.idle is not None:
            window.idle.stop()
        window.ctx.release()
        window.allow_close = True


def test_landscape_keeps_the_qr_column(make_window: Any) -> None:
    """Landscape is untouched: the QR panel is a column right of the text, at the column's size."""
    window = make_window(size=LANDSCAPE)
    detail = open_detail(window, SHORT)
    assert not detail.portrait and not detail.upright
    assert detail.side.mapTo(detail, QPoint(0, 0)).x() > detail.scroll_area.mapTo(detail, QPoint(0, 0)).x()
    assert detail.qr.width() == window.ctx.theme.min_target * 4
