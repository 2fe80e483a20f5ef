"""The bundled CJK font renders Chinese; themes keep their size minimums and contrast ratios."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontInfo, QFontMetrics, QImage, QPainter

from kiosk.ui.fonts import DEFAULT_FAMILY, load_bundled_font, renders_chinese
from kiosk.ui.theme import THEME_NAMES, contrast_ratio, theme_by_name

SAMPLE = "上街社区服务终端养老医疗图书文化体育健身政务热线长辈模式轻触屏幕开始"


def test_bundled_font_has_every_chinese_glyph_the_screens_use(qapp: Any) -> None:
    """QFontMetrics.inFontUcs4 finds real glyphs for Chinese in the bundled WenQuanYi Micro Hei."""
    family = load_bundled_font()
    assert family == DEFAULT_FAMILY
    font = theme_by_name("standard").font()
    assert QFontInfo(font).family() == family
    assert renders_chinese(font, SAMPLE)
    assert not renders_chinese(font, "\U000f0000")  # a private-use code point: no glyph, so the check can fail


def test_chinese_text_paints_distinct_glyphs_not_boxes(qapp: Any) -> None:
    """Two different characters paint different pixels (missing glyphs would all be the same box)."""
    load_bundled_font()
    font = theme_by_name("standard").font(48)

    def paint(ch: str) -> QImage:
        image = QImage(64, 64, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        p = QPainter(image)
        p.setFont(font)
        p.setPen(QColor("black"))
        p.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, ch)
        p.end()
        return image

    assert paint("养") != paint("医")
    assert paint("养") != paint(" ")
    assert QFontMetrics(font).horizontalAdvance("养") > 30


@pytest.mark.parametrize("name", THEME_NAMES)
def test_theme_sizes_meet_the_design_minimums(name: str) -> None:
    """Targets ≥ 64 px (elder ≥ 80), text ≥ 24 px (elder ≥ 32), line spacing ≥ 1.3."""
    theme = theme_by_name(name)
    assert theme.min_target >= (80 if theme.elder else 64)
    assert theme.min_text_px >= (32 if theme.elder else 24)
    assert min(theme.body_px, theme.heading_px, theme.title_px, theme.big_px, theme.huge_px) >= theme.min_text_px
    assert theme.line_height >= 1.3


@pytest.mark.parametrize("name", THEME_NAMES)
def test_theme_colours_meet_the_contrast_ratios(name: str) -> None:
    """Text pairs reach 4.5:1 in the standard themes and 7:1 in high contrast."""
    theme = theme_by_name(name)
    c = theme.colors
    need = 7.0 if theme.contrast else 4.5
    pairs = {
        "text/background": (c.text, c.background), "text/surface": (c.text, c.surface),
        "muted/background": (c.muted, c.background), "muted/surface": (c.muted, c.surface),
        "accent_text/accent": (c.accent_text, c.accent), "accent_text/pressed": (c.accent_text, c.pressed),
        "text/card_pressed": (c.text, c.card_pressed), "tile_text/tile": (c.tile_text, c.background)
        if theme.contrast else (c.tile_text, "#A63D12"),
    }
    low = {k: round(contrast_ratio(*v), 2) for k, v in pairs.items() if contrast_ratio(*v) < need}
    assert low == {}


def test_category_colours_from_the_design_pass_with_white_text(seed_conn: Any) -> None:
    """Every category tile colour in the data gives white text at least 4.5:1."""
    from kiosk.core.queries import list_categories

    low = {c.id: round(contrast_ratio("#FFFFFF", c.color), 2) for c in list_categories(seed_conn)
           if contrast_ratio("#FFFFFF", c.color) < 4.5}
    assert low == {}


def test_every_category_icon_draws(qapp: Any, seed_conn: Any) -> None:
    """Each category's qtawesome icon name gives a real pixmap; an unknown name gives none (no crash)."""
    from kiosk.core.queries import list_categories
    from kiosk.ui import icons

    for cat in list_categories(seed_conn):
        pix = icons.pixmap(cat.icon, "#000000", 48)
        assert not pix.isNull(), cat.icon
        assert pix.toImage() != icons.pixmap("fa5s.square", "#000000", 48).toImage(), cat.icon
    assert icons.pixmap("fa5s.no-such-icon", "#000000", 48).isNull()
    assert not icons.pixmap("mdi6.home", "#000000", 48).isNull()  # other prefixes go through qtawesome


def test_the_search_instruction_and_control_outlines_are_readable_in_every_theme(make_window: Any) -> None:
    """The placeholder (the search screen's main instruction) is ≥ 4.5:1 (7:1 in high contrast) and
    outlines of keys and controls ≥ 3:1 (WCAG 1.4.11), on the background and on the surface."""
    from PySide6.QtGui import QPalette

    from kiosk.ui.theme import THEME_NAMES, contrast_ratio

    window = make_window()
    window.nav.push("search")
    for name in THEME_NAMES:
        window.ctx.set_theme_name(name)
        theme = window.ctx.theme
        edit = window.nav.current().input
        edit.ensurePolished()
        drawn, under = (edit.palette().color(role) for role in (QPalette.ColorRole.PlaceholderText,
                                                                QPalette.ColorRole.Base))
        a = drawn.alphaF()  # Qt's own placeholder is the text colour at half alpha: blend it as drawn
        placeholder = "#" + "".join(f"{round(a * p + (1 - a) * q):02x}" for p, q in (
            (drawn.red(), under.red()), (drawn.green(), under.green()), (drawn.blue(), under.blue())))
        base = under.name()
        assert contrast_ratio(placeholder, base) >= (7 if theme.contrast else 4.5), (name, placeholder, base)
        for ground in (theme.colors.background, theme.colors.surface):
            assert contrast_ratio(theme.colors.border, ground) >= 3, (name, ground)
