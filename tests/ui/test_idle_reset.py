"""Idle reset: the kiosk forgets the last resident and returns to the attract screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.core.terminal.config import Config
from kiosk.ui.idle import WARN_S
from kiosk.ui.window import KioskWindow


def test_idle_reset_returns_to_attract_and_clears_everything(qtbot: Any, window: KioskWindow) -> None:
    """Language, elder mode, contrast, category scroll and filter, news page, dialog: all back to start."""
    ctx, nav = window.ctx, window.nav
    nav.home()
    ctx.set_language("en")
    ctx.set_elder_mode(True)
    ctx.set_contrast(True)
    nav.push("category", category_id="culture")
    category = nav.current()
    window.resize(1080, 900)  # short enough that the six culture cards scroll
    qtbot.wait(1)
    bar = category.view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    nav.push("detail", service_id="library-branches")
    detail = nav.current()
    if not detail.report_button.isHidden():
        detail.ask_report()
        assert detail.overlay.isVisible()
    assert window.idle is not None and window.idle.timer.isActive()

    window.idle.fire()

    assert nav.current_name == "attract"
    assert nav.history() == [("attract", {})]
    assert ctx.language == "zh" and not ctx.elder and not ctx.contrast
    assert category.category is None and category.model.rowCount() == 0
    assert category.view.verticalScrollBar().value() == 0
    assert detail.service is None and not detail.overlay.isVisible()
    assert not window.idle.timer.isActive()  # nothing to count on the attract screen
    nav.home()
    assert window.status_bar.language_button.text() == "English"


def test_idle_reset_restores_the_terminal_defaults(make_window: Any) -> None:
    """A terminal configured for English and elder mode returns to those, not to Chinese."""
    window = make_window(config=Config(default_language="en", elder_mode_default=True))
    ctx = window.ctx
    assert ctx.language == "en" and ctx.elder
    window.nav.home()
    ctx.set_language("zh")
    ctx.set_elder_mode(False)
    window.idle.fire()
    assert ctx.language == "en" and ctx.elder


def test_idle_timer_uses_the_configured_timeout_and_touches_restart_it(qtbot: Any, make_window: Any) -> None:
    """The timer runs idle_timeout_s from config; a touch restarts it; when it runs out, attract shows."""
    window = make_window(config=Config(idle_timeout_s=42))
    window.nav.home()
    idle = window.idle
    assert idle.timer.interval() == (42 - WARN_S) * 1000 and idle.timer.isActive()  # then WARN_S s of warning
    idle.timer.start(10_000)  # pretend some time passed
    home = window.nav.current()
    qtbot.mousePress(home.search_button, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(home.search_button, Qt.MouseButton.LeftButton)
    assert idle.timer.interval() == (42 - WARN_S) * 1000  # restarted by the touch
    idle.timeout_s = 0.05  # a short timeout instead of waiting 42 s
    idle.start()
    qtbot.waitUntil(lambda: window.nav.current_name == "attract", timeout=3000)


def test_elder_mode_gives_residents_the_longer_timeout(qtbot: Any, make_window: Any) -> None:
    """In 长辈模式 the timer runs elder_idle_timeout_s; leaving elder mode brings idle_timeout_s back."""
    window = make_window(config=Config(idle_timeout_s=60, elder_idle_timeout_s=240))
    window.nav.home()
    idle = window.idle
    assert idle.timer.interval() == (60 - WARN_S) * 1000
    window.ctx.set_elder_mode(True)
    idle.start()  # any touch restarts the timer; the elder toggle itself is one
    assert idle.timer.interval() == (240 - WARN_S) * 1000
    window.ctx.set_elder_mode(False)
    idle.start()
    assert idle.timer.interval() == (60 - WARN_S) * 1000


def test_attract_screen_rotates_figures_and_headlines(window: KioskWindow) -> None:
    """The attract screen's two cards take turns changing; reset starts again from the first."""
    attract = window.nav.current()
    first = (attract.figure_value.text(), attract.news_title.text())
    attract.rotate()
    second = (attract.figure_value.text(), attract.news_title.text())
    attract.rotate()
    third = (attract.figure_value.text(), attract.news_title.text())
    assert second[0] != first[0] and second[1] == first[1]
    assert third[1] != second[1]
    attract.reset()
    assert (attract.figure_value.text(), attract.news_title.text()) == first
    assert attract.start_text.text() == "轻触屏幕开始 / Touch to start"


def test_a_warning_with_a_countdown_comes_first_and_a_tap_keeps_the_page(qtbot: Any, make_window: Any) -> None:
    """WCAG 2.2.1: 20 s before the reset a warning counts down; a tap keeps the page; no tap: attract."""
    window = make_window(config=Config(idle_timeout_s=90))
    window.show()
    window.nav.home()
    idle, warning = window.idle, window.idle_warning
    idle.warn_now()
    assert warning.isVisible() and idle.warning and "还在看吗" in warning.question.text()
    assert f"{WARN_S} 秒后回到首页" in warning.countdown.text() and idle.final.isActive()
    warning._tick()
    assert f"{WARN_S - 1} 秒后" in warning.countdown.text()
    qtbot.mouseClick(warning.keep, Qt.MouseButton.LeftButton)  # 继续使用
    assert not warning.isVisible() and not idle.warning and window.nav.current_name == "home"
    assert idle.timer.isActive() and not idle.final.isActive()  # counting afresh
    idle.warn_now()
    idle.final.start(50)  # the rest of the countdown, short
    qtbot.waitUntil(lambda: window.nav.current_name == "attract", timeout=3000)
    assert not warning.isVisible()


def test_the_warning_speaks_the_residents_language(make_window: Any) -> None:
    """In English the warning is English."""
    window = make_window(config=Config(idle_timeout_s=90))
    window.nav.home()
    window.ctx.set_language("en")
    window.idle.warn_now()
    warning = window.idle_warning
    assert warning.question.text() == "Still there?" and "tap anywhere" in warning.countdown.text()

