"""Icons by qtawesome name (``fa5s.landmark``), fast.

Font Awesome 5 solid (``fa5s.*``) glyphs are drawn straight from the icon font and charmap that
qtawesome ships, without importing qtawesome itself: its import (through qtpy) costs more than the
rest of the kiosk's start-up together. Any other qtawesome prefix (``mdi6.*``, ``fa5.*`` …) that a
worker might put in the data goes through qtawesome, imported on first use.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap

ICON_RENDER_PX = 128  # QIcon scales this one pixmap down for buttons


@lru_cache(maxsize=1)
def _fa5_solid() -> tuple[str, dict[str, int]] | None:
    """(font family, name → code point) of qtawesome's Font Awesome 5 solid, or None."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    ttf = sorted(fonts.glob("fontawesome5-solid-webfont-*.ttf"))
    charmap = sorted(fonts.glob("fontawesome5-solid-webfont-charmap-*.json"))
    if not ttf or not charmap:
        return None
    font_id = QFontDatabase.addApplicationFont(str(ttf[-1]))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    codes = {name: int(code, 16) for name, code in json.loads(charmap[-1].read_text(encoding="utf-8")).items()}
    return families[0], codes


def _glyph_pixmap(family: str, code: int, color: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont(family)
    font.setPixelSize(max(1, round(size * 0.875)))
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    painter.setFont(font)
    painter.setPen(QColor(color))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, chr(code))
    painter.end()
    return pixmap


def _fast(name: str) -> tuple[str, int] | None:
    prefix, _, glyph = name.partition(".")
    if prefix != "fa5s":
        return None
    fa = _fa5_solid()
    if fa is None or glyph not in fa[1]:
        return None
    return fa[0], fa[1][glyph]


@lru_cache(maxsize=256)
def icon(name: str, color: str) -> QIcon:
    """The icon ``name`` in ``color``; an empty icon if the name is unknown."""
    fast = _fast(name)
    if fast is not None:
        return QIcon(_glyph_pixmap(fast[0], fast[1], color, ICON_RENDER_PX))
    try:
        import qtawesome
    except ImportError:  # pragma: no cover - qtawesome is a dependency
        return QIcon()
    try:
        result: QIcon = qtawesome.icon(name, color=QColor(color), color_active=QColor(color))
    except Exception:  # unknown icon name in the data: show no icon rather than fail
        return QIcon()
    return result


@lru_cache(maxsize=512)
def pixmap(name: str, color: str, size: int) -> QPixmap:
    """The icon as a ``size``×``size`` pixmap, drawn at that size (null pixmap when unknown)."""
    fast = _fast(name)
    if fast is not None:
        return _glyph_pixmap(fast[0], fast[1], color, size)
    return icon(name, color).pixmap(size, size)


def toggle_icon(name: str, off_color: str, on_color: str, size: int) -> QIcon:
    """An icon for a checkable button: ``off_color`` unchecked, ``on_color`` when checked."""
    result = QIcon()
    result.addPixmap(pixmap(name, off_color, size), QIcon.Mode.Normal, QIcon.State.Off)
    result.addPixmap(pixmap(name, on_color, size), QIcon.Mode.Normal, QIcon.State.On)
    return result
