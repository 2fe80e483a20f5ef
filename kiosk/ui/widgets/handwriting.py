"""Handwriting pad (手写): write a Chinese character with a finger, tap the right candidate.

:class:`HandwritingPad` is a page of the touch keyboard: a large writing square (米字格 guides),
a candidate bar above it and "撤销一笔" (undo stroke) / "清除" (clear) beside it. After every stroke
the strokes are recognized (kiosk.core.handwriting; a few milliseconds, so in the UI thread) and the
candidate bar fills; tapping a candidate emits ``textChosen(char)`` and clears the pad.

:func:`create_handwriting_pad` returns None when the recognizer is unavailable, so the keyboard
simply has no 手写 page on a machine without Zinnia; :func:`add_handwriting_page` does that for a
keyboard with ``add_page(label, widget)``.

Bounds (issue #20: one 6,000-point stroke froze the screen for 7 s and took 2 GB): a finger move
closer than :data:`MIN_STEP_PX` to the last point adds nothing; a stroke longer than
:data:`MAX_POINTS` points keeps every second one; after :data:`MAX_STROKES` strokes more are not
taken. The paper, guides and finished strokes are painted once into a cached pixmap, so a move event
repaints only the new segment's rectangle over it: a few milliseconds however long the stroke is.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QTouchEvent,
)
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core.handwriting import (
    MAX_STROKES,
    Recognizer,
    RecognizerUnavailable,
    check_available,
    shared_recognizer,
)
from kiosk.ui import fonts

if TYPE_CHECKING:
    from kiosk.ui.theme import Theme

log = logging.getLogger(__name__)

MIN_SIDE = 400
"""The writing square is never smaller than this (px); elder mode makes it larger."""
SIDE_PER_TARGET = 7
"""Side of the writing square in touch-target units (64 px → 448 px, elder 80 px → 560 px)."""
MIN_CANDIDATES = 8
PAGE_LABEL = "手写"
MIN_STEP_PX = 2.0
"""A move shorter than this (|dx| + |dy|, px) from the stroke's last point is not recorded."""
MAX_POINTS = 512
"""A stroke holding more points than this keeps every second one (the recognizer uses 16 corners)."""

# Colours when no theme is given (the standard theme's palette).
_DEFAULTS = {"surface": "#FFFFFF", "text": "#1A1A1A", "muted": "#3F4650", "accent": "#0A5A9C",
             "accent_text": "#FFFFFF", "border": "#8A939C", "card_pressed": "#DCE6F0", "pressed": "#063A66"}


def _color(theme: Theme | None, name: str) -> str:
    if theme is None:
        return _DEFAULTS[name]
    return str(getattr(theme.colors, name))


