"""End to end over a real transport: two Syncthing instances on loopback, an office and a terminal.

The office shares its outgoing content folder *send only*; the terminal receives it *receive only*
as its content inbox, watched by the real ``kiosk update-content --watch``. The terminal shares its
outbox *send only*; the office receives the reports and runs ``kiosk collect``. Discovery, relays
and NAT traversal are off (``tests/helpers/syncthing.py``); nothing leaves 127.0.0.1.

What a district's administrator relies on, checked here:
- a bundle signed by the office arrives and is applied by the watcher, unattended;
- a stray unsigned bundle with a higher version in the same folder is quarantined and does not
  block the signed one;
- a report written by the terminal reaches the office and is counted once, however often the
  office collects; ``kiosk fleet`` shows the terminal.

All listing changes are synthetic test data (测试).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.search.ranking import record_miss
from tests.helpers.syncthing import SyncthingNode, wait_for

REPO = Path(__file__).resolve().parents[1]
SERVICE = "community-health-centres"
SYNTHETIC = "（合成测试）经 Syncthing 送达的说明"
CONTENT_FOLDER = "kiosk-content"
REPORT_FOLDER = "kiosk-reports-t01"
TERMINAL_ID = "test-terminal-01"
PLACE = "测试站一（合成）"
TYPED_PHONE = "药店 13812345678"  # a resident typed a phone number into the search box
TIMEOUT = 90.0


def _kiosk(tmp: Path, data: Path, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "kiosk", *argv], capture_output=True, text=True, timeout=180,
                          cwd=tmp, env=_env(tmp, data))
    if check and done.returncode != 0:
        raise AssertionError(f"kiosk {' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def _env(tmp: Path, data: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_DATA_DIR": str(data), "TMPDIR": str(tmp),
           "KIOSK_SPEECH_ENGINE": "mock"}
    env.pop("KIOSK_CONFIG", None)
    env.pop("KIOSK_DEBUG", None)
    return env


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[SyncthingNode, SyncthingNode]]:
    office = SyncthingNode("office", tmp_path / "st-office")
    terminal = SyncthingNode("terminal", tmp_path / "st-terminal")
    office.add_peer(terminal)
    terminal.add_peer(office)
    office.add_folder(CONTENT_FOLDER, tmp_path / "office" / "outgoing", "sendonly", [terminal])
    terminal.add_folder(CONTENT_FOLDER, tmp_path / "terminal" / "inbox", "receiveonly", [office])
    terminal.add_folder(REPORT_FOLDER, tmp_path / "terminal" / "outbox", "sendonly", [office])
    office.add_folder(REPORT_FOLDER, tmp_path / "office" / "reports" / "t01", "receiveonly", [terminal])
    try:
        office.start()
        terminal.start()
        wait_for("the two Syncthing instances to connect", lambda: office.connected_to(terminal),
                 timeout=TIMEOUT, nodes=(office, terminal))
        yield office, terminal
    finally:
        office.stop()
        terminal.stop()


def _terminal_description(db: Path) -> str | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT description FROM services WHERE id = ?", (SERVICE,)).fetchone()
    except sqlite3.Error:
        return None  # the watcher is swapping content in
    finally:
        conn.close()
    return None if row is None else str(row[0])


def test_signed_bundle_out_and_report_back_over_syncthing(tmp_path: Path, writable_db: Path,
                                                           nodes: tuple[SyncthingNode, SyncthingNode]) -> None:
    office_st, terminal_st = nodes
    assert office_st.discovery() == terminal_st.discovery() == {
        "globalAnnounceEnabled": False, "localAnnounceEnabled": False, "relaysEnabled": False, "natEnabled": False}
    assert all(a.startswith("tcp://127.0.0.1:") for a in office_st.listen_addresses() + terminal_st.listen_addresses())

    office_data, terminal_data = tmp_path / "office" / "data", tmp_path / "terminal" / "data"
    outgoing, inbox = tmp_path / "office" / "outgoing", tmp_path / "terminal" / "inbox"
    office_data.mkdir(parents=True)
    terminal_data.mkdir(parents=True)
    (terminal_data / "config.toml").write_text(f'terminal_id = "{TERMINAL_ID}"\nterminal_place = "{PLACE}"\n',
                                               encoding="utf-8")

    # The office: its key pair (kept outside the shared folder) and one synthetic edit.
    keys = tmp_path / "office" / "keys"
    _kiosk(tmp_path, office_data, "keys", "init", str(keys))
    conn = sqlite3.connect(writable_db)
    with conn:
        conn.execute("UPDATE services SET description = ?, updated_at = '2026-12-01T09:00:00+08:00' WHERE id = ?",
                     (SYNTHETIC, SERVICE))
    conn.close()
    # The terminal trusts the office key and starts from the bundled database.
    _kiosk(tmp_path, terminal_data, "keys", "trust", str(keys / "office.pub"))
    _kiosk(tmp_path, terminal_data, "update-content", "--watch", str(inbox), "--once")
    terminal_db = terminal_data / "kiosk.db"
    assert _terminal_description(terminal_db) not in (None, SYNTHETIC)

    # A stray, unsigned bundle with a much higher version lands in the shared folder first …
    stray = tmp_path / "stray.zip"
    _kiosk(tmp_path, office_data, "bundle", "--db", str(writable_db), "--out", str(stray), "--version", "99")
    shutil.move(stray, outgoing / "content-v99-stray.zip")
    # … then the office's signed bundle, written beside the folder and moved in whole.
    signed = tmp_path / "content-v2.zip"
    _kiosk(tmp_path, office_data, "bundle", "--db", str(writable_db), "--out", str(signed), "--version", "2",
           "--sign-key", str(keys / "office.key"))
    with zipfile.ZipFile(signed) as zf:
        assert "office.key" not in zf.namelist()
    shutil.move(signed, outgoing / "content-v2.zip")
    office_st.scan(CONTENT_FOLDER)

    watcher = subprocess.Popen([sys.executable, "-m", "kiosk", "update-content", "--watch", str(inbox),
                                "--interval", "1"], cwd=tmp_path, env=_env(tmp_path, terminal_data),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for("the signed bundle to be applied on the terminal",
                 lambda: _terminal_description(terminal_db) == SYNTHETIC, timeout=TIMEOUT,
                 nodes=(office_st, terminal_st))
        wait_for("the stray bundle to be quarantined",
                 lambda: any(p.name.endswith("content-v99-stray.zip") for p in (inbox / "quarantine").glob("*")),
                 timeout=TIMEOUT, nodes=(office_st, terminal_st))
    finally:
        watcher.terminate()
        out, _ = watcher.communicate(timeout=30)
    assert watcher.returncode in (0, 143, -15), out
    reasons = "".join(p.read_text(encoding="utf-8") for p in (inbox / "quarantine").glob("*.txt"))
    assert "sign" in reasons.lower() or "签名" in reasons, reasons

    # A resident's search found nothing; what they typed held a phone number.
    conn = sqlite3.connect(terminal_db)
    with conn:
        assert record_miss(conn, TYPED_PHONE, date(2026, 12, 2))
    conn.close()

    # Reports back: the terminal writes a report into its outbox; Syncthing carries it to the office.
    outbox = tmp_path / "terminal" / "outbox"
    report = tmp_path / "report.zip"
    _kiosk(tmp_path, terminal_data, "outbox", "--out", str(report))
    shutil.move(report, outbox / report.name)
    terminal_st.scan(REPORT_FOLDER)
    received = tmp_path / "office" / "reports" / "t01" / report.name
    wait_for("the terminal's report to reach the office", received.exists, timeout=TIMEOUT,
             nodes=(office_st, terminal_st))
    assert received.read_bytes() == (outbox / report.name).read_bytes()

    reports = tmp_path / "office" / "reports"
    _kiosk(tmp_path, office_data, "collect", str(reports))
    first = _board(tmp_path, office_data)
    again_out = _kiosk(tmp_path, office_data, "collect", str(reports))  # the same report again: counted once
    _kiosk(tmp_path, office_data, "collect", str(received))
    again = _board(tmp_path, office_data)
    assert first == again, again_out.stdout
    mine = [r for r in again if r["terminal_id"] == TERMINAL_ID]
    assert len(mine) == 1, again
    row = mine[0]
    assert (row["place"], row["content_version"], row["reports"], row["stale"]) == (PLACE, 2, 1, False)
    assert [m["query"] for m in row["top_misses"]] == ["药店 •••"]  # the number never left the terminal
    office_db = (office_data / "kiosk.db").read_bytes()
    assert b"13812345678" not in office_db and b"13812345678" not in received.read_bytes()


def _board(tmp: Path, data: Path) -> list[dict[str, object]]:
    """`kiosk fleet --json` without the figures that move with the clock."""
    rows = json.loads(_kiosk(tmp, data, "fleet", "--json").stdout)
    for row in rows:
        row.pop("hours_since", None)
    return list(rows)
