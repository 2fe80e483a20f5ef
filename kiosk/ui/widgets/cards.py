"""Large touch cards: list models over row objects, and the one card painter (``CardDelegateBase.paint_card``)
that the service lists and the search results share, so every card looks the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPen, QTextLayout, QTextOption
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from kiosk.core.models import ServiceSummary
from kiosk.ui import icons
from kiosk.ui.theme import Theme

SummaryRole = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex


class RowListModel(QAbstractListModel):
    """A list model over plain row objects: ``row_role`` gives the row itself (for the card delegate),
    DisplayRole gives :meth:`display` of it. Subclasses set ``row_role`` and may override ``display``."""

    row_role: int = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def display(self, row: Any) -> str:
        return str(row)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row)
        if role == self.row_role:
            return row
        return None


class ServiceListModel(RowListModel):
    """Rows of ServiceSummary; DisplayRole is the name in the current language."""

    row_role = SummaryRole

    def __init__(self, language: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language

    def display(self, row: ServiceSummary) -> str:
        return row.name_en if self._language() == "en" and row.name_en else row.name

    def language_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))


class CardListView(QListView):
    """A QListView that remembers the pressed row, so the delegate can paint the pressed look."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pressed_row = -1
        self.setSelectionMode(QListView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self.setMouseTracking(False)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        self.pressed_row = index.row() if index.isValid() else -1
        self.viewport().update()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self.pressed_row = -1
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.pressed_row >= 0 and self.indexAt(event.position().toPoint()).row() != self.pressed_row:
            self.pressed_row = -1
            self.viewport().update()
        super().mouseMoveEvent(event)


class CardDelegateBase(QStyledItemDelegate):
    """Geometry shared by the large list cards: a title line, ``body_lines`` of text, a line of facts."""

    body_lines = 1

    def __init__(self, view: CardListView, theme: Theme) -> None:
        super().__init__(view)
        self.view = view
        self.theme = theme

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.sizeHintChanged.emit(QModelIndex())

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        t = self.theme
        return t.font(t.heading_px, bold=True), t.font(t.body_px), t.font(t.body_px)

    def line_px(self, font: QFont) -> int:
        return int(QFontMetrics(font).height() * self.theme.line_height)

    def min_text_px(self) -> int:
        """The smallest text a card paints (for the accessibility audit)."""
        return min(int(f.pixelSize()) for f in self._fonts())

    def card_height(self) -> int:
        title, body, meta = self._fonts()
        t = self.theme
        inner = self.line_px(title) + self.body_lines * self.line_px(body) + self.line_px(meta)
        return max(t.min_target, inner + 2 * t.spacing) + t.spacing


    #: cards side by side (the view wraps them: CategoryScreen in landscape); 1: one card per row
    columns = 1

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        width = (self.view.viewport().width() - 1) // self.columns if self.columns > 1 else option.rect.width()
        return QSize(max(width, self.theme.min_target), self.card_height())

    def paint_card(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex, *, title: str,
                   body: str, meta: str, stripe: str, tag: str = "") -> None:
        """The one card look: rounded box (pressed look while touched), coloured edge, ``title`` with
        ``tag`` (muted, right) on its line, ``body`` on ``body_lines`` lines (wrapped, or one elided
        line), ``meta`` muted, a chevron. In high contrast the edge is the accent colour."""
        t = self.theme
        c = t.colors
        title_font, body_font, meta_font = self._fonts()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(t.spacing, t.spacing / 2, -t.spacing, -t.spacing / 2)
        pressed = index.row() == self.view.pressed_row
        painter.setBrush(QColor(c.card_pressed if pressed else c.surface))
        painter.setPen(QPen(QColor(c.border), 3 if t.contrast else 1.5))
        painter.drawRoundedRect(rect, t.radius, t.radius)
        edge = QRectF(rect.left(), rect.top(), t.spacing * 0.75, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(c.accent if t.contrast else stripe))
        painter.drawRoundedRect(edge, t.radius / 2, t.radius / 2)

        chevron = t.heading_px
        left = edge.right() + t.spacing
        right = rect.right() - t.spacing * 2 - chevron
        width = right - left
        y = rect.top() + t.spacing
        title_h = self.line_px(title_font)
        tag_w = 0.0
        if tag:
            tag_w = QFontMetrics(meta_font).horizontalAdvance(tag) + t.spacing
            painter.setFont(meta_font)
            painter.setPen(QColor(c.muted))
            painter.drawText(QRectF(right - tag_w, y, tag_w, title_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tag)
        painter.setPen(QColor(c.text))
        painter.setFont(title_font)
        title_w = width - tag_w
        painter.drawText(QRectF(left, y, title_w, title_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(title_font).elidedText(title, Qt.TextElideMode.ElideRight, int(title_w)))
        y += title_h
        body_h = self.line_px(body_font)
        if self.body_lines > 1:
            self._draw_wrapped(painter, body, body_font, QRectF(left, y, width, body_h * self.body_lines), body_h,
                               self.body_lines)
        else:
            self._draw_line(painter, body, body_font, c.text, QRectF(left, y, width, body_h))
        y += body_h * self.body_lines
        self._draw_line(painter, meta, meta_font, c.muted, QRectF(left, y, width, self.line_px(meta_font)))
        pix = icons.pixmap("fa5s.chevron-right", c.accent if t.contrast else c.muted, chevron)
        if not pix.isNull():
            painter.drawPixmap(int(right + t.spacing), int(rect.center().y() - chevron / 2), pix)
        painter.restore()

    def _draw_line(self, painter: QPainter, text: str, font: QFont, color: str, rect: QRectF) -> None:
        """One line of ``text`` in ``rect``, elided at the right (line breaks become spaces)."""
        if not text:
            return
        painter.setFont(font)
        painter.setPen(QColor(color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(font).elidedText(text.replace("\n", " "), Qt.TextElideMode.ElideRight,
                                                       int(rect.width())))

    def _draw_wrapped(self, painter: QPainter, text: str, font: QFont, rect: QRectF, line_h: int,
                      max_lines: int) -> None:
        """Wrap ``text`` into at most ``max_lines`` lines, eliding the last one."""
        if not text:
            return
        painter.setFont(font)
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        lines: list[tuple[int, int]] = []
        while len(lines) < max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            lines.append((line.textStart(), line.textLength()))
        layout.endLayout()
        metrics = QFontMetrics(font)
        for i, (start, length) in enumerate(lines):
            chunk = text[start:start + length]
            if i == len(lines) - 1 and start + length < len(text):
                chunk = metrics.elidedText(text[start:], Qt.TextElideMode.ElideRight, int(rect.width()))
            baseline = rect.top() + i * line_h + (line_h - metrics.height()) / 2 + metrics.ascent()
            painter.drawText(QPointF(rect.left(), baseline), chunk.rstrip("\n"))


class ServiceCardDelegate(CardDelegateBase):
    """Paints a service as a large card: name, two lines of description, a line of facts."""

    body_lines = 2

    def __init__(self, view: CardListView, theme: Theme, language: Callable[[], str],
                 meta: Callable[[ServiceSummary], str], color: Callable[[ServiceSummary], str]) -> None:
        super().__init__(view, theme)
        self._language = language
        self._meta = meta
        self._color = color

    # -- painting -----------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        summary: ServiceSummary | None = index.data(SummaryRole)
        if summary is None:
            return
        lang = self._language()
        name = summary.name_en if lang == "en" and summary.name_en else summary.name
        description = (summary.description_en if lang == "en" and summary.description_en
                       else summary.description) or ""
        self.paint_card(painter, option, index, title=name, body=description, meta=self._meta(summary),
                        stripe=self._color(summary))


class TextCardDelegate(CardDelegateBase):
    """Paints rows already turned into text (:class:`CardText`): a title with a tag on the right,
    one line of detail, one of facts — the search results, whatever their kind."""

    body_lines = 1

    def __init__(self, view: CardListView, theme: Theme, row_role: int) -> None:
        super().__init__(view, theme)
        self.row_role = row_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        row: CardText | None = index.data(self.row_role)
        if row is None:
            return
        self.paint_card(painter, option, index, title=row.title, body=row.detail, meta=row.meta,
                        stripe=row.color or self.theme.colors.accent, tag=row.tag)


class CardText(Protocol):
    """What :class:`TextCardDelegate` reads from a row."""

    @property
    def title(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def meta(self) -> str: ...
    @property
    def color(self) -> str: ...
