"""The screen ``kiosk run`` shows when it cannot show the resident screens at all.

Every bad start state the kiosk can work around (a read-only folder, a newer database, a damaged
font, an unusable path) still gets the resident screens (kiosk.core.db.runtime.open_kiosk_database).
When no database can be shown at all — the bundled one missing or damaged as well, the runtime
database locked by another program — exiting would leave the bare desktop on the terminal (and a
service manager restarting it in a loop). Instead this screen says, calmly, that the terminal is
out of service, and tells the staff in one line what is wrong and what to do; the same line is in
the log. It stays up until the service is restarted.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

TITLE = "抱歉，本终端暂停服务"
TITLE_EN = "Sorry, this terminal is out of service"
HELP = "请拨打 12345 或到服务大厅咨询。\nPlease call 12345 or ask at the service hall."


class OutOfServiceWindow(QWidget):
    """A full-screen notice: out of service for residents, the reason and the fix for staff."""

    def __init__(self, reason: str, *, block_close: bool = True) -> None:
        super().__init__()
        self.setObjectName("OutOfService")
        self.setWindowTitle(TITLE)
        self.block_close = block_close
        self.setStyleSheet("QWidget#OutOfService { background: #f4f6f8; } QLabel { color: #1f2933; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 64, 64, 64)
        layout.addStretch(2)
        self.title = self._label(f"{TITLE}\n{TITLE_EN}", 44, bold=True)
        self.help = self._label(HELP, 28)
        self.reason = self._label(f"工作人员请看 (for staff): {reason}\n处理后重新启动终端程序 (fix it, then "
                                  "restart the kiosk; `kiosk doctor` checks the set-up).", 20)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.title, self.help):
            layout.addWidget(widget)
            layout.addSpacing(32)
        layout.addStretch(1)
        layout.addWidget(self.reason)
        layout.addStretch(1)

    @staticmethod
    def _label(text: str, px: int, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPixelSize(px)
        font.setBold(bold)
        label.setFont(font)
        return label

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.block_close:
            event.ignore()
        else:
            super().closeEvent(event)


def show_out_of_service(reason: str, *, windowed: bool, size: tuple[int, int], block_close: bool,
                        ready_report: str | None = None, started: float | None = None) -> int:
    """Show :class:`OutOfServiceWindow` and run the event loop; the exit status is 1 (the start failed).

    With ``ready_report`` (benchmarks, tests) a JSON line ``{"ready": MODE, "out_of_service": reason, …}``
    is printed once the notice is painted, and the program exits.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = OutOfServiceWindow(reason, block_close=block_close)
    if ready_report:
        def report() -> None:
            window.repaint()  # painted before it is reported
            line = {"ready": ready_report, "out_of_service": reason,
                    "seconds": round(time.perf_counter() - (started or 0.0), 4)}
            print(json.dumps(line, ensure_ascii=False), flush=True)
            app.exit(1)

        QTimer.singleShot(0, report)
    if windowed:
        window.resize(*size)
        window.show()
    else:
        window.showFullScreen()
    app.exec()
    return 1
