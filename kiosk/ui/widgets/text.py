"""Labels with a role (the theme's style sheet sizes them) and wrapped text with 1.4 line spacing."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

LINE_HEIGHT_PERCENT = 140


def label(text: str = "", role: str = "body", *, wrap: bool = False, parent: QWidget | None = None) -> QLabel:
    """A plain-text QLabel styled by ``role`` (brand, clock, title, heading, body, muted, big, huge, hint)."""
    widget = QLabel(text, parent)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


class TouchButton(QPushButton):
    """A QPushButton whose text is shown as given: "&" is a character, not a keyboard mnemonic
    (a kiosk has no keyboard, and data such as "City & environment" must not lose its "&")."""

    def setText(self, text: str) -> None:
        super().setText(text.replace("&", "&&"))

    def text(self) -> str:
        return super().text().replace("&&", "&")


def button(text: str = "", role: str | None = None, parent: QWidget | None = None) -> QPushButton:
    """A QPushButton styled by ``role`` (nav, toggle, chip, choice, search, report; None = primary)."""
    widget = TouchButton(parent)
    widget.setText(text)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def paragraphs_html(paragraphs: list[str] | tuple[str, ...], line_height: int = LINE_HEIGHT_PERCENT) -> str:
    """Plain paragraphs as rich text with generous line spacing (QLabel has no line-height property)."""
    parts = [
        f'<p style="line-height:{line_height}%; margin-top:0; margin-bottom:0.6em">{html.escape(p)}</p>'
        for p in paragraphs if p.strip()
    ]
    return "".join(parts)


class TextBlock(QLabel):
    """Wrapped body text with 1.4 line spacing; ``set_text`` takes plain text (paragraphs by \\n\\n)."""

    def __init__(self, text: str = "", role: str = "body", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._plain = ""
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self._plain = text
        self.setText(paragraphs_html(text.split("\n\n")))

    def plain_text(self) -> str:
        return self._plain


class ElidedLabel(QLabel):
    """One line that ends in "…" when the space is short (never clipped mid-glyph); always plain text
    (it shows names from the database: "<b>" in a category name is three characters, not bold)."""

    def __init__(self, text: str = "", role: str = "body", parent: QWidget | None = None, *,
                 min_chars: int = 0) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = text
        self.min_chars = min_chars  # fewer characters than this would fit: show nothing ("上…" says nothing)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        super().setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width()))
        if shown != self._full and len(shown.rstrip("…")) < self.min_chars:
            shown = ""
        super().setText(shown)