class WritingArea(QWidget):
    """The square the finger writes in: records strokes (mouse or touch) and paints them."""

    strokeFinished = Signal()
    """A stroke was completed (finger lifted)."""

    def __init__(self, side: int = MIN_SIDE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._strokes: list[list[QPointF]] = []
        self._current: list[QPointF] | None = None
        self._current_path = QPainterPath()
        self._cache: QPixmap | None = None
        """Paper, guides, hint and the finished strokes (None: paint them again at the next paint event)."""
        self._touch_id: int | None = None
        self._hint = ""
        self._family = QFont().family()
        self._paper = QColor(_DEFAULTS["surface"])
        self._ink = QColor(_DEFAULTS["text"])
        self._guide = QColor(_DEFAULTS["border"])
        self._hint_color = QColor(_DEFAULTS["muted"])
        self.set_side(side)

    # -- state -------------------------------------------------------------------------------------

    def _invalidate(self) -> None:
        """The cached paper and finished strokes are out of date: paint everything again."""
        self._cache = None
        self.update()

    def set_side(self, side: int) -> None:
        self.setFixedSize(side, side)
        self._invalidate()

    def set_colors(self, paper: str, ink: str, guide: str, hint: str) -> None:
        self._paper, self._ink, self._guide, self._hint_color = QColor(paper), QColor(ink), QColor(guide), QColor(hint)
        self._invalidate()

    def set_font_family(self, family: str) -> None:
        self._family = family
        self._invalidate()

    def set_hint(self, text: str) -> None:
        """Text shown faintly while the square is empty."""
        self._hint = text
        self._invalidate()

    def strokes(self) -> list[list[tuple[float, float]]]:
        """Finished strokes in writing order, as (x, y) points in widget pixels."""
        return [[(p.x(), p.y()) for p in stroke] for stroke in self._strokes]

    def stroke_count(self) -> int:
        return len(self._strokes)

    def undo(self) -> bool:
        """Remove the last stroke; False when there was none."""
        self._current = None
        if not self._strokes:
            return False
        self._strokes.pop()
        self._invalidate()
        return True

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self._touch_id = None
        self._invalidate()

    def point_count(self) -> int:
        """Points held, finished strokes and the one being written (bounded: MAX_STROKES × MAX_POINTS)."""
        return sum(len(stroke) for stroke in self._strokes) + len(self._current or ())

    # -- input -------------------------------------------------------------------------------------

    def _clamped(self, pos: QPointF) -> QPointF:
        return QPointF(min(max(pos.x(), 0.0), float(self.width())), min(max(pos.y(), 0.0), float(self.height())))

    def _pen_width(self) -> float:
        return max(6.0, self.width() / 45)

    def _dirty(self, a: QPointF, b: QPointF) -> QRect:
        """The pixels a segment from ``a`` to ``b`` inks (with the round pen's width around it)."""
        margin = self._pen_width() / 2 + 2
        return QRectF(a, b).normalized().adjusted(-margin, -margin, margin, margin).toAlignedRect()

    def _begin(self, pos: QPointF) -> None:
        if len(self._strokes) >= MAX_STROKES:  # no character has more; the recognizer would ignore them
            self._current = None
            return
        point = self._clamped(pos)
        self._current = [point]
        self._current_path = QPainterPath(point)
        if not self._strokes:
            self._invalidate()  # the hint disappears under the first stroke
        else:
            self.update(self._dirty(point, point))

    def _extend(self, pos: QPointF) -> None:
        if self._current is None:
            return
        point = self._clamped(pos)
        last = self._current[-1]
        if abs(point.x() - last.x()) + abs(point.y() - last.y()) < MIN_STEP_PX:
            return
        self._current.append(point)
        if len(self._current) > MAX_POINTS:
            # Every second point (and the last): amortized O(1) per move, the ink barely changes.
            self._current = [*self._current[-2::-2][::-1], point]
            self._current_path = QPainterPath(self._current[0])
            for kept in self._current[1:]:
                self._current_path.lineTo(kept)
        else:
            self._current_path.lineTo(point)
        self.update(self._dirty(last, point))

    def _finish(self) -> None:
        stroke, self._current = self._current, None
        if stroke:
            self._strokes.append(stroke)
            self._invalidate()
            self.strokeFinished.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._finish()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            self._current = None
            self._touch_id = None
            self.update()
            event.accept()
            return True
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        """Follow one finger (the first down); other fingers and the palm are ignored."""
        for point in event.points():
            if self._touch_id is None and point.state() == QEventPoint.State.Pressed:
                self._touch_id = point.id()
                self._begin(point.position())
            elif point.id() == self._touch_id:
                if point.state() == QEventPoint.State.Released:
                    self._extend(point.position())
                    self._touch_id = None
                    self._finish()
                else:
                    self._extend(point.position())

    # -- painting ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        ratio = self.devicePixelRatioF()
        if self._cache is None or self._cache.deviceIndependentSize().toSize() != self.size():
            self._cache = self._paint_cache(ratio)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)
        if self._current:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(self._ink_pen())
            if len(self._current) == 1:
                painter.drawPoint(self._current[0])
            else:
                painter.drawPath(self._current_path)
        painter.end()

    def _ink_pen(self) -> QPen:
        return QPen(self._ink, self._pen_width(), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                    Qt.PenJoinStyle.RoundJoin)

    def _paint_cache(self, ratio: float) -> QPixmap:
        """Paper, 米字格 guides, the hint (empty square only) and the finished strokes."""
        pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        side = float(self.width())
        painter.fillRect(QRectF(0, 0, side, float(self.height())), self._paper)
        # 米字格: border, centre cross and diagonals, faint and dashed, to help place the strokes.
        guide = QColor(self._guide)
        painter.setPen(QPen(guide, 3))
        painter.drawRect(QRectF(1.5, 1.5, side - 3, side - 3))
        guide.setAlpha(110)
        dashed = QPen(guide, 2, Qt.PenStyle.DashLine)
        painter.setPen(dashed)
        painter.drawLine(QPointF(side / 2, 0), QPointF(side / 2, side))
        painter.drawLine(QPointF(0, side / 2), QPointF(side, side / 2))
        guide.setAlpha(60)
        dashed.setColor(guide)
        painter.setPen(dashed)
        painter.drawLine(QPointF(0, 0), QPointF(side, side))
        painter.drawLine(QPointF(side, 0), QPointF(0, side))
        if not self._strokes and not self._current and self._hint:
            font = QFont(self._family)
            font.setPixelSize(max(24, int(side / 14)))
            painter.setFont(font)
            painter.setPen(self._hint_color)
            painter.drawText(QRectF(0, side * 0.62, side, side * 0.3), Qt.AlignmentFlag.AlignCenter, self._hint)
        painter.setPen(self._ink_pen())
        for stroke in self._strokes:
            if len(stroke) == 1:
                painter.drawPoint(stroke[0])
                continue
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)
        painter.end()
        return pixmap


