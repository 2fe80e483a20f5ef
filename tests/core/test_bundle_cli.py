"""`kiosk bundle` and `kiosk update-content`: the README's roll-out to a second terminal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.terminal.logging_setup import teardown_logging

EDITED = "（测试用合成文字）新说明"  # synthetic test text


@pytest.fixture(autouse=True)
def _no_log_handler_left() -> Iterator[None]:
    """update-content sets up file logging; remove the handler after each test."""
    yield
    teardown_logging()


def _office(tmp_path: Path, seed_db_path: Path) -> Path:
    """An office data directory whose runtime database has one edited listing (synthetic)."""
    office = tmp_path / "office"
    office.mkdir()
    db = office / "kiosk.db"
    db.write_bytes(seed_db_path.read_bytes())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE services SET description = ?, updated_at = '2025-03-04T10:00:00+08:00' "
                     "WHERE id = 'community-health-centres'", (EDITED,))
    conn.close()
    return office


def _keys(tmp_path: Path, *terminals: Path) -> Path:
    """The office's key pair (made with `kiosk keys init`) trusted by ``terminals``; returns the private key."""
    keys = tmp_path / "office-keys"
    assert main(["--data-dir", str(tmp_path / "office"), "keys", "init", str(keys)]) == 0
    for terminal in terminals:
        assert main(["--data-dir", str(terminal), "keys", "trust", str(keys / "office.pub")]) == 0
    return keys / "office.key"


def _description(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT description FROM services WHERE id = 'community-health-centres'")
                   .fetchone()[0])
    finally:
        conn.close()


def test_roll_out_to_a_second_terminal(tmp_path: Path, seed_db_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """bundle from the office data dir, update-content on another data dir: the edit arrives, once."""
    office = _office(tmp_path, seed_db_path)
    bundle = tmp_path / "share" / "content.zip"
    terminal = tmp_path / "terminal-2"
    key = _keys(tmp_path, terminal)
    capsys.readouterr()
    assert main(["--data-dir", str(office), "bundle", "--out", str(bundle), "--sign-key", str(key)]) == 0
    out = capsys.readouterr().out
    assert "content bundle v1" in out and str(office / "kiosk.db") in out
    assert main(["--data-dir", str(terminal), "update-content", str(bundle)]) == 0
    assert "applied content bundle v1" in capsys.readouterr().out
    assert _description(terminal / "kiosk.db") == EDITED
    assert (terminal / "logs" / "kiosk.log").is_file()
    assert main(["--data-dir", str(terminal), "update-content", str(bundle)]) == 0
    assert "already applied" in capsys.readouterr().out
    assert main(["--data-dir", str(office), "bundle", "--out", str(tmp_path / "v2.zip"), "--sign-key", str(key)]) == 0
    assert "content bundle v2" in capsys.readouterr().out


def test_truncated_bundle_exits_1_in_one_line(tmp_path: Path, seed_db_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A half-copied bundle is refused: exit 1, one line, the terminal's database untouched."""
    office = _office(tmp_path, seed_db_path)
    bundle = tmp_path / "content.zip"
    assert main(["--data-dir", str(office), "bundle", "--out", str(bundle)]) == 0
    data = bundle.read_bytes()
    bundle.write_bytes(data[: len(data) // 3])
    terminal = tmp_path / "terminal-2"
    assert main(["--data-dir", str(terminal), "update-content", str(tmp_path / "missing.zip")]) == 1
    assert "bundle not found" in capsys.readouterr().err
    before = (terminal / "kiosk.db").read_bytes()
    assert main(["--data-dir", str(terminal), "update-content", str(bundle)]) == 1
    err = capsys.readouterr().err.strip()
    assert "not a complete content bundle" in err and len(err.splitlines()) == 1
    assert (terminal / "kiosk.db").read_bytes() == before


def test_watch_once_uses_the_config_inbox(tmp_path: Path, seed_db_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`update-content --watch --once` reads content_inbox from the terminal's config.toml."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    office = _office(tmp_path, seed_db_path)
    inbox = tmp_path / "inbox"
    terminal = tmp_path / "terminal-3"
    terminal.mkdir()
    (terminal / "config.toml").write_text(f'content_inbox = "{inbox}"\ntrusted_keys = "keys.json"\n',
                                          encoding="utf-8")
    key = _keys(tmp_path, terminal)
    assert (terminal / "keys.json").is_file()  # the trusted_keys setting names the file
    assert main(["--data-dir", str(office), "bundle", "--out", str(inbox / "content-v1.zip"), "--sign-key",
                 str(key)]) == 0
    assert main(["--data-dir", str(terminal), "update-content", "--watch", "--once"]) == 0
    assert "applied content bundle v1" in capsys.readouterr().out
    assert _description(terminal / "kiosk.db") == EDITED
    assert main(["--data-dir", str(terminal), "update-content", "--watch", str(inbox), "--once"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_watch_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """--watch with no DIR and no content_inbox setting says what to do; a missing DIR is an error."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["--data-dir", str(tmp_path / "t"), "update-content", "--watch", "--once"]) == 1
    assert "content_inbox" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "t"), "update-content", "--watch", str(tmp_path / "no"),
                 "--once"]) == 1
    assert "mounted" in capsys.readouterr().err
    assert main(["update-content"]) == 1
    assert "FILE" in capsys.readouterr().err


def test_bundle_from_the_bundled_database_leaves_it_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no runtime database, `bundle` exports the bundled database without writing to it."""
    from kiosk.core.terminal.paths import bundled_db_path

    before = bundled_db_path().read_bytes()
    assert main(["bundle", "--out", str(tmp_path / "c.zip")]) == 0
    out = capsys.readouterr().out
    assert str(bundled_db_path()) in out and "pass --version" in out
    assert bundled_db_path().read_bytes() == before
