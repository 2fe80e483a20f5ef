"""A place found by search opens its service's page at that place (generated places, tests/ui/places_data.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from kiosk.core.db.connection import connect
from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW, PORTRAIT, retire_window
from tests.ui.places_data import SERVICE, add_places, many_places, three_places
from tests.ui.test_search_screen import open_search, settled, tap_keys, tap_row


@pytest.fixture
def places_window(qtbot: Any, writable_db: Path) -> Iterator[tuple[KioskWindow, sqlite3.Connection]]:
    """A kiosk whose 社区养老服务设施 has the three generated places and 24 more after them."""
    conn = connect(writable_db)
    add_places(conn, [*three_places(), *many_places(24)], FIXED_NOW)
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(*PORTRAIT)
    window.show()
    qtbot.waitExposed(window)
    yield window, conn
    retire_window(window)
    conn.close()


def place_row(window: KioskWindow, name: str) -> int:
    screen: Any = window.nav.current()
    return next(n for n, r in enumerate(screen.model.rows()) if r.hit.kind == "place" and r.title.startswith(name))


def test_typed_place_name_opens_the_detail_page_at_that_place(qtbot: Any, places_window: Any) -> None:
    """l-i-n-l-i-y-i-z-h-a-n by taps finds 测试邻里驿站 as "测试邻里驿站 — 社区养老服务设施"; tapping it opens the
    listing with that place's card outlined and scrolled into view."""
    window, _conn = places_window
    screen = open_search(window)
    tap_keys(qtbot, screen, "linliyizhan")
    settled(qtbot, screen)
    n = place_row(window, "测试邻里驿站")
    row = screen.model.rows()[n]
    assert row.title == "测试邻里驿站 — 社区养老服务设施"
    summary = row.result.summary
    assert summary is not None and row.detail == summary.description  # no address recorded: the service's
    assert row.tag == screen.tr("服务") and row.hit.service_id == SERVICE
    assert not [r for r in screen.model.rows() if r.hit.kind == "service" and r.hit.id == SERVICE]  # listed once
    tap_row(qtbot, screen, n)
    qtbot.waitUntil(lambda: window.nav.current_name == "detail")
    assert window.nav.current_params == {"service_id": SERVICE, "place_id": row.hit.place_id}
    detail: Any = window.nav.current()
    card = detail.places.focused
    assert card is not None and card.view.place.name == "测试邻里驿站" and card.isVisible()
    assert "solid" in card.styleSheet()  # outlined

    def card_on_screen() -> bool:
        viewport = detail.scroll_area.viewport()
        top = card.mapTo(viewport, QPoint(0, 0)).y()
        return 0 <= top < viewport.height() // 2

    qtbot.waitUntil(card_on_screen)
    assert detail.scroll_area.verticalScrollBar().value() > 0


def test_a_place_found_by_its_address_shows_the_address(qtbot: Any, places_window: Any) -> None:
    window, _conn = places_window
    screen = open_search(window)
    screen.set_query("测试路 2 号")
    screen.run_search()
    row = screen.model.rows()[place_row(window, "测试日间照料中心")]
    assert row.detail == "测试路 2 号"
    assert "养老服务" in row.meta  # the service's category


def test_a_place_past_the_first_batch_is_shown(qtbot: Any, places_window: Any) -> None:
    """测试服务点 24 is beyond the first batch of cards: the page shows cards down to it."""
    window, _conn = places_window
    screen = open_search(window)
    screen.set_query("测试服务点 24")
    screen.run_search()
    tap_row(qtbot, screen, place_row(window, "测试服务点 24"))
    qtbot.waitUntil(lambda: window.nav.current_name == "detail")
    detail: Any = window.nav.current()
    card = detail.places.focused
    assert card is not None and card.view.place.name == "测试服务点 24" and card.isVisible()
    window.nav.back()  # then the listing by its own card: no place outlined
    window.nav.push("detail", service_id=SERVICE)
    QApplication.processEvents()
    assert detail.places.focused is None


def test_an_edited_place_name_is_found_after_the_edit(qtbot: Any, places_window: Any) -> None:
    window, conn = places_window
    screen = open_search(window)
    screen.set_query("邻里驿站")
    screen.run_search()
    assert place_row(window, "测试邻里驿站") >= 0
    window.nav.home()
    listing = get_listing(conn, SERVICE)
    assert listing is not None
    places = [replace(p, name="测试荷塘驿站") if p.name == "测试邻里驿站" else p for p in listing.locations]
    save_listing(conn, replace(listing, locations=places), actor="测试", now=FIXED_NOW)
    screen = open_search(window)
    screen.set_query("荷塘驿站")
    screen.run_search()
    assert place_row(window, "测试荷塘驿站") >= 0
    screen.set_query("邻里驿站")
    screen.run_search()
    assert not [r for r in screen.model.rows() if r.hit.kind == "place"]
