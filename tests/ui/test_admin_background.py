"""The worker's import/export/restore run off the GUI thread: the kiosk keeps answering meanwhile (a timer
ticks, the service manager's watchdog pings), the page says what runs and its buttons are off, the result or
the error shows when the job ends, and a worker who leaves during an import loses nothing."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer

from kiosk.core.listings.editing import get_listing
from kiosk.ui import background
from kiosk.ui.admin import transfer_page
from kiosk.ui.watchdog import ServiceWatchdog
from kiosk.ui.window import KioskWindow
from tests.helpers.notify_socket import NotifyListener
from tests.ui.test_admin import finished, kiosk, unlock

__all__ = ["kiosk"]  # the fixture, shared with the admin tests

EDITED = "smart-elderly-care-12349"
NEW_PHONE = "0371-68000007"  # test data


class Gate:
    """Holds a core call on the job's thread until the test opens it; records the thread it ran on."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.entered = threading.Event()
        self.open = threading.Event()
        self.threads: list[int] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        self.entered.set()
        if not self.open.wait(20):  # on the GUI thread this would freeze the test's timers: they must tick
            raise TimeoutError("the test never opened the gate")
        return self.real(*args, **kwargs)


@pytest.fixture
def gate_import(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate(transfer_page.apply_import)
    monkeypatch.setattr(transfer_page, "apply_import", gate)
    yield gate
    gate.open.set()  # never leave a job thread waiting after the test
    background.wait_all(20)


def edited_workbook(page: Any, qtbot: Any, folder: Path) -> Path:
    """Export the listings as .xlsx from the page, then change one phone with openpyxl (as Excel would)."""
    page.path.setText(str(folder))
    qtbot.mouseClick(page.export_xlsx, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    out = page.last_export
    assert out is not None and out.suffix == ".xlsx" and out.is_file()
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("id")].value == EDITED)
    row[header.index("phone_1")].value = NEW_PHONE
    book.save(out)
    return out


