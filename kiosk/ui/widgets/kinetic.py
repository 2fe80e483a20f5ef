"""Kinetic (flick) scrolling for touch: drag with a finger; a wide scroll bar shows where the page is, and
上一页 / 下一页 buttons (kiosk.ui.widgets.pager) page through for a resident who cannot flick."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QWidget,
)

from kiosk.ui.widgets.pager import Pager


def enable_kinetic(area: QAbstractScrollArea) -> QScroller:
    """Flick-scroll ``area`` with a finger (or the left mouse button).

    The press delay is short so that a pressed card shows its pressed look at once; the scroll bar
    stays as a position indicator (24 px wide, 28 in elder mode: kiosk.ui.theme) that takes no touches:
    a strip that narrow is below the smallest touch target and right beside the content's own cards, so a
    tap meant for it would often land on a card (and one meant for a card would jump the page). Paging is
    done by the page buttons below the area instead, which are full-size targets; they appear only
    when the content is taller than the area.
    """
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.05)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.DragStartDistance, 0.004)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.DecelerationFactor, 0.3)
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    scroller.setScrollerProperties(props)
    if isinstance(area, QAbstractItemView):
        area.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        area.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.verticalScrollBar().setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    if area.findChild(Pager, "pager", Qt.FindChildOption.FindDirectChildrenOnly) is None:
        Pager(area)
    return scroller


def scroll_area(content: QWidget, *, touch: bool) -> QScrollArea:
    """A frameless scroll area around ``content`` that resizes it, flick-scrolled on a touch screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    if touch:
        enable_kinetic(area)
    return area


def scroll_to_top(area: QAbstractScrollArea) -> None:
    """Stop any flick and show the top (idle reset, new content)."""
    QScroller.scroller(area.viewport()).stop()
    area.verticalScrollBar().setValue(0)
