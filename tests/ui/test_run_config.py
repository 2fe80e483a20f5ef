"""``kiosk run --config PATH``: the file's ``database`` setting chooses the runtime database."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.terminal.paths import default_data_dir
from kiosk.ui.app import RunOptions, load_app_config, open_database


def test_config_given_on_the_command_line_chooses_the_database(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "terminal.db"
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text('database = "elsewhere/terminal.db"\n', encoding="utf-8")
    args = RunOptions(config=str(config_file))
    config = load_app_config(args)
    conn = open_database(args, config)
    try:
        listed = conn.execute("PRAGMA database_list").fetchall()
        assert Path(listed[0][2]).resolve() == chosen.resolve()
        assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] > 0  # made from the bundled one
    finally:
        conn.close()
    assert not (default_data_dir() / "kiosk.db").exists()  # the data directory's default was not used
