"""Attract screen: shown while nobody uses the kiosk — district figures and news headlines rotate
slowly, "轻触屏幕开始 / Touch to start" says what to do (in both languages, always).

A tap anywhere opens the home screen (on release, so the finger's release never lands on home).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

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
#: icon per figure topic (the five categories share their category's icon)
TOPIC_ICONS = {
    "elderly": "fa5s.hands-helping", "health": "fa5s.clinic-medical", "culture": "fa5s.book-reader",
    "sports": "fa5s.running", "government": "fa5s.landmark", "city": "fa5s.city", "environment": "fa5s.leaf",
    "economy": "fa5s.chart-line", "livelihood": "fa5s.school",
}
ROTATE_MS = 5000  # every 5 s one of the two cards turns: each changes every 10 s
TOUCH_TO_START = "轻触屏幕开始 / Touch to start"
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


class AttractScreen(Screen):
    name = "attract"
    chrome = False

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.setProperty("touch_target", True)  # the whole screen is one target
        figures = {f.id: f for f in queries.list_figures(ctx.conn)}
        self.figures: list[Figure] = [figures[i] for i in HIGHLIGHTS if i in figures]
        self.news: list[NewsItem] = queries.list_news(ctx.conn)
        self.figure_index = 0
        self.news_index = 0
        self.turn = 0

        self.brand = label("", "title", wrap=True)
        self.brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.place = label("", "hint", wrap=True)
        self.place.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock = label("", "hint")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # figure card
        self.figure_card = QFrame()
        self.figure_card.setProperty("role", "card")
        self.figure_card.setObjectName("attractFigure")
        self.figure_icon = QLabel()
        self.figure_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.figure_kind = label("", "hint")
        self.figure_kind.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.figure_value = label("", "huge", wrap=True)
        self.figure_value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.figure_label = label("", "title", wrap=True)
        self.figure_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.figure_source = TextBlock("", "muted")
        self.figure_source.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.figure_box = QVBoxLayout(self.figure_card)
        self.figure_box.addStretch(1)
        for w in (self.figure_icon, self.figure_kind, self.figure_value, self.figure_label, self.figure_source):
            self.figure_box.addWidget(w)
        self.figure_box.addStretch(1)

        # headline card
        self.news_card = QFrame()
        self.news_card.setProperty("role", "card")
        self.news_card.setObjectName("attractNews")
        self.news_kind = label("", "hint")
        self.news_kind.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.news_title = label("", "title", wrap=True)
        self.news_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.news_caption = label("", "muted", wrap=True)
        self.news_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.news_box = QVBoxLayout(self.news_card)
        self.news_box.addStretch(1)
        for w in (self.news_kind, self.news_title, self.news_caption):
            self.news_box.addWidget(w)
        self.news_box.addStretch(1)

        for card in (self.figure_card, self.news_card):
            card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            card.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.cards = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.cards.addWidget(self.figure_card, 3)
        self.cards.addWidget(self.news_card, 2)

        self.start = QFrame()
        self.start.setProperty("role", "start")
        self.start.setObjectName("touchToStart")
        self.hand = QLabel()
        self.start_text = label(TOUCH_TO_START, "start")
        start_row = QHBoxLayout(self.start)
        start_row.addStretch(1)
        start_row.addWidget(self.hand)
        start_row.addWidget(self.start_text)
        start_row.addStretch(1)
        self.start_row = start_row
        self.start.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        self.page = QVBoxLayout(self)
        self.page.addWidget(self.brand)
        self.page.addWidget(self.place)
        self.page.addWidget(self.clock)
        self.page.addLayout(self.cards, 1)
        self.page.addWidget(self.start)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.rotate)
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def on_enter(self, **params: Any) -> None:
        self.update_clock()
        self.timer.start(ROTATE_MS)

    def on_leave(self) -> None:
        self.timer.stop()

    def reset(self) -> None:
        self.figure_index = self.news_index = self.turn = 0
        self.show_slides()

    def orientation_changed(self, portrait: bool) -> None:
        self.cards.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.cards.setStretch(0, 3 if portrait else 1)
        self.cards.setStretch(1, 2 if portrait else 1)
        # landscape has less height: the number one size smaller, the icon too
        role = "huge" if portrait else "big"
        if self.figure_value.property("role") != role:  # (the first call, in portrait, has nothing to change:
            self.figure_value.setProperty("role", role)  # no QStyle wrapper, ≈ 400 enum members, before the paint)
            self.figure_value.style().unpolish(self.figure_value)
            self.figure_value.style().polish(self.figure_value)
        self.show_slides()

    def retranslate(self) -> None:
        from kiosk.ui.window import DEFAULT_DISPLAY_NAME

        name = self.ctx.config.display_name
        self.brand.setText(self.tr("上街社区服务终端") if name == DEFAULT_DISPLAY_NAME else name)
        self.place.setText(self.ctx.config.community)
        self.place.setVisible(bool(self.ctx.config.community))
        self.figure_kind.setText(self.tr("上街区情"))
        self.news_kind.setText(self.tr("上街新闻"))
        self.update_clock()
        self.show_slides()

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(2 * s, 2 * s, 2 * s, 2 * s)
        self.page.setSpacing(s)
        self.cards.setSpacing(2 * s)
        for box in (self.figure_box, self.news_box):
            box.setContentsMargins(2 * s, 2 * s, 2 * s, 2 * s)
            box.setSpacing(s)
        self.start_row.setContentsMargins(s, s, s, s)
        self.start.setMinimumHeight(int(theme.min_target * 1.5))
        self.hand.setPixmap(icons.pixmap("fa5s.hand-pointer", theme.colors.accent_text, theme.title_px))
        self.show_slides()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_wrapped_labels()

    def _fit_wrapped_labels(self) -> None:
        """Give wrapped labels the height their text needs at the card's width (a horizontal row of
        cards does not pass height-for-width down by itself, so two-line labels would be clipped)."""
        for card, box, labels in ((self.figure_card, self.figure_box, (self.figure_label, self.figure_source)),
                                  (self.news_card, self.news_box, (self.news_title, self.news_caption))):
            margins = box.contentsMargins()
            width = card.width() - margins.left() - margins.right()
            if width <= 0:
                continue
            for lab in labels:
                lab.setMinimumHeight(lab.heightForWidth(width) if lab.text() else 0)

    # -- content ------------------------------------------------------------------------------
    def update_clock(self) -> None:
        now = self.ctx.clock()
        if self.ctx.language == "en":
            self.clock.setText(f"{WEEKDAYS_EN[now.weekday()]}, {now.day} {MONTHS_EN[now.month - 1]} {now.year}"
                               f"  {now:%H:%M}")
        else:
            self.clock.setText(f"{now.year}年{now.month}月{now.day}日 周{WEEKDAYS_ZH[now.weekday()]} {now:%H:%M}")

    def rotate(self) -> None:
        """Turn one card: figures and headlines take turns."""
        self.turn += 1
        if self.turn % 2 and self.figures:
            self.figure_index = (self.figure_index + 1) % len(self.figures)
        elif self.news:
            self.news_index = (self.news_index + 1) % len(self.news)
        self.update_clock()
        self.show_slides()

    def show_slides(self) -> None:
        text = self.ctx.text
        theme = self.ctx.theme
        self.figure_card.setVisible(bool(self.figures))
        if self.figures:
            f = self.figures[self.figure_index % len(self.figures)]
            icon = TOPIC_ICONS.get(f.topic, "fa5s.chart-bar")
            scale = 1.8 if self.portrait else 1.2
            self.figure_icon.setPixmap(icons.pixmap(icon, theme.colors.accent, int(theme.title_px * scale)))
            self.figure_value.setText(f.display(self.ctx.language))
            self.figure_label.setText(text(f.label, f.label_en))
            self.figure_source.set_text(self.tr("来源：") + f.source.quote)
        self.news_card.setVisible(bool(self.news))
        if self.news:
            n = self.news[self.news_index % len(self.news)]
            self.news_title.setText(text(n.title, n.title_en))
            self.news_caption.setText(self.tr("图：%1").replace("%1", n.captions[0]) if n.captions else "")
            self.news_caption.setVisible(bool(n.captions))
        self._fit_wrapped_labels()

    # -- a tap anywhere starts ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.nav.home()
