"""The listing editor: large fields, messages that name the field, a live preview of the resident
card, retire/restore, and the listing's history with undo.

The editor works on a copy of the stored :class:`~kiosk.core.listings.editing.Listing`; fields it does not
show (English texts of phones, a phone's type, further locations, the organization…) are carried
over unchanged. Saving goes through :func:`kiosk.core.listings.editing.save_listing`, which validates,
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
from kiosk.core.listings.editing import DocumentEntry, HoursEntry, Listing, LocationEntry, PhoneEntry
from kiosk.core.listings.validation import FieldProblem
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel

HOURS_TEMPLATES = (
    ("工作日 8:30–17:30", "Mo-Fr 08:30-17:30"),
    ("工作日 上午+下午", "Mo-Fr 08:30-12:00,14:30-17:30"),
    ("每天 8:00–20:00", "Mo-Su 08:00-20:00"),
    ("全天 24 小时", "24/7"),
)
ACTION_LABELS = {"create": "新建", "edit": "修改", "retire": "停用", "restore": "恢复", "undo": "撤销",
                 "import": "导入"}

TEXT_FIELDS = (
    ("name", "名称（必填）", "line"),
    ("name_en", "英文名称", "line"),
    ("description", "简介（服务内容）", "text"),
    ("description_en", "英文简介", "text"),
    ("eligibility_description", "服务对象", "text"),
    ("application_process", "怎样办理", "text"),
    ("fees_description", "费用", "line"),
    ("url", "网址", "line"),
    ("email", "电子邮箱", "line"),
)
LOCATION_FIELDS = (("name", "地点名称"), ("address", "地址"), ("community", "所在社区"), ("transportation", "交通"))


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
        line = QHBoxLayout()
        edits = []
        for n, (placeholder, stretch) in enumerate(self.columns):
            edit = QLineEdit(values[n] if n < len(values) else "")
            edit.setPlaceholderText(placeholder)
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
        for key, caption, kind in TEXT_FIELDS[:2]:
            self._add_field(key, caption, self._make_edit(key, kind))
        self.phones = EntryRows("phones", (("电话号码，如 0371-68123456 或 13812345678", 3), ("说明，如 前台", 2)),
                                "＋ 添加电话")
        self._add_field("phones", "电话", self.phones)
        self.hours = EntryRows("hours", (("营业时间，如 Mo-Fr 08:30-17:30", 3), ("说明，如 午餐", 2)),
                               "＋ 添加营业时间")
        self._add_field("hours", "营业时间", self.hours)
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
        self.form_layout.addWidget(label("写法：Mo 周一 … Su 周日，Mo-Fr 周一至周五；时间 08:30-17:30；"
                                         "多段用逗号；PH off 法定节假日休息。", "muted", wrap=True))
        for key, caption, kind in TEXT_FIELDS[2:]:
            self._add_field(key, caption, self._make_edit(key, kind))
        self.documents = EntryRows("documents", (("所需材料，如 身份证", 1),), "＋ 添加材料")
        self._add_field("documents", "需要带的材料", self.documents)
        self.location_edits: dict[str, QLineEdit] = {}
        for key, caption in LOCATION_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"field-location-{key}")
            edit.textChanged.connect(self.schedule_preview)
            self.location_edits[key] = edit
            self._add_field(f"location.{key}", caption, edit)
        self.languages = QLineEdit()
        self.languages.setObjectName("field-languages")
        self.languages.setPlaceholderText("如 普通话、英语")
        self.languages.textChanged.connect(self.schedule_preview)
        self._add_field("languages", "服务语言", self.languages)
        self.form_layout.addStretch(1)
        self.phones.changed.connect(self.schedule_preview)
        self.hours.changed.connect(self.schedule_preview)
        self.documents.changed.connect(self.schedule_preview)
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
    def _make_edit(self, key: str, kind: str) -> QLineEdit | QPlainTextEdit:
        edit: QLineEdit | QPlainTextEdit
        if kind == "text" and not self.panel.touch:  # the touch keyboard types into line edits only
            edit = QPlainTextEdit()
            edit.setMinimumHeight(self.panel.theme.min_target * 2)
            edit.setTabChangesFocus(True)
        else:
            edit = QLineEdit()
        edit.setObjectName(f"field-{key}")
        edit.textChanged.connect(self.schedule_preview)
        return edit

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
        for key, _caption, _kind in TEXT_FIELDS:
            widget = self.fields[key]
            value = getattr(stored, key) or ""
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value)
        self.phones.set_rows([((p.number, p.description or ""), p) for p in stored.phones])
        self.hours.set_rows([((h.opening_hours, h.description or ""), h) for h in stored.hours])
        self.documents.set_rows([((d.document,), d) for d in stored.documents])
        first_location = stored.locations[0] if stored.locations else LocationEntry()
        for key, edit in self.location_edits.items():
            edit.setText(getattr(first_location, key) or "")
        self.languages.setText("、".join(stored.languages))
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
        """The listing as the form stands (not saved)."""
        listing = copy.deepcopy(self.original)
        listing.category_id = str(self.category.currentData() or "")
        listing.status = str(self.status.currentData() or "active")
        for key, _caption, _kind in TEXT_FIELDS:
            text = self.text_of(key).strip()
            setattr(listing, key, text if key == "name" else (text or None))
        phones, hours, documents = [], [], []
        for _index, (number, description), payload in self.phones.entries():
            old = payload if isinstance(payload, PhoneEntry) else PhoneEntry()
            phones.append(PhoneEntry(number, old.type, description or None, old.description_en, old.extension))
        for _index, (expr, description), payload in self.hours.entries():
            old_h = payload if isinstance(payload, HoursEntry) else HoursEntry()
            hours.append(HoursEntry(expr, description or None, old_h.description_en))
        for _index, (document,), payload in self.documents.entries():
            old_d = payload if isinstance(payload, DocumentEntry) else DocumentEntry()
            documents.append(DocumentEntry(document, old_d.document_en))
        self._row_maps = {"phones": [i for i, *_ in self.phones.entries()],
                          "hours": [i for i, *_ in self.hours.entries()],
                          "documents": [i for i, *_ in self.documents.entries()]}
        listing.phones, listing.hours, listing.documents = phones, hours, documents
        place = copy.deepcopy(self.original.locations[0]) if self.original.locations else LocationEntry()
        for key, edit in self.location_edits.items():
            setattr(place, key, edit.text().strip() or None)
        rest = copy.deepcopy(self.original.locations[1:])
        has_place = any(getattr(place, key) for key in self.location_edits) or place.id is not None
        listing.locations = ([place] if has_place else []) + rest
        listing.languages = [w for w in re.split(r"[、,，;；\s]+", self.languages.text()) if w]
        return listing

    # -- hours helpers --------------------------------------------------------------------------
    def insert_hours(self, expr: str) -> None:
        """Fill the first empty hours row with a template (or add a row)."""
        for _row, edits, _error, _payload in self.hours.rows:
            if not edits[0].text().strip():
                edits[0].setText(expr)
                return
        self.hours.add_row((expr, ""))

    def add_holiday_rule(self) -> None:
        """Append "PH off" (closed on public holidays) to the last hours row."""
        if not self.hours.rows:
            self.hours.add_row(("PH off", ""))
            return
        edit = self.hours.rows[-1][1][0]
        text = edit.text().strip()
        if "PH" not in text:
            edit.setText(f"{text}; PH off" if text else "PH off")

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
            self.show_problems(listings.validate_listing(self.ctx.conn, listings.compact(draft)), draft_made=True)

    def preview_text(self) -> str:
        """Everything the preview shows, as text (tests)."""
        if isinstance(self.preview, QLabel):
            return self.preview.text()
        parts = [w.text() for w in self.preview.findChildren(QLabel) if w.isVisibleTo(self.preview)]
        return "\n".join(parts)

    def clear_problems(self) -> None:
        self._had_problems = False
        for key, error in self.errors.items():
            error.hide()
            widget = self.fields.get(key)
            if widget is not None:
                _set_invalid(widget, False)
        for rows in (self.phones, self.hours, self.documents):
            rows.clear_errors()
        self.message.setText("")

    def show_problems(self, problems: Sequence[FieldProblem], *, draft_made: bool = False) -> None:
        if not draft_made:
            self.draft()  # refresh the row maps
        self.clear_problems()
        self._had_problems = bool(problems)
        if not problems:
            return
        for problem in problems:
            parts = problem.field.split(".")
            if len(parts) == 3 and parts[0] in ("phones", "hours", "documents"):
                rows = {"phones": self.phones, "hours": self.hours, "documents": self.documents}[parts[0]]
                mapping = self._row_maps.get(parts[0], [])
                n = int(parts[1]) - 1
                rows.set_error(mapping[n] if n < len(mapping) else n, f"{problem.label}：{problem.message}")
                continue
            key = f"location.{parts[2]}" if parts[0] == "locations" and len(parts) == 3 else problem.field
            error = self.errors.get(key) or self.errors.get("name")
            assert error is not None
            error.setText(f"{problem.label}：{problem.message}")
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
