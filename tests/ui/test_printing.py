"""Printed slips: laid out per paper (58/80 mm rolls, A4) and printed for real through CUPS.

The CUPS tests use a real cupsd and a cups-pdf queue (tests/helpers/cups.py): the detail page's 打印
button sends the slip with ``lp``, cups-pdf writes the job as a PDF, and the test reads that PDF
back — page width (pdfinfo), text (pdftotext), and the QR code decoded from a pdftoppm rendering.
When cupsd cannot be started the tests fail and say why (they are not skipped).
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.core.db.connection import connect
from kiosk.core.slip import Slip
from kiosk.core.terminal.config import Config
from kiosk.ui.app import build_kiosk
from kiosk.ui.printing import PAPERS, media_option, write_pdf
from kiosk.ui.window import KioskWindow
from tests.helpers import cups
from tests.helpers.qrdecode import decode
from tests.ui.conftest import FIXED_NOW, PORTRAIT, retire_window
from tests.ui.places_data import SERVICE, add_places, three_places

WIDTH_MM = {"58mm": 58.0, "80mm": 80.0, "A4": 210.0}
SLIP = Slip(lang="zh", title="社区养老服务设施", place="测试日间照料中心", address="测试路 2 号",
            hours=("周一至周五 8:30–17:30",), phones=("0371-60000002", "0371-60000003"))
"""A generated slip (测试: made-up place)."""


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[str]:
    """cupsd running (started here when it is not) and the cups-pdf queue KioskPDF; fails with the reason."""
    try:
        started = cups.start_cupsd()
        cups.ensure_queue(cups.QUEUE)
    except cups.CupsUnavailable as exc:
        pytest.fail(f"CUPS is needed for the printing tests: {exc}", pytrace=False)
    yield cups.QUEUE
    if started is not None:  # leave the machine as it was: stop the cupsd this fixture started
        os.kill(started, signal.SIGTERM)


@pytest.fixture
def places_db(writable_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(writable_db)
    add_places(conn, three_places(), FIXED_NOW)
    yield conn
    conn.close()


@pytest.fixture
def make_window(qtbot: Any, places_db: sqlite3.Connection) -> Iterator[Callable[..., KioskWindow]]:
    windows: list[KioskWindow] = []

    def make(config: Config) -> KioskWindow:
        window = build_kiosk(places_db, config, clock=lambda: FIXED_NOW)
        qtbot.addWidget(window)
        window.resize(*PORTRAIT)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        retire_window(window)


def open_detail(window: KioskWindow, service_id: str = SERVICE) -> Any:
    window.nav.home()
    window.nav.push("detail", service_id=service_id)
    QApplication.processEvents()
    return window.nav.current()


@pytest.mark.parametrize("paper", PAPERS)
def test_slip_pdf_has_the_paper_width_large_print_and_a_readable_code(qapp: Any, paper: str,
                                                                    tmp_path: Path) -> None:
    """Each paper: the page as wide as the paper (a roll as long as the slip), the details as text, and
    a QR code that decodes to the same text as the screen's."""
    pdf = tmp_path / f"slip-{paper}.pdf"
    width, height = write_pdf(SLIP, paper, pdf, datetime(2021, 9, 15, 10, 30))
    assert width == WIDTH_MM[paper]
    measured = cups.page_size_mm(pdf)
    assert abs(measured[0] - WIDTH_MM[paper]) < 1.0 and abs(measured[1] - height) < 1.0
    if paper != "A4":
        assert 60 < height < 250  # a receipt as long as its content, not an A4 page
    text = cups.pdf_text(pdf)
    for part in ("社区养老服务设施", "测试日间照料中心", "测试路 2 号", "0371-60000002", "0371-60000003",
                 "上街区社区服务终端 打印于", "2021-09-15 10:30"):
        assert part in text.replace("\n", ""), part
    assert decode(cups.render_png(pdf, tmp_path / paper)) == [SLIP.qr_text()]
    assert media_option(paper, (width, height)) == ("A4" if paper == "A4" else f"Custom.{round(width)}x"
                                                   f"{int(height) + 1}mm")


def checked(detail: Any) -> Any:
    """The detail page once CUPS has answered whether its printer is there (asked off the GUI thread)."""
    assert detail.printer is None or detail.printer.wait_checked(10000)
    QApplication.processEvents()
    return detail


def test_no_printer_no_button(make_window: Callable[..., KioskWindow]) -> None:
    """printer empty: no 打印 anywhere; a queue that does not exist: no button either."""
    for config in (Config(), Config(printer="NoSuchKioskQueue")):
        detail = checked(open_detail(make_window(config)))
        assert not detail.print_button.isVisible()
        assert not [c for c in detail.places.shown_cards() if c.print_button.isVisible()]


