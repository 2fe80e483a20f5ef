"""Fixtures for the resident screens: a kiosk window on the seed database with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from kiosk.core.terminal.config import Config
from kiosk.ui.app import build_kiosk
from kiosk.ui.context import TIMEZONE
from kiosk.ui.window import KioskWindow

FIXED_NOW = datetime(2021, 9, 15, 10, 30, tzinfo=TIMEZONE)  # a Wednesday morning

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


def retire_window(window: KioskWindow) -> None:
    """Make a test's kiosk window harmless after the test: no timer of it fires on the next test's event loop
    (after this test's database is closed), the translators (global to the application) go, and it may close."""
    for timer in window.findChildren(QTimer):
        timer.stop()
    window.ctx.release()
    if window.idle is not None:
        window.idle.stop()
    window.allow_close = True


@pytest.fixture
def make_window(qtbot: Any, seed_conn: Any) -> Iterator[Callable[..., KioskWindow]]:
    """Build a shown kiosk window: ``make_window(size=(w, h), config=Config(...))``."""
    windows: list[KioskWindow] = []

    def make(size: tuple[int, int] = PORTRAIT, config: Config | None = None) -> KioskWindow:
        window = build_kiosk(seed_conn, config, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        retire_window(window)


@pytest.fixture
def window(make_window: Callable[..., KioskWindow]) -> KioskWindow:
    """A portrait kiosk window showing the attract screen."""
    return make_window()