def test_an_xlsx_import_runs_while_the_kiosk_keeps_answering(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, tmp_path: Path, qtbot: Any,
        gate_import: Gate, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the import runs (held on its thread): a GUI timer ticks, watchdog pings go out, the page says
    正在导入…, every button is off and a second tap starts nothing; then the result shows and is written."""
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    page.path.setText(str(edited_workbook(page, qtbot, tmp_path)))
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    finished(qtbot, page)
    assert page.plan is not None and page.plan.changed == [EDITED] and page.import_button.isEnabled()

    listener = NotifyListener()
    monkeypatch.setenv("NOTIFY_SOCKET", str(listener.path))
    watchdog = ServiceWatchdog(page, interval_s=0.1)
    ticks: list[int] = []
    timer = QTimer(page)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    try:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        assert gate_import.entered.wait(10)
        watchdog.start_pinging()
        ticks.clear()
        pings = watchdog.pings
        qtbot.waitUntil(lambda: len(ticks) >= 10 and watchdog.pings >= pings + 3, timeout=5000)
        assert page.busy and "正在导入" in page.output.toPlainText() and "Importing" in page.output.toPlainText()
        assert not any(b.isEnabled() for b in (page.import_button, page.check_button, page.export_xlsx,
                                              page.export_csv, page.export_hsds, page.restore_button, page.path))
        assert not page.apply() and not page.check() and not page.do_export("csv")  # no double start
        stored = get_listing(conn, EDITED)
        assert stored is not None and stored.phones[0].number != NEW_PHONE  # not yet
        gate_import.open.set()
        finished(qtbot, page)
    finally:
        timer.stop()
        watchdog._timer.stop()
        listener.close()
    assert gate_import.threads and threading.get_ident() not in gate_import.threads
    assert "已导入：新增 0 条，修改 1 条" in page.output.toPlainText()
    assert page.check_button.isEnabled() and not page.import_button.isEnabled()  # a new check before the next
    stored = get_listing(conn, EDITED)
    assert stored is not None and stored.phones[0].number == NEW_PHONE
    listings_page: Any = panel.tools.pages["listings"]
    assert listings_page.list.count() > 0


@pytest.mark.parametrize("leave", ["exit", "idle"])
def test_leaving_during_an_import_finishes_it_and_says_so_on_the_next_visit(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, tmp_path: Path, qtbot: Any,
        gate_import: Gate, leave: str) -> None:
    """退出 (or the idle reset) while the import runs: the tools close at once, the import still writes
    everything, the resident screens are built afresh, and the next worker on the page reads how it ended."""
    window = kiosk()
    panel = unlock(window, conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    page.path.setText(str(edited_workbook(page, qtbot, tmp_path)))
    page.check()
    finished(qtbot, page)
    assert page.apply() and gate_import.entered.wait(10)
    if leave == "exit":
        qtbot.mouseClick(panel.tools.exit_button, Qt.MouseButton.LeftButton)
    else:
        assert window.idle is not None
        window.idle.fire()
    assert window.nav.current_name == "attract" and not panel.is_open and panel.tools is None
    with qtbot.waitSignal(panel.contentChanged, timeout=15000):
        gate_import.open.set()
    qtbot.waitUntil(lambda: background.running_jobs() == 0, timeout=15000)
    stored = get_listing(conn, EDITED)
    assert stored is not None and stored.phones[0].number == NEW_PHONE
    assert panel.away_message is not None and "已导入" in panel.away_message
    window.nav.home()
    window.nav.push("detail", service_id=EDITED)  # the resident sees the imported phone
    detail: Any = window.nav.current()
    assert NEW_PHONE in [b.text() for b in detail.phone_buttons]

    panel = unlock(window, conn)
    assert panel.tools is not None
    again: Any = panel.tools.show_section("transfer")
    assert "离开时" in again.output.toPlainText() and "已导入：新增 0 条，修改 1 条" in again.output.toPlainText()
    assert panel.away_message is None


def test_a_wrong_xlsx_says_what_is_wrong_and_imports_nothing(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, tmp_path: Path, qtbot: Any) -> None:
    """A sheet with a bad phone names its row and column; a file that is no spreadsheet says how to fix it; a
    missing file says so."""
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "category", "name", "phone_1"])
    sheet.append([None, "elderly", "测试助餐点（测试数据）", "12"])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    count = conn.execute("SELECT COUNT(*) FROM services").fetchone()[0]
    page.path.setText(str(bad))
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.busy and "正在检查" in page.output.toPlainText()  # the answer comes through the event loop
    finished(qtbot, page)
    text = page.output.toPlainText()
    assert "错误" in text and "第 2 行" in text and "phone_1" in text and "不能导入" in text
    assert not page.import_button.isEnabled() and page.check_button.isEnabled()

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a spreadsheet")
    page.path.setText(str(broken))
    page.check()
    finished(qtbot, page)
    text = page.output.toPlainText()
    assert "not a valid .xlsx" in text and "save it as .xlsx again" in text and "不能导入" in text
    assert not page.import_button.isEnabled()
    page.path.setText(str(tmp_path / "missing.xlsx"))
    page.check()
    finished(qtbot, page)
    assert page.output.toPlainText().startswith("不能检查：找不到文件 (file not found)")
    assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] == count


def test_an_export_that_cannot_be_written_says_so(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, tmp_path: Path, qtbot: Any) -> None:
    """A target under a file (no such folder can exist): 导出失败 with the reason, the buttons back on."""
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("transfer")
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    page.path.setText(str(blocker / "out.csv"))
    assert page.do_export("csv")
    finished(qtbot, page)
    assert page.output.toPlainText().startswith("导出失败：") and page.last_export is None
    assert page.export_csv.isEnabled()


def test_the_usage_report_is_counted_off_the_gui_thread(
        kiosk: Callable[..., KioskWindow], conn: sqlite3.Connection, qtbot: Any) -> None:
    """使用报告: 正在统计… first, then the counts (a recorded view of a listing); the days chip counts again."""
    from kiosk.core.workers.usage import record_view
    from tests.ui.conftest import FIXED_NOW

    record_view(conn, "service", EDITED, FIXED_NOW)
    panel = unlock(kiosk(), conn)
    assert panel.tools is not None
    page: Any = panel.tools.show_section("reports")
    assert page.busy and "正在统计" in page.text.toPlainText()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert "1 次查看 views" in page.text.toPlainText() and "按周" in page.text.toPlainText()
    qtbot.mouseClick(page.buttons["days"], Qt.MouseButton.LeftButton)
    assert page.busy and "正在统计" in page.text.toPlainText()
    qtbot.waitUntil(lambda: not page.busy, timeout=15000)
    assert "按天" in page.text.toPlainText() and "×1" in page.text.toPlainText()
