"""Accessibility audit: every resident screen, in every theme, portrait and landscape.

It walks the widget tree of the kiosk window and fails on any visible clickable thing smaller than
the theme's minimum touch target, any two touch targets that overlap, any text smaller than the
theme's minimum text size, and any one-line text or button label that does not fit its widget, or
wrapped text taller than its room (cut off). It also measures (issue #19): tile text against the tile's
fill (≥ 7:1), the secondary controls' label size in elder mode (chips, status-bar toggles, 朗读: ≥ 40 px),
and the scroll bar of every scrolling page (≥ 24 px wide); every area that overflows shows its
上一页 / 下一页 page buttons.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from kiosk.ui.app import sample_params, show_screen
from kiosk.ui.registry import RESIDENT_SCREENS
from kiosk.ui.theme import THEME_NAMES, contrast_ratio
from kiosk.ui.widgets.pager import Pager
from kiosk.ui.widgets.text import ElidedLabel
from kiosk.ui.widgets.tile import Tile
from tests.ui.conftest import LANDSCAPE, PORTRAIT

CLICKABLE = (QAbstractButton, QLineEdit, QComboBox)


def is_clickable(w: QWidget) -> bool:
    if w.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents) or not w.isEnabled():
        return False
    if isinstance(w, CLICKABLE) or bool(w.property("touch_target")):
        return True
    return isinstance(w, QAbstractSlider)


def font_px(w: QWidget) -> int:
    w.ensurePolished()
    return QFontInfo(w.font()).pixelSize()


def overlapping(targets: list[QWidget], window: QWidget) -> list[str]:
    """Pairs of visible touch targets that cover each other (a tap could hit the wrong one)."""
    rects = [(w, tappable_rect(w, window)) for w in targets]
    problems = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a) or not visible_in_scroll(a, window) \
                    or not visible_in_scroll(b, window):
                continue
            overlap = ra.intersected(rb)
            if overlap.width() > 2 and overlap.height() > 2:
                problems.append(f"{type(a).__name__} {a.objectName()} and {type(b).__name__} {b.objectName()} "
                                f"overlap by {overlap.width()}×{overlap.height()} px")
    return problems


def under_a_modal(w: QWidget, window: QWidget) -> bool:
    """True when a dialog's dim scrim (or anything on it) covers the widget's centre: the widget
    cannot be tapped now, so it cannot be tapped by mistake either."""
    hit = window.childAt(w.mapTo(window, w.rect().center()))
    if hit is None or hit is w or w.isAncestorOf(hit):
        return False
    node: QWidget | None = hit
    while node is not None and node is not window:
        if node.property("role") == "scrim" and not node.isAncestorOf(w):
            return True
        node = node.parentWidget()
    return False


def tappable_rect(w: QWidget, window: QWidget) -> QRect:
    """The widget's rectangle in the window, less what its scroll areas clip (that part takes no tap)."""
    rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            rect = rect.intersected(QRect(parent.viewport().mapTo(window, QPoint(0, 0)), parent.viewport().size()))
        parent = parent.parentWidget()
    return rect


def visible_in_scroll(w: QWidget, window: QWidget) -> bool:
    """False when a scroll area clips the widget out of view entirely."""
    rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            view = QRect(parent.viewport().mapTo(window, QPoint(0, 0)), parent.viewport().size())
            if not view.intersects(rect):
                return False
        parent = parent.parentWidget()
    return True


SECONDARY_MIN_PX_ELDER = 40  # China MIIT ageing-friendly guidance: key text ≈ 40 px at 1080p


def is_secondary_control(w: QWidget) -> bool:
    """Filter chips, status-bar toggles and the 朗读 button."""
    return isinstance(w, QAbstractButton) and (
        w.property("role") == "chip" or w.objectName() in ("languageButton", "elderButton", "contrastButton",
                                                           "readAloudButton"))


def measured(window: QWidget, theme: Any, where: str) -> list[str]:
    """The measured fixes: tile contrast, elder secondary label size, scroll bar width."""
    from PySide6.QtWidgets import QScrollBar

    problems = []
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.width() == 0:
            continue
        name = f"{where}: {type(w).__name__} {w.objectName() or ''}".rstrip()
        if isinstance(w, Tile):
            if w.outlined and not theme.contrast:
                fg, bg = theme.colors.text, theme.colors.surface
            else:
                fg, bg = theme.tile_foreground().name(), theme.tile_background(w.color).name()
            ratio = contrast_ratio(fg, bg)
            if ratio < 7:
                problems.append(f"{name} text {fg} on {bg} is {ratio:.2f}:1, below 7:1")
        if theme.elder and is_secondary_control(w) and w.text() and font_px(w) < SECONDARY_MIN_PX_ELDER:
            problems.append(f"{name} {w.text()!r} is {font_px(w)} px in elder mode, below {SECONDARY_MIN_PX_ELDER}")
        if isinstance(w, QScrollBar) and w.orientation() == Qt.Orientation.Vertical and w.maximum() > 0 \
                and w.width() < 24:
            problems.append(f"{name} scroll bar is {w.width()} px wide, below 24")
    return problems


