"""A large painted touch tile: icon, title and a subtitle (home screen categories and features)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from kiosk.ui import icons
from kiosk.ui.theme import Theme


def fit_lines(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines of ``width`` px (at spaces where there are
    some, else anywhere, as Chinese does); the last line is elided when the text is longer."""
    metrics = QFontMetrics(font)
    if metrics.horizontalAdvance(text) <= width:
        return [text]
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current}{joiner}{word}" if current else word
        if metrics.horizontalAdvance(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        if len(lines) == max_lines - 1:
            rest = joiner.join(words[i:])
            lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, int(width)))
            return lines
        current = word
    lines.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, int(width)))
    return lines


class Tile(QAbstractButton):
    """Icon + title + subtitle on a coloured card; ``vertical`` puts the icon above the text."""

    def __init__(self, theme: Theme, *, icon_name: str, color: str, vertical: bool = True,
                 outlined: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_name = icon_name
        self.color = color
        self.vertical = vertical
        self.outlined = outlined  # light card with a coloured edge (the smaller categories)
        self.subtitle = ""
        self.theme = theme
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.apply_theme(theme)

    def set_texts(self, title: str, subtitle: str = "") -> None:
        self.setText(title)
        self.subtitle = subtitle
        self.setAccessibleName(f"{title} {subtitle}".strip())
        self.updateGeometry()
        self.update()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setMinimumSize(self.minimumSizeHint())
        self.updateGeometry()
        self.update()

    # -- sizes --------------------------------------------------------------------------------
    def title_px(self) -> int:
        return self.theme.heading_px if self.vertical else self.theme.body_px + 4

    def icon_px(self) -> int:
        return int(self.theme.heading_px * (2.2 if self.vertical else 1.2))

    def min_text_px(self) -> int:
        """The smallest text this tile paints (for the accessibility audit)."""
        return min(self.title_px(), self.theme.body_px)

    def minimumSizeHint(self) -> QSize:
        t = self.theme
        title_h = QFontMetrics(t.font(self.title_px(), bold=True)).height()
        sub_h = QFontMetrics(t.font(t.body_px)).height()
        if self.vertical:
            h = t.spacing * 3 + self.icon_px() + 2 * title_h + sub_h
            return QSize(max(t.min_target, self.icon_px() + 2 * t.spacing), max(t.min_target, h))
        return QSize(t.min_target * 2, max(t.min_target, 2 * title_h + 2 * sub_h + t.spacing))

    def sizeHint(self) -> QSize:
        hint = self.minimumSizeHint()
        return QSize(hint.width() * 2, hint.height())

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        if self.outlined and not t.contrast:
            fill = QColor(t.colors.card_pressed if self.isDown() else t.colors.surface)
            p.setBrush(fill)
            p.setPen(QPen(QColor(self.color), 3))
            p.drawRoundedRect(rect, t.radius, t.radius)
            fg = QColor(t.colors.text)
            icon_color = self.color
        else:
            fill = t.tile_background(self.color)
            if self.isDown():
                fill = QColor(t.colors.card_pressed) if t.contrast else fill.darker(135)
            p.setBrush(fill)
            if t.contrast:
                p.setPen(QPen(QColor(t.colors.accent if not self.isDown() else t.colors.text), 3))
            else:
                p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(rect, t.radius, t.radius)
            fg = t.tile_foreground()
            icon_color = t.colors.accent if t.contrast else fg.name()
        pad = t.spacing
        title_font = t.font(self.title_px(), bold=True)
        sub_font = t.font(t.body_px)
        title_h = QFontMetrics(title_font).height()
        sub_h = QFontMetrics(sub_font).height()
        icon_px = self.icon_px()
        pix = icons.pixmap(self.icon_name, icon_color, icon_px)
        if self.vertical:
            width = rect.width() - 2 * pad
            lines = fit_lines(self.text(), title_font, width, 2)
            sub_lines = fit_lines(self.subtitle, sub_font, width, 2) if self.subtitle else []
            block = icon_px + pad + title_h * len(lines) + sub_h * len(sub_lines)
            top = rect.top() + max(pad, (rect.height() - block) / 2)
            if not pix.isNull():
                p.drawPixmap(int(rect.center().x() - icon_px / 2), int(top), pix)
            left, y = rect.left() + pad, top + icon_px + pad
            align = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        else:
            left = rect.left() + pad
            if not pix.isNull():
                p.drawPixmap(int(left), int(rect.center().y() - icon_px / 2), pix)
                left += icon_px + pad
            width = rect.right() - pad - left
            lines = fit_lines(self.text(), title_font, width, 2)
            sub_lines = fit_lines(self.subtitle, sub_font, width, 2) if self.subtitle else []
            block = title_h * len(lines) + sub_h * len(sub_lines)
            y = rect.top() + (rect.height() - block) / 2
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.setPen(fg)
        p.setFont(title_font)
        for line in lines:
            p.drawText(QRectF(left, y, width, title_h), align, line)
            y += title_h
        p.setFont(sub_font)
        for line in sub_lines:
            p.drawText(QRectF(left, y, width, sub_h), align, line)
            y += sub_h
        p.end()
