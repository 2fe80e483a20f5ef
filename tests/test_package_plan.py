"""Packaging pieces that need no build: entry point, build plan, unit and autostart files, install script."""

from __future__ import annotations

import configparser
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"packaging_{name}"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["run"]),
        (["--self-test"], ["run", "--self-test"]),
        (["--data-dir", "/d", "--self-test"], ["--data-dir", "/d", "run", "--self-test"]),
        (["--data-dir=/d", "--windowed"], ["--data-dir=/d", "run", "--windowed"]),
        (["doctor"], ["doctor"]),
        (["--data-dir", "/d", "update-content", "x.zip"], ["--data-dir", "/d", "update-content", "x.zip"]),
        (["--version"], ["--version"]),
        (["-h"], ["-h"]),
    ],
)
def test_packaged_program_defaults_to_run(argv: list[str], expected: list[str]) -> None:
    """The packaged `kiosk` inserts `run` only when no subcommand is named."""
    main = _load("kiosk_main")
    assert main.with_default_command(argv, build_parser()) == expected


def test_plan_bundles_data_and_keeps_webengine_out() -> None:
    """The plan ships the database and resources and excludes Qt WebEngine and test tools."""
    plan = _load("bundle_plan").make_plan(ROOT)
    dests = {(Path(src).name, dest) for src, dest in plan.datas}
    assert ("kiosk.db", "data") in dests and ("resources", "resources") in dests
    assert {"PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "pytest", "tkinter"} <= set(plan.excludes)
    assert "kiosk.commands" in plan.hiddenimports


def test_plan_carries_zinnia_under_its_soname() -> None:
    """When Zinnia is installed, the library goes to zinnia/ as libzinnia.so.0 with the model beside it."""
    bundle_plan = _load("bundle_plan")
    plan = bundle_plan.make_plan(ROOT)
    if bundle_plan.find_zinnia_library() is None or bundle_plan.find_zinnia_model() is None:
        assert any("handwriting" in note and "not found" in note for note in plan.notes)
        return
    assert [(Path(s).name, d) for s, d in plan.binaries] == [("libzinnia.so.0", "zinnia")]
    assert ("handwriting-zh_CN.model", "zinnia") in {(Path(s).name, d) for s, d in plan.datas}
    assert any(name == "LGPL-2.1.txt" for _src, name in plan.licences)


def test_plan_filters() -> None:
    """Without Qt Virtual Keyboard, its plugin and Qt Quick are dropped; Qt translations keep zh_CN and en."""
    bundle_plan = _load("bundle_plan")
    plan = bundle_plan.Plan(drop_binaries=bundle_plan.VIRTUAL_KEYBOARD_ONLY)
    assert not plan.keep_binary("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so")
    assert not plan.keep_binary("PySide6/Qt/lib/libQt6Quick.so.6")
    assert plan.keep_binary("PySide6/Qt/lib/libQt6Widgets.so.6")
    assert plan.keep_binary("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert plan.keep_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not plan.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert plan.keep_data("resources/translations/kiosk_en.qm")


def _ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def test_systemd_unit_restarts_forever_in_the_graphical_session() -> None:
    """The user unit restarts always, never hits a start limit and belongs to the graphical session."""
    unit = _ini(PACKAGING / "systemd" / "shangjie-kiosk.service")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Unit"]["PartOf"] == unit["Install"]["WantedBy"] == "graphical-session.target"
    assert unit["Service"]["ExecStart"] == "/opt/shangjie-kiosk/kiosk run"
    assert unit["Service"]["ExecStartPre"].startswith("-")  # a missing inbox never blocks the start


def test_content_unit_watches_the_inbox() -> None:
    """The content unit runs `update-content --watch` in the same session and comes back after failures."""
    unit = _ini(PACKAGING / "systemd" / "shangjie-kiosk-content.service")
    assert unit["Service"]["ExecStart"] == "/opt/shangjie-kiosk/kiosk update-content --watch"
    assert unit["Service"]["Restart"] == "always" and unit["Install"]["WantedBy"] == "graphical-session.target"


def test_autostart_entry() -> None:
    """The XDG autostart entry is an application that runs the session script."""
    entry = _ini(PACKAGING / "xdg" / "shangjie-kiosk.desktop")["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"] == "/opt/shangjie-kiosk/install/kiosk-session"
    assert entry["Name"] == "上街社区服务终端"
    assert os.access(PACKAGING / "kiosk-session", os.X_OK)


def _fake_package(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg" / "shangjie-kiosk"
    (folder / "install").mkdir(parents=True)
    for name in ("systemd/shangjie-kiosk.service", "systemd/shangjie-kiosk-content.service",
                 "xdg/shangjie-kiosk.desktop", "kiosk-session", "install-terminal.sh"):
        target = folder / "install" / Path(name).name
        target.write_bytes((PACKAGING / name).read_bytes())
        target.chmod(0o755)
    (folder / "kiosk").write_text("#!/bin/sh\necho stub\n", encoding="utf-8")
    (folder / "kiosk").chmod(0o755)
    (folder / "config.example.toml").write_text('terminal_id = "terminal-1"\n', encoding="utf-8")
    return folder


def test_install_script(tmp_path: Path) -> None:
    """install-terminal.sh copies the folder, installs unit, wants-link, autostart and a first config."""
    folder = _fake_package(tmp_path)
    home, prefix = tmp_path / "home", tmp_path / "opt" / "shangjie-kiosk"
    home.mkdir()
    env = {**os.environ, "KIOSK_PREFIX": str(prefix), "KIOSK_USER_HOME": str(home)}
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    script = folder / "install" / "install-terminal.sh"
    result = subprocess.run(["sh", str(script), user], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    unit = home / ".config" / "systemd" / "user" / "shangjie-kiosk.service"
    assert f"ExecStart={prefix}/kiosk run" in unit.read_text(encoding="utf-8")
    for name in ("shangjie-kiosk.service", "shangjie-kiosk-content.service"):
        link = unit.parent / "graphical-session.target.wants" / name
        assert link.is_symlink() and link.resolve() == (unit.parent / name).resolve()
    desktop = home / ".config" / "autostart" / "shangjie-kiosk.desktop"
    assert f"Exec={prefix}/install/kiosk-session" in desktop.read_text(encoding="utf-8")
    config = home / ".local" / "share" / "shangjie-kiosk" / "config.toml"
    config.write_text('terminal_id = "hall-9"\n', encoding="utf-8")
    result = subprocess.run(["sh", str(script), user], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert config.read_text(encoding="utf-8") == 'terminal_id = "hall-9"\n'  # an upgrade keeps the config
    assert (prefix / "kiosk").is_file() and (prefix.parent / "shangjie-kiosk.old" / "kiosk").is_file()


def test_install_script_needs_a_user(tmp_path: Path) -> None:
    """Without a user name the script prints its usage and fails."""
    folder = _fake_package(tmp_path)
    result = subprocess.run(["sh", str(folder / "install" / "install-terminal.sh")], capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0 and "usage" in result.stderr


def test_package_help_lists_options() -> None:
    """`kiosk package --help` offers --out and --no-self-test."""
    result = subprocess.run([sys.executable, "-m", "kiosk", "package", "--help"], capture_output=True, text=True,
                            check=True)
    assert "--out" in result.stdout and "--no-self-test" in result.stdout


def test_virtual_keyboard_detection_ignores_docstrings() -> None:
    """Only real use (a Qt Quick import, the input-method name in code) bundles Qt Virtual Keyboard."""
    bundle_plan = _load("bundle_plan")
    assert not bundle_plan.uses_virtual_keyboard('"""Why not Qt Virtual Keyboard: qtvirtualkeyboard …"""\n')
    assert bundle_plan.uses_virtual_keyboard('import os\nos.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"\n')
    assert bundle_plan.uses_virtual_keyboard("from PySide6.QtQuickWidgets import QQuickWidget\n")
