"""Issue 10's "done when": a resident who knows no pinyin writes 卫生 and reaches the community health services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.handwriting import PAGE_LABEL, HandwritingPad
from tests.fixtures.strokes.qt import LEFT, tap_candidate, write_with_mouse


def test_weisheng_written_by_hand_finds_and_opens_community_health(
        qtbot: QtBot, make_window: Callable[..., Any]) -> None:
    """Search screen → 手写 tab → write 卫 and 生 stroke by stroke, tap each → health services listed → one opens."""
    window = make_window()
    window.nav.push("search")
    screen = window.nav.current()
    pad = screen.handwriting
    assert isinstance(pad, HandwritingPad)
    QTest.mouseClick(screen.keyboard.page_button(PAGE_LABEL), LEFT)
    assert pad.isVisible()
    write_with_mouse(pad, "卫")
    tap_candidate(pad, "卫")
    write_with_mouse(pad, "生")
    tap_candidate(pad, "生")
    assert screen.input.text() == "卫生"

    def health_services() -> list[Any]:
        return [h for h in screen.hits() if h.kind == "service" and h.category_id == "health"]

    qtbot.waitUntil(lambda: len(health_services()) >= 2, timeout=3000)
    assert {"community-health-centres", "community-health-stations"} <= {h.id for h in health_services()}
    screen.open_hit(health_services()[0])
    assert window.nav.current_name == "detail"
    assert window.nav.current_params["service_id"].startswith("community-health")
