"""Search: a large field, results as the resident types, and a touch keyboard that never covers them.

The field takes text from the touch keyboard (pinyin with candidates, letters, digits, handwriting).
Results follow ~150 ms after the last key — also while pinyin is still being typed, since search
understands pinyin and initials itself (``ylfw`` shows 养老服务 before any character is chosen).
Quick chips type common needs in one tap; an "open now" chip filters services, offered only when
some listing found has opening hours. Services, categories and hotlines come first; the district's
figures and news follow under a header of their own ("区情数字和新闻"). Above the results, an errand
word gets a one-tap "去看：政务服务" (or "本机暂无「药店」的信息 — 请拨打 12345 咨询"), and a one-key typo
that was corrected says so ("您是不是要找：yanglao"). With nothing typed, or nothing found, the screen
offers the categories and the 12349 hotline instead of a blank page. A query that found nothing and
that the resident settled on (no key for a few seconds, or leaving the screen) is counted by
:func:`kiosk.core.search.ranking.record_miss` — the text and the day, nothing else.

Portrait: field, chips, results, keyboard stacked. Landscape: the keyboard sits to the right of the
results and the quick chips sit above the keys (the top of that column is otherwise empty), so the
results and every category shortcut of the empty page show at once, in elder mode and in English
too. Either way the results keep their own space.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import queries
from kiosk.core.models import Category, Hotline
from kiosk.core.search.ranking import SearchHit, record_miss
from kiosk.core.search.results import SearchPage, SearchResult, search_page
from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.cards import CardListView, RowListModel, TextCardDelegate
from kiosk.ui.widgets.clickcard import ClickCard
from kiosk.ui.widgets.flow import FlowLayout
from kiosk.ui.widgets.keyboard import TouchKeyboard
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.core.hours.opening import HoursState

DEBOUNCE_MS = 150
"""Results follow this long after the last key."""
SETTLE_MS = 3000
"""A query with no result is recorded when the resident has not changed it for this long."""
RESULT_LIMIT = 50

# (query in Chinese, label in English, query in English) — everyday needs, one tap each
QUICK_CHIPS = (
    ("看病", "Doctor", "doctor"),
    ("养老", "Elderly care", "eldercare"),
    ("借书", "Library", "library"),
    ("办事", "Paperwork", "paperwork"),
    ("健身", "Exercise", "exercise"),
    ("吃饭", "Meals", "meals"),
)

OPEN_NOW = "open-now"
HitRole = Qt.ItemDataRole.UserRole + 11


@dataclass(frozen=True)
class ResultRow:
    """What one result card shows (formatted by the screen, painted by :class:`TextCardDelegate`)."""

    result: SearchResult
    title: str
    tag: str        # 服务 / 分类 / 热线 / 区情数字 / 新闻 (in the current language)
    detail: str     # description, snippet, number …
    meta: str       # open now, phone, count …
    color: str      # the category's colour ("" for none)
    header: str = ""  # a group heading painted above this card (the first figure or news row)

    @property
    def hit(self) -> SearchHit:
        return self.result.hit


class SearchResultModel(RowListModel):
    """Rows of :class:`ResultRow`; DisplayRole is the title."""

    row_role = HitRole

    def display(self, row: ResultRow) -> str:
        return row.title


class ResultDelegate(TextCardDelegate):
    """Result cards, and a group heading above the first card of a group (:attr:`ResultRow.header`)."""

    def header_height(self) -> int:
        return self.line_px(self.theme.font(self.theme.heading_px, bold=True)) + self.theme.spacing

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        row = index.data(self.row_role)
        if isinstance(row, ResultRow) and row.header:
            size.setHeight(size.height() + self.header_height())
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.data(self.row_role)
        if isinstance(row, ResultRow) and row.header:
            t = self.theme
            head = self.header_height()
            painter.save()
            painter.setFont(t.font(t.heading_px, bold=True))
            painter.setPen(QColor(t.colors.text))
            painter.drawText(QRectF(option.rect.left() + t.spacing, option.rect.top() + t.spacing / 2,
                                    option.rect.width() - 2 * t.spacing, head - t.spacing / 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, row.header)
            painter.restore()
            card = QStyleOptionViewItem(option)
            card.rect = option.rect.adjusted(0, head, 0, 0)
            super().paint(painter, card, index)
            return
        super().paint(painter, option, index)


# -- one place per kind of result: its tag, its two lines of text, and where a tap goes -------------
# (tags are translated in the SearchScreen context; texts with a number come from the screen's own self.tr)

Facts = Callable[["SearchScreen", SearchResult], tuple[str, str]]
"""(detail, meta) of a result, in the resident's language."""


