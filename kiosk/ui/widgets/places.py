"""A service's places on the detail page: one card per place, open ones first, filterable by community.

A service may have hundreds of places (200 elderly-care points is a real district's size), and a
screen change must stay under 50 ms. So cards are pooled and filled lazily: the list shows
:data:`BATCH` cards and a large "再显示" button for the next batch; the cards made once are refilled
for the next service instead of being built again (:class:`PlaceList`). The order and the labels
come from :func:`kiosk.core.places.place_views` — the same as ``kiosk show --json``.

One QR code at a time: the resident taps a place's "扫码带走" button (or one of its phone numbers)
and that card shows a code with the place's name, address, hours in words and ``tel:`` phone
(kiosk.core.slip.Slip.qr_text, the text the printed slip's code carries too) — encoding is ≈ 20 ms,
too slow to do for every card on every visit. Where the terminal has a printer each card also has a
"打印" button (:meth:`PlaceList.set_printing`): the slip of that place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.models import Location
from kiosk.core.places import PlaceView, open_count
from kiosk.core.slip import place_slip, word
from kiosk.ui import hours, icons
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.flow import FlowLayout
from kiosk.ui.widgets.qr import QrCode
from kiosk.ui.widgets.text import button, label

BATCH = 6
"""Cards shown at first, and added by each tap on "再显示"."""
ALL = "all"
TAP_SLOP_PX = 24
"""How far a finger may move between press and release for a tap on a card (farther: a flick)."""


def pick(lang: str, zh: str | None, en: str | None) -> str:
    """The English text in English when there is one, else the Chinese (as AppContext.text)."""
    return (en if lang == "en" and en else zh) or ""


def communities(places: Sequence[PlaceView | Location]) -> list[str]:
    """The communities of the places, each once, in the given order (places without one are left out)."""
    seen: dict[str, None] = {}
    for item in places:
        community = item.place.community if isinstance(item, PlaceView) else item.community
        if community:
            seen.setdefault(community, None)
    return list(seen)


def set_shown(widget: QWidget, shown: bool) -> None:
    """Show or hide ``widget`` only when that changes (refilling pooled cards stays cheap)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


