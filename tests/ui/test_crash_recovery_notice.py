"""Workers see that the database was recovered at start, until one of them dismisses the notice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.db.backup import backup_database
from kiosk.core.db.recovery import recovery_notice
from kiosk.core.db.runtime import open_runtime_database, runtime_db_path
from kiosk.core.workers import auth
from kiosk.ui.admin.panel import ToolsView
from kiosk.ui.app import build_kiosk
from kiosk.ui.crash import RecoveryNoticeBar
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW

PIN = "258013"


@pytest.fixture
def recovered(seed_db_path: Path, tmp_path: Path) -> Iterator[Any]:
    """A runtime database that was damaged, then recovered from its backup at the next start."""
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path, now=FIXED_NOW)
    auth.set_pin(conn, PIN, now=FIXED_NOW)
    backup_database(conn, "nightly", now=FIXED_NOW)
    conn.close()
    runtime_db_path(data).write_bytes(b"damaged by a power cut" * 300)
    conn = open_runtime_database(data, seed_db_path, now=FIXED_NOW)
    yield conn
    conn.close()


def _tools(qtbot: Any, conn: Any) -> tuple[KioskWindow, ToolsView]:
    window = build_kiosk(conn, None, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    window.nav.push("admin")
    panel = window.nav.current().panel
    panel.refresh_pin_state()
    panel.pinpad.enter(PIN)
    tools = panel.findChildren(ToolsView)[0]
    return window, tools


def _close(window: KioskWindow) -> None:
    window.ctx.release()
    if window.idle is not None:
        window.idle.stop()
    window.allow_close = True
    window.close()
    QApplication.processEvents()


def test_tools_show_the_recovery_notice_until_dismissed(qtbot: Any, recovered: Any) -> None:
    """After unlocking, the notice names the backup used; 知道了 clears it for every later session."""
    window, tools = _tools(qtbot, recovered)
    try:
        bar = tools.recovery_notice
        assert isinstance(bar, RecoveryNoticeBar) and bar.isVisible()
        assert "0001-" in bar.text.plain_text() and "kiosk.db.damaged-1" in bar.text.plain_text()
        qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
        assert not bar.isVisible()
        assert recovery_notice(recovered) is None
    finally:
        _close(window)
    window, tools = _tools(qtbot, recovered)
    try:
        assert tools.recovery_notice is None
    finally:
        _close(window)
