"""Category: the services of one category as large cards, flick-scrolled, with filter chips."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.models import Category, ServiceSummary
from kiosk.ui import hours, icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.cards import CardListView, ServiceCardDelegate, ServiceListModel, SummaryRole
from kiosk.ui.widgets.chips import ChipBar
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import TextBlock, label

ALL = "all"
OPEN_NOW = "open-now"


class CategoryScreen(Screen):
    name = "category"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.category: Category | None = None
        self.services: list[ServiceSummary] = []
        self.filter = ALL
        self._open_minute: datetime | None = None
        self._open_counts: dict[tuple[str, tuple[str, ...]], int] = {}
        self.icon = QLabel()
        self.description = TextBlock("", "body")
        header = QHBoxLayout()
        header.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.description, 1)
        self.header = header
        self.chips = ChipBar()
        self.chips.add_chip(ALL)
        self.chips.chipSelected.connect(self.set_filter)
        self.count = label("", "muted")
        self.empty = label("", "hint", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.model = ServiceListModel(lambda: ctx.language, self)
        self.view = CardListView()
        self.view.setObjectName("serviceList")
        self.view.setModel(self.model)
        self.delegate = ServiceCardDelegate(self.view, ctx.theme, lambda: ctx.language, self.meta_text,
                                            self._color)
        self.view.setItemDelegate(self.delegate)
        self.view.clicked.connect(self.open_index)
        self.view.viewport().installEventFilter(self)  # its width sets the cards' in two columns
        enable_kinetic(self.view)
        self.page = QVBoxLayout(self)
        self.page.addLayout(header)
        self.page.addWidget(self.chips)
        self.page.addWidget(self.count)
        self.page.addWidget(self.empty)
        self.page.addWidget(self.view, 1)
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def title(self) -> str:
        if self.category is None:
            return ""
        return self.ctx.text(self.category.name, self.category.name_en)

    def on_enter(self, **params: Any) -> None:
        category_id = params.get("category_id")
        if category_id is None:
            return
        if self.category is not None and self.category.id == category_id:
            return  # coming back from a detail page: keep the scroll position and the filter
        self.category = queries.get_category(self.ctx.conn, category_id)
        self.services = queries.list_services(self.ctx.conn, category_id)
        self.filter = ALL
        self._update_chips()
        self.chips.select(ALL)
        self.refresh()
        scroll_to_top(self.view)
        self.retranslate()
        self.titleChanged.emit()

    def reset(self) -> None:
        self.category = None
        self.services = []
        self.filter = ALL
        self.chips.select(ALL)
        self.model.set_rows([])
        scroll_to_top(self.view)

    def retranslate(self) -> None:
        self.chips.chips[ALL].setText(self.tr("全部"))
        if OPEN_NOW in self.chips.chips:
            self.chips.chips[OPEN_NOW].setText(self.tr("现在开放"))
        cat = self.category
        self.description.set_text(self.ctx.text(cat.description, cat.description_en) if cat else "")
        self.description.setVisible(bool(cat and (cat.description or cat.description_en)))
        self.count.setText(self.tr("共 %n 项服务", "", len(self.model.rows())))
        self.empty.setText(self.tr("没有符合条件的服务。请点“全部”。"))
        self.model.language_changed()
        self.view.viewport().update()

    def speech_text(self) -> str:
        """The category's name and description, how many services, then each service shown (name, its
        line of facts and its description): the list is painted, so the default reading would miss it."""
        from kiosk.ui.speech import readable_text, speakable

        lines = [self.title(), self.description.plain_text() if self.description.isVisibleTo(self) else "",
                 self.count.text()]
        for summary in self.model.rows():
            name = self.ctx.text(summary.name, summary.name_en)
            description = self.ctx.text(summary.description or "", summary.description_en)
            lines += [name, self.meta_text(summary), description]
        if self.empty.isVisibleTo(self):
            lines.append(self.empty.text())
        return readable_text(speakable("\n".join(line for line in lines if line)), self.ctx.language)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, 0)
        self.page.setSpacing(s // 2)
        self.header.setSpacing(s)
        self.chips.set_spacing(s)
        self.delegate.set_theme(theme)
        self._place_columns()
        self._update_icon()
        self.view.doItemsLayout()
        self.view.viewport().update()

    # -- layout -------------------------------------------------------------------------------
    def orientation_changed(self, portrait: bool) -> None:
        """Landscape: the cards in two columns and the chips and count beside the description (one row above
        the list, not three), so a category's services show at once; portrait: stacked, one column."""
        self._columns = 1 if portrait else 2
        for widget in (self.chips, self.count):
            self.page.removeWidget(widget)
            self.header.removeWidget(widget)
        if portrait:
            self.page.insertWidget(1, self.chips)
            self.page.insertWidget(2, self.count)
        else:
            self.header.addWidget(self.chips, 0, Qt.AlignmentFlag.AlignTop)
            self.header.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)
        self._place_columns()

    def _place_columns(self) -> None:
        columns = getattr(self, "_columns", 1)
        if columns != self.delegate.columns:
            self.delegate.columns = columns
            self.view.setFlow(QListView.Flow.LeftToRight if columns > 1 else QListView.Flow.TopToBottom)
            self.view.setWrapping(columns > 1)
            self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.delegate.sizeHintChanged.emit(QModelIndex())  # the width follows the view's
        self.view.doItemsLayout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.delegate.columns > 1 and watched is self.view.viewport():
            self.delegate.sizeHintChanged.emit(QModelIndex())
        return False

    # -- content ------------------------------------------------------------------------------
    def _color(self, _summary: ServiceSummary) -> str:
        return self.category.color if self.category else self.ctx.theme.colors.accent

    def _update_icon(self) -> None:
        theme = self.ctx.theme
        if self.category is None:
            self.icon.clear()
            return
        color = theme.colors.accent if theme.contrast else self.category.color
        side = int(theme.heading_px * 1.6)
        self.icon.setFixedSize(side, side)
        self.icon.setPixmap(icons.pixmap(self.category.icon, color, side))

    def _update_chips(self) -> None:
        """The "open now" chip only where some service of the category has known hours."""
        has_hours = any(s.opening_hours or s.place_hours for s in self.services)
        if has_hours:
            self.chips.add_chip(OPEN_NOW)
        else:
            self.chips.remove_chip(OPEN_NOW)
        self._update_icon()

    def set_filter(self, key: str) -> None:
        self.filter = key
        self.refresh()
        scroll_to_top(self.view)

    def refresh(self) -> None:
        rows = self.services
        if self.filter == OPEN_NOW:
            rows = [s for s in rows if self.is_open(s)]
        self.model.set_rows(rows)
        self.empty.setVisible(not rows and bool(self.services))
        self.count.setText(self.tr("共 %n 项服务", "", len(rows)))

    def is_open(self, summary: ServiceSummary) -> bool:
        """Open now: the service's own hours say so, or any one of its places is open."""
        return bool(hours.is_open(self.ctx, summary.opening_hours)) or self.places_open(summary) > 0

    def places_open(self, summary: ServiceSummary) -> int:
        """How many of the service's places are open now; once a minute per service (a card is painted
        again and again, and a service may have hundreds of places, many with the same hours)."""
        minute = self.ctx.clock().replace(second=0, microsecond=0)
        key = (summary.id, summary.place_hours)
        if self._open_minute != minute:
            self._open_minute = minute
            self._open_counts = {}
        if key not in self._open_counts:
            self._open_counts[key] = hours.open_count(self.ctx, summary.place_hours)
        return self._open_counts[key]

    def meta_text(self, summary: ServiceSummary) -> str:
        """The card's line of facts: how many places, open now, phone."""
        parts = []
        if summary.count is not None:
            if self.ctx.language == "en":
                parts.append(f"{summary.count} {summary.count_unit_en or ''}".strip())
            else:
                parts.append(self.tr("共 %1%2").replace("%1", str(summary.count)).replace(
                    "%2", summary.count_unit or ""))
        if summary.places:  # "28 处 · 12 处现在开放" (kiosk.ui.widgets.places says the same on the detail page)
            places = self.tr("%n 处", "", summary.places)
            if summary.place_hours:  # no place with hours: nothing to say about open now
                places += " · " + self.tr("%n 处现在开放", "", self.places_open(summary))
            parts.append(places)
        state = hours.label(self.ctx, summary.opening_hours)
        if state:
            parts.append(state)
        if summary.first_phone:
            parts.append(self.tr("电话 %1").replace("%1", summary.first_phone))
        return "  ·  ".join(parts)

    def open_index(self, index: QModelIndex) -> None:
        summary: ServiceSummary | None = index.data(SummaryRole)
        if summary is not None:
            self.nav.push("detail", service_id=summary.id)