class PlaceCard(QFrame):
    """One place: name, open-now badge, address, community, hours, phones, how to get there, what is
    not recorded; and, when the resident asks for it, the place's QR code."""

    qrRequested = Signal(int)
    """The card's slot in the pool: the resident tapped "扫码带走" or a phone number."""
    printRequested = Signal(int)
    """The card's slot: the resident tapped 打印."""

    def __init__(self, slot: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slot = slot
        self.view: PlaceView | None = None
        self.theme: Theme | None = None
        self._pressed_at: QPoint | None = None
        self.setObjectName("placeCard")
        self.setProperty("role", "card")
        self.name = label("", "heading", wrap=True)
        self.name.setObjectName("placeName")
        self.badge = label("", "heading", wrap=True)
        self.badge.setObjectName("placeBadge")
        self.lines = {key: label("", "body", wrap=True)
                      for key in ("address", "community", "hours", "transportation", "accessibility", "missing")}
        for key, widget in self.lines.items():
            widget.setObjectName(f"place-{key}")
        self.phone_box = QWidget()
        self.phone_flow = QVBoxLayout(self.phone_box)  # one large number a line (no wrapping to work out)
        self.phone_flow.setContentsMargins(0, 0, 0, 0)
        self.phone_buttons: list[QPushButton] = []
        self.qr_button = button("", "choice")
        self.qr_button.setObjectName("placeQrButton")
        self.qr_button.clicked.connect(lambda: self.qrRequested.emit(self.slot))
        self.print_button = button("", "choice")
        self.print_button.setObjectName("placePrintButton")
        self.print_button.clicked.connect(lambda: self.printRequested.emit(self.slot))
        self.print_button.hide()
        self.qr = QrCode()
        self.qr.setObjectName("placeQr")
        self.qr.hide()
        self.qr_caption = label("", "body", wrap=True)
        self.qr_caption.hide()
        self.box = QVBoxLayout(self)
        self.box.addWidget(self.name)
        self.box.addWidget(self.badge)
        for key in ("address", "community", "hours"):
            self.box.addWidget(self.lines[key])
        self.box.addWidget(self.phone_box)
        for key in ("transportation", "accessibility", "missing"):
            self.box.addWidget(self.lines[key])
        self.box.addWidget(self.qr_button)
        self.box.addWidget(self.print_button)
        self.box.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addWidget(self.qr_caption)

    def fill(self, view: PlaceView, lang: str, fallback_name: str) -> None:
        """Show ``view`` (texts in ``lang``); lines with nothing recorded are hidden."""
        self.view = view
        p = view.place
        self.name.setText(pick(lang, p.name, p.name_en) or fallback_name)
        self.badge.setText(view.badge(lang))
        self.badge.setProperty("state", view.state_name)
        self._line("address", self.tr("地址：%1"), pick(lang, p.address, p.address_en))
        self._line("community", self.tr("所在社区：%1"), p.community or "")
        self._line("hours", self.tr("开放时间：%1"), hours.text(p.hours, lang))
        self._line("transportation", self.tr("交通：%1"), p.transportation or "")
        self._line("accessibility", self.tr("无障碍设施：%1"), "；".join(p.accessibility))
        self._line("missing", "%1", view.missing_note(lang) or "")
        while len(self.phone_buttons) < len(p.phones):
            phone = button("", "choice")
            phone.setObjectName("placePhone")
            phone.clicked.connect(lambda: self.qrRequested.emit(self.slot))
            self._style_phone(phone)
            self.phone_flow.addWidget(phone, 0, Qt.AlignmentFlag.AlignLeft)
            self.phone_buttons.append(phone)
        for i, phone in enumerate(self.phone_buttons):
            if i < len(p.phones):
                if phone.text() != p.phones[i]:
                    phone.setText(p.phones[i])
                set_shown(phone, True)
            else:
                set_shown(phone, False)
        set_shown(self.phone_box, bool(p.phones))
        if self.property("lang") != lang:
            self.qr_button.setText(self.tr("扫码带走这个地点"))
            self.qr_caption.setText(self.tr("用手机扫码：这个地点的地址、开放时间和电话（无需上网）"))
            self.setProperty("lang", lang)
        self.show_qr("")

    def _line(self, key: str, caption: str, value: str) -> None:
        widget = self.lines[key]
        text = caption.replace("%1", value) if value else ""
        if widget.text() != text:
            widget.setText(text)
        set_shown(widget, bool(value))

    def show_qr(self, payload: str) -> None:
        """Show the code of ``payload`` under the card ("" hides it)."""
        self.qr.set_text(payload)
        set_shown(self.qr, bool(payload))
        set_shown(self.qr_caption, bool(payload))
        set_shown(self.qr_button, not payload)
        pressed = "true" if payload else "false"
        if self.property("pressed") != pressed:  # the chosen place has the pressed-card look
            self.setProperty("pressed", pressed)
            self.style().unpolish(self)
            self.style().polish(self)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        s = theme.spacing
        self.box.setContentsMargins(s, s, s, s)
        self.box.setSpacing(s // 2)
        self.phone_flow.setSpacing(s // 2)
        for phone in self.phone_buttons:
            self._style_phone(phone)
        self.qr_button.setIcon(icons.icon("fa5s.qrcode", theme.colors.text))
        self.qr_button.setIconSize(QSize(theme.body_px, theme.body_px))
        self.qr_button.setMinimumHeight(theme.min_target)
        self.print_button.setIcon(icons.icon("fa5s.print", theme.colors.text))
        self.print_button.setIconSize(QSize(theme.body_px, theme.body_px))
        self.print_button.setMinimumHeight(theme.min_target)
        self.qr.set_side(theme.min_target * 4)

    def _style_phone(self, phone: QPushButton) -> None:
        """A phone number is large: heading-size text (role "choice") with a phone icon, ≥ 1.1 targets high."""
        theme = self.theme
        if theme is None:
            return
        phone.setIcon(icons.icon("fa5s.phone-alt", theme.colors.text))
        phone.setIconSize(QSize(theme.heading_px, theme.heading_px))
        phone.setMinimumHeight(int(theme.min_target * 1.1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        self._pressed_at = event.position().toPoint()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A tap anywhere on the card asks for its QR code, like its button (not the end of a flick:
        the release must follow a press on the card, close to where it was)."""
        super().mouseReleaseEvent(event)
        pressed, self._pressed_at = self._pressed_at, None
        at = event.position().toPoint()
        if pressed is None or (at - pressed).manhattanLength() > TAP_SLOP_PX:
            return
        if self.rect().contains(at) and self.qr_button.isVisible():
            self.qrRequested.emit(self.slot)


class PlaceList(QFrame):
    """The 地点 section: a heading with the counts, community chips (when the places span more than
    one community), the cards in batches, or "暂未收录 — 请拨打 12345 咨询" when the service has no place."""

    printRequested = Signal(object)
    """The :class:`PlaceView` whose 打印 button the resident tapped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeList")
        self.setProperty("role", "panel")
        self.views: list[PlaceView] = []
        self.filtered: list[PlaceView] = []
        self.community: str | None = None
        self.limit = BATCH
        self.lang = "zh"
        self.fallback_name = ""
        self.theme: Theme | None = None
        self.qr_index = -1
        self.printing = False
        self.print_text = ""
        self.focused: PlaceCard | None = None
        """The card outlined because the page was opened at its place (see :meth:`focus_place`)."""
        self.heading = label("", "heading", wrap=True)
        self.heading.setObjectName("placesHeading")
        self.heading_icon = QLabel()
        heading_row = QHBoxLayout()
        heading_row.setContentsMargins(0, 0, 0, 0)
        heading_row.addWidget(self.heading_icon)
        heading_row.addWidget(self.heading, 1)
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("placesSummary")
        self.none = label("", "body", wrap=True)
        self.none.setObjectName("placesNone")
        self.chip_box = QWidget()
        self.chip_box.setObjectName("communityChips")
        self.chip_flow = FlowLayout(self.chip_box)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chips: list[QPushButton] = []
        self.chip_keys: list[str] = []
        self.cards: list[PlaceCard] = []
        self.card_area = QWidget()  # hidden as a whole for a service without places: the cards keep their state
        self.card_box = QVBoxLayout(self.card_area)
        self.card_box.setContentsMargins(0, 0, 0, 0)
        self.more = button("", "choice")
        self.more.setObjectName("placesMore")
        self.more.clicked.connect(self.show_more)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addLayout(heading_row)
        self.box.addWidget(self.summary)
        self.box.addWidget(self.none)
        self.box.addWidget(self.chip_box)
        self.box.addWidget(self.card_area)
        self.box.addWidget(self.more)

    # -- content ------------------------------------------------------------------------------
    def set_places(self, views: list[PlaceView], lang: str, fallback_name: str,
                   stored: Sequence[Location] = ()) -> None:
        """A new service: all its places, the filter back on 全部, no QR open (the same places in
        another language keep the filter)."""
        if views is not self.views:
            self.community = None
            self.clear_focus()
        self.views = views
        self.lang = lang
        self.fallback_name = fallback_name
        self._make_chips(stored)
        self.refresh()

    def prepare(self, theme: Theme) -> None:
        """Make the first batch of cards ahead of time (while the attract screen waits)."""
        self.theme = theme
        self._ensure_cards(BATCH)

    def reset_filter(self) -> None:
        self.clear_focus()
        if self.community is not None or self.qr_index >= 0 or self.limit != BATCH:
            self.community = None
            if self.chips:
                self.chips[0].setChecked(True)
            self.refresh()

    def focus_place(self, place_id: str) -> PlaceCard | None:
        """Opened from a place search result: show every community, cards down to that place's, and
        outline its card; the card (None: the service has no such active place)."""
        at = next((i for i, v in enumerate(self.views) if v.place.id == place_id), None)
        if at is None:
            return None
        self.reset_filter()
        while self.limit <= at:
            self.limit += BATCH
        self._fill_cards()
        card = self.cards[at]
        self.focused = card
        if self.theme is not None:
            card.setStyleSheet(f"QFrame#{card.objectName() or 'placeCard'} {{ border: "
                               f"{max(4, self.theme.spacing // 3)}px solid {self.theme.colors.accent}; "
                               f"border-radius: {self.theme.radius}px; }}")
        return card

    def clear_focus(self) -> None:
        if self.focused is not None:
            self.focused.setStyleSheet("")
            self.focused = None

    def choose_community(self, key: str) -> None:
        self.community = None if key == ALL else key
        self.refresh()

    def show_more(self) -> None:
        self.limit += BATCH
        self._fill_cards()

    def refresh(self) -> None:
        """Texts, chips and the first batch of cards for the current filter."""
        self.heading.setText(word("where", self.lang))
        total = len(self.views)
        self.none.setText(word("unknown", self.lang))
        self.none.setVisible(not total)
        known = any(v.state is not None for v in self.views)
        self.summary.setText(self.count_text(total, open_count(self.views) if known else None))
        self.summary.setVisible(bool(total))
        self.chip_box.setVisible(len(self.chip_keys) > 1)
        if self.chips:
            self.chips[0].setText(self.tr("全部"))
        self.filtered = [v for v in self.views if self.community is None or v.place.community == self.community]
        self.limit = BATCH
        if 0 <= self.qr_index < len(self.cards):
            self.cards[self.qr_index].show_qr("")
        self.qr_index = -1
        self._fill_cards()

    def count_text(self, total: int, open_now: int | None) -> str:
        """"28 处 · 12 处现在开放" / "28 places · 12 open now"; just "28 处" when no place's hours are known."""
        places = self.tr("%n 处", "", total)
        return places if open_now is None else places + " · " + self.tr("%n 处现在开放", "", open_now)

    def shown_cards(self) -> list[PlaceCard]:
        """The cards on the page now, top to bottom."""
        if self.card_area.isHidden():
            return []
        return [c for c in self.cards if not c.isHidden()]

    def _ensure_cards(self, n: int) -> None:
        while len(self.cards) < n:
            card = PlaceCard(len(self.cards))
            card.qrRequested.connect(self.show_qr)
            card.printRequested.connect(self._print_requested)
            card.print_button.setText(self.print_text)
            card.print_button.setVisible(self.printing)
            card.hide()
            self.card_box.addWidget(card)
            self.cards.append(card)
            if self.theme is not None:
                card.apply_theme(self.theme)

    def _fill_cards(self) -> None:
        n = min(len(self.filtered), self.limit)
        set_shown(self.card_area, n > 0)
        if not n:
            self.more.hide()
            return
        self._ensure_cards(n)
        for i, card in enumerate(self.cards):
            if i < n:
                if card.view is not self.filtered[i] or card.property("lang") != self.lang:
                    card.fill(self.filtered[i], self.lang, self.fallback_name)
                set_shown(card, True)
            else:
                set_shown(card, False)
        rest = len(self.filtered) - n
        self.more.setText(self.tr("再显示 %1 处（还有 %2 处）").replace("%1", str(min(BATCH, rest)))
                          .replace("%2", str(rest)))
        self.more.setVisible(rest > 0)

    def _make_chips(self, stored: Sequence[Location]) -> None:
        """全部 and each community, in the service's order of its places (``stored``), when there are two or more."""
        names = communities(stored) if stored else communities(self.views)
        keys = [ALL, *names] if len(names) > 1 else []
        while len(self.chips) < len(keys):
            chip = button("", "chip")
            chip.setCheckable(True)
            index = len(self.chips)
            chip.setObjectName(f"chip-community-{index}")
            chip.clicked.connect(lambda _=False, i=index: self.choose_community(self.chip_keys[i]))
            self.chip_group.addButton(chip)
            self.chip_flow.addWidget(chip)
            self.chips.append(chip)
        self.chip_keys = keys
        for i, chip in enumerate(self.chips):
            if i < len(keys):
                chip.setText(self.tr("全部") if keys[i] == ALL else keys[i])
                chip.show()
            else:
                chip.hide()
        if keys:
            self.chips[keys.index(self.community) if self.community in keys else 0].setChecked(True)

    # -- the QR code of one place -------------------------------------------------------------
    def show_qr(self, slot: int) -> None:
        """Show the QR code of the place in card ``slot`` (and close the one shown before)."""
        if not 0 <= slot < len(self.cards) or self.cards[slot].view is None:
            return
        if 0 <= self.qr_index < len(self.cards) and self.qr_index != slot:
            self.cards[self.qr_index].show_qr("")
        self.qr_index = slot
        view = self.cards[slot].view
        assert view is not None
        self.cards[slot].show_qr(self.payload(view))

    def payload(self, view: PlaceView) -> str:
        """What a place's QR code carries: the service, the place, its address, hours in words and
        ``tel:`` phones, "暂未收录" for what is not recorded (kiosk.core.slip.Slip.qr_text)."""
        return place_slip(self.fallback_name, view, self.lang).qr_text()

    # -- printing -----------------------------------------------------------------------------
    def set_printing(self, shown: bool, text: str) -> None:
        """Show (or hide) each card's 打印 button (``text`` its label): only with a working printer."""
        self.printing = shown
        self.print_text = text
        for card in self.cards:
            if card.print_button.text() != text:
                card.print_button.setText(text)
            set_shown(card.print_button, shown)

    def _print_requested(self, slot: int) -> None:
        if 0 <= slot < len(self.cards) and (view := self.cards[slot].view) is not None:
            self.printRequested.emit(view)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        s = theme.spacing
        self.heading_icon.setPixmap(icons.pixmap("fa5s.map-marker-alt", theme.colors.accent, theme.heading_px))
        self.box.setContentsMargins(s, s, s, s)
        self.box.setSpacing(s // 2)
        self.card_box.setSpacing(s)
        self.chip_flow.setSpacing(s // 2)
        self.more.setIcon(icons.icon("fa5s.chevron-down", theme.colors.text))
        self.more.setIconSize(QSize(theme.body_px, theme.body_px))
        for card in self.cards:
            card.apply_theme(theme)


def scroll_to_card(area: QScrollArea, card: QWidget) -> None:
    """Scroll ``area`` so that ``card`` starts near the top of the page (as far as the page goes)."""
    content = area.widget()
    if content is None or not content.isAncestorOf(card):
        return
    area.verticalScrollBar().setValue(card.mapTo(content, QPoint(0, 0)).y() - card.height() // 8)
