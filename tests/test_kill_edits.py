"""SIGKILL at random moments while a worker's edits are being saved: nothing committed is lost.

A child process opens the runtime database the way the kiosk does and saves listing edits in a loop
(kiosk.core.listings.editing.save_listing), printing one line per edit *after* it has been committed. The test
kills it with SIGKILL a random 5–50 ms after it is ready, starts it again, and repeats ≥ 200 times.
Then every edit that was reported as committed must be in the database, the listing must show the
last one, the integrity check must pass and the start-up check must not have needed a recovery.
All listings written here are synthetic (names start with 测试 = test).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from kiosk.core.db.recovery import recovery_notice
from kiosk.core.db.runtime import open_runtime_database, runtime_db_path
from tests.helpers.worker import NOW

REPO = Path(__file__).resolve().parents[1]
KILLS = 200
SEED = 20210915

# The zygote imports everything once, then forks one worker per round: a fresh process for every
# kill without paying the interpreter's start-up 200 times. Each worker opens the database itself and
# writes its lines straight into the zygote's stdout; the zygote writes "done" once the worker is dead,
# so every line a worker wrote comes before it.
ZYGOTE = r"""
import os, sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from kiosk.core.listings.editing import Listing, get_listing, save_listing
from kiosk.core.db.runtime import open_runtime_database

data, bundled = Path(sys.argv[1]), Path(sys.argv[2])
now = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def work(run):
    conn = open_runtime_database(data, bundled, now=now)
    os.write(1, b"ready\n")
    k = 0
    while True:
        k += 1
        token = f"kill-r{run}-e{k}"
        if k % 4 == 0:
            listing = Listing(category_id="elderly", name=f"测试 {token}", description="合成测试数据 " + token)
        else:
            listing = get_listing(conn, "library-branches")
            listing.description = "测试 " + token
        result = save_listing(conn, listing, actor="kill-test", now=now)
        os.write(1, f"edit {result.audit_id} {result.service_id} {token}\n".encode())


# warm up (imports, pinyin tables) on a scratch copy, so a worker's first save is as fast as the rest
scratch = open_runtime_database(Path(sys.argv[3]), bundled, now=now)
warm = get_listing(scratch, "library-branches")
warm.description = "测试 warm-up"
save_listing(scratch, warm, actor="warm-up", now=now)
scratch.close()

for line in sys.stdin:
    run = int(line)
    pid = os.fork()
    if pid == 0:
        try:
            work(run)
        finally:
            os._exit(3)
    os.write(1, f"pid {pid}\n".encode())
    _pid, status = os.waitpid(pid, 0)
    os.write(1, f"done {run} {status}\n".encode())
"""


def _lines_until(stream: IO[str], word: str) -> list[str]:
    """Read lines up to and including the first one starting with ``word``."""
    lines = []
    while True:
        line = stream.readline()
        if not line:
            raise AssertionError(f"the zygote ended early after {lines[-3:]!r}")
        lines.append(line)
        if line.startswith(word):
            return lines


@pytest.mark.slow
def test_sigkill_during_saves_loses_no_committed_edit(seed_db_path: Path, tmp_path: Path) -> None:
    """≥ 200 SIGKILLs at random moments mid-save: every reported edit survives; the database is intact."""
    data = tmp_path / "data"
    open_runtime_database(data, seed_db_path, now=NOW).close()
    rng = random.Random(SEED)
    command = [sys.executable, "-c", ZYGOTE, str(data), str(seed_db_path), str(tmp_path / "scratch")]
    zygote = subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert zygote.stdin is not None and zygote.stdout is not None
    committed: list[tuple[int, str, str]] = []
    kills = 0
    started = time.monotonic()
    try:
        for run in range(1, KILLS + 1):
            zygote.stdin.write(f"{run}\n")
            zygote.stdin.flush()
            lines = _lines_until(zygote.stdout, "ready")
            if not any(line.startswith("pid ") for line in lines):  # the child may say "ready" before its
                lines += _lines_until(zygote.stdout, "pid ")          # parent has written its pid
            pid = int(next(line for line in lines if line.startswith("pid ")).split()[1])
            time.sleep(rng.uniform(0.005, 0.050))
            os.kill(pid, signal.SIGKILL)
            kills += 1
            lines += _lines_until(zygote.stdout, "done")
            status = int(lines[-1].split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"worker {run} died by itself"
            for line in lines:
                if line.startswith("edit "):
                    _edit, audit_id, service_id, token = line.split()
                    committed.append((int(audit_id), service_id, token))
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
        zygote.stdout.close()
    elapsed = time.monotonic() - started

    assert kills >= KILLS
    assert len(committed) > KILLS  # the kills really landed among saves, not only at start-up
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    assert recovery_notice(conn) is None, "a killed save must never leave a file that needs recovery"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT id, record_id, after FROM audit_log WHERE actor = 'kill-test'")}
    for audit_id, service_id, token in committed:
        assert audit_id in rows, f"committed edit {token} (audit {audit_id}) is missing"
        record_id, after = rows[audit_id]
        assert record_id == service_id and token in after
    last_edit = conn.execute("SELECT after FROM audit_log WHERE actor = 'kill-test' AND "
                             "record_id = 'library-branches' ORDER BY id DESC LIMIT 1").fetchone()[0]
    description = conn.execute("SELECT description FROM services WHERE id = 'library-branches'").fetchone()[0]
    assert json.loads(last_edit)["services"][0]["description"] == description
    created = {t for _a, sid, t in committed if sid != "library-branches"}
    names = {r[0] for r in conn.execute("SELECT name FROM services WHERE name LIKE '测试 kill-%'")}
    assert {f"测试 {t}" for t in created} <= names
    conn.close()
    print(f"\nkill test: {kills} SIGKILLs, {len(committed)} committed edits checked, "
          f"{len(rows)} edits in the audit log, {elapsed:.1f} s; database {runtime_db_path(data).stat().st_size} B")
