"""The kiosk's look in one place: sizes, colours and the style sheet of each theme.

There are two independent switches — elder mode (长辈模式: larger text and targets) and high
contrast — so four themes: ``standard``, ``elder``, ``contrast`` and ``contrast-elder``.
Every size a screen uses comes from :class:`Theme`, and every size is at least the minimum the
design asks for (touch targets ≥ 64 px, elder ≥ 80 px; text ≥ 24 px, elder ≥ 32 px; line
spacing ≥ 1.3). The accessibility audit in ``tests/ui/test_audit.py`` checks the result on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont

from kiosk.ui import fonts

THEME_NAMES = ("standard", "elder", "contrast", "contrast-elder")
KEYBOARD_RULES_MARK = "/* touch keyboard */"


@dataclass(frozen=True)
class Colors:
    """A palette whose text/background pairs were contrast-checked (tests/ui/test_theme.py)."""

    background: str  # window
    surface: str  # cards, bars
    text: str
    muted: str  # secondary text: still ≥ 4.5:1 (≥ 7:1 in high contrast) on background and surface
    accent: str  # primary buttons, checked toggles
    accent_text: str
    pressed: str  # pressed look of accent buttons
    border: str  # control and key outlines: ≥ 3:1 on background and surface (WCAG 1.4.11)
    card_pressed: str  # pressed look of cards
    focus: str
    tile_text: str  # text on a category tile
    chart: tuple[str, ...]  # chart series colours (each ≥ 3:1 against the surface)


STANDARD = Colors(
    background="#F4F6F8", surface="#FFFFFF", text="#1A1A1A", muted="#3F4650", accent="#0A5A9C",
    accent_text="#FFFFFF", pressed="#063A66", border="#6E7781", card_pressed="#DCE6F0", focus="#0A5A9C",
    tile_text="#FFFFFF", chart=("#0A5A9C", "#A63D12", "#0B6E4F", "#5B3A8C", "#9B1C1C"),
)

CONTRAST = Colors(
    background="#000000", surface="#000000", text="#FFFFFF", muted="#FFD400", accent="#FFD400",
    accent_text="#000000", pressed="#FFFFFF", border="#FFFFFF", card_pressed="#333333", focus="#FFD400",
    tile_text="#FFFFFF", chart=("#FFD400", "#FFFFFF", "#5CE1E6", "#FF9F5A", "#B8F28A"),
)


@dataclass(frozen=True)
class Theme:
    """Sizes (px at 1080p) and colours of one theme."""

    name: str
    elder: bool
    contrast: bool
    min_target: int  # smallest touch target (width and height)
    body_px: int  # body text, also the smallest text anywhere
    heading_px: int
    title_px: int
    big_px: int  # big numbers on figure tiles
    huge_px: int  # hotline numbers
    spacing: int
    radius: int
    line_height: float
    colors: Colors

    @property
    def min_text_px(self) -> int:
        """No text on any resident screen is smaller than this."""
        return self.body_px

    @property
    def secondary_px(self) -> int:
        """Labels of the secondary controls (filter chips, status-bar toggles, 朗读): as large as the
        headings in elder mode (≈ 40 px, the size China's MIIT ageing-friendly guidance asks of key text)."""
        return self.heading_px if self.elder else self.body_px

    @property
    def scrollbar_px(self) -> int:
        """Width of the scroll position bar on scrolling pages (≥ 24 px: seen, not a hairline)."""
        return 28 if self.elder else 24

    @property
    def bar_height(self) -> int:
        """Height of the status bar and of the back/home bar."""
        return self.min_target + 2 * (self.spacing // 2)

    def font(self, px: int | None = None, *, bold: bool = False) -> QFont:
        """The bundled font at ``px`` pixels (default: body size)."""
        font = QFont(fonts.family())
        font.setPixelSize(max(px or self.body_px, self.min_text_px))
        font.setBold(bold)
        return font

    def color(self, name: str) -> QColor:
        return QColor(getattr(self.colors, name))

    def tile_background(self, category_color: str) -> QColor:
        """A category tile's fill: black in high contrast; else the category colour, darkened where needed
        until the tile's white text reaches 7:1 (the 高对比度 level: green and orange were 6.25 and 6.37)."""
        if self.contrast:
            return QColor(self.colors.background)
        return QColor(darken_to(category_color, self.colors.tile_text, TILE_MIN_CONTRAST))

    def tile_foreground(self) -> QColor:
        return QColor(self.colors.tile_text)

    def qss(self) -> str:
        """The style sheet set on the kiosk window (cascades to every screen)."""
        c = self.colors
        t = self.min_target
        pad = self.spacing
        border_w = 3 if self.contrast else 2
        return f"""
* {{ font-family: "{fonts.family()}"; }}
QWidget#KioskWindow, QStackedWidget, Screen, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {c.background}; color: {c.text};
}}
QLabel {{ color: {c.text}; font-size: {self.body_px}px; background: transparent; }}
QLabel[role="brand"] {{ font-size: {self.heading_px}px; font-weight: bold; }}
QLabel[role="clock"] {{ font-size: {self.heading_px}px; }}
QLabel[role="title"] {{ font-size: {self.title_px}px; font-weight: bold; }}
QLabel[role="heading"] {{ font-size: {self.heading_px}px; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLineEdit, QPlainTextEdit {{ placeholder-text-color: {c.muted}; }} /* Qt: half-alpha text, 3.4:1 on white */
QLabel[role="big"] {{ font-size: {self.big_px}px; font-weight: bold; }}
QLabel[role="huge"] {{ font-size: {self.huge_px}px; font-weight: bold; }}
QLabel[role="hint"] {{ font-size: {self.heading_px}px; color: {c.muted}; }}
QFrame[role="start"] {{ background: {c.accent}; border-radius: {int(t * 0.75)}px; }}
QLabel[role="start"] {{ font-size: {self.title_px}px; font-weight: bold; color: {c.accent_text}; }}
QFrame[role="bar"] {{ background: {c.surface}; border-bottom: {border_w}px solid {c.border}; }}
QFrame[role="card"] {{
    background: {c.surface}; border: {border_w}px solid {c.border}; border-radius: {self.radius}px;
}}
QFrame[role="card"][pressed="true"] {{ background: {c.card_pressed}; }}
QFrame[role="card"] QLabel {{ background: transparent; }}
QFrame[role="panel"] {{ background: {c.surface}; border-radius: {self.radius}px; }}
QFrame[role="scrim"] {{ background: rgba(0, 0, 0, 160); }}
QPushButton {{
    font-size: {self.body_px}px; min-height: {t}px; min-width: {t}px; padding: 0 {pad}px;
    color: {c.accent_text}; background: {c.accent}; border: {border_w}px solid {c.accent};
    border-radius: {self.radius}px;
}}
QPushButton:pressed {{ background: {c.pressed}; border-color: {c.pressed}; color: {c.accent_text}; }}
QPushButton[role="nav"], QPushButton[role="toggle"], QPushButton[role="chip"], QPushButton[role="choice"] {{
    color: {c.text}; background: {c.surface}; border: {border_w}px solid {c.border};
}}
QPushButton[role="nav"] {{ font-size: {self.heading_px}px; font-weight: bold; }}
QPushButton[role="toggle"]:checked, QPushButton[role="chip"]:checked {{
    color: {c.accent_text}; background: {c.accent}; border-color: {c.accent};
}}
QPushButton[role="chip"] {{ border-radius: {t // 2}px; font-size: {self.secondary_px}px; }}
QPushButton#readAloudButton {{ font-size: {self.heading_px}px; font-weight: bold; }}
QFrame#statusBar QPushButton[role="toggle"] {{ font-size: {self.secondary_px}px; padding: 0 12px; }}
QPushButton[role="nav"]:pressed, QPushButton[role="toggle"]:pressed, QPushButton[role="chip"]:pressed,
QPushButton[role="choice"]:pressed {{ background: {c.card_pressed}; color: {c.text}; }}
QPushButton[role="choice"] {{ font-size: {self.heading_px}px; text-align: left; padding: 0 {2 * pad}px; }}
QPushButton[role="search"] {{
    font-size: {self.heading_px}px; text-align: left; padding: 0 {2 * pad}px; color: {c.muted};
    background: {c.surface}; border: {border_w + 1}px solid {c.accent}; border-radius: {t // 2}px;
}}
QPushButton[role="search"]:pressed {{ background: {c.card_pressed}; }}
QPushButton[role="report"] {{
    font-size: {self.heading_px}px; color: {c.text}; background: {c.surface};
    border: {border_w + 1}px solid {c.text};
}}
QPushButton[role="report"]:pressed {{ background: {c.card_pressed}; color: {c.text}; }}
QScrollBar:vertical {{ width: {self.scrollbar_px}px; background: {c.surface}; margin: 0;
    border-left: 1px solid {c.border}; }}
QScrollBar::handle:vertical {{ background: {c.muted}; border-radius: {self.scrollbar_px // 2 - 2}px;
    min-height: {t}px; margin: 2px; }}
QScrollBar::add-line, QScrollBar::sub-line, QScrollBar::add-page, QScrollBar::sub-page {{
    height: 0; background: transparent;
}}
QPushButton[role="pager"] {{
    font-size: {self.heading_px}px; font-weight: bold; color: {c.text}; background: {c.surface};
    border: {border_w}px solid {c.border};
}}
QPushButton[role="pager"]:pressed {{ background: {c.card_pressed}; color: {c.text}; }}
QPushButton[role="pager"]:disabled {{ color: {c.muted}; border-style: dashed; }}
QListView {{ background: {c.background}; border: none; outline: none; }}
""" + self.keyboard_qss()

    def keyboard_qss(self) -> str:
        """The touch keyboard's keys (kiosk.ui.widgets.keyboard): part of :meth:`qss`, so a keyboard inside
        a screen needs no sheet of its own; a keyboard elsewhere sets this one on itself."""
        t = self
        c = self.colors
        border_w = 3 if t.contrast else 2
        h = t.min_target - 2 * border_w
        pad = t.spacing
        return f"""{KEYBOARD_RULES_MARK}
QPushButton[kbd] {{
    font-size: {t.heading_px}px; min-height: {h}px; max-height: {h}px; padding: 0 4px;
    min-width: {t.min_target - 2 * border_w - 8}px;
    color: {c.text}; background: {c.surface}; border: {border_w}px solid {c.border}; border-radius: {t.radius}px;
}}
QPushButton[kbd]:pressed {{ background: {c.card_pressed}; color: {c.text}; }}
QPushButton[kbd]:disabled {{ color: {c.border}; border-style: dashed; }}
QPushButton[kbd="tab"] {{ font-size: {t.body_px}px; font-weight: bold; padding: 0 {pad}px; }}
QPushButton[kbd="tab"]:checked {{ color: {c.accent_text}; background: {c.accent}; border-color: {c.accent}; }}
QPushButton[kbd="candidate"] {{ padding: 0 {pad}px; }}
QPushButton[kbd="candidate"][best="true"] {{ border-color: {c.accent}; border-width: {border_w + 1}px;
    min-height: {h - 2}px; max-height: {h - 2}px; }}
QPushButton#key-space {{ font-size: {t.body_px}px; min-width: {t.min_target}px; }}
QPushButton#key-hide {{ font-size: {t.body_px}px; padding: 0 {pad}px; }}
QPushButton#key-backspace {{ min-width: {t.min_target + t.min_target // 4 - 2 * border_w - 8}px; }}
"""


def make_theme(*, elder: bool = False, contrast: bool = False) -> Theme:
    """The theme for the two switches."""
    name = ("contrast-" if contrast else "") + ("elder" if elder else "standard")
    if name == "contrast-standard":
        name = "contrast"
    colors = CONTRAST if contrast else STANDARD
    if elder:
        return Theme(name, True, contrast, min_target=80, body_px=32, heading_px=40, title_px=48, big_px=72,
                     huge_px=112, spacing=20, radius=14, line_height=1.4, colors=colors)
    return Theme(name, False, contrast, min_target=64, body_px=24, heading_px=30, title_px=38, big_px=56,
                 huge_px=88, spacing=16, radius=12, line_height=1.4, colors=colors)


def theme_by_name(name: str) -> Theme:
    """``standard``, ``elder``, ``contrast`` or ``contrast-elder`` (ValueError otherwise)."""
    if name not in THEME_NAMES:
        raise ValueError(f"unknown theme {name!r}; one of {', '.join(THEME_NAMES)}")
    return make_theme(elder="elder" in name, contrast="contrast" in name)


TILE_MIN_CONTRAST = 7.0


def darken_to(color: str, text: str, ratio: float) -> str:
    """``color`` darkened in small steps (same hue) until ``text`` on it reaches ``ratio``; unchanged when it
    already does."""
    fill = QColor(color)
    for _ in range(100):
        if contrast_ratio(text, fill.name()) >= ratio:
            break
        fill = fill.darker(103)
    return fill.name()


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours."""

    def luminance(hex_color: str) -> float:
        color = QColor(hex_color)
        channels = []
        for v in (color.redF(), color.greenF(), color.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
