"""The search screen by touch: type on the keyboard → live results → tap → the detail page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.screens.search import DEBOUNCE_MS, SearchScreen
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW, LANDSCAPE, PORTRAIT

LEFT = Qt.MouseButton.LeftButton


def open_search(window: KioskWindow) -> SearchScreen:
    window.nav.home()
    window.nav.push("search")
    screen = window.nav.current()
    assert isinstance(screen, SearchScreen)
    return screen


def tap(qtbot: Any, widget: Any, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, LEFT, pos=pos or widget.rect().center())


def tap_keys(qtbot: Any, screen: SearchScreen, keys: str) -> None:
    for ch in keys:
        tap(qtbot, screen.keyboard.key_button(ch))


def tap_row(qtbot: Any, screen: SearchScreen, row: int) -> None:
    view = screen.view
    view.scrollTo(screen.model.index(row, 0))
    tap(qtbot, view.viewport(), view.visualRect(screen.model.index(row, 0)).center())


def settled(qtbot: Any, screen: SearchScreen) -> None:
    """Wait until the debounced search has run."""
    qtbot.waitUntil(lambda: not screen.debounce.isActive(), timeout=2000)


def global_rect(widget: Any) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def test_type_pinyin_tap_result_opens_detail(qtbot: Any, window: KioskWindow) -> None:
    """w-e-i-s-h-e-n-g by taps, pick 卫生, results update live, tapping a service opens its detail page."""
    screen = open_search(window)
    tap_keys(qtbot, screen, "weisheng")
    settled(qtbot, screen)
    assert "community-health-centres" in [h.id for h in screen.hits()]  # pinyin alone already finds it
    tap(qtbot, screen.keyboard.candidate_buttons[screen.keyboard.candidates().index("卫生")])
    assert screen.input.text() == "卫生"
    settled(qtbot, screen)
    rows = screen.model.rows()
    assert rows[0].hit.kind == "category" and rows[0].hit.id == "health"
    row = next(n for n, r in enumerate(rows) if r.hit.id == "community-health-centres" and r.hit.kind == "service")
    tap_row(qtbot, screen, row)
    qtbot.waitUntil(lambda: window.nav.current_name == "detail")
    assert window.nav.current_params == {"service_id": "community-health-centres"}
    tap(qtbot, window.nav_bar.back_button)
    assert window.nav.current_name == "search" and screen.input.text() == "卫生"  # kept for the way back


def test_results_follow_the_keys_after_a_short_pause(qtbot: Any, window: KioskWindow) -> None:
    """Results are not recomputed on every key at once, but ~150 ms after the last one."""
    screen = open_search(window)
    assert DEBOUNCE_MS <= 200
    tap_keys(qtbot, screen, "ylfw")
    assert screen.debounce.isActive() and screen.model.rowCount() == 0
    settled(qtbot, screen)
    assert screen.model.rows()[0].title == "养老服务"


def test_quick_chip_and_category_hit(qtbot: Any, window: KioskWindow) -> None:
    """The 看病 chip searches at once; its first hit is the health category, which opens on a tap."""
    screen = open_search(window)
    tap(qtbot, screen.chip_buttons["看病"])
    assert screen.input.text() == "看病"
    assert [h.id for h in screen.hits()][:3] == ["health", "community-health-centres", "community-health-stations"]
    tap_row(qtbot, screen, 0)
    qtbot.waitUntil(lambda: window.nav.current_name == "category")
    assert window.nav.current_params == {"category_id": "health"}


def test_empty_state_offers_categories_and_hotline(qtbot: Any, window: KioskWindow) -> None:
    """Nothing found: a friendly line naming the query, the five categories and 12349 — all tappable."""
    screen = open_search(window)
    assert screen.empty_state.isVisible()  # also before anything is typed
    screen.set_query("魑魅魍魉")
    assert screen.model.rowCount() == 0 and screen.empty_state.isVisible() and not screen.view.isVisible()
    assert "魑魅魍魉" in screen.empty_state.message.text()
    assert "本机暂无" in screen.empty_state.message.text() and "12345" in screen.empty_state.message.text()
    assert set(screen.empty_state.category_buttons) == {"elderly", "health", "culture", "sports", "government"}
    assert screen.empty_state.hotline_number.text() == "12349"
    tap(qtbot, screen.empty_state.hotline_card)
    assert window.nav.current_name == "hotlines"
    window.nav.back()
    tap(qtbot, screen.empty_state.category_buttons["sports"])
    assert window.nav.current_params == {"category_id": "sports"}


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_keyboard_never_covers_the_results(qtbot: Any, make_window: Any, size: tuple[int, int]) -> None:
    """The keyboard and the results share the screen side by side or stacked, never on top of each other."""
    window = make_window(size=size)
    screen = open_search(window)
    screen.set_query("服务")
    QApplication.processEvents()
    results, keys = global_rect(screen.view), global_rect(screen.keyboard)
    assert screen.view.isVisible() and screen.keyboard.isVisible()
    assert not results.intersects(keys)
    assert results.height() >= 3 * screen.delegate.card_height() or size == LANDSCAPE
    if size == LANDSCAPE:
        assert keys.left() >= results.right()
    else:
        assert keys.top() >= results.bottom()


def test_hide_and_show_the_keyboard(qtbot: Any, window: KioskWindow) -> None:
    """收起 hides the keyboard and gives the results the room; a tap on the field brings it back."""
    screen = open_search(window)
    screen.set_query("服务")
    QApplication.processEvents()
    before = screen.view.height()
    tap(qtbot, screen.keyboard.hide_button)
    QApplication.processEvents()
    assert screen.keyboard.isHidden() and screen.keyboard_button.isVisible()
    assert screen.view.height() > before
    tap(qtbot, screen.input)
    assert screen.keyboard.isVisible() and screen.keyboard_button.isHidden()


def test_open_now_filter(qtbot: Any, window: KioskWindow) -> None:
    """The seed gives no opening hours, so 现在开放 is not offered (it would claim everything closed).
    Turned on anyway (as a resident could have before the results changed), it filters and stays
    visible so it can be turned off. The chip with hours: tests/ui/test_search_groups.py."""
    screen = open_search(window)
    assert screen.open_now_chip is not None  # kiosk.core.hours.opening is there
    screen.set_query("服务")
    assert screen.model.rowCount() > 0 and screen.open_now_chip.isHidden()
    screen.open_now_chip.setChecked(True)
    assert screen.model.rowCount() == 0 and screen.empty_state.isVisible() and screen.open_now_chip.isVisible()
    assert "现在开放" in screen.empty_state.message.text()
    tap(qtbot, screen.open_now_chip)
    assert screen.model.rowCount() > 0 and screen.open_now_chip.isHidden()


def test_idle_reset_clears_the_search(qtbot: Any, window: KioskWindow) -> None:
    """The next resident sees an empty field, no results, no half-typed pinyin, the 拼音 page."""
    screen = open_search(window)
    screen.set_query("养老")
    tap_keys(qtbot, screen, "kan")
    screen.keyboard.hide_button.click()
    window.idle.fire()
    assert window.nav.current_name == "attract"
    assert screen.input.text() == "" and screen.keyboard.composition() == "" and screen.model.rowCount() == 0
    assert not screen.keyboard.isHidden() and screen.keyboard.page() == "pinyin"


def test_english_chip_searches_in_english(qtbot: Any, window: KioskWindow) -> None:
    """In English the chips read Doctor, Library … and search English everyday words."""
    window.ctx.set_language("en")
    screen = open_search(window)
    assert screen.chip_buttons["看病"].text() == "Doctor"
    tap(qtbot, screen.chip_buttons["借书"])
    assert screen.input.text() == "library"
    assert "library-branches" in [h.id for h in screen.hits()]
    assert screen.model.rows()[0].title  # English names where they exist


@pytest.fixture
def writable_window(qtbot: Any, writable_db: Path) -> Iterator[tuple[KioskWindow, sqlite3.Connection]]:
    """A kiosk window on a writable copy of the seed database (so misses can be recorded)."""
    conn = connect(writable_db)
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(*PORTRAIT)
    window.show()
    yield window, conn
    window.ctx.release()
    if window.idle is not None:
        window.idle.stop()
    window.allow_close = True
    conn.close()


def misses(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    return [tuple(r) for r in conn.execute("SELECT day, query, count FROM search_misses ORDER BY query")]


def test_settled_miss_is_recorded_once(qtbot: Any, writable_window: tuple[KioskWindow, sqlite3.Connection]) -> None:
    """Only the query the resident settled on is counted, with the day; what they typed on the way is not."""
    window, conn = writable_window
    screen = open_search(window)
    screen.set_query("量")
    screen.set_query("量子")          # typed on before the first could settle
    screen.set_query("量子计算")
    assert misses(conn) == []          # not yet settled
    screen.settle.timeout.emit()       # the resident stopped typing
    assert misses(conn) == [("2021-09-15", "量子计算", 1)]
    window.nav.home()                  # leaving does not count it twice
    assert misses(conn) == [("2021-09-15", "量子计算", 1)]


def test_miss_is_recorded_when_the_resident_leaves(qtbot: Any,
                                                   writable_window: tuple[KioskWindow, sqlite3.Connection]) -> None:
    """A fruitless query followed by tapping a category counts as a miss; a query with hits never does."""
    window, conn = writable_window
    screen = open_search(window)
    screen.set_query("看病")
    window.nav.home()
    assert misses(conn) == []
    screen = open_search(window)
    screen.set_query("xyzzyq")
    tap(qtbot, screen.empty_state.category_buttons["health"])
    assert misses(conn) == [("2021-09-15", "xyzzyq", 1)]


def test_english_interface(qtbot: Any, window: KioskWindow) -> None:
    """In English the screen's own words are English too (title, field hint, keyboard tabs)."""
    screen = open_search(window)
    window.ctx.set_language("en")
    assert window.nav_bar.title.full_text() == "Search"
    assert screen.input.placeholderText() == "Type pinyin, initials or words"
    assert screen.keyboard.page_button("pinyin").text() == "Pinyin"
    assert screen.keyboard.space_button.text() == "Space"
    window.ctx.set_language("zh")
    assert screen.keyboard.page_button("pinyin").text() == "拼音"


def test_every_search_string_has_an_english_translation(tmp_path: Path) -> None:
    """pyside6-lupdate over the search screen, keyboard and handwriting pad finds nothing missing from search_en.ts."""
    import shutil
    import subprocess
    import xml.etree.ElementTree as ET

    root = Path(__file__).resolve().parents[2]
    ts = tmp_path / "search_en.ts"
    shutil.copy(root / "resources" / "translations" / "search_en.ts", ts)
    lupdate = shutil.which("pyside6-lupdate")
    assert lupdate is not None
    subprocess.run([lupdate, str(root / "kiosk/ui/screens/search.py"), str(root / "kiosk/ui/widgets/keyboard.py"),
                    str(root / "kiosk/ui/widgets/handwriting.py"),
                    "-source-language", "zh_CN", "-target-language", "en", "-no-obsolete", "-locations", "none",
                    "-ts", str(ts)], check=True, capture_output=True)
    messages = list(ET.parse(ts).getroot().iter("message"))
    assert len(messages) >= 20
    missing = [m.findtext("source") for m in messages
               if (m.find("translation") is None or m.find("translation").get("type") == "unfinished")]
    assert missing == []