def test_a_place_slip_prints_on_cups_and_reads_right(qtbot: Any, cups_queue: str, tmp_path: Path,
                                                    make_window: Callable[..., KioskWindow]) -> None:
    """80 mm roll: 打印 on the open place's card → "正在打印…" → cups-pdf's PDF is 80 mm wide, has the
    place's name, address and phones, and its QR code decodes to the card's code."""
    detail = checked(open_detail(make_window(Config(printer=cups_queue, printer_paper="80mm"))))
    card = detail.places.shown_cards()[0]
    assert card.print_button.isVisible() and card.print_button.text() == "打印这个地点"
    assert detail.print_button.isVisible()
    before = cups.pdfs_now()
    card.print_button.click()
    assert detail.overlay.isVisible() and detail.overlay.question.text() == "正在打印，请在下方取纸"
    assert detail.printer.wait(20000)
    qtbot.waitUntil(lambda: detail.printer.process is None, timeout=5000)
    pdf = cups.wait_for_pdf(before)
    width, _height = cups.page_size_mm(pdf)
    assert abs(width - 80) < 1.5, f"{pdf}: {width:.1f} mm wide"
    text = cups.pdf_text(pdf).replace("\n", "")
    for part in ("测试日间照料中心", "测试路 2 号", "0371-60000002", "0371-60000003", "打印于"):
        assert part in text, part
    png = cups.render_png(pdf, tmp_path / "printed-80mm")
    detail.places.show_qr(0)
    assert decode(png) == [card.qr.text]
    assert detail.overlay.question.text() == "正在打印，请在下方取纸"  # no failure message followed


def test_a_service_slip_prints_on_a4(qtbot: Any, cups_queue: str, make_window: Callable[..., KioskWindow],
                                     tmp_path: Path) -> None:
    """The panel's 打印 prints the service itself; A4 paper gives an A4 page (English page, English slip)."""
    window = make_window(Config(printer=cups_queue, printer_paper="A4"))
    window.ctx.set_language("en")
    detail = checked(open_detail(window, "smart-elderly-care-12349"))
    assert detail.print_button.isVisible() and detail.print_button.text() == "Print"
    assert detail.places.print_text == "Print this place"
    before = cups.pdfs_now()
    detail.print_button.click()
    assert detail.printer.wait(20000)
    pdf = cups.wait_for_pdf(before)
    width, height = cups.page_size_mm(pdf)
    assert abs(width - 210) < 1.5 and abs(height - 297) < 1.5
    text = cups.pdf_text(pdf).replace("\n", " ")
    assert "12349 smart elderly-care platform" in text and "Address: not recorded yet" in text
    assert decode(cups.render_png(pdf, tmp_path / "printed-a4")) == [detail.qr.text]


def test_a_printer_that_vanished_says_so_and_hides_the_button(qtbot: Any, cups_queue: str,
                                                              make_window: Callable[..., KioskWindow]) -> None:
    """The queue is removed after the page opened: 打印 → the resident's failure message, no traceback,
    and the 打印 buttons are gone."""
    gone = "KioskGone"
    cups.ensure_queue(gone)
    try:
        detail = checked(open_detail(make_window(Config(printer=gone, printer_paper="58mm"))))
        assert detail.print_button.isVisible()
    finally:
        cups.remove_queue(gone)
    detail.print_button.click()
    qtbot.waitUntil(lambda: detail.overlay.question.text() == "打印机暂时不能用，请拍照或记下电话", timeout=20000)
    assert not detail.print_button.isVisible()
    assert not [c for c in detail.places.shown_cards() if c.print_button.isVisible()]


def test_the_slip_is_laid_out_off_the_gui_thread(qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """print_slip returns at once with the layout on a helper thread; the PDF comes, then ``lp`` is asked
    (a queue that does not exist: finished(False), and 打印 can be tapped again)."""
    import threading

    from kiosk.ui import printing

    threads: list[int] = []
    real = printing.write_pdf

    def recording(*args: Any, **kwargs: Any) -> tuple[float, float]:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(printing, "write_pdf", recording)
    page = QLabel("detail")  # the printer belongs to a page, as on the detail screen
    qtbot.addWidget(page)
    printer = printing.SlipPrinter("NoSuchKioskQueue", "80mm", page)
    outcomes: list[bool] = []
    printer.finished.connect(outcomes.append)
    assert printer.print_slip(SLIP, FIXED_NOW) and printer.busy
    assert not printer.print_slip(SLIP, FIXED_NOW)  # one job at a time
    assert printer.wait(20000)
    qtbot.waitUntil(lambda: outcomes == [False], timeout=10000)
    assert threads and threading.get_ident() not in threads
    assert printer.last_pdf is not None and printer.last_pdf.stat().st_size > 1000
    assert not printer.busy and printer.print_slip(SLIP, FIXED_NOW)
    assert printer.wait(20000)
