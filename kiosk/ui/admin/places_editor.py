"""The places of one service in the listing editor: add, edit, retire and reorder them.

Each place is a box with the place fields declared in :class:`kiosk.core.listings.fields.LocationEntry`
(name, address, community, opening hours, phones …), its status (在用/停用) and 上移/下移. Opening
hours are written as on a notice board, or put together by tapping: a days chip (周一至周五, 每天 …)
then a times chip (8:30-17:30 …), plus 节假日休息 — no typing of ``;`` or capitals. A place already
stored is never deleted (停用 hides it from residents and keeps its history); a place added in this
edit and not saved yet can be removed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.core.listings import editing as listings
from kiosk.core.listings.fields import Declared, FieldPath, LocationEntry, group_of, scalars
from kiosk.core.listings.validation import FieldProblem
from kiosk.ui.widgets.text import button, label

DAY_CHIPS = ("周一至周五", "工作日", "周一至周六", "每天", "周末", "周二至周日")
TIME_CHIPS = ("8:30-17:30", "8:30-12:00 14:30-17:30", "9:00-17:00", "8:00-18:00")
_DAYS_THEN_TIMES = re.compile(r"^(?P<days>[^0-9０-９]*?)\s*(?P<times>[0-9０-９].*)?$")


def editable_place_fields() -> list[Declared]:
    return [d for d in scalars(LocationEntry) if d.spec is not None and d.spec.editor is not None]


def with_days(text: str, days: str) -> str:
    """``text`` with its days part replaced: ``每天 8:00-18:00`` + 周一至周五 → ``周一至周五 8:00-18:00``."""
    rest, holiday = _split_holiday(text)
    match = _DAYS_THEN_TIMES.match(rest.strip())
    times = match.group("times") if match else None
    return f"{days} {times}".strip() + holiday if times else days + holiday


def with_times(text: str, times: str) -> str:
    """``text`` with its times replaced (days kept, 每天 when there are none yet)."""
    rest, holiday = _split_holiday(text)
    match = _DAYS_THEN_TIMES.match(rest.strip())
    days = (match.group("days") if match else "").strip(" ，,") or "每天"
    return f"{days} {times}" + holiday


def with_holidays_off(text: str) -> str:
    rest, holiday = _split_holiday(text)
    return (rest.strip() or "工作日 8:30-17:30") + "，节假日休息" if not holiday else text


def _split_holiday(text: str) -> tuple[str, str]:
    for tail in ("，节假日休息", ",节假日休息", "；节假日休息", " 节假日休息", "节假日休息"):
        if text.endswith(tail):
            return text[: -len(tail)], "，节假日休息"
    return text, ""


class PlaceBox(QFrame):
    """One place: its fields, status, order buttons and (for a new place) 删除."""

    def __init__(self, owner: PlacesEditor, place: LocationEntry) -> None:
        super().__init__()
        self.setProperty("role", "section")
        self.owner = owner
        self.place = place
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.status = QComboBox()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = label("", "heading")
        top.addWidget(self.heading, 1)
        self.up = button("上移", "nav")
        self.down = button("下移", "nav")
        self.remove = button("删除", "nav")
        self.up.clicked.connect(lambda: owner.move_place(self, -1))
        self.down.clicked.connect(lambda: owner.move_place(self, 1))
        self.remove.clicked.connect(lambda: owner.remove_place(self))
        for b in (self.up, self.down, self.remove):
            top.addWidget(b)
        layout.addLayout(top)
        grid = QGridLayout()
        row = 0
        for d in editable_place_fields():
            assert d.spec is not None
            grid.addWidget(label(d.spec.label, "body"), row, 0)
            if d.spec.editor == "choice":
                for key in listings.PLACE_STATUSES:
                    self.status.addItem(listings.STATUS_LABELS[key], key)
                self.status.setObjectName("place-status")
                self.status.currentIndexChanged.connect(owner.changed)
                grid.addWidget(self.status, row, 1)
            else:
                edit = QLineEdit()
                edit.setObjectName(f"place-{d.name}")
                edit.setPlaceholderText(d.spec.hint)
                edit.textChanged.connect(owner.changed)
                self.edits[d.name] = edit
                grid.addWidget(edit, row, 1)
            error = label("", "error", wrap=True)
            error.hide()
            self.errors[d.name] = error
            grid.addWidget(error, row + 1, 1)
            row += 2
            if d.name == "hours":
                grid.addLayout(self._hours_chips(), row, 1)
                row += 1
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.fill(place)

    def _hours_chips(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        edit = self.edits["hours"]
        for chips, apply in ((DAY_CHIPS, with_days), (TIME_CHIPS, with_times)):
            line = QHBoxLayout()
            for text in chips:
                chip = button(text, "chip")
                chip.setObjectName(f"hours-chip-{text}")
                chip.clicked.connect(lambda _=False, t=text, f=apply: edit.setText(f(edit.text(), t)))
                line.addWidget(chip)
            line.addStretch(1)
            rows.addLayout(line)
        line = QHBoxLayout()
        for text, make in (("＋节假日休息", with_holidays_off), ("全天开放", lambda _t: "全天")):
            chip = button(text, "chip")
            chip.setObjectName(f"hours-chip-{text}")
            chip.clicked.connect(lambda _=False, f=make: edit.setText(f(edit.text())))
            line.addWidget(chip)
        line.addStretch(1)
        rows.addLayout(line)
        return rows

    def fill(self, place: LocationEntry) -> None:
        from kiosk.ui.admin.editor import as_text

        for d in editable_place_fields():
            if d.name in self.edits:
                self.edits[d.name].setText(as_text(d, getattr(place, d.name)))
        self.status.setCurrentIndex(max(0, self.status.findData(place.status)))

    def read(self, reader: Callable[[Declared, str, FieldPath], object], number: int) -> LocationEntry:
        place = copy.deepcopy(self.place)
        for d in editable_place_fields():
            if d.name in self.edits:
                setattr(place, d.name, reader(d, self.edits[d.name].text(), ("locations", number, d.name)))
        place.status = str(self.status.currentData() or "active")
        return place

    def is_empty(self) -> bool:
        return self.place.id is None and not any(e.text().strip() for e in self.edits.values())

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.hide()

    def show_error(self, field: str, text: str) -> None:
        error = self.errors.get(field) or self.errors.get("name")
        if error is not None:
            error.setText(text)
            error.show()


class PlacesEditor(QWidget):
    """Every place of the listing, in order, with ＋ 添加地点."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("places")
        self.boxes: list[PlaceBox] = []
        self.box_layout = QVBoxLayout(self)
        self.box_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = button(group_of("locations").add_text, "chip")
        self.add_button.setObjectName("places-add")
        self.add_button.clicked.connect(lambda: self.add_place())
        self.box_layout.addWidget(self.add_button)

    def set_places(self, places: list[LocationEntry]) -> None:
        for box in self.boxes:
            self.box_layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for place in places:
            self.add_place(place, emit=False)
        self._renumber()

    def add_place(self, place: LocationEntry | None = None, *, emit: bool = True) -> PlaceBox:
        box = PlaceBox(self, place or LocationEntry())
        self.box_layout.insertWidget(self.box_layout.count() - 1, box)
        self.boxes.append(box)
        self._renumber()
        if emit:
            self.changed.emit()
        return box

    def move_place(self, box: PlaceBox, step: int) -> None:
        index = self.boxes.index(box)
        target = index + step
        if not 0 <= target < len(self.boxes):
            return
        self.boxes[index], self.boxes[target] = self.boxes[target], self.boxes[index]
        self.box_layout.removeWidget(box)
        self.box_layout.insertWidget(target, box)
        self._renumber()
        self.changed.emit()

    def remove_place(self, box: PlaceBox) -> None:
        """Remove a place added in this edit; a stored one is set to 停用 instead (never deleted)."""
        if box.place.id is not None:
            box.status.setCurrentIndex(box.status.findData("retired"))
            return
        self.boxes.remove(box)
        self.box_layout.removeWidget(box)
        box.deleteLater()
        self._renumber()
        self.changed.emit()

    def _renumber(self) -> None:
        for n, box in enumerate(self.boxes, start=1):
            box.heading.setText(f"地点 {n}" + (f"：{box.place.name}" if box.place.name else ""))
            box.up.setEnabled(n > 1)
            box.down.setEnabled(n < len(self.boxes))
            box.remove.setText("停用" if box.place.id is not None else "删除")

    def read(self, reader: Callable[[Declared, str, FieldPath], object]) -> tuple[list[LocationEntry], list[int]]:
        """The places as the form stands, and for each the index of its box (empty new boxes are skipped)."""
        places: list[LocationEntry] = []
        indexes: list[int] = []
        for index, box in enumerate(self.boxes):
            if box.is_empty():
                continue
            places.append(box.read(reader, len(places) + 1))
            indexes.append(index)
        return places, indexes

    def clear_errors(self) -> None:
        for box in self.boxes:
            box.clear_errors()

    def show_problem(self, problem: FieldProblem, indexes: list[int]) -> bool:
        """Show a ``("locations", n, field)`` problem in its box; False when it is not one."""
        path = problem.path
        if len(path) != 3 or path[0] != "locations" or not isinstance(path[1], int):
            return False
        n = path[1] - 1
        index = indexes[n] if 0 <= n < len(indexes) else n
        if 0 <= index < len(self.boxes):
            self.boxes[index].show_error(str(path[2]), str(problem))
            return True
        return False
