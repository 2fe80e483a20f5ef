"""A row of filter chips (one selected at a time): 全部, 营业中, areas … later issues add more."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from kiosk.ui.widgets.flow import FlowLayout
from kiosk.ui.widgets.text import button


class ChipBar(QWidget):
    """Exclusive checkable chips; ``chipSelected(key)`` when the resident taps one. The chips wrap onto a
    second line when they do not fit (elder-mode labels are 40 px)."""

    chipSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = FlowLayout(self)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.chips: dict[str, QPushButton] = {}

    def add_chip(self, key: str, text: str = "") -> QPushButton:
        """Add (or return the existing) chip ``key``."""
        if key in self.chips:
            return self.chips[key]
        chip = button(text, "chip")
        chip.setObjectName(f"chip-{key}")
        chip.setCheckable(True)
        self.group.addButton(chip)
        chip.clicked.connect(lambda _=False, k=key: self.chipSelected.emit(k))
        self.row.addWidget(chip)
        self.chips[key] = chip
        if len(self.chips) == 1:
            chip.setChecked(True)
        return chip

    def remove_chip(self, key: str) -> None:
        chip = self.chips.pop(key, None)
        if chip is not None:
            self.group.removeButton(chip)
            chip.deleteLater()

    def select(self, key: str) -> None:
        """Check ``key`` without emitting (idle reset, new category)."""
        if key in self.chips:
            self.chips[key].setChecked(True)

    def selected(self) -> str | None:
        for key, chip in self.chips.items():
            if chip.isChecked():
                return key
        return None

    def set_spacing(self, px: int) -> None:
        self.row.setSpacing(px)
