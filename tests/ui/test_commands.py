"""`kiosk screenshots` and `kiosk run --self-test`, and the translation files being complete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from kiosk.cli import main
from kiosk.core.terminal.paths import app_root
from kiosk.ui.registry import RESIDENT_SCREENS

ROOT = app_root()


def test_screenshots_writes_one_png_per_screen(qapp: Any, seed_db_path: Path, tmp_path: Path,
                                               capsys: Any) -> None:
    """Every resident screen (plus a news article and the report dialog) as a PNG of the asked size."""
    out = tmp_path / "shots"
    before = seed_db_path.read_bytes()
    code = main(["screenshots", str(out), "--db", str(seed_db_path), "--size", "1920x1080", "--lang", "en",
                 "--theme", "elder"])
    assert code == 0
    assert seed_db_path.read_bytes() == before  # pictures are not visits: no usage counted
    names = {p.stem for p in out.glob("*.png")}
    assert set(RESIDENT_SCREENS) <= names
    assert names - set(RESIDENT_SCREENS) <= {"news-article", "detail-report"}
    for path in out.glob("*.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1920, 1080), path.name
    assert "1920x1080, en, elder" in capsys.readouterr().out


def test_screenshots_rejects_a_bad_size(capsys: Any, tmp_path: Path) -> None:
    """A malformed --size is a usage error, not a traceback."""
    try:
        main(["screenshots", str(tmp_path), "--size", "big"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "size must look like 1080x1920" in capsys.readouterr().err


def test_run_self_test_builds_every_screen_and_exits_zero(seed_db_path: Path) -> None:
    """`kiosk run --self-test` opens the database, builds all screens offscreen, checks glyphs."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "kiosk", "run", "--self-test", "--db", str(seed_db_path)],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert f"{len(RESIDENT_SCREENS)} screens built" in result.stdout
    assert "Chinese glyphs ok" in result.stdout


def test_run_with_a_bad_config_is_a_one_line_error(tmp_path: Path) -> None:
    """`kiosk run --config` with an unknown setting exits 1 with the setting's name, no traceback."""
    config = tmp_path / "config.toml"
    config.write_text("idle_timeout = 30\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "kiosk", "run", "--self-test", "--config", str(config)],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 1
    assert "idle_timeout" in result.stderr and "Traceback" not in result.stderr


def test_every_interface_string_has_an_english_translation() -> None:
    """pyside6-lupdate over the resident screens finds no string missing from kiosk_en.ts."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_translations.py"), "--check"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    """The committed .qm is what pyside6-lrelease makes from the committed .ts (rebuild after edits)."""
    ts = ROOT / "resources" / "translations" / "kiosk_en.ts"
    qm = tmp_path / "kiosk_en.qm"
    subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=120)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes()
