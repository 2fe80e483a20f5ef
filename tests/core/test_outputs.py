"""Output paths stay what they are: devices, pipes and folders are refused in one line, never replaced."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.content.build import build_database
from kiosk.core.db.backup import BackupError, backup_database
from kiosk.core.db.connection import connect
from kiosk.core.exchange.outputs import OutputError, atomic_output, check_output
from kiosk.core.exchange.transfer import export
from kiosk.core.terminal.paths import seeds_dir


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_a_device_is_refused_and_left_alone(device: str) -> None:
    """check_output refuses a character device (it only looks; the device stays a device)."""
    with pytest.raises(OutputError, match="is a device, not a file"):
        check_output(Path(device))
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_bundle_out_to_a_fifo_stays_a_fifo(writable_db: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk bundle --out FIFO` (and a symlink to it): exit 1, one line, the FIFO is still a FIFO."""
    fifo = _fifo(tmp_path / "pipe.zip")
    link = tmp_path / "link.zip"
    link.symlink_to(fifo)
    for out in (fifo, link):
        assert main(["bundle", "--db", str(writable_db), "--out", str(out)]) == 1
        assert "is a pipe (FIFO), not a file" in _one_line_error(capsys)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["kiosk.db", "pipe.zip", "link.zip"])


def test_bundle_out_to_a_folder_or_an_unwritable_place_is_one_line(writable_db: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A folder, a path below a regular file and a path in /proc each give exit 1 and one line."""
    (tmp_path / "notes.txt").write_text("synthetic", encoding="utf-8")
    cases = {str(tmp_path): "is a folder, not a file; give a file name inside it",
             str(tmp_path / "notes.txt" / "c.zip"): "cannot create the folder",
             "/proc/kiosk-test-no-such/c.zip": "cannot create the folder"}
    for out, message in cases.items():
        assert main(["bundle", "--db", str(writable_db), "--out", out]) == 1
        assert message in _one_line_error(capsys)


def test_bundle_through_a_symlink_writes_its_target(writable_db: Path, tmp_path: Path) -> None:
    """A symlink to a regular file is followed: the target gets the bundle, the link stays a link."""
    target = tmp_path / "share" / "content.zip"
    target.parent.mkdir()
    target.write_bytes(b"old synthetic bytes")
    link = tmp_path / "latest.zip"
    link.symlink_to(target)
    assert main(["bundle", "--db", str(writable_db), "--out", str(link)]) == 0
    assert link.is_symlink() and target.read_bytes()[:2] == b"PK"
    assert [p.name for p in target.parent.iterdir()] == ["content.zip"]  # no partial file left


def test_export_refuses_pipes_folders_and_unwritable_places(writable_db: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk export` to a FIFO, below a file or into /proc: exit 1, one line; the FIFO stays."""
    fifo = _fifo(tmp_path / "out.csv")
    (tmp_path / "notes.txt").write_text("synthetic", encoding="utf-8")
    cases = {str(fifo): "is a pipe (FIFO)", str(tmp_path / "notes.txt" / "x.csv"): "cannot create the folder",
             "/proc/kiosk-test-no-such/x.csv": "cannot create the folder",
             str(tmp_path): "CSV 导出需要一个文件名"}
    for out, message in cases.items():
        assert main(["export", "--db", str(writable_db), out]) == 1
        assert message in _one_line_error(capsys)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_hsds_export_never_writes_into_a_pipe_in_the_folder(writable_db: Path, tmp_path: Path) -> None:
    """An HSDS folder whose services.csv is a FIFO: refused before any file is replaced, no work folder left."""
    folder = tmp_path / "hsds"
    folder.mkdir()
    (folder / "organizations.csv").write_text("old synthetic", encoding="utf-8")
    fifo = _fifo(folder / "services.csv")
    conn = connect(writable_db)
    try:
        with pytest.raises(OutputError, match=r"services\.csv is a pipe"):
            export(conn, "hsds", folder)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert (folder / "organizations.csv").read_text(encoding="utf-8") == "old synthetic"
        fifo.unlink()
        count = export(conn, "hsds", folder)
    finally:
        conn.close()
    assert count > 0 and (folder / "datapackage.json").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_build_db_out_to_a_fifo_is_refused(tmp_path: Path) -> None:
    """build_database refuses a FIFO as its output before reading the seeds."""
    fifo = _fifo(tmp_path / "kiosk.db")
    with pytest.raises(OutputError, match="is a pipe"):
        build_database(seeds_dir(), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_backup_into_a_folder_that_is_a_file_is_one_line(writable_db: Path, tmp_path: Path) -> None:
    """A `backups` path that is a regular file gives a one-line BackupError, not a traceback."""
    (tmp_path / "backups").write_text("synthetic", encoding="utf-8")
    conn = sqlite3.connect(writable_db)
    try:
        with pytest.raises(BackupError, match="cannot make the backup folder") as info:
            backup_database(conn, "manual")
    finally:
        conn.close()
    assert "\n" not in str(info.value)


def test_atomic_output_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    """An error while writing leaves the old file byte for byte and no partial file beside it."""
    target = tmp_path / "report.csv"
    target.write_bytes(b"old synthetic content")
    with pytest.raises(RuntimeError), atomic_output(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("synthetic failure")
    assert target.read_bytes() == b"old synthetic content"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
