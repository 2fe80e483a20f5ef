"""Icons from qtawesome (Font Awesome 5 solid), imported on first use to keep start-up fast."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QIcon, QPixmap


@lru_cache(maxsize=256)
def icon(name: str, color: str) -> QIcon:
    """The qtawesome icon ``name`` (e.g. ``fa5s.landmark``) in ``color``; an empty icon if unknown."""
    try:
        import qtawesome
    except ImportError:  # pragma: no cover - qtawesome is a dependency
        return QIcon()
    try:
        result: QIcon = qtawesome.icon(name, color=QColor(color), color_active=QColor(color))
        return result
    except Exception:  # unknown icon name in the data: show no icon rather than fail
        return QIcon()


def pixmap(name: str, color: str, size: int) -> QPixmap:
    """The icon as a ``size``×``size`` pixmap (null pixmap when unknown)."""
    return icon(name, color).pixmap(size, size)