class HandwritingPad(QWidget):
    """Writing square + candidate bar + undo/clear; emits ``textChosen(str)`` when a candidate is tapped."""

    textChosen = Signal(str)
    candidatesChanged = Signal(list)
    """The candidate bar changed (list of characters, best first; empty when the pad is clear)."""

    def __init__(
        self,
        recognizer: Recognizer | None,
        parent: QWidget | None = None,
        *,
        theme: Theme | None = None,
        side: int | None = None,
        candidates: int = 10,
        domain_chars: Collection[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        if candidates < MIN_CANDIDATES:
            raise ValueError(f"the candidate bar needs at least {MIN_CANDIDATES} candidates, got {candidates}")
        self.setObjectName("HandwritingPad")
        self._recognizer = recognizer
        self._domain = frozenset(domain_chars)
        self._requested_side = side
        self._theme: Theme | None = None
        try:
            self._family = fonts.load_bundled_font()
        except RuntimeError:  # the candidates fall back to the application font
            log.warning("bundled CJK font not available for the handwriting pad", exc_info=True)
            self._family = QFont().family()

        self.writing_area = WritingArea(parent=self)
        self.writing_area.set_font_family(self._family)
        self.writing_area.strokeFinished.connect(self._recognize)
        self.candidate_buttons: list[QPushButton] = []
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for index in range(candidates):
            button = QPushButton("", self)
            button.setObjectName("hwCandidate")
            button.setProperty("best", index == 0)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, i=index: self._choose(i))
            bar.addWidget(button)
            self.candidate_buttons.append(button)
        bar.addStretch(1)

        self.undo_button = QPushButton(self)
        self.clear_button = QPushButton(self)
        for button in (self.undo_button, self.clear_button):
            button.setObjectName("hwAction")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_stroke)
        self.clear_button.clicked.connect(self.clear)

        actions = QVBoxLayout()
        actions.addWidget(self.undo_button)
        actions.addWidget(self.clear_button)
        actions.addStretch(1)
        body = QGridLayout()
        body.addWidget(self.writing_area, 0, 0)
        body.addLayout(actions, 0, 1)
        body.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(body)
        layout.addStretch(1)
        self._bar, self._body, self._actions = bar, body, actions
        self.apply_theme(theme)
        self.retranslate()

    # -- public API --------------------------------------------------------------------------------

    def candidates(self) -> list[str]:
        """The characters in the candidate bar, best first."""
        return [b.text() for b in self.candidate_buttons if b.isEnabled() and b.text()]

    def set_domain_chars(self, chars: Collection[str]) -> None:
        """Characters to prefer among close candidates (those of our listings, categories, synonyms)."""
        self._domain = frozenset(chars)

    def undo_stroke(self) -> None:
        """Remove the last stroke and recognize again."""
        if self.writing_area.undo():
            self._recognize()

    def clear(self) -> None:
        """Empty the writing square and the candidate bar."""
        self.writing_area.clear()
        self._show([])

    def side(self) -> int:
        return self.writing_area.width()

    def apply_theme(self, theme: Theme | None) -> None:
        """Sizes and colours from ``theme`` (None: the standard sizes); elder mode makes everything larger."""
        self._theme = theme
        target = theme.min_target if theme is not None else 64
        spacing = theme.spacing if theme is not None else 16
        radius = theme.radius if theme is not None else 12
        body_px = theme.body_px if theme is not None else 24
        side = max(MIN_SIDE, self._requested_side or 0, SIDE_PER_TARGET * target)
        cell = target + 8
        glyph_px = round(cell * 0.62)
        self.writing_area.set_side(side)
        self.writing_area.set_colors(_color(theme, "surface"), _color(theme, "text"), _color(theme, "border"),
                                     _color(theme, "muted"))
        self._bar.setSpacing(max(8, spacing // 2))
        self._body.setHorizontalSpacing(spacing)
        self._actions.setSpacing(spacing)
        c = {name: _color(theme, name) for name in _DEFAULTS}
        border_w = 3 if theme is not None and theme.contrast else 2
        # Sizes live in the style sheet (sizes set in code would be undone by the window's sheet at the
        # next polish). QSS min/max sizes are of the content box: the whole button less border and padding.
        inner = cell - 2 * border_w
        best_inner = cell - 2 * (border_w + 1)
        action_w = max(3 * target, 180) - 2 * (border_w + spacing)
        action_h = target - 2 * border_w
        family = self._family
        # The pad's own style sheet wins over the window's, so the candidates stay big whatever the theme.
        self.setStyleSheet(f"""
QPushButton#hwCandidate {{
    font-family: "{family}"; font-size: {glyph_px}px; padding: 0; color: {c['text']};
    min-width: {inner}px; max-width: {inner}px; min-height: {inner}px; max-height: {inner}px;
    background: {c['surface']}; border: {border_w}px solid {c['border']}; border-radius: {radius}px;
}}
QPushButton#hwCandidate[best="true"] {{
    border-color: {c['accent']}; border-width: {border_w + 1}px;
    min-width: {best_inner}px; max-width: {best_inner}px; min-height: {best_inner}px; max-height: {best_inner}px;
}}
QPushButton#hwCandidate:pressed {{ background: {c['card_pressed']}; }}
QPushButton#hwCandidate:disabled {{ border-style: dashed; }}
QPushButton#hwAction {{
    font-family: "{family}"; font-size: {body_px}px; padding: 0 {spacing}px;
    min-width: {action_w}px; min-height: {action_h}px; max-height: {action_h}px;
    color: {c['accent_text']}; background: {c['accent']}; border: {border_w}px solid {c['accent']};
    border-radius: {radius}px;
}}
QPushButton#hwAction:pressed {{ background: {c['pressed']}; border-color: {c['pressed']}; }}
QPushButton#hwAction:disabled {{ color: {c['muted']}; background: {c['surface']}; border-color: {c['border']}; }}
""")

    def retranslate(self) -> None:
        self.undo_button.setText(self.tr("撤销一笔"))
        self.clear_button.setText(self.tr("清除"))
        self.writing_area.set_hint(self.tr("请在此处书写"))

    def page_title(self) -> str:
        """The keyboard tab's text (TouchKeyboard.add_page)."""
        return self.tr("手写")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- internals ---------------------------------------------------------------------------------

    def _recognize(self) -> None:
        strokes = self.writing_area.strokes()
        if not strokes:
            self._show([])
            return
        side = float(self.writing_area.width())
        try:  # None: the shared recognizer, opened on the first stroke (kiosk.core.handwriting)
            recognizer = self._recognizer if self._recognizer is not None else shared_recognizer()
        except RecognizerUnavailable:
            log.warning("handwriting recognizer unavailable", exc_info=True)
            self._show([])
            return
        found = recognizer.classify(strokes, side, side, top=len(self.candidate_buttons), domain_chars=self._domain)
        self._show([c.char for c in found])

    def _show(self, chars: list[str]) -> None:
        for index, button in enumerate(self.candidate_buttons):
            char = chars[index] if index < len(chars) else ""
            button.setText(char)
            button.setEnabled(bool(char))
        has_strokes = self.writing_area.stroke_count() > 0
        self.undo_button.setEnabled(has_strokes)
        self.clear_button.setEnabled(has_strokes)
        self.candidatesChanged.emit(list(chars))

    def _choose(self, index: int) -> None:
        char = self.candidate_buttons[index].text()
        if not char:
            return
        self.clear()
        self.textChosen.emit(char)


def create_handwriting_pad(
    parent: QWidget | None = None,
    *,
    theme: Theme | None = None,
    domain_chars: Collection[str] = frozenset(),
    recognizer: Recognizer | None = None,
) -> HandwritingPad | None:
    """A HandwritingPad on the shared recognizer, or None (logged) when handwriting is unavailable.

    The shared recognizer's model is only checked for here, and opened when a resident first writes.
    """
    if recognizer is None:
        try:
            check_available()
        except RecognizerUnavailable as exc:
            log.info("no handwriting page: %s", exc)
            return None
    return HandwritingPad(recognizer, parent, theme=theme, domain_chars=domain_chars)


def add_handwriting_page(keyboard: Any, *, theme: Theme | None = None,
                         domain_chars: Collection[str] = frozenset()) -> HandwritingPad | None:
    """Add a 手写 page to a touch keyboard (``add_page(label, widget)``) when the recognizer is available.

    The pad's ``textChosen`` must reach the keyboard's target field: the keyboard connects it (it
    knows its target); returns the pad, or None when there is no recognizer (no page is added).
    """
    pad = create_handwriting_pad(keyboard, theme=theme, domain_chars=domain_chars)
    if pad is not None:
        keyboard.add_page(PAGE_LABEL, pad)
    return pad
