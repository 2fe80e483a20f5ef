"""In elder mode, a tapped tile or button says its label (the ``read_on_touch`` setting, off by default).

A resident who cannot read the tiles well taps 养老服务 and hears "养老服务，2 项服务" while the page
opens. Only in elder mode, only where read-aloud is on and the language has a voice (the reader of the
window, :func:`kiosk.ui.speech.reader_for`), and only for taps in the kiosk window: tiles (their title and
subtitle), buttons (their label); not the 朗读 button itself and not the keys of the on-screen keyboard
(typing would become a stream of letters). The event filter is installed only while elder mode is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.ui.theme import Theme

if TYPE_CHECKING:
    from kiosk.ui.speech import Reader
    from kiosk.ui.window import KioskWindow


def spoken_label(button: QAbstractButton) -> str:
    """What a tap on ``button`` says: its accessible name (a tile's title and subtitle) or its text."""
    if button.property("kbd") is not None or button.objectName() == "readAloudButton":
        return ""
    text = button.accessibleName() or button.text()
    return " ".join(text.replace("&&", "&").split())


class TouchReader(QObject):
    """Reads the label of what is tapped in ``window`` while elder mode is on."""

    def __init__(self, window: KioskWindow, reader: Reader) -> None:
        super().__init__(window)
        self.window = window
        self.reader = reader
        self.installed = False
        window.ctx.themeChanged.connect(self.follow_theme)
        self.follow_theme(window.ctx.theme)

    def follow_theme(self, theme: Theme) -> None:
        app = QApplication.instance()
        if app is None or theme.elder == self.installed:
            return
        if theme.elder:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self.installed = theme.elder

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(watched, QWidget):
            button = watched if isinstance(watched, QAbstractButton) else None
            if button is not None and button.window() is self.window and button.isDown():
                text = spoken_label(button)
                if text:
                    # after the tap has done its work: a page change stops the reader, then this reads
                    QTimer.singleShot(0, self, lambda: self.reader.say(text))
        return False
