"""The detail page's places: open first with their badges, what is not recorded, community chips,
batches for many places, one place's QR code, and the category card's place counts — all on
generated places (tests/ui/places_data.py) in a private copy of the database, at FIXED_NOW."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.db.connection import connect
from kiosk.core.listings.fields import LocationEntry
from kiosk.core.places import service_view
from kiosk.ui import hours
from kiosk.ui.app import build_kiosk
from kiosk.ui.theme import THEME_NAMES
from kiosk.ui.widgets.places import BATCH
from kiosk.ui.window import KioskWindow
from tests.helpers.qrdecode import decode
from tests.ui.conftest import FIXED_NOW, LANDSCAPE, PORTRAIT, retire_window
from tests.ui.places_data import SERVICE, add_places, many_places, three_places
from tests.ui.test_audit import audit


@pytest.fixture
def places_conn(writable_db: Path) -> Iterator[sqlite3.Connection]:
    """A private database whose 社区养老服务设施 has the three generated places."""
    conn = connect(writable_db)
    add_places(conn, three_places(), FIXED_NOW)
    yield conn
    conn.close()


@pytest.fixture
def make_places_window(qtbot: Any, places_conn: sqlite3.Connection) -> Iterator[Callable[..., KioskWindow]]:
    windows: list[KioskWindow] = []

    def make(size: tuple[int, int] = PORTRAIT) -> KioskWindow:
        window = build_kiosk(places_conn, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        retire_window(window)


TAP_SIZE = (1080, 780)
"""A window that fits the 800 px high offscreen test screen, for taps at the bottom of the page (see reveal)."""


def open_detail(window: KioskWindow, service_id: str = SERVICE) -> Any:
    window.nav.home()
    window.nav.push("detail", service_id=service_id)
    QApplication.processEvents()
    return window.nav.current()


def reveal(detail: Any, widget: Any) -> None:
    """Scroll the page as a resident would, until ``widget`` is near the top of the page.

    The flick scroller hands a press on to the widget under it on the screen
    (``QApplication.widgetAt``); the offscreen test screen is 800×800 px, so a tap is only delivered
    there — this checks it will be."""
    content = detail.scroll_area.widget()
    detail.scroll_area.verticalScrollBar().setValue(widget.mapTo(content, QPoint(0, 0)).y() - 50)
    QApplication.processEvents()
    under = QApplication.widgetAt(widget.mapToGlobal(widget.rect().center()))
    assert under is widget or widget.isAncestorOf(under), f"{widget.objectName()} is not where a tap lands"


def card_texts(detail: Any) -> list[tuple[str, str]]:
    return [(c.name.text(), c.badge.text()) for c in detail.places.shown_cards()]


def test_places_show_open_ones_first_with_their_badges(make_places_window: Any) -> None:
    """Of three stored places the open one (office hours, Wednesday 10:30) is first, then unknown, then closed."""
    detail = open_detail(make_places_window())
    assert card_texts(detail) == [("测试日间照料中心", "营业中 · 17:30 关门"),
                                  ("测试邻里驿站", "开放时间暂未收录"),
                                  ("测试晚间服务点", "已休息 · 18:00 开门")]
    assert detail.places.summary.text() == "3 处 · 1 处现在开放"
    first = detail.places.shown_cards()[0]
    assert first.lines["hours"].text() == "开放时间：" + hours.text("周一至周五 8:30-17:30", "zh")
    assert first.lines["community"].text() == "所在社区：测试西社区"
    assert [b.text() for b in first.phone_buttons if not b.isHidden()] == ["0371-60000002", "0371-60000003"]
    assert all(b.height() >= 48 and not b.icon().isNull() for b in first.phone_buttons)
    assert not detail.places.none.isVisible()


def test_screen_place_list_equals_kiosk_show_json(make_places_window: Any, places_conn: sqlite3.Connection) -> None:
    """The cards' order, names and badges are service_view(...)["places"], as `kiosk show --json` prints."""
    window = make_places_window()
    detail = open_detail(window)
    view = service_view(places_conn, SERVICE, FIXED_NOW, hours.calendar(window.ctx))
    assert view is not None
    assert card_texts(detail) == [(p["name"], p["open"]["label_zh"]) for p in view["places"]]
    window.ctx.set_language("en")
    assert [c.badge.text() for c in detail.places.shown_cards()] == [p["open"]["label_en"] for p in view["places"]]


