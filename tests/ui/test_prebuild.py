"""Screens are built while the attract screen waits, so that no first tap waits for one to be built."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.ui import app
from kiosk.ui.registry import RESIDENT_SCREENS
from kiosk.ui.screens.detail import DetailScreen
from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.window import KioskWindow


def test_every_resident_screen_is_built_and_prepared_while_idle(
        qtbot: Any, make_window: Callable[..., KioskWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    prepared: list[str] = []
    original = DetailScreen.prepare
    monkeypatch.setattr(DetailScreen, "prepare", lambda self: (prepared.append("detail"), original(self)))
    window = make_window()
    assert set(window.nav.built()) == {"attract"}
    app.prebuild_screens(window, delay_ms=0)
    qtbot.waitUntil(lambda: set(RESIDENT_SCREENS) <= set(window.nav.built()), timeout=10_000)
    search = window.nav.built()["search"]
    assert isinstance(search, SearchScreen)
    qtbot.waitUntil(lambda: search._vocabulary is not None, timeout=5000)
    assert prepared == ["detail"] and "segno" in sys.modules  # the QR library, before the first listing
    assert window.nav.current_name == "attract"  # nothing was shown: the resident still sees the attract screen


def test_a_screen_that_fails_to_build_ahead_does_not_stop_the_others(
        qtbot: Any, make_window: Callable[..., KioskWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()

    def broken(_ctx: Any, _nav: Any) -> Any:
        raise RuntimeError("broken screen")

    window.nav.register("category", broken)
    app.prebuild_screens(window, delay_ms=0)
    others = set(RESIDENT_SCREENS) - {"category"}
    qtbot.waitUntil(lambda: others <= set(window.nav.built()), timeout=10_000)
    assert "category" not in window.nav.built()
