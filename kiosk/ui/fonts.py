"""Load the bundled CJK font so Chinese renders on machines with no CJK fonts installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from kiosk.core.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"
DEFAULT_FAMILY = "WenQuanYi Micro Hei"

_loaded: str | None = None


def load_bundled_font() -> str:
    """Register the bundled font (once) and return its family name (raises RuntimeError if unusable)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    path = resources_dir() / "fonts" / FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise RuntimeError(f"cannot load the bundled font {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise RuntimeError(f"the bundled font {path} has no font family")
    _loaded = families[0]
    return _loaded


def family() -> str:
    """The family every kiosk text uses (the bundled font once loaded)."""
    return _loaded or DEFAULT_FAMILY


def renders_chinese(font: QFont, text: str = "上街社区服务终端养老医疗图书") -> bool:
    """True when every character of ``text`` has a real glyph in ``font``."""
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)
