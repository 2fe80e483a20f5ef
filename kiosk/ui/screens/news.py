"""News: the article's sections as a list of cards, and each section as a readable page.

The newspaper's photo captions ("图：…") are not shown: the kiosk has no photos, and a caption without
its photo only puzzles. Card excerpts are cut at a word boundary (kiosk.core.content.excerpt). In
landscape the cards stand in three columns with shorter excerpts, so the whole list shows at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.content.excerpt import excerpt
from kiosk.core.models import NewsItem
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.speech import readable_text, visible_text
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.clickcard import ClickCard
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import TextBlock, label


def _scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    enable_kinetic(area)
    return area


class NewsCard(ClickCard):
    def __init__(self, item: NewsItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"news-{item.id}")
        self.title = label("", "heading", wrap=True)
        self.summary = TextBlock("", "body")
        for w in (self.title, self.summary):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.box = QVBoxLayout(self)
        self.box.addWidget(self.title)
        self.box.addWidget(self.summary)
        self.box.addStretch(1)


class NewsScreen(Screen):
    """Without parameters: the list of sections. ``item_id=...``: one section to read."""

    name = "news"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.items = queries.list_news(ctx.conn)
        self.item: NewsItem | None = None
        # list page
        self.cards = [NewsCard(item) for item in self.items]
        for card in self.cards:
            card.clicked.connect(lambda c=card: nav.push("news", item_id=c.item.id))
        list_content = QWidget()
        self.list_layout = QVBoxLayout(list_content)
        self.grid = QGridLayout()
        self.list_layout.addLayout(self.grid)
        self.list_layout.addStretch(1)
        self._columns = 0
        self.place_cards(1)
        self.list_area = _scroll(list_content)
        # article page
        self.article_title = label("", "title", wrap=True)
        self.article_title.setObjectName("articleTitle")
        self.summary_en = TextBlock("", "body")
        self.original_note = label("", "heading", wrap=True)
        self.body = TextBlock("", "body")
        self.body.setObjectName("articleBody")
        self.credit = label("", "muted", wrap=True)
        self.source = TextBlock("", "muted")
        article_content = QWidget()
        self.article_layout = QVBoxLayout(article_content)
        for w in (self.article_title, self.summary_en, self.original_note):
            self.article_layout.addWidget(w)
        for w in (self.body, self.credit, self.source):
            self.article_layout.addWidget(w)
        self.article_layout.addStretch(1)
        self.article_area = _scroll(article_content)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.list_area)
        self.pages.addWidget(self.article_area)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.pages)
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("上街新闻")

    def on_enter(self, **params: Any) -> None:
        item_id = params.get("item_id")
        item = next((i for i in self.items if i.id == item_id), None) if item_id else None
        if item is None:
            self.item = None
            self.pages.setCurrentWidget(self.list_area)
            return
        if item is not self.item:
            self.item = item
            self.show_article()
            scroll_to_top(self.article_area)
        self.pages.setCurrentWidget(self.article_area)

    def speech_text(self) -> str:
        """The article (title, English summary, text) when one is open; else the section titles, each with
        its excerpt — not the source lines."""
        if self.pages.currentWidget() is self.article_area:
            return readable_text(visible_text(self.article_area), self.ctx.language)
        lines = [f"{card.title.text()}。{card.summary.plain_text()}" if self.ctx.language == "zh"
                 else f"{card.title.text()}. {card.summary.plain_text()}" for card in self.cards]
        return readable_text("\n".join(lines), self.ctx.language)

    def place_cards(self, columns: int) -> None:
        """The section cards in ``columns`` columns (1 in portrait, 3 in landscape)."""
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // columns, i % columns)
        for col in range(3):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)  # columns of one width

    def orientation_changed(self, portrait: bool) -> None:
        self.place_cards(1 if portrait else 3)
        self.retranslate()  # shorter excerpts in three columns

    def reset(self) -> None:
        self.item = None
        self.pages.setCurrentWidget(self.list_area)
        scroll_to_top(self.list_area)
        scroll_to_top(self.article_area)

    def retranslate(self) -> None:
        lang = self.ctx.language
        for card in self.cards:
            item = card.item
            card.title.setText(self.ctx.text(item.title, item.title_en))
            first = item.summary_en if lang == "en" and item.summary_en else item.paragraphs[0]
            limit = (90 if lang == "zh" else 160) if self._columns < 3 else (60 if lang == "zh" else 100)
            card.summary.set_text(excerpt(first, limit) if first else "")
        if self.item is not None:
            self.show_article()

    def show_article(self) -> None:
        item = self.item
        if item is None:
            return
        english = self.ctx.language == "en"
        self.article_title.setText(self.ctx.text(item.title, item.title_en))
        self.summary_en.set_text(item.summary_en or "" if english else "")
        self.summary_en.setVisible(english and bool(item.summary_en))
        self.original_note.setText(self.tr("中文原文"))
        self.original_note.setVisible(english)
        self.body.set_text("\n\n".join(item.paragraphs))
        self.credit.setText(item.credit or "")
        self.credit.setVisible(bool(item.credit))
        year = f" {item.source.year}" if item.source.year else ""
        self.source.set_text(self.tr("来源：《%1》").replace("%1", item.source.title) + year)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        for layout in (self.list_layout, self.article_layout):
            layout.setContentsMargins(2 * s, s, 2 * s, s)
            layout.setSpacing(s)
        self.grid.setSpacing(s)
        for card in self.cards:
            card.box.setContentsMargins(s * 2, s, s * 2, s)
        if self.item is not None:
            self.show_article()
