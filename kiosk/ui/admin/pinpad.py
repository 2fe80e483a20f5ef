"""The PIN pad: the worker's name (when there are several), large digits, dots for what was typed, a
message line (wrong / locked / not set)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.widgets.text import button, label

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")
MAX_DIGITS = 12


class PinPad(QWidget):
    """Emits ``submitted(pin)`` when 确定 is pressed. Typed digits are never shown, only dots."""

    submitted = Signal(str)
    chosen = Signal(str)
    """A worker's name was tapped (their lock, not another's, decides whether the keys work)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pin = ""
        self.worker: str | None = None
        self.names = QHBoxLayout()
        self.name_buttons: dict[str, QPushButton] = {}
        self.title = label("", "title", wrap=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots = label("", "pin")
        self.dots.setObjectName("pinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("", "error", wrap=True)
        self.message.setObjectName("pinMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for n, key in enumerate(KEYS):
            text = {"clear": "清除", "back": "⌫"}.get(key, key)
            btn = button(text, "key")
            btn.setObjectName(f"pinKey-{key}")
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(btn, n // 3, n % 3)
            self.keys[key] = btn
        self.ok = button("确定")
        self.ok.setObjectName("pinOk")
        self.ok.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addLayout(self.names)
        layout.addWidget(self.dots)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        layout.addWidget(self.ok, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        layout.setAlignment(grid, Qt.AlignmentFlag.AlignHCenter)
        self.keys_grid = grid
        self.set_title("请输入管理密码")
        self._update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.ok.setFixedWidth(self.keys_grid.sizeHint().width())

    def set_workers(self, names: list[str]) -> None:
        """One chip per worker when there are several; a tap chooses whose PIN is typed."""
        if list(self.name_buttons) == (names if len(names) > 1 else []):
            return
        for btn in self.name_buttons.values():
            self.names.removeWidget(btn)
            btn.deleteLater()
        self.name_buttons = {}
        self.worker = None
        if len(names) > 1:
            for name in names:
                btn = button(name, "chip")
                btn.setObjectName(f"pinWorker-{name}")
                btn.setCheckable(True)
                btn.clicked.connect(lambda _=False, n=name: self.choose(n))
                self.names.addWidget(btn)
                self.name_buttons[name] = btn
        self._update()

    def choose(self, name: str) -> None:
        self.worker = name
        for other, btn in self.name_buttons.items():
            btn.setChecked(other == name)
        self.set_message("")
        self._update()
        self.chosen.emit(name)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_enabled_keys(self, on: bool) -> None:
        for btn in (*self.keys.values(), self.ok):
            btn.setEnabled(on)

    def press(self, key: str) -> None:
        if key == "clear":
            self._pin = ""
        elif key == "back":
            self._pin = self._pin[:-1]
        elif len(self._pin) < MAX_DIGITS:
            self._pin += key
        self._update()

    def enter(self, pin: str) -> None:
        """Type ``pin`` and press 确定 (tests, and a hardware keypad)."""
        self.clear()
        for digit in pin:
            self.press(digit)
        self.submit()

    def submit(self) -> None:
        if self.name_buttons and self.worker is None:
            self.set_message("请先点您的名字，再输入密码。")
            return
        pin, self._pin = self._pin, ""
        self._update()
        if pin:
            self.submitted.emit(pin)

    def clear(self) -> None:
        self._pin = ""
        self._update()

    def typed(self) -> int:
        return len(self._pin)

    def _update(self) -> None:
        self.dots.setText("●" * len(self._pin) if self._pin else "○ ○ ○ ○")

    def keyPressEvent(self, event: object) -> None:  # a keyboard on the office PC
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent):
            text = event.text()
            if text.isdigit():
                self.press(text)
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()
                return
            if event.key() == Qt.Key.Key_Backspace:
                self.press("back")
                return
        super().keyPressEvent(event)  # type: ignore[arg-type]