def _service_facts(screen: SearchScreen, r: SearchResult) -> tuple[str, str]:
    ctx = screen.ctx
    if r.summary is None:
        return "", ""
    parts = []
    if r.category is not None:
        parts.append(ctx.text(r.category.name, r.category.name_en))
    state = _hours_label(r.hours, ctx.language)
    if state:
        parts.append(state)
    phone = (r.place.first_phone if r.place is not None else None) or r.summary.first_phone
    if phone:
        parts.append(screen.phone_text(phone))
    return ctx.text(r.summary.description, r.summary.description_en), "  ·  ".join(parts)


def _place_facts(screen: SearchScreen, r: SearchResult) -> tuple[str, str]:
    """A place: its address (the service's description when none is recorded), then the category, the
    place's own open-now state and its phone (the service's where the place has none)."""
    detail, meta = _service_facts(screen, r)
    place = r.place
    address = screen.ctx.text(place.address, place.address_en) if place is not None and place.address else ""
    return address or detail, meta


def _category_facts(screen: SearchScreen, r: SearchResult) -> tuple[str, str]:
    if r.category is None:
        return "", ""
    return (screen.ctx.text(r.category.description, r.category.description_en),
            screen.service_count_text(r.category.service_count))


def _hotline_facts(screen: SearchScreen, r: SearchResult) -> tuple[str, str]:
    return screen.phone_text(r.hit.id), ""


def _figure_facts(screen: SearchScreen, r: SearchResult) -> tuple[str, str]:
    figure = r.figure
    if figure is None:
        return "", ""
    language = screen.ctx.language
    number, unit = figure.parts(language)
    detail = f"{number} {unit}".strip() if language == "en" else f"{number}{unit}"
    year = screen.data_year_text(figure.data_year) if figure.data_year else ""
    period = figure.period if figure.period and figure.period != str(figure.data_year) else ""
    return detail, " · ".join(p for p in (period, year) if p)


def _no_facts(_screen: SearchScreen, _r: SearchResult) -> tuple[str, str]:
    return "", ""


@dataclass(frozen=True)
class ResultKind:
    """How one kind of :class:`SearchHit` shows and opens."""

    tag: str
    """Source text of the tag (translated in the SearchScreen context)."""
    facts: Facts
    open: Callable[[Navigator, SearchHit], None]


RESULT_KINDS: dict[str, ResultKind] = {
    "service": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "服务")), _service_facts,
                          lambda nav, hit: nav.push("detail", service_id=hit.id)),
    "place": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "服务")), _place_facts,
                        lambda nav, hit: nav.push("detail", service_id=hit.service_id, place_id=hit.place_id)),
    "category": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "分类")), _category_facts,
                           lambda nav, hit: nav.push("category", category_id=hit.id)),
    "hotline": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "热线")), _hotline_facts,
                          lambda nav, _hit: nav.push("hotlines")),
    "figure": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "区情数字")), _figure_facts,
                         lambda nav, hit: nav.push("figures", figure_id=hit.id)),
    "news": ResultKind(str(QT_TRANSLATE_NOOP("SearchScreen", "新闻")), _no_facts,
                       lambda nav, hit: nav.push("news", item_id=hit.id)),
}
"""Every kind of hit search gives (a synonym is found as its category); an unknown kind shows as news."""


HELP_NUMBER = "12345"
"""Where a search finds nothing, residents are told to call this (政务服务便民热线, in the hotlines)."""


