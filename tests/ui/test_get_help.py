"""找人帮忙: the numbers to call, one tap from every page (the resident screens issue)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.core.terminal.config import Config


def test_get_help_is_one_tap_from_a_page_and_puts_the_community_office_first(make_window: Any, qtbot: Any) -> None:
    """找人帮忙 in the bar of every page opens the numbers to call, the terminal's community office first."""
    window = make_window(config=Config(help_phone="0371-68900000", help_phone_name="测试社区服务站"))
    window.show()
    window.nav.push("news")
    bar = window.nav_bar
    assert bar.isVisible() and bar.help_button.isVisible() and bar.help_button.text() == "找人帮忙"
    qtbot.mouseClick(bar.help_button, Qt.MouseButton.LeftButton)
    assert window.nav.current_name == "hotlines" and not bar.help_button.isVisible()
    first = window.nav.current().cards[0]
    assert first.number.text() == "0371-68900000" and first.name.text() == "测试社区服务站"
    window.ctx.set_language("en")
    window.nav.push("news")
    assert bar.help_button.text() == "Get help"
