"""A kiosk that runs for months hands freed memory back to the system at every idle reset."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.ui import app, memory
from kiosk.ui.window import KioskWindow


def test_release_free_memory_trims_the_heap_on_linux() -> None:
    """On glibc (Linux) malloc_trim is found and called; elsewhere nothing happens."""
    result = memory.release_free_memory()
    if sys.platform.startswith("linux") and memory._libc() is not None:
        assert isinstance(result, bool)
        assert memory._libc().malloc_trim is not None
    else:
        assert result is False


def test_idle_reset_releases_memory_soon_after(qtbot: Any, make_window: Callable[..., KioskWindow],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle reset schedules the release once the attract screen shows."""
    calls: list[int] = []
    monkeypatch.setattr(app, "release_idle_memory", lambda: calls.append(1) or True)
    window = make_window()
    window.nav.home()
    app.idle_reset(window)
    assert window.nav.current_name == "attract"
    qtbot.waitUntil(lambda: calls == [1], timeout=3000)


def test_idle_release_closes_the_handwriting_model() -> None:
    """release_idle_memory() unmaps an open handwriting model (reopened on the next stroke)."""
    from kiosk.core import handwriting

    try:
        opened = handwriting.shared_recognizer()
    except handwriting.RecognizerUnavailable:
        pytest.fail("the test machine has Zinnia (scripts/debian-packages.txt)")
    memory.release_idle_memory()
    assert opened.closed and handwriting._shared is None


def test_idle_release_forgets_pypinyin_loaded_by_a_worker_edit() -> None:
    """A re-index in the kiosk process (a worker's save) loads pypinyin (≈ 55 MB); the idle release
    drops it, and the next re-index loads it again and still reads in context."""
    import sys

    from kiosk.core.search.pinyin_store import word_syllables

    assert word_syllables("银行") == ("yin", "hang")
    assert "pypinyin" in sys.modules
    memory.release_idle_memory()
    assert not [m for m in sys.modules if m.split(".")[0] == "pypinyin"]
    assert word_syllables("长者") == ("zhang", "zhe")