def _hours_label(state: HoursState | None, language: str) -> str | None:
    """"营业中 · 17:30 关门" / "Open · closes 17:30", or None when unknown (as kiosk.ui.hours.label)."""
    if state is None or state.state == "unknown":
        return None
    try:
        return str(state.label(language))
    except Exception:
        return None


class EmptyState(QWidget):
    """What shows instead of results: a friendly line, the categories, and the 12349 hotline."""

    def __init__(self, screen: SearchScreen) -> None:
        super().__init__(screen)
        self.setObjectName("searchEmptyState")
        self.message = label("", "hint", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.categories_label = label("", "heading")
        self.category_buttons: dict[str, QPushButton] = {}
        self.grid = QGridLayout()
        self.columns = 2
        self.set_categories(screen)
        self.hotline_card = ClickCard()
        self.hotline_card.setObjectName("emptyHotline")
        self.hotline_number = label("", "big")
        self.hotline_text = label("", "body", wrap=True)
        card = QHBoxLayout(self.hotline_card)
        card.addWidget(self.hotline_number)
        card.addWidget(self.hotline_text, 1)
        self.hotline_card.clicked.connect(lambda: screen.nav.push("hotlines"))
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.message)
        self.box.addWidget(self.categories_label)
        self.box.addLayout(self.grid)
        self.box.addWidget(self.hotline_card)
        self.box.addStretch(1)
        self.arrange(2)

    def set_categories(self, screen: SearchScreen) -> None:
        """One button per primary category of ``screen`` (again after a content change)."""
        for btn in self.category_buttons.values():
            self.grid.removeWidget(btn)
            btn.deleteLater()
        self.category_buttons = {}
        for cat in screen.primary_categories:
            btn = button("", "choice")
            btn.setObjectName(f"emptyCategory-{cat.id}")
            btn.clicked.connect(lambda _=False, cid=cat.id: screen.nav.push("category", category_id=cid))
            self.category_buttons[cat.id] = btn
        self.arrange(self.columns)

    def arrange(self, columns: int) -> None:
        self.columns = columns
        for btn in self.category_buttons.values():
            self.grid.removeWidget(btn)
        buttons = list(self.category_buttons.values())
        for i, btn in enumerate(buttons):
            alone = i == len(buttons) - 1 and i % columns == 0  # a last one alone in its row takes the row
            self.grid.addWidget(btn, i // columns, i % columns, 1, columns if alone else 1)


class SearchScreen(Screen):
    name = "search"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self._read_content()
        self._page = SearchPage("", [], [])
        self._query = ""
        self._press_y: int | None = None
        self._last_recorded: str | None = None
        self._vocabulary: Any = None

        # the field
        self.input = QLineEdit()
        self.input.setObjectName("searchInput")
        self.input.setClearButtonEnabled(False)
        self.input.installEventFilter(self)
        self.input.textChanged.connect(self._schedule)
        self.clear_button = button("", "nav")
        self.clear_button.setObjectName("searchClear")
        self.clear_button.clicked.connect(self.clear)
        self.keyboard_button = button("", "nav")
        self.keyboard_button.setObjectName("showKeyboard")
        self.keyboard_button.clicked.connect(self.show_keyboard)
        field_row = QHBoxLayout()
        field_row.addWidget(self.input, 1)
        field_row.addWidget(self.clear_button)
        field_row.addWidget(self.keyboard_button)
        self.field_row = field_row

        # quick chips and the open-now filter
        self.chip_buttons: dict[str, QPushButton] = {}
        self.chips = QWidget()
        self.chips.setObjectName("quickChips")
        chips = FlowLayout(self.chips)
        for zh, _en_label, _en_query in QUICK_CHIPS:
            chip = button("", "chip")
            chip.setObjectName(f"quick-{zh}")
            chip.clicked.connect(lambda _=False, z=zh: self.quick(z))
            chips.addWidget(chip)
            self.chip_buttons[zh] = chip
        self.open_now_chip: QPushButton | None = button("", "chip")
        self.open_now_chip.setObjectName("chip-open-now")
        self.open_now_chip.setCheckable(True)
        self.open_now_chip.toggled.connect(lambda _on: self.run_search())
        chips.addWidget(self.open_now_chip)
        self.chips_row = chips

        # results / empty state
        self.status = label("", "muted")
        self.errand_button = button("")  # 去看：政务服务 — the category an errand word leads to
        self.errand_button.setObjectName("errandSuggestion")
        self.errand_button.clicked.connect(self.open_errand)
        self.notice = label("", "body", wrap=True)  # 本机暂无「药店」… / 您是不是要找：yanglao
        self.notice.setObjectName("searchNotice")
        self.model = SearchResultModel(self)
        self.view = CardListView()
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(False)  # the first card of a group is taller: its heading is above it
        self.delegate = ResultDelegate(self.view, ctx.theme, HitRole)
        self.view.setItemDelegate(self.delegate)
        self.view.clicked.connect(self.open_index)
        self.view.viewport().installEventFilter(self)  # a tap on a group heading opens nothing
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        enable_kinetic(self.view)
        self.empty_state = EmptyState(self)
        # in a flick-scrolled area, so a short screen (landscape, elder mode) never squeezes it
        self.empty_area = QScrollArea()
        self.empty_area.setObjectName("searchEmptyArea")
        self.empty_area.setWidgetResizable(True)
        self.empty_area.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_area.setWidget(self.empty_state)
        enable_kinetic(self.empty_area)

        # the keyboard
        self.keyboard = TouchKeyboard(theme=ctx.theme)
        self.keyboard.set_target(self.input)
        self.keyboard.set_candidate_source(self._candidates)
        self.keyboard.compositionChanged.connect(lambda _letters: self._schedule())
        self.keyboard.hideRequested.connect(self.hide_keyboard)
        self.handwriting = self._add_handwriting()

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.record_pending_miss)

        left = QVBoxLayout()
        left.addLayout(field_row)
        left.addWidget(self.chips)
        left.addWidget(self.status)
        left.addWidget(self.errand_button)
        left.addWidget(self.notice)
        left.addWidget(self.view, 1)
        left.addWidget(self.empty_area, 1)
        self.left = left
        self.right = QVBoxLayout()  # the keyboard; in landscape the quick chips above it
        self.right.addStretch(1)
        self.right.addWidget(self.keyboard)
        self.page = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.page.addLayout(left, 1)
        self.page.addLayout(self.right, 0)
        self.keyboard_button.hide()
        self.retranslate()
        self.apply_theme(ctx.theme)
        self._show_results(self._page)

    # -- screen protocol ----------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("搜索")

    def _read_content(self) -> None:
        """Categories and hotlines as the database has them now (and the generation they are from)."""
        self._generation = queries.content_generation(self.ctx.conn)
        self.categories: dict[str, Category] = {c.id: c for c in queries.list_categories(self.ctx.conn)}
        self.primary_categories = [c for c in self.categories.values() if c.is_primary]
        self.hotlines = queries.list_hotlines(self.ctx.conn)

    def _follow_content(self) -> None:
        """A content update or a worker's change since the last visit: read categories and hotlines again."""
        if queries.content_generation(self.ctx.conn) == self._generation:
            return
        self._read_content()
        self.empty_state.set_categories(self)
        self.retranslate()
        self.apply_theme(self.ctx.theme)

    def on_enter(self, **params: Any) -> None:
        self._follow_content()
        query = params.get("query")
        if isinstance(query, str):
            self.set_query(query)
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._vocabulary is None:
            QTimer.singleShot(0, self._load_vocabulary)  # ready before the first key, off the tap

    def on_leave(self) -> None:
        self.record_pending_miss()

    def prepare(self) -> None:
        from kiosk.core.search.ranking import warm_up

        warm_up(self.ctx.conn)  # the in-memory index
        self._load_vocabulary()  # the candidate bar's words

    def reset(self) -> None:
        self.record_pending_miss()
        self.debounce.stop()
        self.keyboard.reset()
        # setText, not clear(): clear() is undoable, so "undo" would bring back the previous
        # resident's words; setText drops the field's undo/redo history.
        self.input.setText("")
        if self.open_now_chip is not None:
            self.open_now_chip.setChecked(False)
        self._query = ""
        self._last_recorded = None
        self._show_results(SearchPage("", [], []))
        self.keyboard.show()
        self.keyboard_button.hide()
        self._place_chips()
        scroll_to_top(self.view)

    def retranslate(self) -> None:
        self.input.setPlaceholderText(self.tr("输入拼音、首字母或文字"))
        self.clear_button.setText(self.tr("清除"))
        self.keyboard_button.setText(self.tr("键盘"))
        english = self.ctx.language == "en"
        for zh, en_label, _en_query in QUICK_CHIPS:
            self.chip_buttons[zh].setText(en_label if english else zh)
        if self.open_now_chip is not None:
            self.open_now_chip.setText(self.tr("现在开放"))
        e = self.empty_state
        e.categories_label.setText(self.tr("按分类找"))
        for cid, btn in e.category_buttons.items():
            cat = self.categories[cid]
            btn.setText(self.ctx.text(cat.name, cat.name_en))
        hotline = self._care_hotline()
        e.hotline_card.setVisible(hotline is not None)
        if hotline is not None:
            e.hotline_number.setText(hotline.number)
            e.hotline_text.setText(self.ctx.text(hotline.name, hotline.name_en) + " · " + self.tr("电话问一问"))
        self.keyboard.retranslate()
        self._show_results(self._page)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, s)
        self.page.setSpacing(s)
        self.left.setSpacing(s // 2)
        self.field_row.setSpacing(s // 2)
        self.chips_row.setSpacing(s // 2)
        self.input.setMinimumHeight(int(theme.min_target * 1.25))
        self.input.setStyleSheet(
            f"QLineEdit#searchInput {{ font-size: {theme.title_px}px; padding: 0 {s}px; "
            f"color: {theme.colors.text}; background: {theme.colors.surface}; "
            f"border: {4 if theme.contrast else 3}px solid {theme.colors.accent}; border-radius: {theme.radius}px; }}")
        size = QSize(theme.heading_px, theme.heading_px)
        self.clear_button.setIcon(icons.icon("fa5s.times", theme.colors.text))
        self.keyboard_button.setIcon(icons.icon("fa5s.keyboard", theme.colors.text))
        for btn in (self.clear_button, self.keyboard_button):
            btn.setIconSize(size)
            btn.setMinimumHeight(int(theme.min_target * 1.25))
        self.delegate.set_theme(theme)
        self.keyboard.apply_theme(theme)
        e = self.empty_state
        e.box.setSpacing(s)
        e.grid.setSpacing(s // 2)
        for cid, btn in e.category_buttons.items():
            cat = self.categories[cid]
            btn.setIcon(icons.icon(cat.icon, theme.colors.accent if theme.contrast else cat.color))
            btn.setIconSize(size)
        self.view.doItemsLayout()

    def orientation_changed(self, portrait: bool) -> None:
        self.page.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.page.setStretch(0, 1)
        self.empty_state.arrange(2)
        self._place_chips()

    def _place_chips(self) -> None:
        """Landscape with the keyboard shown: the quick chips sit above the keys, in the otherwise empty
        top of that column, so the results (and the category shortcuts) get their rows."""
        beside = not self.portrait and not self.keyboard.isHidden()
        self.page.setStretch(1, 1 if beside else 0)  # a hidden keyboard leaves the results the whole width
        target = self.right if beside else self.left
        if target.indexOf(self.chips) >= 0:
            return
        (self.left if beside else self.right).removeWidget(self.chips)
        if beside:
            self.right.insertWidget(1, self.chips)
        else:
            self.left.insertWidget(1, self.chips)

    # -- typing and searching -----------------------------------------------------------------
    def query(self) -> str:
        """What is searched: the field's text plus pinyin still being typed on the keyboard."""
        return self.input.text() + self.keyboard.composition()

    def set_query(self, text: str) -> None:
        """Put ``text`` in the field and search at once (quick chips, a query passed to on_enter)."""
        self.keyboard.reset()
        self.input.setText(text)
        self.input.setCursorPosition(len(text))
        self.run_search()

    def quick(self, zh: str) -> None:
        """A quick chip: its word in the resident's language."""
        for chip_zh, _label, en_query in QUICK_CHIPS:
            if chip_zh == zh:
                self.set_query(en_query if self.ctx.language == "en" else zh)
                return

    def clear(self) -> None:
        self.record_pending_miss()
        self.keyboard.reset()
        self.input.clear()
        self.run_search()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _schedule(self, *_args: object) -> None:
        self.debounce.start()

    def run_search(self) -> None:
        """Search for the current query now (the debounce timer calls this)."""
        self.debounce.stop()
        query = self.query()
        self._query = query  # a miss typed over before it settled is not recorded
        open_only = self.open_now_chip is not None and self.open_now_chip.isChecked()
        page = search_page(self.ctx.conn, query, now=self.ctx.clock(), open_only=open_only, limit=RESULT_LIMIT)
        self._show_results(page)
        if query.strip() and not page.found:
            self.settle.start()
        else:
            self.settle.stop()

    def record_pending_miss(self) -> None:
        """Count the current query as a miss if it found nothing (once per query)."""
        if not self.settle.isActive():
            return
        self.settle.stop()
        query = self._query.strip()
        if not query or self._page.found or query == self._last_recorded:
            return
        record_miss(self.ctx.conn, query, self.ctx.clock().date())
        self._last_recorded = query

    def hits(self) -> list[SearchHit]:
        """The hits shown now (after the open-now filter)."""
        return [row.hit for row in self.model.rows()]

    def page_shown(self) -> SearchPage:
        """What the last search gave (before it was turned into cards)."""
        return self._page

    # -- showing results ----------------------------------------------------------------------
    def _show_results(self, page: SearchPage) -> None:
        self._page = page
        rows = self._rows(page)
        self.model.set_rows(rows)
        typed = bool(self._query.strip())
        found = bool(rows)
        q = self._query.strip()
        self.view.setVisible(found)
        self.empty_area.setVisible(not found)
        self._show_open_now(page)
        self._show_errand(page)
        if found:
            self.status.setText(self.tr("找到 %n 项", "", len(rows)))
        elif typed:
            self.status.setText("")
            open_only = self.open_now_chip is not None and self.open_now_chip.isChecked()
            if open_only and page.found:
                self.empty_state.message.setText(self.tr("现在开放的服务里没有找到。请取消“现在开放”，或换个说法。"))
            elif any(h.number == HELP_NUMBER for h in self.hotlines):
                word = page.errand.word if page.nothing_here and page.errand is not None else q
                self.empty_state.message.setText(self.ctx.text(
                    f"本机暂无“{word}”的信息。请拨打 {HELP_NUMBER} 政务服务便民热线咨询，也可以换个说法或按分类找。",
                    f"This kiosk has nothing on “{word}” yet. Please call {HELP_NUMBER}, the government service "
                    "hotline — or try other words, or look by category."))
            else:
                text = self.tr("没有找到“%1”。换个说法试试，或者按分类找，也可以打电话问。")
                self.empty_state.message.setText(text.replace("%1", q))
        else:
            self.status.setText("")
            self.empty_state.message.setText(self.tr("想找什么服务？用键盘输入拼音、首字母或文字，或点一个常用词。"))
        self.status.setVisible(found)
        scroll_to_top(self.view)

    def _show_open_now(self, page: SearchPage) -> None:
        """现在开放 only where some listing found has hours (and while it is on, so it can be turned off)."""
        chip = self.open_now_chip
        if chip is not None:
            chip.setVisible(page.has_hours or chip.isChecked())

    def _show_errand(self, page: SearchPage) -> None:
        """The line above the results: where an errand leads, that this kiosk has nothing for it, or the typo fixed."""
        category = page.errand_category
        self.errand_button.setVisible(category is not None and bool(self._query.strip()))
        if category is not None:
            self.errand_button.setText(self.tr("去看：%1").replace("%1", self.ctx.text(category.name, category.name_en))
                                       + "  ›")
        lines = []
        if page.nothing_here and page.errand is not None and page.rows:
            lines.append(self.ctx.text(f"本机暂无「{page.errand.word}」的信息 — 请拨打 {HELP_NUMBER} 咨询",
                                       f"This kiosk has nothing on “{page.errand.word}” — please call {HELP_NUMBER}"))
        if page.corrected and page.results:
            lines.append(self.tr("您是不是要找：%1").replace("%1", page.corrected))
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))

    def open_errand(self) -> None:
        """The errand suggestion: the category it names."""
        category = self._page.errand_category
        if category is not None:
            self.nav.push("category", category_id=category.id)

    def _rows(self, page: SearchPage) -> list[ResultRow]:
        rows = [self._row(r) for r in page.results]
        info = [self._row(r) for r in page.info]
        if info and rows:
            info[0] = replace(info[0], header=self.tr("区情数字和新闻"))
        return rows + info

    def _row(self, r: SearchResult) -> ResultRow:
        hit = r.hit
        kind = RESULT_KINDS.get(hit.kind, RESULT_KINDS["news"])
        detail, meta = kind.facts(self, r)
        if hit.snippet and not detail:
            detail = hit.snippet
        elif hit.snippet:
            meta = hit.snippet
        return ResultRow(r, self.ctx.text(hit.name, hit.name_en), self.tr(kind.tag), detail, meta,
                         r.category.color if r.category else "")

    def phone_text(self, number: str) -> str:
        """"电话 12349" / "Phone 12349"."""
        return self.tr("电话 %1").replace("%1", number)

    def data_year_text(self, year: int) -> str:
        """"2021年数据" / "2021 data"."""
        return self.tr("%1年数据").replace("%1", str(year))

    def service_count_text(self, count: int) -> str:
        """"2 项服务" / "2 services"."""
        return self.tr("%n 项服务", "", count)

    def open_index(self, index: QModelIndex) -> None:
        row: ResultRow | None = index.data(HitRole)
        if row is None:
            return
        heading_end = self.view.visualRect(index).top() + self.delegate.header_height()
        if row.header and self._press_y is not None and self._press_y < heading_end:
            return  # the tap landed on the group heading, not on the card
        self.open_hit(row.hit)

    def open_hit(self, hit: SearchHit) -> None:
        """Show the screen a hit belongs on."""
        kind = RESULT_KINDS.get(hit.kind)
        if kind is not None:
            kind.open(self.nav, hit)

    # -- keyboard -----------------------------------------------------------------------------
    def hide_keyboard(self) -> None:
        self.keyboard.hide()
        self.keyboard_button.show()
        self._place_chips()

    def show_keyboard(self) -> None:
        self.keyboard.show()
        self.keyboard_button.hide()
        self._place_chips()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and isinstance(event, QMouseEvent) \
                and event.type() == QEvent.Type.MouseButtonPress:
            self._press_y = int(event.position().y())
        if watched is self.input and event.type() == QEvent.Type.MouseButtonPress and self.keyboard.isHidden():
            self.show_keyboard()
        return False

    def _load_vocabulary(self) -> None:
        if self._vocabulary is None:
            from kiosk.core.search.candidates import PinyinVocabulary

            self._vocabulary = PinyinVocabulary.from_connection(self.ctx.conn)

    def _candidates(self, letters: str) -> list[Any]:
        self._load_vocabulary()
        return list(self._vocabulary.candidates(letters))

    def _add_handwriting(self) -> Any:
        try:
            from kiosk.core.handwriting import domain_chars
            from kiosk.ui.widgets.handwriting import add_handwriting_page
        except ImportError:
            return None
        return add_handwriting_page(self.keyboard, theme=self.ctx.theme, domain_chars=domain_chars(self.ctx.conn))

    def _care_hotline(self) -> Hotline | None:
        """The seed's own hotline (12349) first, else the first listed."""
        seeded = [h for h in self.hotlines if h.basis == "seed"]
        choices = seeded or self.hotlines
        return choices[0] if choices else None
