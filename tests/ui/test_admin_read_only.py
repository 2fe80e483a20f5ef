"""The worker tools on a kiosk started in a bad state: the panel says why it is read-only, and no PIN is taken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.core.db.runtime import ReadOnlyConnection, open_kiosk_database
from kiosk.ui.admin.screen import AdminScreen
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW


@pytest.fixture
def read_only_kiosk(qtbot: Any, seed_db_path: Path, tmp_path: Path) -> Iterator[KioskWindow]:
    """A kiosk on a data folder whose kiosk.db is a link to nothing (a disk not mounted): bundled data, read-only."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").symlink_to(tmp_path / "unmounted" / "kiosk.db")
    conn = open_kiosk_database(data, seed_db_path)
    assert isinstance(conn, ReadOnlyConnection)
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.ctx.release()
    if window.idle is not None:
        window.idle.stop()
    window.allow_close = True
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    conn.close()


def test_admin_panel_says_why_it_is_read_only_and_takes_no_pin(read_only_kiosk: KioskWindow, qtbot: Any) -> None:
    """On a read-only stand-in database the PIN pad shows the reason and what to do, its keys are off, and the
    resident screens still work."""
    window = read_only_kiosk
    window.nav.push("admin")
    screen = window.nav.current()
    assert isinstance(screen, AdminScreen)
    panel = screen.panel
    qtbot.wait(50)
    message = panel.pinpad.message.text()
    assert "mount the disk" in message and "不能登录和修改" in message
    assert not panel.pinpad.keys["1"].isEnabled() and not panel.pinpad.ok.isEnabled() and not panel.is_open
    window.grab().save("/tmp/admin-read-only.png")
    window.nav.home()
    assert window.nav.current_name == "home"