def test_a_place_with_gaps_says_what_is_not_recorded(make_places_window: Any) -> None:
    """A place with only a name shows the plain note and hides the empty lines and the phone row."""
    detail = open_detail(make_places_window())
    card = detail.places.shown_cards()[1]
    assert card.lines["missing"].text() == "地址、开放时间、电话：暂未收录 — 请拨打 12345 咨询"
    assert card.lines["address"].isHidden() and card.lines["hours"].isHidden()
    assert card.phone_box.isHidden()
    assert detail.places.shown_cards()[0].lines["missing"].isHidden()  # everything recorded: no note


def test_a_service_without_places_says_so(make_places_window: Any) -> None:
    """No place recorded: under 在哪里 one line "暂未收录 — 请拨打 12345 咨询", no cards, no chips."""
    detail = open_detail(make_places_window(), "smart-elderly-care-12349")
    assert detail.places.none.isVisible() and detail.places.heading.text() == "在哪里"
    assert detail.places.none.text() == "暂未收录 — 请拨打 12345 咨询"
    assert detail.places.shown_cards() == []
    assert not detail.places.chip_box.isVisible()


def test_retired_place_is_not_shown(writable_db: Path, make_window: Any, qtbot: Any) -> None:
    """A place a worker retired disappears from the resident page (the other two stay, open first)."""
    conn = connect(writable_db)
    try:
        places = three_places()
        places[1] = replace(places[1], status="retired")
        add_places(conn, places, FIXED_NOW)
        window = build_kiosk(conn, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*PORTRAIT)
        window.show()
        detail = open_detail(window)
        assert [name for name, _ in card_texts(detail)] == ["测试邻里驿站", "测试晚间服务点"]
        assert detail.places.summary.text() == "2 处 · 0 处现在开放"
        window.idle.stop()
        window.allow_close = True
        window.ctx.release()
    finally:
        conn.close()


def test_community_chips_filter_the_places_and_reset_on_leaving(qtbot: Any, make_places_window: Any) -> None:
    """全部 + each community in stored order; a tap filters; back and in again shows 全部."""
    window = make_places_window()
    detail = open_detail(window)
    chips = [c for c in detail.places.chips if not c.isHidden()]
    assert [c.text() for c in chips] == ["全部", "测试东社区", "测试西社区"]
    reveal(detail, chips[1])
    qtbot.mouseClick(chips[1], Qt.MouseButton.LeftButton)
    assert [name for name, _ in card_texts(detail)] == ["测试邻里驿站", "测试晚间服务点"]
    window.nav.back()
    window.nav.push("detail", service_id=SERVICE)
    assert len(card_texts(detail)) == 3
    assert detail.places.chips[0].isChecked()
    detail.places.choose_community("测试西社区")
    detail.reset()  # the idle reset
    detail = open_detail(window)
    assert len(card_texts(detail)) == 3


def test_one_community_shows_no_chips(writable_db: Path, qtbot: Any) -> None:
    """Places all in one community: nothing to filter, so no chips (also after a listing that had them);
    places without any hours say how many there are, nothing about open now."""
    conn = connect(writable_db)
    try:
        add_places(conn, three_places(), FIXED_NOW)
        one = [replace(p, community="测试东社区", hours=None) for p in three_places()]
        add_places(conn, one, FIXED_NOW, service_id="smart-elderly-care-12349")
        window = build_kiosk(conn, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*PORTRAIT)
        window.show()
        detail = open_detail(window)
        assert detail.places.chip_box.isVisible()
        detail = open_detail(window, "smart-elderly-care-12349")
        assert not detail.places.chip_box.isVisible()
        assert detail.places.summary.text() == "3 处"
        window.nav.home()
        window.nav.push("category", category_id="elderly")
        category = window.nav.current()
        summary = next(s for s in category.services if s.id == "smart-elderly-care-12349")
        assert category.meta_text(summary).startswith("3 处  ·  电话")
        window.idle.stop()
        window.allow_close = True
        window.ctx.release()
    finally:
        conn.close()


