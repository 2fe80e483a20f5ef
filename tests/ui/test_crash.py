"""No dead screens: an uncaught error is logged with context and the resident is brought home.

pytest-qt normally catches exceptions raised in Qt slots and virtual methods itself and fails the
test; these tests switch that off (``qt_no_exception_capture``) so that the kiosk's own hook runs,
as it does in ``kiosk run``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from kiosk.ui import crash
from kiosk.ui.crash import BURST, FATAL, MESSAGES, CrashGuard, install_crash_guard
from kiosk.ui.screens.hotlines import HotlinesScreen
from kiosk.ui.window import KioskWindow

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def guarded(make_window: Callable[..., KioskWindow]) -> Iterator[tuple[KioskWindow, CrashGuard]]:
    """A kiosk window on the home screen with the crash guard installed (and removed afterwards)."""
    window = make_window()
    window.nav.home()
    guard = install_crash_guard(window)
    yield window, guard
    guard.uninstall()


def tap(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def _fail_later(message: str = "injected failure") -> None:
    def boom() -> None:
        raise RuntimeError(message)

    QTimer.singleShot(0, boom)


def test_a_failing_screen_brings_the_resident_home(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard],
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A screen whose on_enter raises: logged with the screen's name, home again with a banner, still usable."""
    window, guard = guarded

    def broken(self: HotlinesScreen, **params: Any) -> None:
        raise RuntimeError("hotlines failed to load")

    monkeypatch.setattr(HotlinesScreen, "on_enter", broken)
    caplog.set_level(logging.ERROR, logger="kiosk.crash")
    tap(qtbot, window.nav.current().feature_tiles["hotlines"])
    qtbot.waitUntil(lambda: guard.errors == 1 and window.nav.current_name == "home" and guard.banner.isVisible())
    assert window.nav.history() == [("home", {})]
    assert guard.banner.label.text() == MESSAGES["zh"]
    record = next(r for r in caplog.records if r.name == "kiosk.crash")
    assert "RuntimeError" in record.getMessage() and "screen hotlines" in record.getMessage()
    assert "hotlines failed to load" in record.getMessage() and "navigation.py" in record.getMessage()

    home = window.nav.current()
    tap(qtbot, home.primary_tiles["health"])
    assert window.nav.current_name == "category"  # the kiosk still works
    assert window.nav.current_params == {"category_id": "health"}


def test_english_banner_and_it_fades(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard]) -> None:
    """In English the banner says so in English; it goes away by itself."""
    window, guard = guarded
    window.ctx.set_language("en")
    window.nav.push("figures")
    with qtbot.waitSignal(guard.recovered):
        _fail_later()
    assert window.nav.current_name == "home"
    assert guard.banner.label.text() == MESSAGES["en"]
    guard.banner.timer.setInterval(1)
    guard.banner.timer.start()
    qtbot.waitUntil(lambda: not guard.banner.isVisible())


def test_a_failing_thread_is_handled_too(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard],
                                         caplog: pytest.LogCaptureFixture) -> None:
    """An exception in a background thread is logged with the thread's name and the resident goes home."""
    window, guard = guarded
    window.nav.push("news")
    caplog.set_level(logging.ERROR, logger="kiosk.crash")

    def work() -> None:
        raise ValueError("background lookup failed")

    worker = threading.Thread(target=work, name="lookup-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: window.nav.current_name == "home")
    assert guard.errors == 1
    assert any("thread lookup-worker" in r.getMessage() for r in caplog.records)


def test_what_a_resident_typed_is_not_logged(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard],
                                             caplog: pytest.LogCaptureFixture) -> None:
    """On the search screen the exception's message (which may hold the query) stays out of the log."""
    window, guard = guarded
    window.nav.push("search")
    caplog.set_level(logging.ERROR, logger="kiosk.crash")
    with qtbot.waitSignal(guard.recovered):
        _fail_later("no result for 王秀英 13812345678")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "screen search" in text and "RuntimeError" in text
    assert "王秀英" not in text and "13812345678" not in text


def test_personal_numbers_are_masked_elsewhere(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard],
                                               caplog: pytest.LogCaptureFixture) -> None:
    """On other screens the message is logged, with mobile numbers masked."""
    window, guard = guarded
    window.nav.push("figures")
    caplog.set_level(logging.ERROR, logger="kiosk.crash")
    with qtbot.waitSignal(guard.recovered):
        _fail_later("bad phone 13812345678 in data")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "bad phone [mobile] in data" in text and "13812345678" not in text


def test_repeated_errors_reset_the_session(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard]) -> None:
    """BURST errors within a minute: the full idle reset (attract screen, default language)."""
    window, guard = guarded
    window.ctx.set_language("en")
    for _ in range(BURST):
        window.nav.push("figures")
        with qtbot.waitSignal(guard.recovered):
            _fail_later()
    assert window.nav.current_name == "attract"
    assert window.ctx.language == "zh"


def test_an_error_storm_exits_for_a_restart(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """FATAL errors within a minute: the kiosk exits with status 70 so the service manager restarts it."""
    window = make_window()
    exits: list[int] = []
    guard = CrashGuard(window, exit_app=exits.append)
    try:
        raise RuntimeError("storm")
    except RuntimeError as exc:
        info = (RuntimeError, exc, exc.__traceback__)
    for _ in range(FATAL):
        guard.handle(info)
    assert exits == [crash.EXIT_STATUS]


def test_a_broken_home_screen_falls_back_to_attract(qtbot: Any, guarded: tuple[KioskWindow, CrashGuard],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """When even going home fails, the attract screen shows; the hook never raises itself."""
    window, guard = guarded
    window.nav.push("figures")
    home = window.nav.screen("home")

    def broken(**params: Any) -> None:
        raise RuntimeError("home broken")

    monkeypatch.setattr(home, "on_enter", broken)
    with qtbot.waitSignal(guard.recovered):
        _fail_later()
    assert window.nav.current_name == "attract"


def test_uninstall_restores_the_previous_hooks(make_window: Callable[..., KioskWindow]) -> None:
    """The guard puts back the hooks it replaced."""
    import sys

    before, before_thread = sys.excepthook, threading.excepthook
    guard = install_crash_guard(make_window())
    assert sys.excepthook == guard._excepthook and threading.excepthook == guard._thread_excepthook
    guard.uninstall()
    assert sys.excepthook is before and threading.excepthook is before_thread