def audit(window: QWidget, theme: Any, where: str) -> list[str]:
    """Problems on what is visible now (empty list: all good)."""
    problems = measured(window, theme, where)
    targets = [w for w in window.findChildren(QWidget)
               if w.isVisible() and w.width() and is_clickable(w) and not under_a_modal(w, window)]
    problems += [f"{where}: {p}" for p in overlapping(targets, window)]
    for w in [window, *window.findChildren(QWidget)]:
        if not w.isVisible() or w.width() == 0:
            continue
        name = f"{where}: {type(w).__name__} {w.objectName() or ''}".rstrip()
        if is_clickable(w) and (w.width() < theme.min_target or w.height() < theme.min_target):
            problems.append(f"{name} is {w.width()}×{w.height()} px, below {theme.min_target}")
        if isinstance(w, QAbstractScrollArea) and w.verticalScrollBar().maximum() > 0:
            pager = w.findChild(Pager, "pager", Qt.FindChildOption.FindDirectChildrenOnly)
            if pager is None or not pager.isVisible():
                problems.append(f"{name} overflows but shows no 上一页 / 下一页 buttons")
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for row in range(model.rowCount()):
                rect = w.visualRect(model.index(row, 0))
                if rect.height() < theme.min_target or rect.width() < theme.min_target:
                    problems.append(f"{name} row {row} is {rect.width()}×{rect.height()} px")
            delegate = w.itemDelegate()
            if hasattr(delegate, "min_text_px") and delegate.min_text_px() < theme.min_text_px:
                problems.append(f"{name} paints {delegate.min_text_px()} px text")
        if hasattr(w, "min_text_px") and callable(w.min_text_px) and w.min_text_px() < theme.min_text_px:
            problems.append(f"{name} paints {w.min_text_px()} px text, below {theme.min_text_px}")
        painted = hasattr(w, "min_text_px")  # paints its own text (checked above), wraps or elides it itself
        text = w.text() if isinstance(w, QLabel | QAbstractButton) and not painted else ""
        if text and text.strip():
            px = font_px(w)
            if px < theme.min_text_px:
                problems.append(f"{name} {text[:20]!r} is {px} px text, below {theme.min_text_px}")
            fits_on_one_line = isinstance(w, QAbstractButton) or (
                isinstance(w, QLabel) and not w.wordWrap() and not isinstance(w, ElidedLabel))
            if fits_on_one_line and w.sizeHint().width() > w.width() + 1:
                problems.append(f"{name} {text[:20]!r} is cut off: needs {w.sizeHint().width()} px, "
                                f"has {w.width()}")
            if isinstance(w, QLabel) and w.wordWrap() and w.heightForWidth(w.width()) > w.height() + 2:
                problems.append(f"{name} {text[:20]!r} is cut off: needs {w.heightForWidth(w.width())} px "
                                f"high, has {w.height()}")
    return problems


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("theme_name", THEME_NAMES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_screen_meets_the_touch_and_text_minimums(make_window: Any, seed_conn: Any, size: tuple[int, int],
                                                         theme_name: str, lang: str) -> None:
    """No target below 64 px (elder 80), no text below 24 px (elder 32), nothing cut off."""
    window = make_window(size=size)
    window.ctx.set_language(lang)
    window.ctx.set_theme_name(theme_name)
    theme = window.ctx.theme
    params = sample_params(seed_conn)
    problems: list[str] = []
    checked = 0
    for name in RESIDENT_SCREENS:
        show_screen(window, name, params.get(name))
        QApplication.processEvents()
        problems += audit(window, theme, name)
        checked += 1
    # the report dialog and a news article, too
    detail = show_screen(window, "detail", params.get("detail"))
    if not detail.report_button.isHidden():
        detail.ask_report()
        QApplication.processEvents()
        problems += audit(window, theme, "detail-report")
        detail.reset()
    news = show_screen(window, "news")
    window.nav.push("news", item_id=news.items[0].id)
    QApplication.processEvents()
    problems += audit(window, theme, "news-article")
    assert checked == len(RESIDENT_SCREENS)
    assert problems == [], "\n".join(problems)


def test_audit_catches_a_small_button_and_small_text(make_window: Any) -> None:
    """The audit itself fails on a 40 px button, 14 px text and two overlapping buttons."""
    from kiosk.ui.widgets.text import button, label

    window = make_window()
    window.nav.home()
    home = window.nav.current()
    small = button("小", None, parent=home)
    small.setObjectName("tooSmall")
    small.setStyleSheet("min-height: 40px; max-height: 40px; min-width: 40px; max-width: 40px;")
    tiny = label("小字", "body", parent=home)
    tiny.setStyleSheet("font-size: 14px;")
    small.show()
    tiny.show()
    twin = button("叠", None, parent=home)
    twin.setObjectName("overlapping")
    small.move(10, 10)
    twin.setGeometry(20, 20, 100, 100)
    twin.show()
    QApplication.processEvents()
    problems = audit(window, window.ctx.theme, "home")
    assert any("tooSmall" in p and "below 64" in p for p in problems)
    assert any("14 px text" in p for p in problems)
    assert any("tooSmall" in p and "overlapping" in p and "overlap by" in p for p in problems)


def test_audit_catches_a_pale_tile_small_elder_chip_and_thin_scroll_bar(make_window: Any) -> None:
    """The measured checks fail on a 6.25:1 tile, a 32 px chip in elder mode and a 10 px scroll bar."""
    from PySide6.QtWidgets import QScrollArea

    from kiosk.ui.widgets.text import button

    window = make_window()
    window.ctx.set_theme_name("elder")
    window.nav.home()
    home = window.nav.current()
    theme = window.ctx.theme
    tile = Tile(theme, icon_name="fa5s.home", color="#0B6E4F", parent=home)
    tile.setObjectName("paleTile")
    tile.setGeometry(0, 0, 200, 200)
    tile.show()
    chip = button("全部", "chip", parent=home)
    chip.setObjectName("smallChip")
    chip.setStyleSheet("font-size: 32px;")
    chip.setGeometry(300, 0, 200, 90)
    chip.show()
    area = QScrollArea(home)
    area.setObjectName("thinScroll")
    inner = QWidget()
    inner.setMinimumHeight(3000)
    area.setWidget(inner)
    area.verticalScrollBar().setStyleSheet("QScrollBar:vertical { width: 10px; }")
    area.setGeometry(0, 300, 300, 300)
    area.show()
    QApplication.processEvents()
    import kiosk.ui.widgets.tile as tile_module

    pale = type(theme).tile_background
    try:  # the fill as it was before the fix: the category colour as it is
        type(theme).tile_background = lambda self, color: tile_module.QColor(color)  # type: ignore[method-assign]
        problems = measured(window, theme, "home")
    finally:
        type(theme).tile_background = pale  # type: ignore[method-assign]
    assert any("paleTile" in p and "6.25:1" in p for p in problems), problems
    assert any("smallChip" in p and "32 px in elder mode" in p for p in problems), problems
    assert any("10 px wide" in p for p in problems), problems


def test_report_dialog_offers_only_what_the_page_shows(qtbot: Any, writable_db: Any) -> None:
    """No 地址不对 on a page that shows no address; 缺少信息 always; 开放时间不对 and 电话不对 where they show.

    The bundled listing 社区养老服务设施 has no place, no hours and no phone of its own; given the
    generated test places (addresses, hours, phones) the same page offers all three."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.core.db.connection import connect
    from kiosk.ui.app import build_kiosk
    from tests.ui.places_data import SERVICE, add_places, three_places

    conn = connect(writable_db)

    def offered() -> set[str]:
        window = build_kiosk(conn)
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        window.nav.home()
        window.nav.push("detail", service_id=SERVICE)
        detail = window.nav.current()
        detail.ask_report()
        QApplication.processEvents()
        kinds = {b.objectName().removeprefix("choice-") for b in detail.overlay.buttons}
        window.ctx.release()
        if window.idle is not None:
            window.idle.stop()
        window.allow_close = True
        window.close()
        return kinds

    try:
        bare = offered()
        assert {"missing_info", "closed", "other"} <= bare
        assert not bare & {"wrong_address", "wrong_hours", "wrong_phone"}, bare
        add_places(conn, three_places(), datetime(2026, 12, 2, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
        full = offered()
        assert {"wrong_address", "wrong_hours", "wrong_phone", "missing_info"} <= full, full
    finally:
        conn.close()
