"""Hotlines: 12349 and the other numbers in the data, very large.

A tap on a card reads its number aloud, digit by digit, then its name, where speech exists
(an elderly resident can hear the number while dialling)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.models import Hotline
from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.speech import reader_for, speakable
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.clickcard import ClickCard
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import TextBlock, label


class HotlineCard(ClickCard):
    """One number, very large; a tap reads it aloud (HotlinesScreen.say)."""

    def __init__(self, hotline: Hotline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hotline = hotline
        self.setObjectName(f"hotline-{hotline.number}")
        self.icon = QLabel()
        self.number = label(hotline.number, "huge")
        self.name = label("", "heading", wrap=True)
        self.note = TextBlock("", "muted")
        top = QHBoxLayout()
        top.addWidget(self.icon)
        top.addWidget(self.number, 1)
        self.box = QVBoxLayout(self)
        self.box.addLayout(top)
        self.box.addWidget(self.name)
        self.box.addWidget(self.note)
        self.box.addStretch(1)


class HotlinesScreen(Screen):
    name = "hotlines"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.hotlines = queries.list_hotlines(ctx.conn)
        if ctx.config.help_phone:  # the terminal's own community office first (the terminal's config)
            self.hotlines.insert(0, Hotline(ctx.config.help_phone, ctx.config.help_phone_name or "本社区服务站",
                                            None if ctx.config.help_phone_name else "Community office", None,
                                            "terminal", None, None, None))
        self.intro = label("", "hint", wrap=True)
        self.cards = [HotlineCard(h) for h in self.hotlines]
        for card in self.cards:
            card.clicked.connect(lambda c=card: self.say(c))
        self.grid = QGridLayout()
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.intro)
        inner.addLayout(self.grid)
        inner.addStretch(1)
        self.inner = inner
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        enable_kinetic(self.scroll_area)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.scroll_area)
        self.retranslate()
        self.apply_theme(ctx.theme)

    def title(self) -> str:
        return self.tr("便民热线")

    def reset(self) -> None:
        scroll_to_top(self.scroll_area)

    def say(self, card: HotlineCard) -> bool:
        """Read ``card``'s number digit by digit and its name; False where there is no voice."""
        reader = reader_for(self.ctx, self.nav)
        if not reader.available():
            return False
        comma = "，" if self.ctx.language == "zh" else ", "
        return reader.say(f"{speakable(card.hotline.number, spell_numbers=True)}{comma}{card.name.text()}")

    def speech_text(self) -> str:
        """The intro, then each number (digit by digit) with its name: "1 2 3 4 9，智慧养老服务平台"."""
        comma = "，" if self.ctx.language == "zh" else ", "
        lines = [self.intro.text()]
        for card in self.cards:
            lines.append(f"{speakable(card.hotline.number, spell_numbers=True)}{comma}{card.name.text()}")
        return "\n".join(line for line in lines if line.strip())

    def retranslate(self) -> None:
        self.intro.setText(self.tr("请用电话拨打以下号码。"))
        for card in self.cards:
            h = card.hotline
            card.name.setText(self.ctx.text(h.name, h.name_en))
            if h.source is not None:
                note = self.tr("来源：《%1》").replace("%1", h.source.title)
            else:
                note = self.ctx.text(h.note, h.note_en)
            card.note.set_text(note)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.inner.setContentsMargins(s, s, s, s)
        self.inner.setSpacing(s)
        self.grid.setSpacing(s)
        for card in self.cards:
            card.box.setContentsMargins(s * 2, s, s * 2, s)
            card.icon.setPixmap(icons.pixmap("fa5s.phone-alt", theme.colors.accent, theme.title_px))

    def orientation_changed(self, portrait: bool) -> None:
        for card in self.cards:
            self.grid.removeWidget(card)
        # landscape: three columns, so every number shows at once without scrolling
        columns = 1 if portrait else 3
        for i, card in enumerate(self.cards):
            row, col = divmod(i, columns)
            self.grid.addWidget(card, row, col)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
