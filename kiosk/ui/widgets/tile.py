"""A large painted touch tile: icon, title and a subtitle (home screen categories and features)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from kiosk.ui import icons
from kiosk.ui.theme import Theme


class Tile(QAbstractButton):
    """Icon + title + subtitle on a coloured card; ``vertical`` puts the icon above the text."""

    def __init__(self, theme: Theme, *, icon_name: str, color: str, vertical: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_name = icon_name
        self.color = color
        self.vertical = vertical
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
            h = t.spacing * 3 + self.icon_px() + title_h + sub_h
            return QSize(max(t.min_target, self.icon_px() + 2 * t.spacing), max(t.min_target, h))
        return QSize(t.min_target * 2, max(t.min_target, title_h + sub_h + t.spacing))

    def sizeHint(self) -> QSize:
        hint = self.minimumSizeHint()
        return QSize(hint.width() * 2, hint.height())

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
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
            block = icon_px + pad + title_h + (sub_h if self.subtitle else 0)
            top = rect.top() + max(pad, (rect.height() - block) / 2)
            if not pix.isNull():
                p.drawPixmap(int(rect.center().x() - icon_px / 2), int(top), pix)
            text_rect = QRectF(rect.left() + pad, top + icon_px + pad, rect.width() - 2 * pad, title_h)
            sub_rect = QRectF(rect.left() + pad, text_rect.bottom(), rect.width() - 2 * pad, sub_h)
            align = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        else:
            left = rect.left() + pad
            if not pix.isNull():
                p.drawPixmap(int(left), int(rect.center().y() - icon_px / 2), pix)
                left += icon_px + pad
            block = title_h + (sub_h if self.subtitle else 0)
            top = rect.top() + (rect.height() - block) / 2
            text_rect = QRectF(left, top, rect.right() - pad - left, title_h)
            sub_rect = QRectF(left, text_rect.bottom(), text_rect.width(), sub_h)
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.setPen(fg)
        p.setFont(title_font)
        p.drawText(text_rect, align, QFontMetrics(title_font).elidedText(
            self.text(), Qt.TextElideMode.ElideRight, int(text_rect.width())))
        if self.subtitle:
            p.setFont(sub_font)
            p.drawText(sub_rect, align, QFontMetrics(sub_font).elidedText(
                self.subtitle, Qt.TextElideMode.ElideRight, int(sub_rect.width())))
        p.end()
