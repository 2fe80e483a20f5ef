"""District figures as pictures, painted with QPainter (no QtCharts: faster start, themed text).

* :class:`BarChart` — horizontal bars, a label above each (long Chinese labels fit), the value at
  the end; percentages are drawn against 100 %.
* :class:`PairChart` — before → after as two columns with an arrow (population 13.7万 → 19.7万).
* :class:`StackedChart` — 100 % stacked bars, one per year, with a legend (industry structure).
* :class:`RingGauge` — one percentage as a ring (elderly-care coverage 88 %).

Every chart paints its text at ≥ the theme's minimum text size; ``min_text_px`` tells the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.theme import Theme

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown ("88%", "19.7万人")


@dataclass(frozen=True)
class Segment:
    label: str
    value: float


class Chart(QWidget):
    """Base: holds the theme and says how small its text gets."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_theme(self, theme: Theme) -> None:
        """Restyle in place: new colours, fonts and height, painted on the next paint (no rebuild)."""
        if theme is self.theme:
            return
        self.theme = theme
        self.fit_height()
        self.update()

    def fit_height(self) -> None:
        """The fixed height the theme's sizes give (the ring: fixed width and height)."""
        self.setFixedHeight(self.chart_height())

    def min_text_px(self) -> int:
        return self.theme.body_px

    def line(self, bold: bool = False) -> int:
        return QFontMetrics(self.theme.font(bold=bold)).height()

    def sizeHint(self) -> QSize:
        return QSize(400, self.chart_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.chart_height())

    def chart_height(self) -> int:
        return 200

    def color(self, i: int) -> QColor:
        colors = self.theme.colors.chart
        return QColor(colors[i % len(colors)])

    def begin(self) -> QPainter:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        return p


class BarChart(Chart):
    def __init__(self, theme: Theme, bars: list[Bar], *, percent: bool, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.bars = bars
        self.percent = percent
        self.fit_height()

    def bar_h(self) -> int:
        return max(28, self.theme.body_px)

    def chart_height(self) -> int:
        row = self.line() + self.bar_h() + self.theme.spacing
        return len(self.bars) * row

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = self.begin()
        font = t.font()
        bold = t.font(bold=True)
        fm, fmb = QFontMetrics(font), QFontMetrics(bold)
        top = max((b.value for b in self.bars), default=1.0)
        scale = 100.0 if self.percent else (top or 1.0)
        value_w = max((fmb.horizontalAdvance(b.text) for b in self.bars), default=0) + t.spacing
        width = self.width() - value_w
        y = 0.0
        for i, bar in enumerate(self.bars):
            p.setFont(font)
            p.setPen(QColor(t.colors.text))
            p.drawText(QRectF(0, y, self.width(), self.line()), LEFT,
                       fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, self.width()))
            y += self.line()
            track = QRectF(0, y, width, self.bar_h())
            if self.percent:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(t.colors.border).lighter(150) if not t.contrast else QColor("#333333"))
                p.drawRoundedRect(track, 6, 6)
            filled = QRectF(0, y, max(6.0, width * min(bar.value / scale, 1.0)), self.bar_h())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.color(i))
            p.drawRoundedRect(filled, 6, 6)
            p.setFont(bold)
            p.setPen(QColor(t.colors.text))
            p.drawText(QRectF(filled.right() + t.spacing / 2, y - 4, value_w + 20, self.bar_h() + 8),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)
            y += self.bar_h() + t.spacing
        p.end()


