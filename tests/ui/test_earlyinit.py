"""Early start-up: faulthandler writes a fatal crash's stack beside the log, and the next start reports it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui.earlyinit import FAULTS_FILE_NAME, enable_faulthandler

REPO = Path(__file__).resolve().parents[2]


def test_a_segfault_leaves_its_stack_and_the_next_start_logs_it(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """A process that dies of SIGSEGV after early start-up leaves faults.log; the next start copies it
    into the log as a warning and empties the file."""
    child = (f"import faulthandler\nfrom pathlib import Path\nfrom kiosk.ui.earlyinit import enable_faulthandler\n"
             f"enable_faulthandler(Path({str(tmp_path)!r}))\ndef tap_handler():\n    faulthandler._sigsegv()\n"
             f"tap_handler()\n")
    result = subprocess.run([sys.executable, "-c", child], cwd=REPO, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode != 0
    trace = (tmp_path / FAULTS_FILE_NAME).read_text(encoding="utf-8")
    assert "Segmentation fault" in trace and "tap_handler" in trace

    with caplog.at_level(logging.WARNING, logger="kiosk.earlyinit"):
        enable_faulthandler(tmp_path)
    assert any("previous run ended in a fatal error" in r.getMessage() and "tap_handler" in r.getMessage()
               for r in caplog.records)
    assert (tmp_path / FAULTS_FILE_NAME).read_text(encoding="utf-8") == ""
    enable_faulthandler(None)  # back to stderr for the rest of the test run


def test_an_unwritable_log_folder_falls_back_to_the_console(tmp_path: Path) -> None:
    """A folder that cannot be written does not stop the start (faults then go to stderr)."""
    missing = tmp_path / "file-not-folder"
    missing.write_text("x")
    assert enable_faulthandler(missing) is None
    enable_faulthandler(None)
