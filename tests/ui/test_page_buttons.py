"""上一页 / 下一页 page buttons under the scrolled lists (kiosk.ui.widgets.pager)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea

from kiosk.ui.widgets.pager import Pager
from kiosk.ui.window import KioskWindow


def pager_of(area: QAbstractScrollArea) -> Pager:
    pager = area.findChild(Pager, "pager", Qt.FindChildOption.FindDirectChildrenOnly)
    assert pager is not None
    return pager


def long_category(qtbot: Any, window: KioskWindow) -> QAbstractScrollArea:
    window.nav.home()
    window.nav.push("category", category_id="culture")
    window.resize(1080, 900)  # short enough that the six culture cards scroll
    qtbot.wait(20)
    view = window.nav.current().view
    assert view.verticalScrollBar().maximum() > 0
    return view


@pytest.mark.parametrize("lang, up, down", [("zh", "上一页", "下一页"), ("en", "Page up", "Page down")])
def test_page_down_moves_a_page_and_stops_at_the_end(qtbot: Any, window: KioskWindow, lang: str, up: str,
                                                    down: str) -> None:
    window.ctx.set_language(lang)
    view = long_category(qtbot, window)
    pager = pager_of(view)
    bar = view.verticalScrollBar()
    assert pager.isVisible()
    assert up in pager.up.text() and down in pager.down.text()
    assert not pager.up.isEnabled() and pager.down.isEnabled()
    # the row is below the list, not over it
    viewport = view.viewport().geometry()
    assert pager.geometry().top() > viewport.bottom()
    assert pager.geometry().bottom() <= view.rect().bottom()

    qtbot.mouseClick(pager.down, Qt.MouseButton.LeftButton)
    moved = bar.value()
    assert moved == min(bar.maximum(), bar.pageStep() - view.fontMetrics().lineSpacing())
    assert moved > bar.pageStep() // 2 or moved == bar.maximum()
    assert pager.up.isEnabled()

    for _ in range(50):
        if not pager.down.isEnabled():
            break
        qtbot.mouseClick(pager.down, Qt.MouseButton.LeftButton)
    assert bar.value() == bar.maximum() and not pager.down.isEnabled()

    qtbot.mouseClick(pager.up, Qt.MouseButton.LeftButton)
    assert bar.value() < bar.maximum() and pager.down.isEnabled()


def test_short_page_has_no_page_buttons(qtbot: Any, window: KioskWindow) -> None:
    window.nav.home()
    window.nav.push("category", category_id="culture")
    window.resize(1080, 1920)
    qtbot.wait(20)
    view = window.nav.current().view
    assert view.verticalScrollBar().maximum() == 0
    pager = pager_of(view)
    assert not pager.isVisible()
    assert view.viewportMargins().bottom() == 0  # takes no room when hidden


def test_elder_mode_buttons_are_large(qtbot: Any, window: KioskWindow) -> None:
    window.ctx.set_elder_mode(True)
    view = long_category(qtbot, window)
    pager = pager_of(view)
    assert pager.isVisible()
    assert pager.down.height() >= 56 and pager.up.height() >= 56


def test_scroll_to_top_and_idle_reset_update_the_buttons(qtbot: Any, window: KioskWindow) -> None:
    view = long_category(qtbot, window)
    pager = pager_of(view)
    qtbot.mouseClick(pager.down, Qt.MouseButton.LeftButton)
    assert pager.up.isEnabled()
    assert window.idle is not None
    window.idle.fire()
    assert view.verticalScrollBar().value() == 0
