"""What goes into the packaged kiosk, decided in one place (used by kiosk.spec and the tests).

PyInstaller follows Python imports by itself. This module adds what it cannot see — the bundled
database, ``resources/``, the Zinnia handwriting library and model, the Qt Virtual Keyboard QML
plugins when the UI uses them — and lists the Qt modules to keep out (Qt WebEngine above all).
"""

from __future__ import annotations

import ast
import ctypes.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# Qt modules the kiosk never imports. PyInstaller's PySide6 hooks only collect the modules that are
# imported, so this list is a guard against an indirect import (qtpy, a test helper) dragging one in.
UNUSED_QT_MODULES: tuple[str, ...] = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCanvasPainter", "QtConcurrent", "QtDataVisualization", "QtDesigner",
    "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLabsStyleKit", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtPdf", "QtPdfWidgets",
    "QtPositioning", "QtQuick3D", "QtQuickTest", "QtRemoteObjects", "QtScxml", "QtSensors",
    "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtTest",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets",
    "QtWebSockets", "QtWebView", "QtXml", "QtAsyncio",
)

# Python packages that are installed for development or tests and must never ship.
UNUSED_PYTHON: tuple[str, ...] = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "IPython", "numpy", "pandas",
    "PyQt5", "PyQt6", "PySide2", "mypy", "ruff", "fontTools", "PyInstaller", "setuptools", "pip",
)

# Where Debian puts the Zinnia library, the Tegaki Simplified Chinese model and their licences.
ZINNIA_MODEL_DIRS: tuple[str, ...] = ("/usr/share/tegaki/models/zinnia", "/usr/local/share/tegaki/models/zinnia")
ZINNIA_MODEL = "handwriting-zh_CN.model"
ZINNIA_LIBRARY = "libzinnia.so.0"
LIBRARY_DIRS: tuple[str, ...] = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                                 "/usr/lib", "/usr/local/lib")
LICENCE_FILES: tuple[tuple[str, str], ...] = (
    ("/usr/share/doc/libzinnia0/copyright", "zinnia-library-COPYRIGHT.txt"),
    ("/usr/share/doc/tegaki-zinnia-simplified-chinese/copyright", "zinnia-model-COPYRIGHT.txt"),
    ("/usr/share/common-licenses/LGPL-2.1", "LGPL-2.1.txt"),
    ("/usr/share/common-licenses/LGPL-3", "LGPL-3.txt"),
)
ZINNIA_DEST = "zinnia"
"""Folder inside the bundle (``sys._MEIPASS``) holding the Zinnia library, model and licences."""


# Qt libraries only the Qt Virtual Keyboard input-context plugin pulls in (Qt Quick and QML). When the
# UI does not use that keyboard (it has its own TouchKeyboard widget), they are left out: ~17 MB.
VIRTUAL_KEYBOARD_ONLY: tuple[str, ...] = (
    "libqtvirtualkeyboardplugin.so", "libQt6VirtualKeyboard", "libQt6Quick", "libQt6Qml",
)

# Qt's own translations: only Chinese and English are shown.
KEEP_QT_TRANSLATIONS: tuple[str, ...] = ("_zh_CN.qm", "_en.qm")


@dataclass
class Plan:
    """Arguments for PyInstaller's Analysis, plus notes for the person building."""

    datas: list[tuple[str, str]] = field(default_factory=list)
    binaries: list[tuple[str, str]] = field(default_factory=list)
    hiddenimports: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    licences: list[tuple[Path, str]] = field(default_factory=list)
    drop_binaries: tuple[str, ...] = ()
    """Name prefixes of collected binaries to leave out (see VIRTUAL_KEYBOARD_ONLY)."""
    notes: list[str] = field(default_factory=list)

    def keep_binary(self, dest: str) -> bool:
        """False for a collected binary (its destination path in the bundle) that the kiosk does not need."""
        name = dest.replace("\\", "/").rsplit("/", 1)[-1]
        return not name.startswith(self.drop_binaries)

    def keep_data(self, dest: str) -> bool:
        """False for Qt translations other than Chinese and English."""
        path = dest.replace("\\", "/")
        if "/Qt/translations/" in path and path.endswith(".qm"):
            return path.endswith(KEEP_QT_TRANSLATIONS)
        return True


