"""The listing editor: large fields, messages that name the field, a live preview of the resident
card, retire/restore, and the listing's history with undo.

The form is built from the field declarations (:mod:`kiosk.core.listings.fields`): every field
declared with an editor widget gets one, labelled and hinted as declared, in declaration order;
phones, hours and documents are repeated rows of their declared parts, and each place is a box of
its declared fields (:mod:`kiosk.ui.admin.places_editor`). The editor works on a copy of the stored
:class:`~kiosk.core.listings.fields.Listing`; what it does not show (the organization) is carried over
unchanged. Saving goes through :func:`kiosk.core.listings.editing.save_listing`, which validates,
writes, audits (the admin session is "who") and re-indexes search in one transaction.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.errors import DatabaseError
from kiosk.core.listings import editing as listings
from kiosk.core.listings.fields import Declared, Listing, declared, group_of, scalars
from kiosk.core.listings.validation import (
    FieldProblem,
    check_coordinate,
    check_count,
    hours_in_words,
    stored_hours,
)
from kiosk.core.listings.validation import problem as problem_at
from kiosk.ui.admin.places_editor import PlacesEditor
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel

HOURS_TEMPLATES = (
    ("工作日 8:30–17:30", "工作日 8:30-17:30"),
    ("工作日 上午+下午", "工作日 8:30-12:00 14:30-17:30"),
    ("每天 8:00–20:00", "每天 8:00-20:00"),
    ("全天 24 小时", "全天"),
)
ACTION_LABELS = {"create": "新建", "edit": "修改", "retire": "停用", "restore": "恢复", "undo": "撤销",
                 "import": "导入"}

LINE_SEPARATORS = re.compile(r"[、,，;；\n]+")


def editable(cls: type) -> list[Declared]:
    """The declared fields of ``cls`` the editor shows, in declaration order."""
    return [d for d in scalars(cls) if d.spec is not None and d.spec.editor is not None]


def caption(d: Declared) -> str:
    assert d.spec is not None
    return d.spec.label + ("（必填）" if d.spec.required else "")


def as_text(d: Declared, value: object) -> str:
    """A stored value as the editor shows it."""
    assert d.spec is not None
    if value is None:
        return ""
    if d.spec.kind == "hours" and isinstance(value, str):
        return hours_in_words(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)  # a float's str is its shortest exact form (113.123456, not 113.123)


def from_text(d: Declared, text: str) -> object:
    """What the worker typed as the field's value (checked on 保存; an unreadable number is kept as
    typed by the caller, see ListingEditor.draft)."""
    assert d.spec is not None
    text = text.strip()
    if d.spec.kind in ("lines", "phones"):
        return [w.strip() for w in LINE_SEPARATORS.split(text) if w.strip()]
    if d.spec.kind in ("latitude", "longitude"):
        try:
            return float(text) if text else None
        except ValueError:
            return None
    if d.spec.kind == "int":
        return check_count(text)[0]
    if d.spec.kind == "hours":
        return stored_hours(text)
    return text if (text or not d.optional) else None


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", "true" if invalid else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class EntryRows(QWidget):
    """Repeated rows of line edits (phones, hours, documents) with 删除 and an 添加 button.

    Each row may carry the stored entry it came from (its ``payload``), so fields the form does not
    show survive an edit of that row.
    """

    changed = Signal()

    PER_LINE = 3
    """Edits per line of one entry (a phone's five parts take two lines)."""

    def __init__(self, name: str, columns: Sequence[tuple[str, int]], add_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.columns = columns
        self.rows: list[tuple[QWidget, list[QLineEdit], QLabel, Any]] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.add_button = button(add_text, "chip")
        self.add_button.setObjectName(f"{name}-add")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.box.addWidget(self.add_button)

    def add_row(self, values: Sequence[str] = (), payload: Any = None) -> list[QLineEdit]:
        row = QWidget()
        outer = QVBoxLayout(row)
        outer.setContentsMargins(0, 0, 0, 0)
        edits = []
        line = QHBoxLayout()
        for n, (placeholder, stretch) in enumerate(self.columns):
            if n and n % self.PER_LINE == 0:
                outer.addLayout(line)
                line = QHBoxLayout()
            edit = QLineEdit(values[n] if n < len(values) else "")
            edit.setPlaceholderText(placeholder)
            edit.setToolTip(placeholder)
            edit.textChanged.connect(self.changed)
            line.addWidget(edit, stretch)
            edits.append(edit)
        remove = button("删除", "nav")
        remove.clicked.connect(lambda _=False, r=row: self.remove_row(r))
        line.addWidget(remove)
        error = label("", "error", wrap=True)
        error.hide()
        outer.addLayout(line)
        outer.addWidget(error)
        self.box.insertWidget(self.box.count() - 1, row)
        self.rows.append((row, edits, error, payload))
        self.changed.emit()
        return edits

    def remove_row(self, row: QWidget) -> None:
        self.rows = [r for r in self.rows if r[0] is not row]
        self.box.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def set_rows(self, rows: Sequence[tuple[Sequence[str], Any]]) -> None:
        for row, *_rest in list(self.rows):
            self.box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for values, payload in rows:
            self.add_row(values, payload)

    def entries(self) -> list[tuple[int, list[str], Any]]:
        """(row index, texts, payload) of the rows that are not empty."""
        out = []
        for index, (_row, edits, _error, payload) in enumerate(self.rows):
            texts = [e.text().strip() for e in edits]
            if any(texts):
                out.append((index, texts, payload))
        return out

    def clear_errors(self) -> None:
        for _row, edits, error, _payload in self.rows:
            error.hide()
            for edit in edits:
                _set_invalid(edit, False)

    def set_error(self, index: int, message: str) -> None:
        if 0 <= index < len(self.rows):
            _row, edits, error, _payload = self.rows[index]
            error.setText(message)
            error.show()
            _set_invalid(edits[0], True)

    def edits(self, index: int) -> list[QLineEdit]:
        return self.rows[index][1]


class ListingEditor(QWidget):
    """Edit one listing (``service_id`` None: a new one). ``done`` asks the page to close it."""

    done = Signal()

    def __init__(self, panel: AdminPanel, service_id: str | None) -> None:
        super().__init__()
        self.setObjectName("ListingEditor")
        self.panel = panel
        self.ctx = panel.ctx
        self.original = Listing()
        self.fields: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self._row_maps: dict[str, list[int]] = {}
        self._place_indexes: list[int] = []
        self.unreadable: list[FieldProblem] = []
        self._had_problems = False

        form = QWidget()
        self.form_layout = QVBoxLayout(form)
        self.heading = label("", "heading", wrap=True)
        self.form_layout.addWidget(self.heading)
        self.category = QComboBox()
        self.category.setObjectName("field-category_id")
        for cid, name in listings.category_ids(self.ctx.conn).items():
            self.category.addItem(f"{name}（{cid}）", cid)
        self._add_field("category_id", "类别（必填）", self.category)
        self.status = QComboBox()
        self.status.setObjectName("field-status")
        for key in listings.STATUSES:
            self.status.addItem(listings.STATUS_LABELS[key], key)
        self._add_field("status", "状态", self.status)
        self.rows: dict[str, EntryRows] = {}
        for d in declared(Listing):
            if d.group is not None and d.group.table != "locations":
                self._add_entries(d.name)
                if d.name == "hours":
                    self._add_hours_helpers()
            elif d.group is not None:  # the places, each with its own fields
                self.places = PlacesEditor()
                self.places.changed.connect(self.schedule_preview)
                self._add_field("locations", d.group.label, self.places)
            elif d.spec is not None and d.spec.editor in ("line", "text"):
                self._add_field(d.name, caption(d), self._make_edit(d))
        self.phones, self.hours, self.documents = self.rows["phones"], self.rows["hours"], self.rows["documents"]
        self.form_layout.addStretch(1)
        for rows in self.rows.values():
            rows.changed.connect(self.schedule_preview)
        self.category.currentIndexChanged.connect(self.schedule_preview)
        self.status.currentIndexChanged.connect(self.schedule_preview)

        self.form_scroll = scroll_area(form, touch=panel.touch)

        self.preview_box = QFrame()
        self.preview_box.setProperty("role", "section")
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addWidget(label("居民看到的样子（预览）", "heading"))
        self.preview = self._make_preview()
        preview_layout.addWidget(self.preview, 1)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.addWidget(self.form_scroll, 3)
        self.body.addWidget(self.preview_box, 2)

        self.message = label("", "ok", wrap=True)
        self.message.setObjectName("editorMessage")
        self.save_button = button("保存")
        self.save_button.setObjectName("editorSave")
        self.save_button.clicked.connect(self.save)
        self.retire_button = button("", "nav")
        self.retire_button.setObjectName("editorRetire")
        self.retire_button.clicked.connect(self.toggle_retired)
        self.history_button = button("修改记录", "nav")
        self.history_button.setObjectName("editorHistory")
        self.history_button.clicked.connect(self.show_history)
        self.back_button = button("返回列表", "nav")
        self.back_button.setObjectName("editorBack")
        self.back_button.clicked.connect(self.done)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.retire_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)

        edit_page = QWidget()
        page_layout = QVBoxLayout(edit_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(self.body, 1)
        page_layout.addWidget(self.message)
        page_layout.addLayout(buttons)
        self.history = HistoryView(self)
        self.pages = QStackedWidget()
        self.pages.addWidget(edit_page)
        self.pages.addWidget(self.history)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(250)
        self.preview_timer.timeout.connect(self.update_preview)
        self.load(service_id)

    # -- building -----------------------------------------------------------------------------
    def _make_edit(self, d: Declared) -> QLineEdit | QPlainTextEdit:
        assert d.spec is not None
        edit: QLineEdit | QPlainTextEdit
        if d.spec.editor == "text" and not self.panel.touch:  # the touch keyboard types into line edits only
            edit = QPlainTextEdit()
            edit.setMinimumHeight(self.panel.theme.min_target * 2)
            edit.setTabChangesFocus(True)
        else:
            edit = QLineEdit()
        edit.setPlaceholderText(d.spec.hint)
        edit.setObjectName(f"field-{d.name}")
        edit.textChanged.connect(self.schedule_preview)
        return edit

    def _add_entries(self, name: str) -> None:
        """Repeated rows for a group (phones, hours, documents) of its declared, editable parts."""
        g = group_of(name)
        parts = editable(g.entry)
        columns = [(p.spec.hint or p.spec.label, p.spec.stretch) for p in parts if p.spec is not None]
        rows = EntryRows(name, columns, g.add_text)
        self.rows[name] = rows
        self._add_field(name, g.label, rows)

    def _add_hours_helpers(self) -> None:
        chips = QHBoxLayout()
        for text, expr in HOURS_TEMPLATES:
            chip = button(text, "chip")
            chip.clicked.connect(lambda _=False, e=expr: self.insert_hours(e))
            chips.addWidget(chip)
        holiday = button("＋节假日休息", "chip")
        holiday.clicked.connect(self.add_holiday_rule)
        chips.addWidget(holiday)
        chips.addStretch(1)
        self.form_layout.addLayout(chips)
        self.form_layout.addWidget(label("照告示牌的写法即可：周一至周五 8:30-12:00 14:30-17:30；工作日 9:00-17:00，"
                                         "节假日休息；周二至周日 9:00-17:00，周一闭馆；全天。", "muted", wrap=True))

    def _add_field(self, key: str, caption: str, widget: QWidget) -> None:
        self.form_layout.addWidget(label(caption, "heading"))
        self.form_layout.addWidget(widget)
        if isinstance(widget, QLineEdit | QPlainTextEdit | QComboBox):
            self.fields[key] = widget
        error = label("", "error", wrap=True)
        error.setObjectName(f"error-{key}")
        error.hide()
        self.form_layout.addWidget(error)
        self.errors[key] = error

    def _make_preview(self) -> QWidget:
        """The resident detail screen itself, fed with the unsaved draft."""
        from kiosk.ui.navigation import Navigator
        from kiosk.ui.screens.detail import DetailScreen

        screen = DetailScreen(self.ctx, Navigator(self.ctx, parent=self))
        screen.report_button.setEnabled(False)
        return screen

    # -- loading and reading the form ---------------------------------------------------------
    def load(self, service_id: str | None) -> None:
        stored = listings.get_listing(self.ctx.conn, service_id) if service_id else None
        if stored is None:
            first = self.category.itemData(0) or ""
            stored = Listing(category_id=str(first))
        self.original = stored
        self.heading.setText(f"修改：{stored.name}" if stored.id else "新增服务")
        index = self.category.findData(stored.category_id)
        self.category.setCurrentIndex(max(0, index))
        self.status.setCurrentIndex(max(0, self.status.findData(stored.status)))
        for d in editable(Listing):
            widget = self.fields.get(d.name)
            text = as_text(d, getattr(stored, d.name))
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)
            elif isinstance(widget, QLineEdit):
                widget.setText(text)
        for name, rows in self.rows.items():
            parts = editable(group_of(name).entry)
            rows.set_rows([([as_text(p, getattr(e, p.name)) for p in parts], e) for e in getattr(stored, name)])
        self.places.set_places(copy.deepcopy(stored.locations))
        self.retire_button.setText("恢复给居民看" if stored.status == "retired" else "停用（不再给居民看）")
        self.retire_button.setVisible(stored.id is not None)
        self.history_button.setVisible(stored.id is not None)
        self.clear_problems()
        self.update_preview()

    def text_of(self, key: str) -> str:
        widget = self.fields[key]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QLineEdit):
            return widget.text()
        return str(widget.currentData() or "")

    def draft(self) -> Listing:
        """The listing as the form stands (not saved). Numbers that cannot be read are kept in
        ``unreadable`` (shown as problems on 保存) and leave the field empty."""
        listing = copy.deepcopy(self.original)
        self.unreadable = []
        listing.category_id = str(self.category.currentData() or "")
        listing.status = str(self.status.currentData() or "active")
        for d in editable(Listing):
            if d.name in self.fields and d.spec is not None and d.spec.editor != "choice":
                setattr(listing, d.name, self._read(d, self.text_of(d.name), (d.name,)))
        self._row_maps = {}
        for name, rows in self.rows.items():
            g = group_of(name)
            parts = editable(g.entry)
            entries: list[object] = []
            for _index, texts, payload in rows.entries():
                entry = copy.deepcopy(payload) if isinstance(payload, g.entry) else g.entry()
                for part, text in zip(parts, texts, strict=True):
                    setattr(entry, part.name, self._read(part, text, (name, len(entries) + 1, part.name)))
                entries.append(entry)
            self._row_maps[name] = [index for index, *_ in rows.entries()]
            setattr(listing, name, entries)
        listing.locations, self._place_indexes = self.places.read(self._read)
        return listing

    def _read(self, d: Declared, text: str, path: tuple[str | int, ...]) -> object:
        """A typed text as the field's value; a number that cannot be read is noted in ``unreadable``."""
        assert d.spec is not None
        message = None
        if d.spec.kind == "int":
            message = check_count(text)[1]
        elif d.spec.kind in ("latitude", "longitude"):
            message = check_coordinate(text, latitude=d.spec.kind == "latitude")[1]
        if message:
            self.unreadable.append(problem_at(path, message))
        return from_text(d, text)

    # -- hours helpers --------------------------------------------------------------------------
    def insert_hours(self, expr: str) -> None:
        """Fill the first empty hours row with a template (or add a row)."""
        for _row, edits, _error, _payload in self.hours.rows:
            if not edits[0].text().strip():
                edits[0].setText(expr)
                return
        self.hours.add_row((expr, ""))

    def add_holiday_rule(self) -> None:
        """Append "节假日休息" (closed on public holidays) to the last hours row."""
        if not self.hours.rows:
            self.hours.add_row(("工作日 8:30-17:30，节假日休息", ""))
            return
        edit = self.hours.rows[-1][1][0]
        text = edit.text().strip()
        if "PH" not in text and "节假日" not in text:
            edit.setText(f"{text}，节假日休息" if text else "工作日 8:30-17:30，节假日休息")

    # -- preview and problems ------------------------------------------------------------------
    def schedule_preview(self) -> None:
        if self.isVisible():
            self.preview_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.preview_timer.stop()
        super().hideEvent(event)

    def update_preview(self) -> None:
        draft = self.draft()
        detail = listings.preview(self.ctx.conn, draft)
        if isinstance(self.preview, QLabel):
            phones = " ".join(p.number for p in detail.phones)
            self.preview.setText(f"{detail.name}\n{detail.category.name}\n{phones}")
        else:
            self.preview.service = detail  # type: ignore[attr-defined]
            self.preview.retranslate()  # type: ignore[attr-defined]
        if self._had_problems:
            self.show_problems(self.unreadable + listings.validate_listing(self.ctx.conn, listings.compact(draft)),
                               draft_made=True)

    def preview_text(self) -> str:
        """Everything the preview shows, as text (tests)."""
        if isinstance(self.preview, QLabel):
            return self.preview.text()
        widgets: list[QLabel | QPushButton] = [*self.preview.findChildren(QLabel),
                                                *self.preview.findChildren(QPushButton)]  # numbers are buttons
        parts = [w.text() for w in widgets if w.isVisibleTo(self.preview)]
        return "\n".join(parts)

    def clear_problems(self) -> None:
        self._had_problems = False
        for key, error in self.errors.items():
            error.hide()
            widget = self.fields.get(key)
            if widget is not None:
                _set_invalid(widget, False)
        for rows in self.rows.values():
            rows.clear_errors()
        self.places.clear_errors()
        self.message.setText("")

    def show_problems(self, problems: Sequence[FieldProblem], *, draft_made: bool = False) -> None:
        if not draft_made:
            self.draft()  # refresh the row maps
        self.clear_problems()
        self._had_problems = bool(problems)
        if not problems:
            return
        for problem in problems:
            head = str(problem.path[0])
            if head == "locations" and self.places.show_problem(problem, self._place_indexes):
                continue
            if len(problem.path) == 3 and head in self.rows and isinstance(problem.path[1], int):
                mapping = self._row_maps.get(head, [])
                n = problem.path[1] - 1
                self.rows[head].set_error(mapping[n] if n < len(mapping) else n, str(problem))
                continue
            key = f"location.{problem.path[2]}" if head == "locations" and len(problem.path) == 3 else head
            error = self.errors.get(key) or self.errors.get("name")
            assert error is not None
            error.setText(str(problem))
            error.show()
            widget = self.fields.get(key)
            if widget is not None:
                _set_invalid(widget, True)
        self.message.setProperty("role", "error")
        self.message.setText(f"有 {len(problems)} 处需要修改，见红字。没有保存。")
        self.message.style().polish(self.message)

    # -- actions --------------------------------------------------------------------------------
    def _actor(self) -> str:
        session = self.panel.session
        return session.id if session is not None else "admin"

    def save(self) -> bool:
        """Validate and save; on problems show them by their fields and keep the form."""
        draft = self.draft()
        if self.unreadable:
            self.show_problems(self.unreadable + listings.validate_listing(self.ctx.conn, listings.compact(draft)),
                               draft_made=True)
            return False
        try:
            result = listings.save_listing(self.ctx.conn, draft, actor=self._actor(), now=self.ctx.clock())
        except listings.ListingInvalid as exc:
            self.show_problems(exc.problems)
            return False
        except DatabaseError as exc:  # busy or read-only: the form keeps what the worker typed
            self._say_problem(str(exc))
            return False
        self.load(result.service_id)
        self.message.setProperty("role", "ok")
        self.message.setText("已保存。居民现在看到的就是预览的样子。" if result.changed else "没有改动。")
        self.message.style().polish(self.message)
        return True

    def _say_problem(self, text: str) -> None:
        self.message.setProperty("role", "error")
        self.message.setText(text)
        self.message.style().polish(self.message)

    def toggle_retired(self) -> None:
        sid = self.original.id
        if sid is None:
            return
        try:
            if self.original.status == "retired":
                listings.restore_listing(self.ctx.conn, sid, actor=self._actor(), now=self.ctx.clock())
                note = "已恢复，居民又能看到这条服务。"
            else:
                listings.retire_listing(self.ctx.conn, sid, actor=self._actor(), now=self.ctx.clock())
                note = "已停用：居民看不到了，信息仍保留，可以恢复或撤销。"
        except DatabaseError as exc:
            self._say_problem(str(exc))
            return
        self.load(sid)
        self.message.setText(note)

    def show_history(self) -> None:
        if self.original.id is None:
            return
        self.history.load(self.original.id)
        self.pages.setCurrentWidget(self.history)

    def back_from_history(self) -> None:
        self.pages.setCurrentIndex(0)

    # -- layout ---------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        tall = event.size().height() > event.size().width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if tall else QBoxLayout.Direction.LeftToRight)


