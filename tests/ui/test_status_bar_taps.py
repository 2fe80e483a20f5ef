"""The status bar's toggles stay under the finger: a second tap lands on the button tapped first
(the resident screens issue: in elder mode the buttons moved, and a second tap undid the change)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.ui.window import KioskWindow


def centre_in_window(window: KioskWindow, btn: QPushButton) -> QPoint:
    return btn.mapTo(window, btn.rect().center())


def button_at(window: KioskWindow, point: QPoint) -> QPushButton | None:
    widget = window.childAt(point)
    while widget is not None and not isinstance(widget, QPushButton):
        widget = widget.parentWidget()
    return widget


def test_elder_mode_and_language_toggles_stay_under_the_finger(qtbot: Any, window: KioskWindow) -> None:
    """Tap 长辈模式, then English, then 中文: each time the same spot is still the same button."""
    window.show()
    window.nav.home()
    bar = window.status_bar
    for name in ("elder_button", "language_button", "language_button", "elder_button", "contrast_button"):
        btn = getattr(bar, name)
        QApplication.processEvents()
        spot = centre_in_window(window, btn)
        assert button_at(window, spot) is btn
        qtbot.mouseClick(btn, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
        assert button_at(window, spot) is btn, f"after tapping {name} the same spot is another button"


def test_switching_the_language_moves_no_toggle(qtbot: Any, window: KioskWindow) -> None:
    """English ↔ 中文 in elder mode: the three toggles keep their place and width."""
    window.show()
    window.nav.home()
    bar = window.status_bar
    qtbot.mouseClick(bar.elder_button, Qt.MouseButton.LeftButton)

    def places() -> list[tuple[int, int]]:
        QApplication.processEvents()
        return [(b.mapTo(window, b.rect().topLeft()).x(), b.width())
                for b in (bar.language_button, bar.contrast_button, bar.elder_button)]

    before = places()
    qtbot.mouseClick(bar.language_button, Qt.MouseButton.LeftButton)
    assert window.ctx.language == "en" and places() == before
    qtbot.mouseClick(bar.language_button, Qt.MouseButton.LeftButton)
    assert window.ctx.language == "zh" and places() == before
