"""The layers: kiosk.core never imports Qt, the UI or the CLI; the UI never imports the CLI; screens run no SQL."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kiosk

PACKAGE = Path(kiosk.__file__).parent
FORBIDDEN_IN_CORE = ("PySide6", "qtawesome", "shiboken6", "qtpy", "kiosk.ui", "kiosk.commands")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_source_has_no_qt_imports() -> None:
    """No module under kiosk/core imports Qt, qtawesome, the UI or the CLI."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN_IN_CORE)
    ]
    assert offenders == []


def test_importing_all_of_core_loads_no_qt() -> None:
    """Importing every core module in a fresh interpreter leaves Qt unloaded."""
    modules = [".".join(("kiosk", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
               for p in sorted((PACKAGE / "core").rglob("*.py"))]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qtawesome', 'shiboken6'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_screens_run_no_sql() -> None:
    """Nothing under kiosk/ui imports sqlite3 or sqlite_utils: screens ask core for dataclasses."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in ("sqlite3", "sqlite_utils")
    ]
    assert offenders == []


def test_ui_never_imports_the_command_line_layer() -> None:
    """Nothing under kiosk/ui imports kiosk.commands or kiosk.cli: commands turn arguments into plain
    settings (kiosk.ui.app.RunOptions) and call the UI, never the other way round."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        for name in _imports(path)
        if name.startswith(("kiosk.commands", "kiosk.cli")) or name == "argparse"
    ]
    assert offenders == []