class HistoryView(QWidget):
    """Every change of the listing, newest first; the newest one can be undone."""

    def __init__(self, editor: ListingEditor) -> None:
        super().__init__()
        self.setObjectName("HistoryView")
        self.editor = editor
        self.service_id: str | None = None
        self.undo_buttons: dict[int, QPushButton] = {}
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        scroll = scroll_area(self.content, touch=editor.panel.touch)
        self.title = label("", "heading", wrap=True)
        self.message = label("", "ok", wrap=True)
        self.message.setObjectName("historyMessage")
        back = button("返回编辑", "nav")
        back.setObjectName("historyBack")
        back.clicked.connect(editor.back_from_history)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(back)
        layout.addLayout(row)

    def load(self, service_id: str) -> None:
        self.service_id = service_id
        while self.content_layout.count():
            item = self.content_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.undo_buttons = {}
        entries = listings.listing_history(self.editor.ctx.conn, service_id)
        self.title.setText(f"修改记录：{self.editor.original.name}（{len(entries)} 条）")
        if not entries:
            self.content_layout.addWidget(label("还没有修改过（和最初的资料一样）。", "muted", wrap=True))
        undoable = next((e.id for e in entries if not e.undone), None)
        for entry in entries:
            box = QFrame()
            box.setProperty("role", "section")
            inner = QVBoxLayout(box)
            action = ACTION_LABELS.get(entry.action, entry.action)
            state = "（已撤销）" if entry.undone else ""
            inner.addWidget(label(f"#{entry.id}　{entry.at:%Y-%m-%d %H:%M}　{action}{state}　{entry.actor}", "heading",
                                  wrap=True))
            for line in listings.describe_change(entry.before, entry.after):
                inner.addWidget(label(line, "body", wrap=True))
            if entry.id == undoable:
                undo = button("撤销这次修改")
                undo.setObjectName(f"undo-{entry.id}")
                undo.clicked.connect(lambda _=False, n=entry.id: self.undo(n))
                inner.addWidget(undo)
                self.undo_buttons[entry.id] = undo
            self.content_layout.addWidget(box)
        self.content_layout.addStretch(1)

    def undo(self, entry_id: int) -> None:
        try:
            listings.undo(self.editor.ctx.conn, entry_id, actor=self.editor._actor(), now=self.editor.ctx.clock())
        except (listings.UndoRefused, DatabaseError) as exc:
            self.message.setText(str(exc))
            return
        assert self.service_id is not None
        self.editor.load(self.service_id)
        self.load(self.service_id)
        self.message.setText(f"已撤销修改 #{entry_id}，这条服务恢复成修改前的样子。")
