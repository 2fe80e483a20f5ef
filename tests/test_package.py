"""`kiosk package` end to end: build the one-folder program, run its self-test, use it as a terminal.

Slow (a PyInstaller build, about a minute on two cores); CI runs it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.commands.package import SIZE_BUDGET_MB, PackageResult, build_package
from kiosk.core.terminal.config import Config, load_config
from kiosk.core.terminal.paths import bundled_db_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PackageResult]:
    """One build for the whole module, into a temporary folder (cold: its own work folder)."""
    base = tmp_path_factory.mktemp("package")
    lines: list[str] = []
    result = build_package(base / "dist", work=base / "work", self_test=True, echo=lines.append)
    print("\n".join(lines))  # build time, size and self-test output land in the test log
    yield result


def _run(program: Path, *args: str, data_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", KIOSK_DATA_DIR=str(data_dir))
    return subprocess.run([str(program), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


def test_self_test_passes_and_size_is_within_budget(package: PackageResult) -> None:
    """The built program's --self-test builds every screen with Chinese glyphs; the folder is ≤ 250 MB."""
    assert package.self_test is not None
    assert "self-test:" in package.self_test and "Chinese glyphs ok" in package.self_test
    assert package.size_bytes <= SIZE_BUDGET_MB * 1_000_000, f"{package.size_bytes / 1e6:.0f} MB"


def test_contents(package: PackageResult) -> None:
    """Database, font, translations, config template and licences are in; Qt WebEngine is not."""
    internal = package.folder / "_internal"
    assert (internal / "data" / "kiosk.db").read_bytes() == bundled_db_path().read_bytes()
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert list((internal / "resources" / "translations").glob("*.qm"))
    assert load_config(package.folder / "config.example.toml") == Config()
    assert (package.folder / "LICENSES" / "NOTICE.txt").is_file()
    assert (package.folder / "install" / "shangjie-kiosk.service").is_file()
    names = [p.name for p in package.folder.rglob("*")]
    assert not [n for n in names if "WebEngine" in n or "Qt3D" in n or "Quick3D" in n]
    assert not [p for p in package.folder.rglob("*") if p.is_symlink() and not p.exists()]


def test_handwriting_files_when_installed(package: PackageResult) -> None:
    """With Zinnia installed on the build machine, its library, model and LGPL text travel with the build."""
    if not Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model").is_file():
        return
    zinnia = package.folder / "_internal" / "zinnia"
    assert (zinnia / "libzinnia.so.0").is_file() and (zinnia / "handwriting-zh_CN.model").is_file()
    assert (package.folder / "LICENSES" / "LGPL-2.1.txt").is_file()


def test_pinyin_search_and_handwriting_work_in_the_build(package: PackageResult, tmp_path: Path) -> None:
    """The built program finds 养老 from the initials `ylfw` (pypinyin data) and reads a stroke (Zinnia)."""
    result = _run(package.program, "search", "ylfw", data_dir=tmp_path)
    assert result.returncode == 0 and "养老服务" in result.stdout, result.stdout + result.stderr
    if not Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model").is_file():
        return
    strokes = tmp_path / "one.json"
    strokes.write_text('{"width": 100, "height": 100, "strokes": [[[10, 50], [50, 50], [90, 50]]]}',
                       encoding="utf-8")
    result = _run(package.program, "recognize", "--top", "3", str(strokes), data_dir=tmp_path)
    assert result.returncode == 0 and "一" in result.stdout, result.stdout + result.stderr


def test_bundled_libraries_resolve_their_qt_dependencies(package: PackageResult) -> None:
    """No bundled library or plugin needs a Qt library the build left out (checked with ldd)."""
    if shutil.which("ldd") is None:
        return
    missing = []
    for path in (package.folder / "_internal").rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
        missing += [f"{path.name}: {line.strip()}" for line in out.splitlines()
                    if "not found" in line and "libQt6" in line]
    assert missing == []


def test_built_program_rolls_content_to_a_second_terminal(package: PackageResult, tmp_path: Path) -> None:
    """With the built program only: bundle from one data dir, apply on another, doctor finds no problem."""
    office, terminal = tmp_path / "office", tmp_path / "terminal-2"
    office.mkdir()
    db = office / "kiosk.db"
    db.write_bytes(bundled_db_path().read_bytes())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE services SET description = '（测试用合成文字）' WHERE id = "
                     "(SELECT id FROM services ORDER BY id LIMIT 1)")
    conn.close()
    bundle = tmp_path / "share" / "content.zip"
    keys = tmp_path / "office-keys"
    result = _run(package.program, "keys", "init", str(keys), data_dir=office)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(package.program, "keys", "trust", str(keys / "office.pub"), data_dir=terminal)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(package.program, "bundle", "--out", str(bundle), "--sign-key", str(keys / "office.key"),
                  data_dir=office)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run(package.program, "update-content", str(bundle), data_dir=terminal)
    assert result.returncode == 0 and "applied content bundle v1" in result.stdout, result.stdout + result.stderr
    conn = sqlite3.connect(terminal / "kiosk.db")
    assert conn.execute("SELECT count(*) FROM services WHERE description = '（测试用合成文字）'").fetchone()[0] == 1
    conn.close()
    result = _run(package.program, "doctor", data_dir=terminal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK       handwriting" in result.stdout or "WARN     handwriting" in result.stdout


def test_installed_unit_verifies(package: PackageResult, tmp_path: Path) -> None:
    """install-terminal.sh installs the build; systemd-analyze accepts the unit pointing at the real program."""
    home, prefix = tmp_path / "home", tmp_path / "opt" / "shangjie-kiosk"
    home.mkdir()
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    env = {**os.environ, "KIOSK_PREFIX": str(prefix), "KIOSK_USER_HOME": str(home)}
    result = subprocess.run(["sh", str(package.folder / "install" / "install-terminal.sh"), user], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([str(prefix / "kiosk"), "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and "kiosk" in version.stdout
    units = home / ".config" / "systemd" / "user"
    if shutil.which("systemd-analyze"):
        for name in ("shangjie-kiosk.service", "shangjie-kiosk-content.service"):
            check = subprocess.run(["systemd-analyze", "verify", str(units / name)], capture_output=True,
                                   text=True, check=False)
            assert check.returncode == 0, check.stdout + check.stderr
