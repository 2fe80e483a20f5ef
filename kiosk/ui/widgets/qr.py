"""A QR code painted from segno's matrix: the listing's text, readable by a phone with no network.

The text is kept within :data:`MAX_BYTES` by the rule of kiosk.core.qrtext (:func:`fit_text`,
:func:`cut`, shared with the printed slip); :class:`QrCode` cuts any text it is given the same way and
paints nothing rather than raise.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.core.qrtext import ELLIPSIS, MAX_BYTES, cut, fit_text, utf8_size

log = logging.getLogger(__name__)

MAX_VERSION = 15
"""The largest QR version shown: 77 modules (85 with the quiet zone), ≈ 3 px each on a 256 px code."""

__all__ = ["ELLIPSIS", "MAX_BYTES", "MAX_VERSION", "QrCode", "cut", "fit_text", "paint_qr", "qr_matrix", "utf8_size"]


@lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``text`` (UTF-8, error correction M), with the quiet zone.

    Cached: encoding takes ≈ 20 ms (segno tries all eight masks), and a resident going back and
    forth between a list and a listing, or switching the language, asks for the same codes again.
    """
    import segno

    code = segno.make(text, error="m", micro=False, boost_error=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix_iter(scale=1, border=4))


class QrCode(QWidget):
    """Square widget painting a QR code, always dark on white (phones need that, any theme)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.matrix: tuple[tuple[bool, ...], ...] = ()
        self.side = 240
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_text(self, text: str) -> None:
        """Show ``text`` as a QR code, cut to MAX_BYTES; never raises (nothing is painted if segno fails)."""
        text = cut(text)
        if text == self.text and (self.matrix or not text):
            return
        self.text = text
        try:
            self.matrix = qr_matrix(text) if text else ()
        except Exception:  # segno's DataOverflowError or a bug: a page without a code beats no page
            log.exception("cannot encode a QR code of %d bytes", utf8_size(text))
            self.matrix = ()
        self.update()

    def set_side(self, px: int) -> None:
        self.side = px
        self.setFixedSize(px, px)

    def sizeHint(self) -> QSize:
        return QSize(self.side, self.side)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        paint_qr(p, self.matrix, QRectF(self.rect()))
        p.end()


def paint_qr(p: QPainter, matrix: tuple[tuple[bool, ...], ...], rect: QRectF) -> None:
    """Paint ``matrix`` (from :func:`qr_matrix`) dark on white into the square at the top left of
    ``rect`` — on the screen and on a printed slip alike."""
    side = min(rect.width(), rect.height())
    p.fillRect(QRectF(rect.x(), rect.y(), side, side), QColor("#FFFFFF"))
    n = len(matrix)
    if not n:
        return
    cell = side / n
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#000000"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                p.drawRect(QRectF(rect.x() + x * cell, rect.y() + y * cell, cell + 0.5, cell + 0.5))
