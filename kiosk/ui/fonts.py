"""Load the bundled CJK font so Chinese renders on machines with no CJK fonts installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from kiosk.core.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"


def load_bundled_font() -> str:
    """Register the bundled font and return its family name (raises RuntimeError if unusable)."""
    path = resources_dir() / "fonts" / FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise RuntimeError(f"cannot load the bundled font {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise RuntimeError(f"the bundled font {path} has no font family")
    return families[0]


def renders_chinese(font: QFont, text: str = "上街社区服务终端养老医疗图书") -> bool:
    """True when every character of ``text`` has a real glyph in ``font``."""
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)