class PairChart(Chart):
    """Two columns, before and after, with an arrow between them."""

    def __init__(self, theme: Theme, before: Bar, after: Bar, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.before, self.after = before, after
        self.fit_height()

    def chart_height(self) -> int:
        return self.theme.min_target * 4 + 2 * self.line(bold=True) + self.theme.spacing

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = self.begin()
        bold = t.font(t.heading_px, bold=True)
        font = t.font()
        value_h = QFontMetrics(bold).height()
        label_h = self.line()
        plot_top = value_h + t.spacing / 2
        plot_h = self.height() - plot_top - label_h - t.spacing
        top = max(self.before.value, self.after.value) or 1.0
        col_w = min(self.width() / 4, t.min_target * 2.5)
        centers = (self.width() * 0.25, self.width() * 0.75)
        for i, (bar, cx) in enumerate(zip((self.before, self.after), centers, strict=True)):
            h = max(6.0, plot_h * bar.value / top)
            rect = QRectF(cx - col_w / 2, plot_top + plot_h - h, col_w, h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.color(0 if i else 1) if not t.contrast else self.color(i))
            p.drawRoundedRect(rect, 6, 6)
            p.setPen(QColor(t.colors.text))
            p.setFont(bold)
            p.drawText(QRectF(cx - self.width() / 4, rect.top() - value_h, self.width() / 2, value_h),
                       Qt.AlignmentFlag.AlignCenter, bar.text)
            p.setFont(font)
            p.drawText(QRectF(cx - self.width() / 4, plot_top + plot_h + t.spacing / 2, self.width() / 2, label_h),
                       Qt.AlignmentFlag.AlignCenter,
                       QFontMetrics(font).elidedText(bar.label, Qt.TextElideMode.ElideRight, int(self.width() / 2)))
        # arrow
        y = plot_top + plot_h / 2
        x1, x2 = centers[0] + col_w / 2 + t.spacing, centers[1] - col_w / 2 - t.spacing
        if x2 - x1 > 30:
            pen = QPen(QColor(t.colors.muted), max(4, t.spacing // 3))
            p.setPen(pen)
            p.drawLine(QPointF(x1, y), QPointF(x2 - 18, y))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(t.colors.muted))
            p.drawPolygon(QPolygonF([QPointF(x2, y), QPointF(x2 - 24, y - 16), QPointF(x2 - 24, y + 16)]))
        p.end()


class StackedChart(Chart):
    """One 100 % bar per row (e.g. per year), segments with a legend underneath."""

    def __init__(self, theme: Theme, rows: list[tuple[str, list[Segment]]], parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.rows = rows
        self.names = [s.label for s in rows[0][1]] if rows else []
        self.fit_height()

    def bar_h(self) -> int:
        return self.theme.min_target

    def chart_height(self) -> int:
        t = self.theme
        return len(self.rows) * (self.line(bold=True) + self.bar_h() + t.spacing) + self.legend_rows() * (
            self.line() + t.spacing // 2)

    def legend_rows(self) -> int:
        return len(self.names)

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = self.begin()
        font, bold = t.font(), t.font(bold=True)
        y = 0.0
        for name, segments in self.rows:
            p.setFont(bold)
            p.setPen(QColor(t.colors.text))
            p.drawText(QRectF(0, y, self.width(), self.line(True)), Qt.AlignmentFlag.AlignLeft, name)
            y += self.line(True)
            total = sum(s.value for s in segments) or 1.0
            x = 0.0
            for i, seg in enumerate(segments):
                w = self.width() * seg.value / total
                rect = QRectF(x, y, w, self.bar_h())
                p.setPen(QPen(QColor(t.colors.background), 2))
                p.setBrush(self.color(i))
                p.drawRect(rect)
                text = f"{seg.value:g}%"
                if QFontMetrics(bold).horizontalAdvance(text) + 8 < w:
                    p.setPen(QColor("#000000") if t.contrast else QColor("#FFFFFF"))
                    p.setFont(bold)
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
                x += w
            y += self.bar_h() + t.spacing
        # legend with every value spelled out (small segments have no room inside the bar)
        p.setFont(font)
        for i, label in enumerate(self.names):
            values = " → ".join(f"{segs[i].value:g}%" for _, segs in self.rows if i < len(segs))
            sw = self.line() * 0.7
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.color(i))
            p.drawRect(QRectF(0, y + (self.line() - sw) / 2, sw, sw))
            p.setPen(QColor(t.colors.text))
            p.drawText(QRectF(sw + t.spacing / 2, y, self.width(), self.line()),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{label}  {values}")
            y += self.line() + t.spacing // 2
        p.end()


class RingGauge(Chart):
    """A percentage as a ring with the number in the middle."""

    def __init__(self, theme: Theme, value: float, text: str, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.value, self.text = value, text
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.fit_height()

    def fit_height(self) -> None:
        side = self.chart_height()
        self.setFixedSize(side, side)

    def chart_height(self) -> int:
        return self.theme.min_target * 3

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = self.begin()
        thick = max(12, t.min_target // 4)
        side = min(self.width(), self.height()) - thick
        rect = QRectF(thick / 2, thick / 2, side, side)
        p.setPen(QPen(QColor("#333333") if t.contrast else QColor(t.colors.border).lighter(150), thick))
        p.drawEllipse(rect)
        pen = QPen(self.color(0), thick)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        path = QPainterPath()
        path.arcMoveTo(rect, 90)
        path.arcTo(rect, 90, -360 * max(0.0, min(self.value, 100.0)) / 100)
        p.drawPath(path)
        p.setPen(QColor(t.colors.text))
        px = t.heading_px
        font = t.font(px, bold=True)
        while px > t.body_px and QFontMetrics(font).horizontalAdvance(self.text) > side - 2 * thick:
            px -= 2
            font = t.font(px, bold=True)
        p.setFont(font)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)
        p.end()
