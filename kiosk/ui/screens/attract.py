"""Attract screen: shown while nobody uses the kiosk — district figures and headlines rotate slowly.

A tap anywhere opens the home screen (on release, so the finger's release never lands on home).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.models import Figure, NewsItem
from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import TextBlock, label

#: figures a resident cares about, shown in this order (ids missing from the data are skipped)
HIGHLIGHTS = (
    "elderly-facilities", "elderly-coverage", "medical-circle", "library-branches", "fitness-venues",
    "online-services", "no-visit-approval-rate", "population-after", "new-parks",
)
ROTATE_MS = 8000
TOUCH_TO_START = "轻触屏幕开始 / Touch to start"


@dataclass(frozen=True)
class Slide:
    figure: Figure | None = None
    news: NewsItem | None = None


class AttractScreen(Screen):
    name = "attract"
    chrome = False

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.setProperty("touch_target", True)  # the whole screen is one target
        figures = {f.id: f for f in queries.list_figures(ctx.conn)}
        news = queries.list_news(ctx.conn)
        picked = [Slide(figure=figures[i]) for i in HIGHLIGHTS if i in figures]
        self.slides: list[Slide] = []
        # alternate figures and headlines so that neither dominates
        for i in range(max(len(picked), len(news))):
            if i < len(picked):
                self.slides.append(picked[i])
            if i < len(news):
                self.slides.append(Slide(news=news[i]))
        self.index = 0

        self.brand = label("", "title")
        self.brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.brand.setWordWrap(True)
        self.place = label("", "hint")
        self.place.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card = QFrame()
        self.card.setProperty("role", "card")
        self.kind = label("", "hint")
        self.kind.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value = label("", "huge")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setWordWrap(True)
        self.caption = label("", "title")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.source = TextBlock("", "muted")
        self.source.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout = QVBoxLayout(self.card)
        card_layout.addStretch(1)
        for w in (self.kind, self.value, self.caption, self.source):
            card_layout.addWidget(w)
        card_layout.addStretch(1)
        self.card_layout = card_layout
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        self.hand = QLabel()
        self.start = label(TOUCH_TO_START, "title")
        self.start.setObjectName("touchToStart")
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.hand)
        start_row.addWidget(self.start)
        start_row.addStretch(1)
        self.page = QVBoxLayout(self)
        self.page.addWidget(self.brand)
        self.page.addWidget(self.place)
        self.page.addWidget(self.card, 1)
        self.page.addLayout(start_row)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.next_slide)
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def on_enter(self, **params: Any) -> None:
        self.timer.start(ROTATE_MS)

    def on_leave(self) -> None:
        self.timer.stop()

    def reset(self) -> None:
        self.index = 0
        self.show_slide()

    def retranslate(self) -> None:
        from kiosk.ui.window import DEFAULT_DISPLAY_NAME

        name = self.ctx.config.display_name
        self.brand.setText(self.tr("上街社区服务终端") if name == DEFAULT_DISPLAY_NAME else name)
        self.place.setText(self.ctx.config.community)
        self.place.setVisible(bool(self.ctx.config.community))
        self.show_slide()

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(2 * s, 2 * s, 2 * s, 2 * s)
        self.page.setSpacing(2 * s)
        self.card_layout.setContentsMargins(2 * s, 2 * s, 2 * s, 2 * s)
        self.card_layout.setSpacing(s)
        self.hand.setPixmap(icons.pixmap("fa5s.hand-pointer", theme.colors.accent, theme.title_px))

    # -- slides -------------------------------------------------------------------------------
    def next_slide(self) -> None:
        if self.slides:
            self.index = (self.index + 1) % len(self.slides)
        self.show_slide()

    def show_slide(self) -> None:
        if not self.slides:
            for w in (self.kind, self.value, self.caption, self.source):
                w.hide()
            return
        slide = self.slides[self.index % len(self.slides)]
        text = self.ctx.text
        if slide.figure is not None:
            f = slide.figure
            self.kind.setText(self.tr("上街区情"))
            self.value.setProperty("role", "huge")
            self.value.setText(f.display(self.ctx.language))
            self.caption.setText(text(f.label, f.label_en))
            self.source.set_text(self.tr("来源：《%1》%2").replace("%1", f.source.title).replace(
                "%2", str(f.source.year or "")))
        elif slide.news is not None:
            n = slide.news
            self.kind.setText(self.tr("上街新闻"))
            self.value.setProperty("role", "title")
            self.value.setText(text(n.title, n.title_en))
            caption = n.captions[0] if n.captions else ""
            self.caption.setText(self.tr("图：%1").replace("%1", caption) if caption else "")
            self.source.set_text(self.tr("来源：《%1》%2").replace("%1", n.source.title).replace(
                "%2", str(n.source.year or "")))
        self.value.style().unpolish(self.value)
        self.value.style().polish(self.value)
        self.caption.setVisible(bool(self.caption.text()))
        for w in (self.kind, self.value, self.source):
            w.show()

    # -- a tap anywhere starts ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.nav.home()
