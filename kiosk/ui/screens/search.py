"""Search: a large field, results as the resident types, and a touch keyboard that never covers them.

The field takes text from the touch keyboard (pinyin with candidates, letters, digits, handwriting).
Results follow ~150 ms after the last key — also while pinyin is still being typed, since search
understands pinyin and initials itself (``ylfw`` shows 养老服务 before any character is chosen).
Quick chips type common needs in one tap; an "open now" chip filters services when the hours module
is there. With nothing typed, or nothing found, the screen offers the categories and the 12349
hotline instead of a blank page. A query that found nothing and that the resident settled on
(no key for a few seconds, or leaving the screen) is counted by :func:`kiosk.core.search.ranking.record_miss`
— the text and the day, nothing else.

Portrait: field, chips, results, keyboard stacked. Landscape: the keyboard sits to the right of the
results. Either way the results keep their own space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import queries
from kiosk.core.models import Category, Figure, Hotline, ServiceSummary
from kiosk.core.search.ranking import SearchHit, record_miss, search
from kiosk.ui import hours, icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.cards import CardDelegateBase, CardListView, RowListModel
from kiosk.ui.widgets.clickcard import ClickCard
from kiosk.ui.widgets.keyboard import TouchKeyboard
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import button, label

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
ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ResultRow:
    """What one result card shows (prepared by the screen, painted by the delegate)."""

    hit: SearchHit
    title: str
    kind: str       # 服务 / 分类 / 热线 / 数字 / 新闻 (in the current language)
    detail: str     # description, snippet, number …
    meta: str       # open now, phone, count …
    color: str      # the category's colour ("" for none)


class SearchResultModel(RowListModel):
    """Rows of :class:`ResultRow`; DisplayRole is the title."""

    row_role = HitRole

    def display(self, row: ResultRow) -> str:
        return row.title


class ResultCardDelegate(CardDelegateBase):
    """Paints a result as a large card: coloured edge, title and kind, one line of detail, one of facts."""

    body_lines = 1

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        return QSize(max(option.rect.width(), self.theme.min_target), self.card_height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        row: ResultRow | None = index.data(HitRole)
        if row is None:
            return
        t = self.theme
        c = t.colors
        title_font, body_font, meta_font = self._fonts()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(t.spacing, t.spacing / 2, -t.spacing, -t.spacing / 2)
        pressed = index.row() == self.view.pressed_row
        painter.setBrush(QColor(c.card_pressed if pressed else c.surface))
        painter.setPen(QPen(QColor(c.border), 3 if t.contrast else 1.5))
        painter.drawRoundedRect(rect, t.radius, t.radius)
        stripe = QRectF(rect.left(), rect.top(), t.spacing * 0.75, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(c.accent if t.contrast or not row.color else row.color))
        painter.drawRoundedRect(stripe, t.radius / 2, t.radius / 2)

        chevron = t.heading_px
        left = stripe.right() + t.spacing
        right = rect.right() - t.spacing * 2 - chevron
        y = rect.top() + t.spacing
        title_h = self.line_px(title_font)
        kind_metrics = QFontMetrics(meta_font)
        kind_w = kind_metrics.horizontalAdvance(row.kind) + t.spacing
        painter.setFont(meta_font)
        painter.setPen(QColor(c.muted))
        painter.drawText(QRectF(right - kind_w, y, kind_w, title_h),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, row.kind)
        painter.setFont(title_font)
        painter.setPen(QColor(c.text))
        width = right - left - kind_w
        painter.drawText(QRectF(left, y, width, title_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(title_font).elidedText(row.title, Qt.TextElideMode.ElideRight, int(width)))
        y += title_h
        for text, font, color in ((row.detail, body_font, c.text), (row.meta, meta_font, c.muted)):
            line_h = self.line_px(font)
            if text:
                painter.setFont(font)
                painter.setPen(QColor(color))
                painter.drawText(QRectF(left, y, right - left, line_h),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 QFontMetrics(font).elidedText(text.replace("\n", " "), Qt.TextElideMode.ElideRight,
                                                               int(right - left)))
            y += line_h
        pix = icons.pixmap("fa5s.chevron-right", c.accent if t.contrast else c.muted, chevron)
        if not pix.isNull():
            painter.drawPixmap(int(right + t.spacing), int(rect.center().y() - chevron / 2), pix)
        painter.restore()


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps to a new line when the width runs out (the chips)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = 8
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def setSpacing(self, spacing: int) -> None:
        self._spacing = spacing
        self.invalidate()

    def spacing(self) -> int:
        return self._spacing

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


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
        for i, btn in enumerate(self.category_buttons.values()):
            self.grid.addWidget(btn, i // columns, i % columns)


class SearchScreen(Screen):
    name = "search"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self._read_content()
        self._hits: list[SearchHit] = []
        self._query = ""
        self._last_recorded: str | None = None
        self._vocabulary: Any = None
        self._figure_map: dict[str, Figure] | None = None

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
        self.model = SearchResultModel(self)
        self.view = CardListView()
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.delegate = ResultCardDelegate(self.view, ctx.theme)
        self.view.setItemDelegate(self.delegate)
        self.view.clicked.connect(self.open_index)
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
        left.addWidget(self.view, 1)
        left.addWidget(self.empty_area, 1)
        self.left = left
        self.page = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.page.addLayout(left, 1)
        self.page.addWidget(self.keyboard, 0)
        self.keyboard_button.hide()
        self.retranslate()
        self.apply_theme(ctx.theme)
        self._show_results([])

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
        self._figure_map = None
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
        self._show_results([])
        self.keyboard.show()
        self.keyboard_button.hide()
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
        self._show_results(self._hits)

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
        self.page.setStretch(1, 0 if portrait else 1)
        self.empty_state.arrange(2 if portrait else 1)

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
        hits = search(self.ctx.conn, query, limit=RESULT_LIMIT) if query.strip() else []
        self._show_results(hits)
        if query.strip() and not hits:
            self.settle.start()
        else:
            self.settle.stop()

    def record_pending_miss(self) -> None:
        """Count the current query as a miss if it found nothing (once per query)."""
        if not self.settle.isActive():
            return
        self.settle.stop()
        query = self._query.strip()
        if not query or self._hits or query == self._last_recorded:
            return
        record_miss(self.ctx.conn, query, self.ctx.clock().date())
        self._last_recorded = query

    def hits(self) -> list[SearchHit]:
        """The hits shown now (after the open-now filter)."""
        return [row.hit for row in self.model.rows()]

    # -- showing results ----------------------------------------------------------------------
    def _show_results(self, hits: list[SearchHit]) -> None:
        self._hits = hits
        rows = self._rows(hits)
        self.model.set_rows(rows)
        typed = bool(self._query.strip())
        found = bool(rows)
        self.view.setVisible(found)
        self.empty_area.setVisible(not found)
        if found:
            self.status.setText(self.tr("找到 %n 项", "", len(rows)))
        elif typed:
            self.status.setText("")
            if self.open_now_chip is not None and self.open_now_chip.isChecked() and hits:
                self.empty_state.message.setText(self.tr("现在开放的服务里没有找到。请取消“现在开放”，或换个说法。"))
            else:
                text = self.tr("没有找到“%1”。换个说法试试，或者按分类找，也可以打电话问。")
                self.empty_state.message.setText(text.replace("%1", self._query.strip()))
        else:
            self.status.setText("")
            self.empty_state.message.setText(self.tr("想找什么服务？用键盘输入拼音、首字母或文字，或点一个常用词。"))
        self.status.setVisible(found)
        scroll_to_top(self.view)

    def _rows(self, hits: list[SearchHit]) -> list[ResultRow]:
        service_ids = [h.id for h in hits if h.kind == "service"]
        summaries = {s.id: s for s in queries.get_summaries(self.ctx.conn, service_ids)} if service_ids else {}
        open_only = self.open_now_chip is not None and self.open_now_chip.isChecked()
        rows: list[ResultRow] = []
        for hit in hits:
            summary = summaries.get(hit.id) if hit.kind == "service" else None
            if open_only and (summary is None or hours.is_open(self.ctx, summary.opening_hours) is not True):
                continue
            rows.append(self._row(hit, summary))
        return rows

    def _row(self, hit: SearchHit, summary: ServiceSummary | None) -> ResultRow:
        ctx = self.ctx
        title = ctx.text(hit.name, hit.name_en)
        category = self.categories.get(hit.category_id or "")
        color = category.color if category else ""
        detail = meta = ""
        if hit.kind == "service":
            kind = self.tr("服务")
            if summary is not None:
                detail = ctx.text(summary.description, summary.description_en)
                parts = []
                if category is not None:
                    parts.append(ctx.text(category.name, category.name_en))
                state = hours.label(ctx, summary.opening_hours)
                if state:
                    parts.append(state)
                if summary.first_phone:
                    parts.append(self.tr("电话 %1").replace("%1", summary.first_phone))
                meta = "  ·  ".join(parts)
        elif hit.kind == "category":
            kind = self.tr("分类")
            if category is not None:
                detail = ctx.text(category.description, category.description_en)
                meta = self.tr("%n 项服务", "", category.service_count)
        elif hit.kind == "hotline":
            kind = self.tr("热线")
            detail = self.tr("电话 %1").replace("%1", hit.id)
        elif hit.kind == "figure":
            kind = self.tr("区情数字")
            figure = self._figures().get(hit.id)
            if figure is not None:
                number, unit = figure.parts(ctx.language)
                detail = f"{number} {unit}".strip() if ctx.language == "en" else f"{number}{unit}"
                meta = " · ".join(p for p in (figure.period or (str(figure.year) if figure.year else ""),) if p)
        else:
            kind = self.tr("新闻")
        if hit.snippet and not detail:
            detail = hit.snippet
        elif hit.snippet:
            meta = hit.snippet
        return ResultRow(hit, title, kind, detail, meta, color)

    def open_index(self, index: QModelIndex) -> None:
        row: ResultRow | None = index.data(HitRole)
        if row is not None:
            self.open_hit(row.hit)

    def open_hit(self, hit: SearchHit) -> None:
        """Show the screen a hit belongs on."""
        if hit.kind == "service":
            self.nav.push("detail", service_id=hit.id)
        elif hit.kind == "category":
            self.nav.push("category", category_id=hit.id)
        elif hit.kind == "hotline":
            self.nav.push("hotlines")
        elif hit.kind == "figure":
            self.nav.push("figures")
        elif hit.kind == "news":
            self.nav.push("news", item_id=hit.id)

    # -- keyboard -----------------------------------------------------------------------------
    def hide_keyboard(self) -> None:
        self.keyboard.hide()
        self.keyboard_button.show()

    def show_keyboard(self) -> None:
        self.keyboard.show()
        self.keyboard_button.hide()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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

    def _figures(self) -> dict[str, Figure]:
        if self._figure_map is None:
            self._figure_map = {f.id: f for f in queries.list_figures(self.ctx.conn)}
        return self._figure_map

    def _care_hotline(self) -> Hotline | None:
        """The seed's own hotline (12349) first, else the first listed."""
        seeded = [h for h in self.hotlines if h.basis == "seed"]
        choices = seeded or self.hotlines
        return choices[0] if choices else None