def test_a_place_qr_code_carries_its_name_address_hours_and_tel(qtbot: Any, make_places_window: Any) -> None:
    """Tapping a phone number shows that place's code (one at a time): name, address, hours in words, tel:."""
    detail = open_detail(make_places_window(TAP_SIZE))
    cards = detail.places.shown_cards()
    reveal(detail, cards[0].phone_buttons[0])
    qtbot.mouseClick(cards[0].phone_buttons[0], Qt.MouseButton.LeftButton)
    payload = cards[0].qr.text
    assert payload.splitlines()[:2] == ["社区养老服务设施", "测试日间照料中心"]
    assert "地址：测试路 2 号" in payload
    assert "开放时间：" + hours.text("周一至周五 8:30-17:30", "zh") in payload
    assert "tel:0371-60000002" in payload and "tel:0371-60000003" in payload
    assert cards[0].qr.isVisible() and cards[0].qr.matrix
    reveal(detail, cards[2].qr_button)
    qtbot.mouseClick(cards[2].qr_button, Qt.MouseButton.LeftButton)
    assert cards[2].qr.isVisible() and "tel:0371-60000001" in cards[2].qr.text
    assert not cards[0].qr.isVisible()  # only the chosen place's code


def test_place_qr_codes_decode_to_the_place_in_chinese_and_english(make_places_window: Any) -> None:
    """Each place's code, decoded from the rendered card as a phone camera would: the exact text —
    name, address, hours in words, tel: lines — and 暂未收录 with 12345 for what is not recorded."""
    window = make_places_window()
    detail = open_detail(window)
    stored = detail.places.shown_cards()[0].view.place.hours
    words = hours.text(stored, "zh")
    expected = [
        f"社区养老服务设施\n测试日间照料中心\n地址：测试路 2 号\n开放时间：{words}\n"
        "tel:0371-60000002\ntel:0371-60000003\n上街社区服务终端",
        "社区养老服务设施\n测试邻里驿站\n地址：暂未收录\n开放时间：暂未收录\n电话：暂未收录\ntel:12345\n"
        "暂未收录的信息请拨打 12345 咨询\n上街社区服务终端",
    ]
    for slot, text in enumerate(expected):
        detail.places.show_qr(slot)
        QApplication.processEvents()
        qr = detail.places.shown_cards()[slot].qr
        assert qr.text == text
        assert decode(qr.grab()) == [text]
    window.ctx.set_language("en")
    detail.places.show_qr(0)
    QApplication.processEvents()
    qr = detail.places.shown_cards()[0].qr
    assert decode(qr.grab()) == [qr.text]
    assert qr.text.splitlines()[2:4] == ["Address: 测试路 2 号", "Hours: " + hours.text(stored, "en")]


def test_two_hundred_places_come_in_batches_of_reused_cards(writable_db: Path, qtbot: Any) -> None:
    """200 places: BATCH cards at first, BATCH more per tap on 再显示; another visit reuses the same cards."""
    conn = connect(writable_db)
    try:
        add_places(conn, many_places(200), FIXED_NOW)
        window = build_kiosk(conn, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*TAP_SIZE)  # 再显示 is at the very bottom of the page
        window.show()
        detail = open_detail(window)
        assert len(detail.places.shown_cards()) == BATCH
        assert detail.places.summary.text() == "200 处 · 100 处现在开放"
        assert detail.places.more.text() == f"再显示 {BATCH} 处（还有 {200 - BATCH} 处）"
        reveal(detail, detail.places.more)
        qtbot.mouseClick(detail.places.more, Qt.MouseButton.LeftButton)
        assert len(detail.places.shown_cards()) == 2 * BATCH
        assert len([c for c in detail.places.chips if not c.isHidden()]) == 6  # 全部 + 5 communities
        made = list(detail.places.cards)
        window.nav.back()
        window.nav.push("detail", service_id="smart-elderly-care-12349")
        window.nav.back()
        window.nav.push("detail", service_id=SERVICE)
        assert len(detail.places.shown_cards()) == BATCH
        assert detail.places.cards == made  # no new widgets for a new visit
        window.idle.stop()
        window.allow_close = True
        window.ctx.release()
    finally:
        conn.close()


