"""`kiosk run` in every bad start state becomes ready (real child process, offscreen) and says what to do.

A read-only data folder needs a child without root's rights to override file permissions: when the
tests run as root, the child drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from its
capability bounding set before it starts (prctl), so the folder's mode bits hold for it as for any user.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.core.db import migrations
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.terminal.paths import app_root
from tests.helpers.worker import NOW

PR_CAPBSET_DROP = 24
OVERRIDE_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
NO_USER = "~nosuchuser-kiosk-test"


def _as_plain_user() -> None:
    """In the child: give up root's override of file permissions (no-op for other users)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in OVERRIDE_CAPS:
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", KIOSK_SPEECH_ENGINE="mock", KIOSK_DATA_DIR=str(data))
    env["PYTHONPATH"] = extra.pop("PYTHONPATH", str(app_root()))
    env.update(extra)
    return env


def kiosk(data: Path, *args: str, plain_user: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m kiosk ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "kiosk", *args], env=_env(data, **env), capture_output=True,
                          text=True, timeout=180, check=False, cwd=Path(env.get("PYTHONPATH", app_root())),
                          preexec_fn=_as_plain_user if plain_user else None)


def run_until_ready(data: Path, *extra: str, plain_user: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    """`kiosk run --ready-report home`; asserts the kiosk became ready (painted home screen, JSON line)."""
    result = kiosk(data, "run", *extra, "--ready-report", "home", plain_user=plain_user, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["ready"] == "home" and line["seconds"] > 0
    assert "Traceback" not in result.stderr
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Make folders read-only (mode 555) for the test; writable again afterwards so tmp_path can be removed."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        folder.chmod(0o755)


def test_read_only_empty_data_folder_starts_on_the_bundled_copy(tmp_path: Path,
                                                                read_only: Callable[[Path], Path]) -> None:
    """A data folder that cannot be written: the kiosk starts on the bundled data and says 数据目录只读 with the
    fix; nothing is created in the folder."""
    (tmp_path / "data").mkdir()
    data = read_only(tmp_path / "data")
    result = run_until_ready(data, plain_user=True)
    assert "数据目录只读" in result.stderr and "chown" in result.stderr and "bundled" in result.stderr
    assert list(data.iterdir()) == []


def test_read_only_data_folder_shows_the_runtime_copy_with_the_workers_edits(
        seed_db_path: Path, tmp_path: Path, read_only: Callable[[Path], Path]) -> None:
    """A runtime copy already in a folder that became read-only is shown read-only (not the bundled one), edits
    and all, and the doctor says 数据目录只读 too."""
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    conn.execute("UPDATE services SET name = '测试：工作人员改过的名字', updated_at = '2026-03-02T09:30:00+08:00' "
                 "WHERE id = 'library-branches'")
    conn.close()
    read_only(data)
    probe = ("from pathlib import Path; from kiosk.core.db.runtime import open_kiosk_database, read_only_reason; "
             f"c = open_kiosk_database(Path({str(data)!r}), Path({str(seed_db_path)!r})); "
             "print(c.source); print(read_only_reason(c)); "
             "print(c.execute(\"SELECT name FROM services WHERE id = 'library-branches'\").fetchone()[0])")
    shown = subprocess.run([sys.executable, "-c", probe], env=_env(data), capture_output=True, text=True,
                           timeout=60, check=False, preexec_fn=_as_plain_user)
    assert shown.returncode == 0, shown.stderr
    source, reason, name = shown.stdout.strip().splitlines()
    assert Path(source) == data / "kiosk.db" and reason.startswith("数据目录只读")
    assert name == "测试：工作人员改过的名字"
    doctor = kiosk(data, "doctor", plain_user=True)
    line = next(x for x in doctor.stdout.splitlines() if "database access" in x)
    assert line.startswith("PROBLEM") and "数据目录只读" in line and doctor.returncode == 1


def test_database_from_a_newer_program_is_shown_read_only_and_left_alone(seed_db_path: Path,
                                                                         tmp_path: Path) -> None:
    """A runtime database with a higher schema version (a terminal rolled back): the kiosk becomes ready, says
    which version to install or to `kiosk restore`, and the file keeps its bytes and version; writing commands
    refuse in one line."""
    data = tmp_path / "data"
    data.mkdir()
    path = data / "kiosk.db"
    path.write_bytes(seed_db_path.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.execute("ALTER TABLE services ADD COLUMN added_by_a_newer_program TEXT")  # test data: a newer schema
    conn.commit()
    conn.close()
    before = _digest(path)
    result = run_until_ready(data)
    assert "newer kiosk program" in result.stderr and "kiosk restore" in result.stderr
    backup = kiosk(data, "backup")
    assert backup.returncode == 1 and backup.stderr.count("\n") == 1 and "newer kiosk program" in backup.stderr
    assert _digest(path) == before
    check = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    assert check.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION + 1
    check.close()


def _app_copy(tmp_path: Path, font: bytes | None) -> Path:
    """This program copied with its bundled font replaced by ``font`` (None: missing) — a damaged install."""
    root = tmp_path / "app"
    shutil.copytree(app_root() / "kiosk", root / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(app_root() / "data", root / "data")
    shutil.copytree(app_root() / "resources", root / "resources")
    target = root / "resources" / "fonts" / "wqy-microhei.ttc"
    if font is None:
        target.unlink()
    else:
        target.write_bytes(font)
    return root


def _fontconfig(tmp_path: Path, font_dir: Path | None) -> str:
    """A fontconfig file whose only font folder is ``font_dir`` (None: no fonts at all)."""
    conf = tmp_path / "fonts.conf"
    folder = f"<dir>{font_dir}</dir>" if font_dir else ""
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
                    f"<fontconfig>{folder}<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
                    encoding="utf-8")
    return str(conf)


def test_truncated_bundled_font_falls_back_to_a_system_chinese_font(tmp_path: Path) -> None:
    """A truncated bundled font: the kiosk starts with the system's Chinese font, logs it, and doctor warns."""
    bundled = (app_root() / "resources" / "fonts" / "wqy-microhei.ttc").read_bytes()
    root = _app_copy(tmp_path, bundled[: len(bundled) // 3])
    system_fonts = tmp_path / "system-fonts"  # test stand-in for /usr/share/fonts with one CJK font
    system_fonts.mkdir()
    (system_fonts / "wqy-microhei.ttc").write_bytes(bundled)
    env = {"PYTHONPATH": str(root), "FONTCONFIG_FILE": _fontconfig(tmp_path, system_fonts)}
    data = tmp_path / "data"
    run_until_ready(data, **env)
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "cannot be loaded" in log and "using the system font 'WenQuanYi Micro Hei'" in log
    doctor = kiosk(data, "doctor", **env)
    lines = doctor.stdout.splitlines()
    assert next(x for x in lines if "font rendering" in x).startswith("WARN")
    assert next(x for x in lines if "font file" in x).startswith(("WARN", "OK"))
    assert "Traceback" not in doctor.stderr


def test_missing_bundled_font_and_no_system_font_still_starts_and_says_so(tmp_path: Path) -> None:
    """No bundled font and no Chinese font on the system: the kiosk still starts (boxes beat no screen) and the
    log says Chinese shows as boxes."""
    root = _app_copy(tmp_path, None)
    data = tmp_path / "data"
    run_until_ready(data, PYTHONPATH=str(root), FONTCONFIG_FILE=_fontconfig(tmp_path, None))
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "is missing" in log and "no system Chinese font either" in log


def test_unknown_user_in_config_paths_is_reported_and_the_kiosk_carries_on(tmp_path: Path) -> None:
    """`database`/`log_dir` under ~nosuchuser: `kiosk run` reports it and starts (bundled data read-only, default
    log folder); `kiosk doctor` reports it and runs every check; a data command fails in one line."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text(f'database = "{NO_USER}/kiosk.db"\nlog_dir = "{NO_USER}/logs"\n',
                                      encoding="utf-8")
    result = run_until_ready(data)
    assert "no user 'nosuchuser-kiosk-test'" in result.stderr and "bundled" in result.stderr
    assert (data / "logs" / "kiosk.log").is_file() and not (data / "kiosk.db").exists()
    doctor = kiosk(data, "doctor")
    assert "Traceback" not in doctor.stderr and doctor.returncode == 1
    assert next(x for x in doctor.stdout.splitlines() if "config paths" in x).startswith("PROBLEM")
    assert "font rendering" in doctor.stdout and "content inbox" in doctor.stdout
    backup = kiosk(data, "backup")
    assert backup.returncode == 1 and backup.stderr.count("\n") == 1 and "nosuchuser-kiosk-test" in backup.stderr


def test_unknown_user_in_the_data_dir_variable_still_starts(tmp_path: Path) -> None:
    """KIOSK_DATA_DIR=~nosuchuser/…: `kiosk run` starts on the bundled data and says why; doctor carries on."""
    data = Path(f"{NO_USER}/data")
    result = run_until_ready(data)
    assert "KIOSK_DATA_DIR: cannot expand" in result.stderr
    doctor = kiosk(data, "doctor")
    assert next(x for x in doctor.stdout.splitlines() if "data directory path" in x).startswith("PROBLEM")
    assert "Traceback" not in doctor.stderr and "font rendering" in doctor.stdout


def test_no_database_at_all_shows_an_out_of_service_screen_instead_of_exiting(tmp_path: Path) -> None:
    """Bundled database missing and no runtime copy: the kiosk paints an out-of-service notice with the reason
    for staff (not a bare desktop), reports it, and its exit status says the start failed."""
    root = _app_copy(tmp_path, (app_root() / "resources" / "fonts" / "wqy-microhei.ttc").read_bytes())
    (root / "data" / "kiosk.db").unlink()
    result = kiosk(tmp_path / "data", "run", "--ready-report", "home", PYTHONPATH=str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["ready"] == "home" and "bundled database not found" in line["out_of_service"]
    assert "out of service" in result.stderr


def test_runtime_database_linked_to_a_missing_disk_starts_and_keeps_the_link(tmp_path: Path) -> None:
    """kiosk.db → a file on a disk that is not mounted: the kiosk starts on the bundled data, says to mount the
    disk, and the link is still there afterwards (no fresh copy in its place)."""
    data = tmp_path / "data"
    data.mkdir()
    link = data / "kiosk.db"
    link.symlink_to(tmp_path / "usb-stick" / "kiosk.db")
    result = run_until_ready(data)
    assert "mount the disk" in result.stderr and "nothing was replaced" in result.stderr
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "usb-stick" / "kiosk.db")
