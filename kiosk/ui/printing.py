"""Print a listing's slip (kiosk.core.slip) on the terminal's printer: large print and the QR code.

The slip is laid out with QPainter on a :class:`QPdfWriter` page as wide as the paper
(``printer_paper``: a 58 or 80 mm receipt roll with a page as long as the slip, or A4), written to
a temporary PDF on a helper thread (:mod:`kiosk.ui.background`; QPainter on a QPdfWriter may run
there), and handed to the CUPS queue (``printer``) by ``lp`` in a :class:`QProcess`. Laying out a slip
takes tens of milliseconds, the spooling is CUPS's, outside the kiosk, so nothing waits on the GUI
thread: a printer that is slow, out of paper or gone never freezes the screen. (A QPrinter
that prints to the queue itself would hand the job to CUPS on the GUI thread, and a network
printer's connection can stall there.) The paper width goes to CUPS as ``media=Custom.WxHmm``
(``A4`` for A4) so that the driver does not scale the slip onto its default page.

:class:`SlipPrinter` says how it went with the signal ``finished(ok: bool)``; the detail page turns
that into "正在打印，请在下方取纸" or "打印机暂时不能用，请拍照或记下电话" — never a traceback.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QMarginsF, QObject, QProcess, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QPageSize, QPainter, QPdfWriter

from kiosk.core.slip import Slip
from kiosk.ui.background import Job, alive
from kiosk.ui.background import start as start_job
from kiosk.ui.widgets.qr import paint_qr, qr_matrix

log = logging.getLogger(__name__)

PAPERS = ("58mm", "80mm", "A4")


@dataclass(frozen=True)
class Paper:
    """How a slip is laid out on one kind of paper (sizes in millimetres, fonts in points)."""

    width_mm: float
    margin_mm: float
    body_pt: float
    title_pt: float
    qr_mm: float
    roll: bool
    """A receipt roll: the page is as long as the slip; else an A4 sheet."""


PAPER: dict[str, Paper] = {
    "58mm": Paper(58, 3, 14, 18, 40, True),
    "80mm": Paper(80, 4, 16, 20, 52, True),
    "A4": Paper(210, 20, 22, 30, 70, False),
}
"""Receipt paper gets ≥ 14 pt text (large print for a receipt), A4 bigger still."""
A4_HEIGHT_MM = 297.0
FONT_FAMILIES = ["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Droid Sans Fallback"]
"""Latin and digits in DejaVu Sans where installed, Chinese in WenQuanYi Micro Hei (bundled). With
WenQuanYi alone, the digits came out of CUPS's PDF filters (pdftocairo) as Type 3 glyphs without
text, so a printed slip's PDF could not be searched for its phone numbers."""
RESOLUTION_DPI = 300
MM_PER_INCH = 25.4


class _Layout:
    """Lines of text wrapped to the paper width, measured in device pixels of the writer."""

    def __init__(self, slip: Slip, paper: Paper, when: datetime) -> None:
        self.paper = paper
        self.px_per_mm = RESOLUTION_DPI / MM_PER_INCH
        self.width = (paper.width_mm - 2 * paper.margin_mm) * self.px_per_mm
        self.items: list[tuple[QFont, str, float]] = []
        """(font, text, height) of each block, top to bottom."""
        for kind, text in slip.print_lines(when):
            font = QFont()
            font.setFamilies(FONT_FAMILIES)
            size = {"title": paper.title_pt, "place": paper.title_pt * 0.9}.get(kind, paper.body_pt)
            if kind == "footer":
                size = max(paper.body_pt * 0.75, 10.0)
            font.setPointSizeF(size)
            font.setBold(kind in ("title", "place"))
            self.items.append((font, text, 0.0))
        self.qr_side = paper.qr_mm * self.px_per_mm
        self.gap = 2 * self.px_per_mm

    def measure(self, writer: QPdfWriter) -> float:
        """Height of the whole slip in device pixels (the text wrapped at the paper width)."""
        total = 0.0
        measured = []
        for font, text, _ in self.items:
            metrics = QFontMetricsF(font, writer)
            rect = metrics.boundingRect(QRectF(0, 0, self.width, 1e6),
                                        int(Qt.TextFlag.TextWordWrap), text)
            measured.append((font, text, rect.height()))
            total += rect.height() + self.gap
        self.items = measured
        return total + self.qr_side + 2 * self.gap


def write_pdf(slip: Slip, paper_name: str, path: Path, when: datetime) -> tuple[float, float]:
    """Lay out ``slip`` on ``paper_name`` paper into the PDF ``path``; the page size in mm (w, h)."""
    paper = PAPER[paper_name]
    probe = QPdfWriter(str(path))  # fonts are measured at the writer's resolution
    probe.setResolution(RESOLUTION_DPI)
    layout = _Layout(slip, paper, when)
    content_mm = layout.measure(probe) / layout.px_per_mm
    del probe
    height_mm = content_mm + 2 * paper.margin_mm if paper.roll else A4_HEIGHT_MM
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(slip.title)
    writer.setCreator("Shangjie community-services kiosk")
    writer.setPageSize(QPageSize(QSizeF(paper.width_mm, height_mm), QPageSize.Unit.Millimeter, "slip",
                                 QPageSize.SizeMatchPolicy.ExactMatch))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    painter = QPainter(writer)
    try:
        x = paper.margin_mm * layout.px_per_mm
        y = paper.margin_mm * layout.px_per_mm
        painter.setPen(Qt.GlobalColor.black)
        for font, text, height in layout.items:
            painter.setFont(font)
            painter.drawText(QRectF(x, y, layout.width, height), int(Qt.TextFlag.TextWordWrap), text)
            y += height + layout.gap
        matrix = qr_matrix(slip.qr_text())
        side = layout.qr_side
        paint_qr(painter, matrix, QRectF(x + (layout.width - side) / 2, y + layout.gap, side, side))
    finally:
        painter.end()
    return paper.width_mm, height_mm


