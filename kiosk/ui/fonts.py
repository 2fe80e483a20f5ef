"""Load the bundled CJK font so Chinese renders on machines with no CJK fonts installed.

A missing or damaged bundled font must not stop the kiosk: :func:`choose_font` then falls back to a
Chinese font the system has (fontconfig: Noto Sans CJK, WenQuanYi, Droid Sans Fallback — whatever Qt
lists for the Simplified Chinese writing system), and with none at all the kiosk still starts
(boxes are better than no screen). :class:`FontChoice` says which it was, for the log and
``kiosk doctor``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from kiosk.core.terminal.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"
DEFAULT_FAMILY = "WenQuanYi Micro Hei"
PREFERRED_SYSTEM = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                    "WenQuanYi Zen Hei", "Droid Sans Fallback")
"""System fonts tried first, in this order; then any other family Qt lists for Simplified Chinese."""

_loaded: str | None = None
_choice: FontChoice | None = None


@dataclass(frozen=True)
class FontChoice:
    """The family the kiosk uses and where it came from: ``bundled``, ``system`` or ``none``."""

    family: str
    source: str
    problem: str | None = None
    """Why the bundled font is not used (None when it is)."""

    def describe(self) -> str:
        """One line for the log and ``kiosk doctor``."""
        if self.source == "bundled":
            return f"bundled font '{self.family}'"
        if self.source == "system":
            return f"{self.problem}; using the system font '{self.family}' instead"
        return f"{self.problem}; no system Chinese font either: Chinese text shows as boxes"


def load_bundled_font() -> str:
    """Register the bundled font (once) and return its family name (raises RuntimeError if unusable)."""
    global _loaded
    if _loaded is not None and (_choice is None or _choice.source == "bundled"):
        return _loaded
    path = resources_dir() / "fonts" / FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        what = "is missing" if not path.is_file() else "cannot be loaded (damaged or truncated?)"
        raise RuntimeError(f"the bundled font {path} {what}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise RuntimeError(f"the bundled font {path} has no font family")
    if not renders_chinese(QFont(families[0], 24)):
        QFontDatabase.removeApplicationFont(font_id)
        raise RuntimeError(f"the bundled font {path} has no Chinese glyphs (damaged?)")
    _loaded = families[0]
    return _loaded


def system_chinese_family() -> str | None:
    """A font the system has that draws everyday Chinese, or None (needs a Qt GUI application)."""
    listed = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    ordered = [f for f in PREFERRED_SYSTEM if f in listed] + [f for f in listed if f not in PREFERRED_SYSTEM]
    for candidate in ordered:
        if renders_chinese(QFont(candidate, 24)):
            return candidate
    return None


def choose_font() -> FontChoice:
    """The bundled font, else a system Chinese font, else the default family name (boxes); remembered."""
    global _choice, _loaded
    if _choice is not None:
        return _choice
    try:
        _choice = FontChoice(load_bundled_font(), "bundled")
    except RuntimeError as exc:
        fallback = system_chinese_family()
        if fallback is not None:
            _loaded = fallback
            _choice = FontChoice(fallback, "system", str(exc))
        else:
            _choice = FontChoice(DEFAULT_FAMILY, "none", str(exc))
    return _choice


def family() -> str:
    """The family every kiosk text uses (the bundled font once loaded, or the system fallback)."""
    return _loaded or DEFAULT_FAMILY


def renders_chinese(font: QFont, text: str = "上街社区服务终端养老医疗图书") -> bool:
    """True when every character of ``text`` has a real glyph in ``font``."""
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)
