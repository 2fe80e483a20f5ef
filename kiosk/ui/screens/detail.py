"""Service detail: every field the database knows (unknown ones hidden), a QR code carrying the
listing, the seed passage it comes from, and a large "信息有误 / Report a problem" button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import queries
from kiosk.core.models import ServiceDetail, SourceRef
from kiosk.core.places import PlaceView, place_views
from kiosk.ui import hours, icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.speech import read_aloud_button, reader_for, visible_text
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.choice import ChoiceOverlay
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.places import PlaceList
from kiosk.ui.widgets.qr import QrCode, fit_text
from kiosk.ui.widgets.text import TextBlock, button, label

QWIDGETSIZE_MAX = 16777215
FEEDBACK_KINDS = ("wrong_phone", "wrong_address", "closed", "other")


def source_text(source: SourceRef, prefix: str) -> str:
    """'来源：《title》 2021' and, as a second paragraph, the passage itself."""
    year = f" {source.year}" if source.year else ""
    return f"{prefix}《{source.title}》{year}\n\n{source.quote}"


class Field(QWidget):
    """A caption and its value; hidden while the value is empty."""

    def __init__(self, key: str, parent: QWidget | None = None, *, value_role: str = "body") -> None:
        super().__init__(parent)
        self.setObjectName(f"field-{key}")
        self.caption = label("", "heading")
        self.value = TextBlock("", value_role)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, caption: str, value: str) -> None:
        self.caption.setText(caption)
        self.value.set_text(value)
        self.setVisible(bool(value.strip()))


class DetailScreen(Screen):
    name = "detail"

    FIELDS = ("hours_state", "description", "application", "eligibility", "documents", "fees",
              "phones", "schedules", "languages", "url", "email", "count")
    """The service's own fields; its places (address, hours, phones, accessibility of each) are in
    :attr:`places` (kiosk.ui.widgets.places)."""

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
        # phone numbers and the open-now state are what people look for first: larger
        self.fields = {key: Field(key, value_role="heading" if key in ("phones", "hours_state") else "body")
                       for key in self.FIELDS}
        self.source = TextBlock("", "muted")
        self.source.setObjectName("sourceLine")
        self.places = PlaceList()

        content = QWidget()
        self.content_layout = QVBoxLayout(content)
        self.content_layout.addWidget(self.heading)
        self.content_layout.addWidget(self.alternate)
        self.content_layout.addLayout(cat_row)
        for f in self.fields.values():
            self.content_layout.addWidget(f)
        self.content_layout.addWidget(self.places)
        self.content_layout.addWidget(self.source)
        self.content_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        enable_kinetic(self.scroll_area)

        self.qr = QrCode()
        self.qr.setObjectName("qrCode")
        self.qr_caption = label("", "body", wrap=True)
        self.report_button = button("", "report")
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self.ask_report)
        self.read_button = read_aloud_button(reader_for(ctx, nav), lambda: visible_text(self.scroll_area))
        self.side = QFrame()
        self.side.setProperty("role", "panel")
        self.side_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.side)
        self.side_layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.qr_text_box = QVBoxLayout()
        self.qr_text_box.addWidget(self.qr_caption)
        self.qr_text_box.addStretch(1)
        if self.read_button is not None:  # None: no speech engine on this terminal
            self.qr_text_box.addWidget(self.read_button)
        self.qr_text_box.addWidget(self.report_button)
        self.side_layout.addLayout(self.qr_text_box, 1)

        self.page = QHBoxLayout(self)
        self.page.addWidget(self.scroll_area, 1)
        self.page.addWidget(self.side)
        self.overlay = ChoiceOverlay(self)
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
        if self.service is not None and self.service.id == service_id:
            self.places.reset_filter()  # back on the same listing: the community filter starts again
            return
        self.service = queries.get_service(self.ctx.conn, service_id)
        self.place_views = (place_views(self.service, self.ctx.clock(), hours.calendar(self.ctx))
                            if self.service is not None else [])
        self.overlay.close_overlay()
        scroll_to_top(self.scroll_area)
        self.retranslate()
        self.titleChanged.emit()

    def on_leave(self) -> None:
        self.overlay.close_overlay()

    def reset(self) -> None:
        self.overlay.close_overlay()
        self.service = None
        self.place_views = []
        self.places.set_places([], self.ctx.language, "")
        scroll_to_top(self.scroll_area)

    def orientation_changed(self, portrait: bool) -> None:
        """Landscape: the QR panel is a column on the right. Portrait: it follows the text."""
        self.page.removeWidget(self.side)
        self.content_layout.removeWidget(self.side)
        if portrait:
            self.content_layout.insertWidget(self.content_layout.count() - 1, self.side)
            self.side_layout.setDirection(QBoxLayout.Direction.LeftToRight)
        else:
            self.page.addWidget(self.side)
            self.side_layout.setDirection(QBoxLayout.Direction.TopToBottom)
        self._size_side(self.ctx.theme)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, s)
        self.page.setSpacing(s)
        self.content_layout.setContentsMargins(s, 0, s, s)
        self.content_layout.setSpacing(s)
        self.side_layout.setContentsMargins(s, s, s, s)
        self.side_layout.setSpacing(s)
        self.report_button.setMinimumHeight(int(theme.min_target * 1.2))
        self.report_button.setIcon(icons.icon("fa5s.exclamation-triangle", theme.colors.text))
        self._size_side(theme)
        self._update_icon()
        self.places.apply_theme(theme)
        self.overlay.apply_theme(theme)

    def _size_side(self, theme: Theme) -> None:
        self.qr.set_side(theme.min_target * 4)
        if self.portrait:
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(QWIDGETSIZE_MAX)
        else:
            self.side.setFixedWidth(theme.min_target * 4 + 4 * theme.spacing + 40)

    def _update_icon(self) -> None:
        if self.service is None:
            self.category_icon.clear()
            return
        theme = self.ctx.theme
        cat = self.service.category
        color = theme.colors.accent if theme.contrast else cat.color
        self.category_icon.setPixmap(icons.pixmap(cat.icon, color, theme.heading_px))

    def retranslate(self) -> None:
        self.qr_caption.setText(self.tr("用手机扫码，带走这些信息（无需上网）"))
        self.report_button.setText(self.tr("信息有误"))
        s = self.service
        lang = self.ctx.language
        if s is None:
            self.heading.clear()
            for f in self.fields.values():
                f.set("", "")
            self.source.set_text("")
            self.qr.set_text("")
            self.places.set_places([], lang, "")
            return
        t = self.ctx.text
        self.heading.setText(t(s.name, s.name_en))
        self.alternate.setText(s.alternate_name or "")
        self.alternate.setVisible(bool(s.alternate_name))
        self.category_name.setText(t(s.category.name, s.category.name_en))
        self._update_icon()
        state = hours.label(self.ctx, s.schedules[0].opening_hours) if s.schedules else None
        self.fields["hours_state"].set(self.tr("现在"), state or "")
        self.fields["description"].set(self.tr("服务内容"), t(s.description, s.description_en))
        self.fields["application"].set(self.tr("怎样办理"), t(s.application_process, s.application_process_en))
        self.fields["eligibility"].set(self.tr("服务对象"), t(s.eligibility_description,
                                                            s.eligibility_description_en))
        self.fields["documents"].set(self.tr("需要带的材料"), "\n\n".join(t(d, en) for d, en in s.required_documents))
        self.fields["fees"].set(self.tr("费用"), t(s.fees_description, s.fees_description_en))
        self.fields["phones"].set(self.tr("电话"), "\n\n".join(
            f"{p.number}  {t(p.description, p.description_en)}".strip() for p in s.phones))
        self.fields["schedules"].set(self.tr("开放时间"), "\n\n".join(
            f"{t(h.description, h.description_en)}  {hours.text(h.opening_hours, lang)}".strip()
            for h in s.schedules))
        self.fields["languages"].set(self.tr("服务语言"), "、".join(s.languages))
        self.fields["url"].set(self.tr("网址"), s.url or "")
        self.fields["email"].set(self.tr("电子邮箱"), s.email or "")
        count = ""
        if s.count is not None:
            count = (f"{s.count} {s.count_unit_en or ''}".strip() if lang == "en"
                     else f"{s.count}{s.count_unit or ''}")
        self.fields["count"].set(self.tr("数量"), count)
        self.source.set_text(source_text(s.source, self.tr("来源：")) if s.source else "")
        self.qr.set_text(self.qr_payload(s))
        self.places.set_places(self.place_views, lang, t(s.name, s.name_en), s.locations)

    def qr_payload(self, s: ServiceDetail) -> str:
        """What the QR code carries: name, address, phones, hours — works with no network.

        Within the QR size (kiosk.ui.widgets.qr.fit_text): when everything is too long, the names and
        phones; then the name and the first phone; then the name alone, cut.
        """
        t = self.ctx.text
        names = [t(s.name, s.name_en)]
        if self.ctx.language == "en" and s.name_en:
            names.append(s.name)
        addresses = [self.tr("地址：%1").replace("%1", address)
                     for loc in s.locations if (address := t(loc.address, loc.address_en))]
        phones = [self.tr("电话：%1").replace("%1", f"{p.number} {t(p.description, p.description_en)}".strip())
                  for p in s.phones]
        hours_lines = [self.tr("开放时间：%1").replace("%1", hours.text(h.opening_hours, self.ctx.language))
                       for h in s.schedules]
        lines = [*names, *addresses, *phones, *hours_lines]
        if len(lines) <= 2:
            description = t(s.description, s.description_en)
            if description:
                lines.append(description[:120])
        tag = self.tr("上街社区服务终端")
        return fit_text(["\n".join([*lines, tag]), "\n".join([*names, *phones, tag]),
                         "\n".join([*names, *phones[:1], tag]), "\n".join(names[:1])])

    # -- report a problem ---------------------------------------------------------------------
    def ask_report(self) -> None:
        choices = [
            ("wrong_phone", self.tr("电话不对")),
            ("wrong_address", self.tr("地址不对")),
            ("closed", self.tr("已经关门或不再提供")),
            ("other", self.tr("其他问题")),
        ]
        self.overlay.ask(self.tr("这条信息哪里不对？"), choices, self.tr("取消"), self.report)

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
