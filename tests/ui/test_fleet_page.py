"""The status board in the worker tools (终端状态) and the running kiosk's outbox writer.

Terminals and places are synthetic test data (测试).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFrame, QLabel

from kiosk.core.db.connection import connect
from kiosk.core.fleet.collect import collect_reports
from kiosk.core.fleet.outbox import database_file
from kiosk.core.fleet.report import REPORT_NAME, write_report
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.runs import Runs, read_runs, record_start
from kiosk.core.workers import auth
from kiosk.ui.admin.fleet_page import FleetPage
from kiosk.ui.admin.window import AdminWindow
from kiosk.ui.context import AppContext, shanghai_now
from kiosk.ui.outbox import OutboxWriter, Reports

PIN = "258013"


def _collect(conn: sqlite3.Connection, terminal_db: Path, tmp_path: Path, now: datetime) -> None:
    terminal = connect(terminal_db)
    fresh = write_report(terminal, tmp_path / "a.zip", terminal_id="test-hall-1", place="测试站一 养老服务中心",
                         now=now - timedelta(hours=1), runs=Runs(starts=2, crashes=1))
    terminal.execute("DELETE FROM meta WHERE key = 'outbox_last_report'")
    silent = write_report(terminal, tmp_path / "b.zip", terminal_id="test-hall-2", place="测试站二",
                          now=now - timedelta(hours=40), runs=Runs(starts=1))
    terminal.close()
    assert len(collect_reports(conn, [fresh.path, silent.path], now=now).new) == 2


def _texts(page: FleetPage) -> str:
    return "\n".join(w.text() for w in page.findChildren(QLabel))


def test_the_fleet_page_shows_each_terminal_and_marks_the_silent_one(qtbot: Any, conn: sqlite3.Connection,
                                                                      writable_db: Path, tmp_path: Path,
                                                                      seed_db_path: Path) -> None:
    """Behind the PIN, 终端状态 shows a card per terminal; the one silent for 40 h says 失联 in words."""
    now = shanghai_now()
    terminal_db = tmp_path / "terminal.db"
    terminal_db.write_bytes(seed_db_path.read_bytes())
    _collect(conn, terminal_db, tmp_path, now)
    auth.set_pin(conn, PIN, now=now)
    window = AdminWindow(conn, Config())
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    window.panel.pinpad.enter(PIN)
    tools = window.panel.tools
    assert tools is not None
    tools.buttons["fleet"].click()
    page = tools.pages["fleet"]
    assert isinstance(page, FleetPage) and tools.stack.currentWidget() is page
    text = _texts(page)
    assert "2 台终端，1 台失联" in text
    assert "【失联】test-hall-2　测试站二" in text and "【正常】test-hall-1　测试站一 养老服务中心" in text
    assert len(page.findChildren(QFrame)) >= 2 and [b.objectName() for b in page.findChildren(QFrame)
                                                    if b.objectName().startswith("fleet-")] == ["fleet-test-hall-2",
                                                                                                "fleet-test-hall-1"]
    assert "累计 1 次" in text and "运行时长：未运行" in text
    if os.environ.get("KIOSK_SCREENSHOT_DIR"):
        window.grab().save(str(Path(os.environ["KIOSK_SCREENSHOT_DIR"]) / "fleet-page-zh.png"))
    window.close()


def test_the_board_is_in_the_office_window_only(qtbot: Any, conn: sqlite3.Connection) -> None:
    """On the kiosk's touch tools (a terminal has no reports to show) there is no 终端状态 section."""
    from kiosk.ui.admin.panel import AdminPanel

    auth.set_pin(conn, PIN, now=shanghai_now())
    ctx = AppContext(conn, Config())
    panel = AdminPanel(ctx, touch=True)
    qtbot.addWidget(panel)
    panel.pinpad.enter(PIN)
    assert panel.tools is not None and "fleet" not in panel.tools.buttons and "holidays" in panel.tools.buttons
    panel.lock()
    ctx.release()


def test_the_outbox_writer_writes_off_the_gui_thread(qtbot: Any, writable_db: Path, tmp_path: Path) -> None:
    """A tick writes a report into the outbox from a worker thread with its own connection; the file is whole."""
    conn = connect(writable_db)
    ctx = AppContext(conn, Config())
    db, writable = database_file(conn)
    assert db == writable_db.resolve() and writable
    outbox = tmp_path / "outbox"
    config = Config(terminal_id="test-hall-1", terminal_place="测试站一", outbox_dir=str(outbox), outbox_keep=2)
    threads: list[str] = []
    real = write_report

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kiosk.core.fleet.report.write_report", spy)
        writer = OutboxWriter(db, writable, outbox, config, tmp_path / "data", clock=shanghai_now)
        for _ in range(3):
            writer.tick()
            writer.wait()
    assert threads == ["kiosk-outbox"] * 3 and writer.failures == 0
    files = sorted(outbox.iterdir())
    assert len(files) <= 2 and all(p.name.startswith("report-test-hall-1-") for p in files)
    with zipfile.ZipFile(files[-1]) as zf:
        assert json.loads(zf.read(REPORT_NAME))["terminal"] == {"id": "test-hall-1", "place": "测试站一"}
    ctx.release()
    conn.close()


def test_a_failing_outbox_is_logged_not_raised(writable_db: Path, tmp_path: Path) -> None:
    """An outbox that cannot be written (a file in its place) counts a failure; no exception reaches Qt."""
    conn = connect(writable_db)
    blocker = tmp_path / "outbox"
    blocker.write_text("not a folder", encoding="utf-8")
    writer = OutboxWriter(writable_db, True, blocker, Config(terminal_id="test-hall-1"), tmp_path, clock=shanghai_now)
    writer.tick()
    writer.wait()
    assert writer.failures == 1 and writer.written == []
    conn.close()


def test_a_clean_stop_is_recorded_and_a_crash_is_not(tmp_path: Path) -> None:
    """Reports.finish(0) records the clean stop; finish(70) leaves the run open, so the next start counts a crash."""
    path = tmp_path / "runs.json"
    record_start(path, shanghai_now())
    Reports(path, None).finish(70)
    assert read_runs(path).running
    assert record_start(path, shanghai_now()).crashes == 1
    Reports(path, None).finish(0)
    assert not read_runs(path).running and record_start(path, shanghai_now()).crashes == 1
