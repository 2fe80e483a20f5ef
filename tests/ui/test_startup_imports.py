"""Start-up stays light: what the real ``kiosk run`` has imported when its first screen is painted.

Each module named here was measured out of the start path (docs/architecture.md, "Start-up"); one
that comes back — a top-level import in a module the start path reads — costs its import time on
every start of the terminal. The kiosk runs as a real process, through the command line, and the
modules are read at the moment the attract screen is first painted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.ui.registry import RESIDENT_SCREENS

REPO = Path(__file__).resolve().parents[2]

#: run `kiosk run` as `python -m kiosk` does; print sys.modules once the first screen is painted, then exit
CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from kiosk.ui import readiness

original = readiness.install

def install(window, mode, started):
    def painted():
        print("MODULES " + json.dumps(sorted(sys.modules)), flush=True)
        QApplication.instance().exit(0)
    readiness.when_painted(window, painted)
    original(window, mode, started)

readiness.install = install
from kiosk.cli import main
raise SystemExit(main(["run", "--windowed", "--size", "1080x1920", "--ready-report", "first"]))
"""

#: third-party packages the first screen does not need (each measured: 10–160 ms or tens of MB)
NOT_AT_START = (
    "sqlite_utils", "numpy", "click", "dateutil",  # sqlite-utils and what it imports: only to write rows
    "pydantic", "segno", "pypinyin", "qtawesome", "qtpy", "opening_hours", "chinese_calendar", "holidays",
)
#: the kiosk's own modules the first screen does not need
OWN_NOT_AT_START = (
    "kiosk.core.listings.editing",  # only an upgrade of the content merges listings (kiosk.core.db.runtime)
    "kiosk.core.search.pinyin",  # syllable tables: the search screen, built after the first paint
    "kiosk.ui.memory",  # ctypes and malloc_trim: the first idle reset
    "kiosk.ui.admin.screen",  # the worker tools: the first corner hold
)


def modules_at_first_paint(tmp_path: Path) -> set[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "KIOSK_SPEECH_ENGINE": "mock",
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert lines, f"the kiosk never painted its first screen (exit {done.returncode}): {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
    return set(json.loads(lines[0].removeprefix("MODULES ")))


def test_first_paint_of_kiosk_run_imports_no_heavy_module_and_no_other_screen(tmp_path: Path) -> None:
    """At the first paint of the real `kiosk run`: none of the heavy libraries, only the attract screen's module."""
    modules = modules_at_first_paint(tmp_path)
    assert "kiosk.ui.screens.attract" in modules and "PySide6.QtWidgets" in modules  # it did get that far
    loaded = {name.split(".")[0] for name in modules} & set(NOT_AT_START)
    assert not loaded, f"imported before the first paint: {sorted(loaded)}"
    own = sorted(set(OWN_NOT_AT_START) & modules)
    assert not own, f"imported before the first paint: {own}"
    screens = sorted(module for name, (module, _cls) in RESIDENT_SCREENS.items()
                     if name != "attract" and module in modules)
    assert not screens, f"screens imported before the first paint (they are built while the kiosk waits): {screens}"
    commands = sorted(m for m in modules if m.startswith("kiosk.commands.") and m not in ("kiosk.commands.run",
                                                                                          "kiosk.commands._common"))
    assert not commands, f"`kiosk run` loaded other commands' modules (kiosk.cli._ALONE): {commands}"