def find_zinnia_library() -> Path | None:
    """The Zinnia shared library on this machine (its soname path, not the versioned file), or None.

    The soname matters: the build keeps the file's name and kiosk.core.handwriting loads
    ``zinnia/libzinnia.so.0`` from the bundle.
    """
    for folder in LIBRARY_DIRS:
        candidate = Path(folder) / ZINNIA_LIBRARY
        if candidate.is_file():
            return candidate
    name = ctypes.util.find_library("zinnia")
    if name and os.path.isabs(name) and os.path.isfile(name):
        return Path(name)
    return None


def find_zinnia_model() -> Path | None:
    """The Tegaki Simplified Chinese Zinnia model on this machine, or None."""
    for folder in ZINNIA_MODEL_DIRS:
        candidate = Path(folder) / ZINNIA_MODEL
        if candidate.is_file():
            return candidate
    return None


def uses_virtual_keyboard(source: str) -> bool:
    """True when Python ``source`` really asks for Qt Virtual Keyboard, not just mentions it.

    It does when it imports Qt Quick or QML from PySide6, or has a string (other than a docstring)
    naming the ``qtvirtualkeyboard`` input method or the ``QtQuick.VirtualKeyboard`` QML module.
    """
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    pattern = re.compile(r"qtvirtualkeyboard|QtQuick\.VirtualKeyboard", re.IGNORECASE)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("PySide6.QtQuick", "PySide6.QtQml")):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith(("PySide6.QtQuick", "PySide6.QtQml"))
                                                for a in node.names):
            return True
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and pattern.search(node.value)):
            return True
    return False


def ui_uses_virtual_keyboard(root: Path) -> bool:
    """True when any module under kiosk/ui asks for Qt Virtual Keyboard (see uses_virtual_keyboard)."""
    ui = root / "kiosk" / "ui"
    return any(uses_virtual_keyboard(p.read_text(encoding="utf-8")) for p in ui.rglob("*.py"))


def virtual_keyboard_files() -> list[tuple[str, str]]:
    """The Qt Virtual Keyboard input-context plugin and QML modules (PyInstaller skips them)."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    found: list[tuple[str, str]] = []
    plugin = qt / "plugins" / "platforminputcontexts" / "libqtvirtualkeyboardplugin.so"
    if plugin.is_file():
        found.append((str(plugin), "PySide6/Qt/plugins/platforminputcontexts"))
    for sub in ("QtQuick/VirtualKeyboard",):
        folder = qt / "qml" / sub
        if folder.is_dir():
            found.append((str(folder), f"PySide6/Qt/qml/{sub}"))
    return found


def make_plan(root: Path) -> Plan:
    """Everything to bundle from the checkout at ``root``."""
    plan = Plan()
    db = root / "data" / "kiosk.db"
    if not db.is_file():
        raise FileNotFoundError(f"{db} is missing: run `kiosk build-db` first")
    plan.datas.append((str(db), "data"))
    plan.datas.append((str(root / "resources"), "resources"))
    plan.excludes = [f"PySide6.{m}" for m in UNUSED_QT_MODULES] + list(UNUSED_PYTHON)
    plan.hiddenimports = ["kiosk.commands"]

    library, model = find_zinnia_library(), find_zinnia_model()
    if library and model:
        plan.binaries.append((str(library), ZINNIA_DEST))
        plan.datas.append((str(model), ZINNIA_DEST))
        meta = model.with_suffix(".meta")
        if meta.is_file():
            plan.datas.append((str(meta), ZINNIA_DEST))
        plan.notes.append(f"handwriting: bundling {library} and {model}")
    else:
        plan.notes.append("handwriting: Zinnia library or model not found; the build has no handwriting input "
                          "(apt-get install libzinnia0 tegaki-zinnia-simplified-chinese)")
    for source, name in LICENCE_FILES:
        if Path(source).is_file():
            plan.licences.append((Path(source), name))

    if ui_uses_virtual_keyboard(root):
        files = virtual_keyboard_files()
        plan.datas.extend(files)
        plan.hiddenimports += ["PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtQuickWidgets"]
        plan.notes.append(f"Qt Virtual Keyboard: bundling {len(files)} plugin folder(s)")
    else:
        plan.drop_binaries = VIRTUAL_KEYBOARD_ONLY
        plan.notes.append("Qt Virtual Keyboard: not used by kiosk/ui (own touch keyboard); left out with Qt Quick")
    return plan
