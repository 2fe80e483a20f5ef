"""Service detail for residents: what you can do there, where, when it opens, whom to call and what to
bring — in that order, in plain words — then the source, collapsed; a QR code (and, where the
terminal has a printer, a printed slip) to take the listing away, and a large "信息有误" button.

Sections (words in kiosk.core.slip.WORDS, the same on the slip): 能办什么 (the description, once, and
how to apply, who it is for, fees…), 在哪里 (the places, kiosk.ui.widgets.places), 几点开门, 打谁电话
(large number buttons), 带什么 (only when documents are recorded). An unknown 能办什么 / 在哪里 /
几点开门 / 打谁电话 says "暂未收录 — 请拨打 12345 咨询". The seed's passage is shown once, small, behind
"资料来源", and not at all when it is the description word for word (the article is still named).

Landscape: the QR panel is a column on the right. Portrait: it is a row at the bottom of the screen,
outside the scrolling text, so the code, 打印 and 信息有误 are always in reach. A short listing would
leave a third of a portrait screen empty above that row: there the panel stands upright instead (a
larger code, the caption and the buttons under it), grown to take the room the text leaves
(:meth:`DetailScreen.fit_portrait`) — larger for a phone held by a shaky hand, and nothing invented to
fill the page. A long listing keeps the row and scrolls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import queries
from kiosk.core.models import ServiceDetail, SourceRef
from kiosk.core.places import PlaceView, place_views
from kiosk.core.slip import Slip, place_slip, service_slip, word
from kiosk.ui import hours, icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.speech import readable_text, reader_for, speakable
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.choice import ChoiceOverlay
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.places import PlaceList, scroll_to_card, set_shown
from kiosk.ui.widgets.qr import QrCode
from kiosk.ui.widgets.report_choices import Shown, report_choices, report_kinds
from kiosk.ui.widgets.text import TextBlock, button, label

QWIDGETSIZE_MAX = 16777215
FEEDBACK_KINDS = report_kinds()
SECTIONS = ("what", "hours", "call", "bring")
"""The sections of the page besides 在哪里 (the place list), each a :class:`Section`."""
SECTION_ICONS = {"what": "fa5s.info-circle", "hours": "fa5s.clock", "call": "fa5s.phone-alt",
                 "bring": "fa5s.folder-open"}
QR_SHARE = 0.55
"""The largest portrait QR code, as a share of the screen's width (short listings: fit_portrait)."""
FIT_SLACK = 8
"""Pixels kept free under a short listing's text so that no scroll bar shows for a pixel's rounding."""
WHAT_FIELDS = ("how", "who", "fees", "count", "languages", "url", "email")
"""The lines under the description in 能办什么, each shown only when recorded."""


def source_text(source: SourceRef, prefix: str, description: str = "") -> str:
    """'来源：《title》 2021' and, as a second paragraph, the passage — left out when it is the description
    itself (the page never shows the same sentence twice)."""
    year = f" {source.year}" if source.year else ""
    head = f"{prefix}《{source.title}》{year}"
    quote = (source.quote or "").strip()
    if not quote or _same(quote, description):
        return head
    return f"{head}\n\n{quote}"


def _same(a: str, b: str) -> bool:
    """The same sentence give or take spaces and the closing full stop."""
    def norm(text: str) -> str:
        return "".join(text.split()).rstrip("。.")
    return bool(b) and norm(a) == norm(b)