def media_option(paper_name: str, page_mm: tuple[float, float]) -> str:
    """The CUPS ``media`` option for the page: ``A4`` or ``Custom.80x143mm``."""
    if paper_name == "A4":
        return "A4"
    width, height = page_mm
    return f"Custom.{round(width)}x{int(height) + 1}mm"


class SlipPrinter(QObject):
    """Prints slips on one CUPS queue without blocking the GUI thread (one job at a time)."""

    finished = Signal(bool)
    """True: CUPS took the job; False: it could not be printed (the reason is in the log)."""
    availabilityChanged = Signal(bool)
    """The answer of :meth:`check`: True when the queue is there."""

    def __init__(self, queue: str, paper: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.paper = paper if paper in PAPER else "80mm"
        self.process: QProcess | None = None
        self.layout_job: Job | None = None
        """The slip being laid out on a helper thread (before ``lp`` gets it)."""
        self.checker: QProcess | None = None
        self.known = False
        """The last answer of :meth:`check` (False until the first comes)."""
        self.last_pdf: Path | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="kiosk-slip-"))

    @property
    def busy(self) -> bool:
        return self.process is not None or self.layout_job is not None

    def available(self) -> bool:
        """Whether the queue was there at the last :meth:`check` (never asks CUPS itself)."""
        return self.known

    def check(self) -> None:
        """Ask CUPS whether the queue is there (``lpstat -p QUEUE`` in a :class:`QProcess`, so a slow or
        hung cupsd never holds the screen); ``availabilityChanged`` brings the answer."""
        if self.checker is not None:
            return  # a question is on its way
        lpstat = shutil.which("lpstat")
        if lpstat is None:
            log.warning("cannot ask for the printer %s: the CUPS client command lpstat is not installed",
                        self.queue)
            self._answer(None, False)
            return
        checker = QProcess(self)
        checker.setProgram(lpstat)
        checker.setArguments(["-p", self.queue])
        checker.finished.connect(lambda code, _status: self._answer(checker, code == 0))
        checker.errorOccurred.connect(lambda _error: self._answer(checker, False))
        self.checker = checker
        checker.start()

    def _answer(self, checker: QProcess | None, there: bool) -> None:
        if checker is not None:
            if self.checker is not checker:
                return  # the error and the finished signal of one process: answer once
            self.checker = None
            checker.deleteLater()
        self.known = there
        self.availabilityChanged.emit(there)

    def wait_checked(self, ms: int = 10000) -> bool:
        """Tests: wait until the answer of :meth:`check` has come (True) or ``ms`` pass."""
        if self.checker is not None:
            self.checker.waitForFinished(ms)
        return self.checker is None

    def print_slip(self, slip: Slip, when: datetime) -> bool:
        """Start printing ``slip`` (laid out off the GUI thread, then ``lp``); False when a job runs already.

        ``finished(False)`` follows when it cannot be laid out or printed.
        """
        if self.busy:
            return False  # one job at a time: a second tap while printing does nothing
        pdf = self._dir / f"slip-{when:%Y%m%d-%H%M%S}.pdf"
        self.layout_job = start_job("slip", lambda: write_pdf(slip, self.paper, pdf, when),
                                    done=lambda page: self._laid_out(slip, pdf, page),
                                    failed=lambda exc: self._not_laid_out(slip, exc))
        return True

    def _not_laid_out(self, slip: Slip, exc: BaseException) -> None:
        self.layout_job = None
        if not alive(self):
            return  # the page closed meanwhile
        log.error("cannot lay out the slip of %s", slip.title, exc_info=exc)
        self.finished.emit(False)

    def _laid_out(self, slip: Slip, pdf: Path, page: tuple[float, float]) -> None:
        self.layout_job = None
        if not alive(self):
            return  # the page closed meanwhile: nothing to print for
        self.last_pdf = pdf
        lp = shutil.which("lp")
        if lp is None:
            log.warning("cannot print: the CUPS client command lp is not installed")
            self.finished.emit(False)
            return
        process = QProcess(self)
        process.setProgram(lp)
        process.setArguments(["-d", self.queue, "-o", f"media={media_option(self.paper, page)}",
                              "-t", slip.title[:60], str(pdf)])
        process.finished.connect(lambda code, _status: self._done(process, code == 0))
        process.errorOccurred.connect(lambda _error: self._done(process, False))
        self.process = process
        process.start()
        log.info("printing a slip of %s on %s (%s)", slip.title, self.queue, self.paper)

    def _done(self, process: QProcess, ok: bool) -> None:
        if self.process is not process:
            return  # the error and the finished signal of one process: report once
        self.process = None
        if not ok:
            self.known = False  # until check() says the queue is there again
            out = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
            log.warning("printing on %s failed: %s", self.queue, out or process.errorString())
        process.deleteLater()
        self.finished.emit(ok)

    def wait(self, ms: int = 10000) -> bool:
        """Tests: wait until the slip is laid out and handed to CUPS (True) or ``ms`` pass."""
        deadline = time.monotonic() + ms / 1000
        while self.layout_job is not None and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)  # the layout's answer
        if self.process is not None:
            self.process.waitForFinished(max(0, int((deadline - time.monotonic()) * 1000)))
        return not self.busy
