"""Language switch (中文 / English) and elder mode change what residents see, at runtime."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo

from kiosk.ui.window import KioskWindow


def tap(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_language_button_switches_visible_texts_to_english_and_back(qtbot: Any, window: KioskWindow) -> None:
    """UI strings come from the .qm translation, data from the *_en fields; a second tap restores Chinese."""
    nav = window.nav
    nav.home()
    home = nav.current()
    bar = window.status_bar
    assert bar.language_button.text() == "English"
    assert home.primary_tiles["elderly"].text() == "养老服务"
    assert bar.elder_button.text() == "长辈模式"

    tap(qtbot, bar.language_button)
    assert window.ctx.language == "en"
    assert bar.language_button.text() == "中文"
    assert home.primary_tiles["elderly"].text() == "Elderly care"  # data: name_en
    assert home.primary_tiles["elderly"].subtitle == "2 services"  # plural from the .qm
    assert bar.elder_button.text() == "Large text"  # UI string from the .qm
    assert home.feature_tiles["hotlines"].text() == "Hotlines"

    nav.push("category", category_id="health")
    assert window.nav_bar.back_button.text() == "Back"
    assert window.nav_bar.title.full_text() == "Health & clinics"

    tap(qtbot, bar.language_button)
    assert window.ctx.language == "zh"
    assert window.nav_bar.back_button.text() == "返回"
    assert window.nav_bar.title.full_text() == "医疗卫生"


def test_screens_built_after_a_switch_start_in_that_language(window: KioskWindow) -> None:
    """A screen first visited in English is built in English (hotlines title and names)."""
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("hotlines")
    screen = window.nav.current()
    assert screen.title() == "Hotlines"
    names = [card.name.text() for card in screen.cards]
    assert "Smart elderly-care platform" in names


def test_data_without_english_falls_back_to_chinese(window: KioskWindow) -> None:
    """The article's paragraphs have no English: the English article page shows the Chinese text."""
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("news", item_id="intro")
    news = window.nav.current()
    assert news.original_note.isVisible()
    assert "郑州" in news.body.plain_text()
    assert news.summary_en.plain_text().startswith("The Aux")


def px(widget: Any) -> int:
    widget.ensurePolished()
    return QFontInfo(widget.font()).pixelSize()


def test_elder_mode_enlarges_text_and_targets(qtbot: Any, window: KioskWindow) -> None:
    """长辈模式 makes body text, headings, buttons and tiles larger; tapping again restores them."""
    nav = window.nav
    nav.home()
    nav.push("detail", service_id="smart-elderly-care-12349")
    detail = nav.current()
    qtbot.wait(1)
    body = detail.description
    before = (px(body), px(detail.heading), window.nav_bar.back_button.height(), window.ctx.theme.min_target)
    assert before[0] >= 24

    tap(qtbot, window.status_bar.elder_button)
    qtbot.wait(1)
    assert window.ctx.theme.elder and window.status_bar.elder_button.isChecked()
    after = (px(body), px(detail.heading), window.nav_bar.back_button.height(), window.ctx.theme.min_target)
    assert after[0] >= 32
    text_and_target = (0, 1, 3)  # the bar's buttons keep one size in every theme (the largest target)
    assert all(after[i] > before[i] for i in text_and_target), (before, after)
    assert after[2] == before[2] >= after[3], (before, after)
    assert px(window.nav_bar.back_button) >= 40  # its label is larger, in the same box

    nav.home()
    tile = nav.current().primary_tiles["health"]
    assert tile.minimumHeight() >= window.ctx.theme.min_target
    tap(qtbot, window.status_bar.elder_button)
    assert not window.ctx.theme.elder
    qtbot.waitUntil(lambda: not detail.theme_pending, timeout=3000)  # the hidden page, in an idle slice
    assert px(body) == before[0]


def test_high_contrast_switches_the_palette(qtbot: Any, window: KioskWindow) -> None:
    """高对比度 gives a black background and yellow accents; the button shows its state."""
    window.nav.home()
    tap(qtbot, window.status_bar.contrast_button)
    assert window.ctx.theme.contrast and window.status_bar.contrast_button.isChecked()
    assert "background: #000000" in window.nav.current().styleSheet()
    assert "background: #000000" in window.status_bar.styleSheet()
    tap(qtbot, window.status_bar.contrast_button)
    assert not window.ctx.theme.contrast


def test_handwriting_page_switches_to_english(qtbot: Any, window: KioskWindow) -> None:
    """The 手写 tab and the pad's buttons and hint follow the language switch (search_en.qm)."""
    from kiosk.ui.widgets.handwriting import PAGE_LABEL

    window.nav.home()
    window.nav.push("search")
    screen = window.nav.current()
    pad = screen.handwriting
    assert pad is not None, "the test machine has Zinnia (scripts/debian-packages.txt)"
    tab = screen.keyboard.page_button(PAGE_LABEL)
    assert tab.text() == "手写" and pad.undo_button.text() == "撤销一笔"
    tap(qtbot, window.status_bar.language_button)
    qtbot.waitUntil(lambda: pad.undo_button.text() == "Undo stroke")  # Qt posts LanguageChange to each widget
    assert tab.text() == "Write" and pad.clear_button.text() == "Clear"
    tap(qtbot, window.status_bar.language_button)
    qtbot.waitUntil(lambda: pad.clear_button.text() == "清除")
    assert tab.text() == "手写"