def test_category_card_counts_places_and_open_ones(make_places_window: Any) -> None:
    """The 养老服务 card of the service says "3 处 · 1 处现在开放"; 现在开放 keeps it (one place is open)."""
    window = make_places_window()
    window.nav.home()
    window.nav.push("category", category_id="elderly")
    category = window.nav.current()
    summary = next(s for s in category.services if s.id == SERVICE)
    assert "3 处 · 1 处现在开放" in category.meta_text(summary)
    category.set_filter("open-now")
    assert SERVICE in [s.id for s in category.model.rows()]
    window.ctx.set_language("en")
    assert "3 places · 1 open now" in category.meta_text(summary)


def test_category_open_filter_drops_a_service_whose_places_are_all_closed(writable_db: Path, qtbot: Any) -> None:
    """Only closed places (and no own hours): the 现在开放 filter leaves the service out."""
    conn = connect(writable_db)
    try:
        add_places(conn, [three_places()[0]], FIXED_NOW)
        window = build_kiosk(conn, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*PORTRAIT)
        window.show()
        window.nav.home()
        window.nav.push("category", category_id="elderly")
        category = window.nav.current()
        summary = next(s for s in category.services if s.id == SERVICE)
        assert "1 处 · 0 处现在开放" in category.meta_text(summary)
        category.set_filter("open-now")
        assert SERVICE not in [s.id for s in category.model.rows()]
        window.idle.stop()
        window.allow_close = True
        window.ctx.release()
    finally:
        conn.close()


def test_places_in_english(make_places_window: Any) -> None:
    """In English the section, counts, captions and notes are English (data without English stays Chinese)."""
    window = make_places_window()
    detail = open_detail(window)
    window.ctx.set_language("en")
    assert detail.places.heading.text() == "Where"
    assert detail.places.summary.text() == "3 places · 1 open now"
    card = detail.places.shown_cards()[1]
    assert card.lines["missing"].text() == "Address, opening hours, phone: not recorded yet — please call 12345"
    assert detail.places.shown_cards()[0].lines["address"].text() == "Address: 测试路 2 号"


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("theme_name", THEME_NAMES)
def test_place_cards_meet_the_touch_and_text_minimums(make_places_window: Any, size: tuple[int, int],
                                                      theme_name: str) -> None:
    """The audit of every screen, on the detail page with three places and one QR open, both languages."""
    window = make_places_window(size)
    window.ctx.set_theme_name(theme_name)
    problems: list[str] = []
    for lang in ("zh", "en"):
        window.ctx.set_language(lang)
        detail = open_detail(window)
        detail.places.show_qr(0)
        QApplication.processEvents()
        for card in detail.places.shown_cards():
            detail.scroll_area.ensureWidgetVisible(card)
            QApplication.processEvents()
            problems += audit(window, window.ctx.theme, f"detail-places-{lang}")
    assert problems == [], "\n".join(problems)


def test_location_entry_is_the_worker_form(places_conn: sqlite3.Connection) -> None:
    """The generated places went in through the worker's editing path: stored in order, with hours."""
    rows = places_conn.execute(
        "SELECT l.name FROM locations l JOIN service_at_location sl ON sl.location_id = l.id "
        "WHERE sl.service_id = ? ORDER BY sl.sort_order", (SERVICE,)).fetchall()
    assert [r[0] for r in rows] == [p.name for p in three_places()]
    assert isinstance(three_places()[0], LocationEntry)


def test_a_tap_on_a_card_opens_its_code_but_a_flick_does_not(qtbot: Any, make_places_window: Any) -> None:
    """Press and release in place on a card: its QR code; a release after a long drag: nothing."""
    detail = open_detail(make_places_window())
    card = detail.places.shown_cards()[0]
    reveal(detail, card.name)
    at = card.name.mapTo(card, card.name.rect().center())
    qtbot.mousePress(card, Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseRelease(card, Qt.MouseButton.LeftButton, pos=at + QPoint(0, 200))
    assert not card.qr.isVisible()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=at)
    assert card.qr.isVisible() and "测试日间照料中心" in card.qr.text
