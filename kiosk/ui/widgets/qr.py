"""A QR code painted from segno's matrix: the listing's text, readable by a phone with no network.

A listing's content decides the payload's length (issue #20: a 760-character name or 40 phones made
segno raise and sent the resident home on every visit). So the text is kept within
:data:`MAX_BYTES` — the most a version-:data:`MAX_VERSION` code holds, whose modules are still about
3 px on the smallest panel — by :func:`fit_text`, which takes the first of several shorter payloads
that fits and else cuts the last one; :class:`QrCode` cuts any text it is given the same way and
paints nothing rather than raise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)

MAX_VERSION = 15
"""The largest QR version shown: 77 modules (85 with the quiet zone), ≈ 3 px each on a 256 px code."""
MAX_BYTES = 412
"""UTF-8 bytes a version-15 code holds at error correction M (tests check it against segno)."""
ELLIPSIS = "…"


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, limit: int = MAX_BYTES) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its longest head that fits with "…" after it."""
    if utf8_size(text) <= limit:
        return text
    head = text.encode("utf-8")[: limit - utf8_size(ELLIPSIS)].decode("utf-8", "ignore")
    return head + ELLIPSIS


def fit_text(candidates: Sequence[str], limit: int = MAX_BYTES) -> str:
    """The first of ``candidates`` (longest, most useful first) that fits, else the last one cut to fit."""
    for text in candidates:
        if utf8_size(text) <= limit:
            return text
    return cut(candidates[-1], limit) if candidates else ""


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
