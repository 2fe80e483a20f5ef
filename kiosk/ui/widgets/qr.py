"""A QR code painted from segno's matrix: the listing's text, readable by a phone with no network."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


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
        if text == self.text and (self.matrix or not text):
            return
        self.text = text
        self.matrix = qr_matrix(text) if text else ()
        self.update()

    def set_side(self, px: int) -> None:
        self.side = px
        self.setFixedSize(px, px)

    def sizeHint(self) -> QSize:
        return QSize(self.side, self.side)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        n = len(self.matrix)
        if not n:
            return
        cell = min(self.width(), self.height()) / n
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#000000"))
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    p.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
        p.end()