class Section(QFrame):
    """A caption with an icon ("能办什么") above its content (kiosk.core.slip.WORDS)."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"section-{key}")
        self.setProperty("role", "panel")
        self.icon = QLabel()
        self.caption = label("", "heading", wrap=True)
        self.caption.setObjectName("sectionCaption")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.icon)
        row.addWidget(self.caption, 1)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addLayout(row)

    def apply_theme(self, theme: Theme) -> None:
        self.icon.setPixmap(icons.pixmap(SECTION_ICONS[self.key], theme.colors.accent, theme.heading_px))
        s = theme.spacing
        self.box.setContentsMargins(s, s, s, s)
        self.box.setSpacing(s // 2)


class DetailScreen(Screen):
    name = "detail"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.service: ServiceDetail | None = None
        self.place_views: list[PlaceView] = []
        """The service's places as kiosk.core.places.place_views ordered them when the page opened."""
        self.heading = label("", "title", wrap=True)
        self.heading.setObjectName("serviceName")
        self.alternate = label("", "muted", wrap=True)
        self.category_icon = QLabel()
        self.category_name = label("", "heading")
        cat_row = QHBoxLayout()
        cat_row.addWidget(self.category_icon)
        cat_row.addWidget(self.category_name, 1)

        self.sections = {key: Section(key) for key in SECTIONS}
        # 能办什么: the description once, then what else is recorded (怎样办理, 服务对象, 费用…)
        self.description = TextBlock("", "body")
        self.description.setObjectName("description")
        self.what_lines = {key: TextBlock("", "body") for key in WHAT_FIELDS}
        self.sections["what"].box.addWidget(self.description)
        for key, block in self.what_lines.items():
            block.setObjectName(f"what-{key}")
            self.sections["what"].box.addWidget(block)
        # 几点开门: open now, then each schedule in words
        self.hours_state = label("", "heading", wrap=True)
        self.hours_state.setObjectName("hoursState")
        self.hours_text = TextBlock("", "body")
        self.hours_text.setObjectName("hoursText")
        self.sections["hours"].box.addWidget(self.hours_state)
        self.sections["hours"].box.addWidget(self.hours_text)
        # 打谁电话: one large button per number (a tap reads it aloud where speech exists)
        self.phone_box = QVBoxLayout()
        self.phone_buttons: list[QPushButton] = []
        self.phone_notes: list[QLabel] = []
        self.phones_none = TextBlock("", "body")
        self.phones_none.setObjectName("phonesNone")
        self.sections["call"].box.addLayout(self.phone_box)
        self.sections["call"].box.addWidget(self.phones_none)
        # 带什么: the documents, only when recorded
        self.documents = TextBlock("", "body")
        self.documents.setObjectName("documents")
        self.sections["bring"].box.addWidget(self.documents)

        self.places = PlaceList()
        self.places.printRequested.connect(self.print_place)
        self.source_toggle = button("", "chip")
        self.source_toggle.setObjectName("sourceToggle")
        self.source_toggle.setCheckable(True)
        self.source_toggle.toggled.connect(self._show_source)
        self.source = TextBlock("", "muted")
        self.source.setObjectName("sourceLine")
        self.source.hide()

        content = QWidget()
        self.content_layout = QVBoxLayout(content)
        self.content_layout.addWidget(self.heading)
        self.content_layout.addWidget(self.alternate)
        self.content_layout.addLayout(cat_row)
        self.content_layout.addWidget(self.sections["what"])
        self.content_layout.addWidget(self.places)
        for key in ("hours", "call", "bring"):
            self.content_layout.addWidget(self.sections[key])
        self.content_layout.addWidget(self.source_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.content_layout.addWidget(self.source)
        self.content_layout.addStretch(1)
        self.content = content
        content.installEventFilter(self)  # its layout changed (a section shown, place cards added): refit
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        enable_kinetic(self.scroll_area)

        self.qr = QrCode()
        self.qr.setObjectName("qrCode")
        self.qr_caption = label("", "body", wrap=True)
        self.print_button = button("", "report")
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_service)
        self.print_button.hide()
        self.report_button = button("", "report")
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self.ask_report)
        self.side = QFrame()
        self.side.setProperty("role", "panel")
        self.side.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.side_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.side)
        self.side_layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.qr_text_box = QVBoxLayout()
        self.qr_text_box.addWidget(self.qr_caption)
        self.qr_text_box.addStretch(1)
        self.qr_text_box.addWidget(self.print_button)
        self.qr_text_box.addWidget(self.report_button)
        self.side_layout.addLayout(self.qr_text_box, 1)

        self.upright = False
        """Portrait, short listing: the QR panel stands upright with a larger code (fit_portrait)."""
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_portrait)
        self.page = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.page.addWidget(self.scroll_area, 1)
        self.page.addWidget(self.side)
        self.overlay = ChoiceOverlay(self)
        self.printer: Any | None = None
        """The kiosk.ui.printing.SlipPrinter of the ``printer`` setting (made on first use)."""
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def title(self) -> str:
        if self.service is None:
            return ""
        cat = self.service.category
        return self.ctx.text(cat.name, cat.name_en)

    def prepare(self) -> None:
        import segno  # noqa: F401  # the QR code library (≈ 25 ms to import), before the first listing

        hours.warm_up(self.ctx)  # the holiday calendar, before the first open-now badge
        self.places.prepare(self.ctx.theme)  # the first batch of place cards

    def on_enter(self, **params: Any) -> None:
        service_id = params.get("service_id")
        if service_id is None:
            return
        self._update_printing()
        if self.service is not None and self.service.id == service_id:
            self.places.reset_filter()  # back on the same listing: the community filter starts again
            self.open_place(params.get("place_id"))
            return
        self.service = queries.get_service(self.ctx.conn, service_id)
        self.place_views = (place_views(self.service, self.ctx.clock(), hours.calendar(self.ctx))
                            if self.service is not None else [])
        self.overlay.close_overlay()
        self.source_toggle.setChecked(False)
        scroll_to_top(self.scroll_area)
        self.retranslate()
        self.titleChanged.emit()
        self.open_place(params.get("place_id"))

    def open_place(self, place_id: object) -> None:
        """Opened from a place search result (``place_id``): that place's card, outlined, at the top."""
        card = self.places.focus_place(place_id) if isinstance(place_id, str) else None
        if card is not None:
            scroll_to_card(self.scroll_area, card)
            QTimer.singleShot(0, lambda: scroll_to_card(self.scroll_area, card))  # once the page is laid out

    def on_leave(self) -> None:
        self.overlay.close_overlay()

    def reset(self) -> None:
        self.overlay.close_overlay()
        self.service = None
        self.place_views = []
        self.source_toggle.setChecked(False)
        self.places.set_places([], self.ctx.language, "")
        scroll_to_top(self.scroll_area)

    def orientation_changed(self, portrait: bool) -> None:
        """Landscape: the QR panel is a column on the right. Portrait: a row at the bottom of the screen."""
        self.page.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.side_layout.setDirection(QBoxLayout.Direction.LeftToRight if portrait
                                      else QBoxLayout.Direction.TopToBottom)
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.page.setAlignment(self.side, Qt.AlignmentFlag(0) if portrait else Qt.AlignmentFlag.AlignTop)
        self.qr_caption.setProperty("role", "heading" if portrait else "body")
        self.qr_caption.style().unpolish(self.qr_caption)
        self.qr_caption.style().polish(self.qr_caption)
        self.upright = False
        self._size_side(self.ctx.theme)
        self.fit_portrait()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and event.type() == QEvent.Type.LayoutRequest:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def fit_portrait(self) -> None:
        """Portrait: when the listing's text leaves room above the QR row, stand the panel upright and grow
        the code into that room (at most :data:`QR_SHARE` of the width), the caption and buttons under it;
        otherwise the row."""
        if not self.portrait:
            return
        theme = self.ctx.theme
        row_side = theme.min_target * 5
        s = theme.spacing
        m = self.page.contentsMargins()
        width = self.width() - m.left() - m.right()
        layout = self.content_layout
        text_height = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                       else layout.totalSizeHint().height())
        # the upright panel without its code: margins, caption, buttons, the spacing between them
        buttons = [b for b in (self.print_button, self.report_button) if not b.isHidden()]
        caption = self.qr_caption.heightForWidth(width - 2 * s) if self.qr_caption.wordWrap() \
            else self.qr_caption.sizeHint().height()
        rest = 3 * s + caption + sum(max(b.sizeHint().height(), b.minimumHeight()) + s for b in buttons)
        room = self.height() - m.top() - m.bottom() - self.page.spacing() - text_height - rest - FIT_SLACK
        side = min(room, int(width * QR_SHARE))
        upright = side >= row_side + theme.min_target  # clearly larger than the row's code, else the row
        if upright == self.upright and (not upright or side == self.qr.side):
            return
        self.upright = upright
        self.side_layout.setDirection(QBoxLayout.Direction.TopToBottom if upright
                                      else QBoxLayout.Direction.LeftToRight)
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignHCenter if upright else Qt.AlignmentFlag.AlignLeft)
        self._size_side(theme, side if upright else row_side)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, s)
        self.page.setSpacing(s)
        self.content_layout.setContentsMargins(s, 0, s, s)
        self.content_layout.setSpacing(int(s * 1.5))
        self.side_layout.setContentsMargins(s, s, s, s)
        self.side_layout.setSpacing(s)
        self.qr_text_box.setSpacing(s)
        self.phone_box.setSpacing(s // 2)
        for section in self.sections.values():
            section.apply_theme(theme)
        for phone in self.phone_buttons:
            self._style_phone(phone, theme)
        self.report_button.setMinimumHeight(int(theme.min_target * 1.2))
        self.report_button.setIcon(icons.icon("fa5s.exclamation-triangle", theme.colors.text))
        self.report_button.setIconSize(QSize(theme.body_px, theme.body_px))
        self.print_button.setMinimumHeight(int(theme.min_target * 1.2))
        self.print_button.setIcon(icons.icon("fa5s.print", theme.colors.text))
        self.print_button.setIconSize(QSize(theme.body_px, theme.body_px))
        self.source_toggle.setMinimumHeight(theme.min_target)
        self.upright = False
        self._size_side(theme)
        self.fit_portrait()
        self._update_icon()
        self.places.apply_theme(theme)
        self.overlay.apply_theme(theme)

    def _size_side(self, theme: Theme, side: int | None = None) -> None:
        self.qr.set_side(side if side is not None and self.portrait
                         else theme.min_target * (5 if self.portrait else 4))
        if self.portrait:
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(QWIDGETSIZE_MAX)
        else:
            self.side.setFixedWidth(theme.min_target * 4 + 4 * theme.spacing + 40)

    def _style_phone(self, phone: QPushButton, theme: Theme) -> None:
        """A service phone: heading-size number with a phone icon, ≥ 1.2 targets high."""
        phone.setIcon(icons.icon("fa5s.phone-alt", theme.colors.text))
        phone.setIconSize(QSize(theme.heading_px, theme.heading_px))
        # its own style (after the theme's): a larger number, and the size the theme's min-height would undo
        phone.setStyleSheet(f"font-size: {theme.big_px * 3 // 4}px; font-weight: bold; "
                            f"min-height: {int(theme.min_target * 1.3)}px; min-width: {theme.min_target * 4}px;")

    def _update_icon(self) -> None:
        if self.service is None:
            self.category_icon.clear()
            return
        theme = self.ctx.theme
        cat = self.service.category
        color = theme.colors.accent if theme.contrast else cat.color
        self.category_icon.setPixmap(icons.pixmap(cat.icon, color, theme.heading_px))

    def _show_source(self, shown: bool) -> None:
        self.source.setVisible(shown and bool(self.source.plain_text()))
        self.source_toggle.setText(word("source", self.ctx.language) + ("  ▴" if shown else "  ▾"))

    def retranslate(self) -> None:
        lang = self.ctx.language
        self.qr_caption.setText(self.tr("用手机扫码，带走这些信息（无需上网）"))
        self.report_button.setText(self.tr("信息有误"))
        self.print_button.setText(word("print", lang))
        self.places.set_printing(self.places.printing, word("print_place", lang))
        for key, section in self.sections.items():
            section.caption.setText(word(key, lang))
        self._show_source(self.source_toggle.isChecked())
        s = self.service
        if s is None:
            self.heading.clear()
            self.description.set_text("")
            self.source.set_text("")
            self.qr.set_text("")
            self.places.set_places([], lang, "")
            return
        t = self.ctx.text
        unknown = word("unknown", lang)
        self.heading.setText(t(s.name, s.name_en))
        self.alternate.setText(s.alternate_name or "")
        self.alternate.setVisible(bool(s.alternate_name))
        self.category_name.setText(t(s.category.name, s.category.name_en))
        self._update_icon()
        # 能办什么
        description = t(s.description, s.description_en)
        count = ""
        if s.count is not None:
            count = (f"{s.count} {s.count_unit_en or ''}".strip() if lang == "en"
                     else f"{s.count}{s.count_unit or ''}")
        values = {"how": t(s.application_process, s.application_process_en),
                  "who": t(s.eligibility_description, s.eligibility_description_en),
                  "fees": t(s.fees_description, s.fees_description_en), "count": count,
                  "languages": "、".join(s.languages), "url": s.url or "", "email": s.email or ""}
        recorded = any(values.values())
        self.description.set_text(description or ("" if recorded else unknown))
        set_shown(self.description, bool(self.description.plain_text()))
        colon = ": " if lang == "en" else "："
        for key, block in self.what_lines.items():
            block.set_text(f"{word(key, lang)}{colon}{values[key]}" if values[key] else "")
            set_shown(block, bool(values[key]))
        # 几点开门
        state = hours.label(self.ctx, s.schedules[0].opening_hours) if s.schedules else None
        self.hours_state.setText(state or "")
        set_shown(self.hours_state, bool(state))
        schedule_text = "\n\n".join(
            f"{t(h.description, h.description_en)}  {hours.text(h.opening_hours, lang)}".strip()
            for h in s.schedules)
        if not schedule_text:
            place_hours = any(v.place.hours for v in self.place_views)
            schedule_text = word("see_places", lang) if place_hours else unknown
        self.hours_text.set_text(schedule_text)
        # 打谁电话
        self._fill_phones(s)
        # 带什么
        documents = "\n\n".join(t(d, en) for d, en in s.required_documents)
        self.documents.set_text(documents)
        self.sections["bring"].setVisible(bool(documents))
        self.source.set_text(source_text(s.source, self.tr("来源："),
                                         description) if s.source else "")
        self._show_source(self.source_toggle.isChecked())
        self.source_toggle.setVisible(s.source is not None)
        self.qr.set_text(self.service_slip().qr_text())
        self.places.set_places(self.place_views, lang, t(s.name, s.name_en), s.locations)

    def _fill_phones(self, s: ServiceDetail) -> None:
        t = self.ctx.text
        lang = self.ctx.language
        theme = self.ctx.theme
        while len(self.phone_buttons) < len(s.phones):
            phone = button("", "choice")
            phone.setObjectName("servicePhone")
            index = len(self.phone_buttons)
            phone.clicked.connect(lambda _=False, i=index: self.say_phone(i))
            self._style_phone(phone, theme)
            note = label("", "body", wrap=True)
            note.setObjectName("servicePhoneNote")
            self.phone_box.addWidget(phone, 0, Qt.AlignmentFlag.AlignLeft)
            self.phone_box.addWidget(note)
            self.phone_buttons.append(phone)
            self.phone_notes.append(note)
        for i, (phone, note) in enumerate(zip(self.phone_buttons, self.phone_notes, strict=True)):
            if i < len(s.phones):
                phone.setText(s.phones[i].number)
                note.setText(t(s.phones[i].description, s.phones[i].description_en))
                set_shown(phone, True)
                set_shown(note, bool(note.text()))
            else:
                set_shown(phone, False)
                set_shown(note, False)
        if s.phones:
            self.phones_none.set_text("")
        elif any(v.place.phones for v in self.place_views):
            self.phones_none.set_text("各地点的电话见上面" if lang != "en" else "See each place above")
        else:
            self.phones_none.set_text(word("unknown", lang))
        set_shown(self.phones_none, not s.phones)

    def say_phone(self, index: int) -> None:
        """A tap on a service phone: read the number aloud, digit by digit, where speech exists."""
        if self.service is None or not 0 <= index < len(self.service.phones):
            return
        reader = reader_for(self.ctx, self.nav)
        if reader.available():
            reader.say(speakable(self.service.phones[index].number, spell_numbers=True))

    # -- what the page takes away: QR, slip, speech ----------------------------------------
    def service_slip(self) -> Slip:
        assert self.service is not None
        return service_slip(self.service, self.ctx.language)

    def qr_payload(self, s: ServiceDetail) -> str:
        """What the service's QR code carries (kiosk.core.slip.Slip.qr_text)."""
        return service_slip(s, self.ctx.language).qr_text()

    def speech_text(self) -> str:
        """What 朗读 reads on this page: the name, 能办什么, each place shown (name, address, open now,
        hours in words, phones), 几点开门, 打谁电话 (numbers digit by digit) and 带什么 when recorded."""
        s = self.service
        if s is None:
            return ""
        lang = self.ctx.language
        t = self.ctx.text
        colon = ": " if lang == "en" else "："
        stop = "." if lang == "en" else "。"
        unknown = word("unknown", lang)
        lines = [t(s.name, s.name_en) + stop]
        what = self.description.plain_text() or unknown
        extra = [b.plain_text() for b in self.what_lines.values() if not b.isHidden() and b.plain_text()]
        lines.append(word("what", lang) + colon + " ".join([what, *extra]))
        shown = [c.view for c in self.places.shown_cards() if c.view is not None]
        if shown:
            lines.append(word("where", lang) + colon + self.places.summary.text() + stop)
            for view in shown:
                slip = place_slip(t(s.name, s.name_en), view, lang)
                parts = [slip.place or slip.title, *([slip.address] if slip.address else []), view.badge(lang),
                         *slip.hours, *(f"{word('phone', lang)}{n}" for n in slip.phones),
                         *([note] if (note := view.missing_note(lang)) else [])]
                lines.append(("，" if lang != "en" else ", ").join(parts) + stop)
        else:
            lines.append(word("where", lang) + colon + unknown)
        hours_words = " ".join(x for x in (self.hours_state.text() if not self.hours_state.isHidden() else "",
                                           self.hours_text.plain_text()) if x)
        lines.append(word("hours", lang) + colon + hours_words)
        if s.phones:
            lines.append(word("call", lang) + colon + "；".join(
                f"{p.number} {t(p.description, p.description_en)}".strip() for p in s.phones))
        else:
            lines.append(word("call", lang) + colon + self.phones_none.plain_text())
        if s.required_documents:
            lines.append(word("bring", lang) + colon + self.documents.plain_text().replace("\n\n", "；"))
        return readable_text(speakable("\n".join(lines)), lang)

    # -- printing -----------------------------------------------------------------------------
    def _update_printing(self) -> None:
        """Show 打印 only when the ``printer`` setting names a queue that exists: the last answer at once,
        then CUPS is asked again off the GUI thread (SlipPrinter.check) and the answer shows."""
        name = self.ctx.config.printer
        if not name:
            self._show_printing(False)
            return
        if self.printer is None:
            from kiosk.ui.printing import SlipPrinter

            self.printer = SlipPrinter(name, self.ctx.config.printer_paper, self)
            self.printer.finished.connect(self._printed)
            self.printer.availabilityChanged.connect(self._show_printing)
        self._show_printing(self.printer.available())
        self.printer.check()

    def _show_printing(self, shown: bool) -> None:
        self.print_button.setVisible(shown)
        self.places.set_printing(shown, word("print_place", self.ctx.language))

    def print_service(self) -> None:
        if self.service is not None:
            self._print(self.service_slip())

    def print_place(self, view: PlaceView) -> None:
        if self.service is not None:
            self._print(place_slip(self.ctx.text(self.service.name, self.service.name_en), view,
                                   self.ctx.language))

    def _print(self, slip: Slip) -> None:
        lang = self.ctx.language
        if self.printer is None:
            return
        now: datetime = self.ctx.clock()
        if self.printer.print_slip(slip, now):
            self.overlay.tell(word("printing", lang), self.tr("好的"))

    def _printed(self, ok: bool) -> None:
        if not ok:
            self.overlay.tell(word("print_failed", self.ctx.language), self.tr("好的"))
            self._show_printing(False)  # a printer that is gone: no more 打印 button …
            self._update_printing()  # … unless CUPS says it is back

    # -- report a problem ---------------------------------------------------------------------
    def ask_report(self) -> None:
        """The 信息有误 answers that fit what this page shows (kiosk.ui.widgets.report_choices)."""
        self.overlay.ask(self.tr("这条信息哪里不对？"), report_choices(self.shown(), self.ctx.text),
                         self.tr("取消"), self.report)

    def shown(self) -> Shown:
        """Which of address, phone and opening hours the page shows for this listing."""
        s = self.service
        if s is None:
            return Shown()
        places = [v.place for v in self.place_views]
        return Shown(address=any(p.address for p in places),
                     phone=bool(s.phones) or any(p.phones for p in places),
                     hours=bool(s.schedules) or any(p.hours for p in places))

    def report(self, kind: str) -> None:
        """Record the resident's report (kiosk.core.workers.feedback), then thank them."""
        if self.service is None or kind not in FEEDBACK_KINDS:
            self.overlay.close_overlay()
            return
        try:
            from kiosk.core.workers import feedback

            feedback.add_feedback(self.ctx.conn, self.service.id, kind, self.ctx.clock())
        except Exception:
            self.overlay.tell(self.tr("抱歉，现在无法记录。请拨打 12345 反映。"), self.tr("好的"))
            return
        self.overlay.tell(self.tr("谢谢！社区工作人员会核实这条信息。"), self.tr("好的"))
