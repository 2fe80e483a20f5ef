"""``kiosk package``: a self-contained one-folder build (PyInstaller) that runs with no Python installed.

The build lands in ``OUT/shangjie-kiosk/``: the program ``kiosk`` (``kiosk`` alone starts the kiosk,
``kiosk --self-test`` checks it offscreen, every subcommand works as in a source install), its
libraries in ``_internal/`` (with the database, fonts, translations and the Zinnia handwriting model),
and, for the administrator, ``config.example.toml``, ``install/`` (systemd user unit, autostart
entry, install script) and ``LICENSES/``. What goes in is decided by ``packaging/bundle_plan.py``;
docs/deploying.md explains the choices.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError

APP_DIR_NAME = "shangjie-kiosk"
PROGRAM = "kiosk"
SIZE_BUDGET_MB = 250
INSTALL_FILES = ("systemd/shangjie-kiosk.service", "systemd/shangjie-kiosk-content.service",
                 "xdg/shangjie-kiosk.desktop", "kiosk-session",
                 "install-terminal.sh")


class PackageError(KioskError):
    """The build could not be made or does not pass its self-test."""


@dataclass(frozen=True)
class PackageResult:
    folder: Path
    program: Path
    seconds: float
    size_bytes: int
    self_test: str | None


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "package", help="build the self-contained terminal program (PyInstaller one-folder build)",
        description="Build OUT/shangjie-kiosk/ with PyInstaller from this source checkout: the program, its "
                    "libraries, the database, fonts, translations, the handwriting model, a config template, "
                    "the systemd unit and autostart entry. Then run the built program's --self-test. Needs "
                    "the dev extra: pip install -e '.[dev]'.",
    )
    p.add_argument("--out", metavar="DIR", type=Path, default=None, help="output folder (default: dist/)")
    p.add_argument("--work", metavar="DIR", type=Path, default=None,
                   help="PyInstaller's work folder (default: build/pyinstaller; kept to speed up rebuilds)")
    p.add_argument("--no-self-test", action="store_true", help="do not run the built program's self-test")
    p.set_defaults(func=cmd_package)


def source_root() -> Path:
    """The source checkout being packaged (refuses inside a packaged build)."""
    if getattr(sys, "frozen", False):
        raise PackageError("`kiosk package` runs from a source checkout, not from a packaged build")
    root = Path(__file__).resolve().parents[2]
    if not (root / "packaging" / "kiosk.spec").is_file():
        raise PackageError(f"{root} has no packaging/kiosk.spec: run this from a source checkout")
    return root


def folder_size(folder: Path) -> int:
    """Bytes of all files under ``folder`` (symbolic links not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def build_package(out: Path, *, work: Path | None = None, self_test: bool = True,
                  echo: Any = print) -> PackageResult:
    """Build the package into ``out``; return where it is, its size and the self-test output."""
    root = source_root()
    if importlib.util.find_spec("PyInstaller") is None:
        raise PackageError("PyInstaller is not installed: pip install -e '.[dev]' (or bash scripts/bootstrap --dev)")
    if not (root / "data" / "kiosk.db").is_file():
        raise PackageError("data/kiosk.db is missing: run `kiosk build-db` first")
    out = Path(out).resolve()
    work = Path(work).resolve() if work else root / "build" / "pyinstaller"
    start = time.perf_counter()
    echo(f"building {out / APP_DIR_NAME} with PyInstaller (takes a few minutes) …")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(out), "--workpath", str(work), str(root / "packaging" / "kiosk.spec")]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        echo(tail)
        raise PackageError(f"PyInstaller failed (exit status {result.returncode}); its last lines are above")
    for line in result.stdout.splitlines():
        if line.startswith("kiosk.spec:"):
            echo(f"  {line.removeprefix('kiosk.spec:').strip()}")
    folder = out / APP_DIR_NAME
    _remove_dangling_links(folder)
    _add_admin_files(root, folder)
    seconds = time.perf_counter() - start
    size = folder_size(folder)
    program = folder / PROGRAM
    echo(f"built {folder} in {seconds:.0f} s: {size / 1e6:.0f} MB")
    if size > SIZE_BUDGET_MB * 1e6:
        echo(f"warning: the build is over the {SIZE_BUDGET_MB} MB budget")
    output = run_self_test(program) if self_test else None
    if output is not None:
        echo(output.rstrip())
    return PackageResult(folder, program, seconds, size, output)


def run_self_test(program: Path, *, timeout: float = 300) -> str:
    """Run ``program --self-test`` offscreen on a scratch data directory; its output (PackageError if it fails)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as data_dir:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_DATA_DIR": data_dir}
        env.pop("KIOSK_CONFIG", None)
        try:
            result = subprocess.run([str(program), "--self-test"], env=env, capture_output=True, text=True,
                                    timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PackageError(f"the built program's self-test did not finish in {timeout:.0f} s") from exc
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise PackageError(f"the built program's self-test failed (exit status {result.returncode}):\n"
                           f"{output.strip()}")
    return output


def _remove_dangling_links(folder: Path) -> None:
    """Drop symbolic links to libraries the build plan left out (PyInstaller still makes the links)."""
    for dirpath, dirs, files in os.walk(folder):
        for name in files + dirs:
            path = Path(dirpath) / name
            if path.is_symlink() and not path.exists():
                path.unlink()


def _add_admin_files(root: Path, folder: Path) -> None:
    """Config template, install files and licences next to the program, where an administrator looks."""
    sys.path.insert(0, str(root / "packaging"))
    try:
        import bundle_plan
    finally:
        sys.path.pop(0)
    from kiosk.core.terminal.config import example_config

    (folder / "config.example.toml").write_text(example_config(), encoding="utf-8")
    install = folder / "install"
    install.mkdir(exist_ok=True)
    for name in INSTALL_FILES:
        source = root / "packaging" / name
        target = install / Path(name).name
        shutil.copy2(source, target)
    licences = folder / "LICENSES"
    licences.mkdir(exist_ok=True)
    shutil.copy2(root / "resources" / "fonts" / "wqy-microhei.LICENSE.txt", licences / "wqy-microhei-LICENSE.txt")
    for source, name in bundle_plan.make_plan(root).licences:
        shutil.copy2(source, licences / name)
    shutil.copy2(root / "packaging" / "NOTICE.txt", licences / "NOTICE.txt")


def cmd_package(args: argparse.Namespace) -> int:
    out = args.out or source_root() / "dist"
    build_package(out, work=args.work, self_test=not args.no_self_test)
    return 0
