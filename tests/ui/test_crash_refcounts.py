"""The interpreter never aborts with "deallocating None" however long the kiosk runs (kiosk.ui.pyside_fix)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.ui import pyside_fix

REPO = Path(__file__).resolve().parents[2]

# Hundreds of thousands of Qt calls that return nothing or True, and signals emitted: on CPython 3.11
# with PySide6 6.12 each one drops a reference to None or True, so without the fix this aborts after
# a few thousand calls.
CHILD = r"""
import sys
import kiosk.ui  # applies the fix
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

class Sender(QObject):
    ping = Signal()

app = QApplication([])
widget = QWidget()
sender = Sender()
sender.ping.connect(lambda: None)
for _ in range(300_000):
    widget.setVisible(False)
    widget.layout()
for _ in range(100_000):
    sender.ping.emit()
print("alive", sys.getrefcount(None) > 0)
"""


def test_none_true_false_cannot_run_out_of_references() -> None:
    """After importing kiosk.ui, None/True/False hold more references than a process can drop (3.11)."""
    if pyside_fix.needed():
        for obj in (None, True, False):
            assert sys.getrefcount(obj) > pyside_fix.BOOST
    else:  # 3.12+: immortal already, nothing to do
        assert pyside_fix.protect_singletons() is False


def test_protecting_twice_adds_nothing() -> None:
    """A second call (another import path) does not raise the counts again."""
    before = sys.getrefcount(None)
    pyside_fix.protect_singletons()
    assert abs(sys.getrefcount(None) - before) < 1000


def test_a_long_run_of_qt_calls_does_not_abort() -> None:
    """400 000 void Qt calls and 100 000 signal emissions in a fresh process: it lives and exits 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=240,
                            cwd=REPO, env=env)
    assert "deallocating" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "alive True"
