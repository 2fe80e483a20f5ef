"""Hostile content bundles: every attack is refused in one line, moved aside, and never stops the inbox.

All bundles here are made in the test from the real seed database (synthetic changes only).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.content.dump import content_hash
from kiosk.core.db.connection import connect, transaction
from kiosk.core.db.runtime import merge_content, open_runtime_database
from kiosk.core.exchange.bundle import (
    DB_NAME,
    MANIFEST_NAME,
    QUARANTINE_DIR,
    BundleError,
    Deadline,
    _parse_manifest,
    applied_bundle,
    apply_bundle,
    apply_from_inbox,
    export_bundle,
    open_bundle,
    parse_manifest_text,
    quarantined,
    read_manifest,
)
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.health import WARN
from kiosk.core.terminal.health import check_inbox as doctor_inbox
from kiosk.core.terminal.scratch import remove_stale
from kiosk.core.workers.feedback import add_feedback

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id FROM c"


@pytest.fixture
def good(writable_db: Path, tmp_path: Path) -> Path:
    """A valid bundle v3 of the seed database with one synthetic edit."""
    conn = connect(writable_db)
    with conn:
        conn.execute("UPDATE services SET description = '（合成测试）办公室新说明', updated_at = ? "
                     "WHERE id = 'community-health-centres'", (NOW.isoformat(),))
    conn.close()
    out = tmp_path / "made" / "good-v3.zip"
    export_bundle(writable_db, out, version=3)
    return out


@pytest.fixture
def terminal(tmp_path: Path, seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_runtime_database(tmp_path / "terminal", seed_db_path)
    yield conn
    conn.close()


def _manifest(bundle: Path) -> dict[str, object]:
    with zipfile.ZipFile(bundle) as zf:
        return dict(json.loads(zf.read(MANIFEST_NAME)))


def _write_zip(out: Path, manifest: bytes, db: bytes | None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST_NAME, manifest)
        if db is not None:
            zf.writestr(DB_NAME, db)
    return out


def _with_db(good: Path, out: Path, change: Callable[[sqlite3.Connection], None], *, version: int) -> Path:
    """A copy of ``good`` whose database was changed by ``change``, with a matching SHA-256 and size."""
    work = out.with_suffix(".db")
    with zipfile.ZipFile(good) as zf:
        work.write_bytes(zf.read(DB_NAME))
    conn = sqlite3.connect(work, isolation_level=None)
    change(conn)
    conn.close()
    data = work.read_bytes()
    work.unlink()
    manifest = {**_manifest(good), "version": version, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return _write_zip(out, json.dumps(manifest).encode(), data)


def _refusal(path: Path, conn: sqlite3.Connection) -> str:
    before = (content_hash(conn), applied_bundle(conn))
    with pytest.raises(BundleError) as info:
        apply_bundle(conn, path, now=NOW)
    assert (content_hash(conn), applied_bundle(conn)) == before
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_manifest_with_a_5000_digit_number_is_refused_in_one_line(good: Path, tmp_path: Path) -> None:
    """Python's int limit (4300 digits) is never reached: a long number is a one-line refusal."""
    text = json.dumps(_manifest(good)).replace('"version": 3', '"version": ' + "9" * 5000)
    bad = _write_zip(tmp_path / "digits.zip", text.encode(), None)
    with pytest.raises(BundleError, match="5000 digits") as info:
        read_manifest(bad)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_deeply_nested_manifest_is_refused_without_recursion_error(tmp_path: Path) -> None:
    """A manifest nesting 30,000 levels is refused before the JSON parser could recurse."""
    bad = _write_zip(tmp_path / "deep.zip", b"[" * 30_000 + b"]" * 30_000, None)
    with pytest.raises(BundleError, match="nests 30000 levels"):
        read_manifest(bad)


def test_zip_bomb_is_refused_from_its_headers_without_unpacking(good: Path, tmp_path: Path) -> None:
    """A 64 MiB run of zeros packed into 64 KiB is refused by its ratio; nothing is unpacked to disk."""
    manifest = {**_manifest(good), "size": 64 * 2**20}
    bomb = _write_zip(tmp_path / "bomb.zip", json.dumps(manifest).encode(), bytes(64 * 2**20))
    assert bomb.stat().st_size < 2**20
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(scratch))
        mp.setattr("tempfile.tempdir", None)
        with pytest.raises(BundleError, match="zip bomb"), open_bundle(bomb):
            pass
    assert list(scratch.iterdir()) == []


def test_members_beyond_the_size_cap_or_extra_members_are_refused(good: Path, tmp_path: Path) -> None:
    """A database header claiming over 512 MiB, or a third member, is refused from the headers."""
    manifest = json.dumps(_manifest(good)).encode()
    extra = _write_zip(tmp_path / "extra.zip", manifest, b"x")
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("run-me.sh", b"echo hi")
    with pytest.raises(BundleError, match="holds 3 member"):
        read_manifest(extra)


def test_endless_view_in_the_bundle_database_is_refused_at_once(good: Path, terminal: sqlite3.Connection,
                                                                 tmp_path: Path) -> None:
    """services replaced by an endless recursive view: refused by the schema check, nothing queried."""
    def endless(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE services RENAME TO services_real")
        conn.execute(f"CREATE VIEW services AS {ENDLESS}")

    bad = _with_db(good, tmp_path / "endless.zip", endless, version=4)
    message = _refusal(bad, terminal)
    assert "has a view (services)" in message or "unknown table (services_real)" in message


def test_triggers_and_unknown_columns_are_refused(good: Path, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """The bundle's schema must be this program's: a trigger or an extra column is refused."""
    trigger = _with_db(good, tmp_path / "trigger.zip", lambda c: c.execute(
        "CREATE TRIGGER t AFTER INSERT ON news BEGIN DELETE FROM news; END"), version=4)
    assert "has a trigger (t)" in _refusal(trigger, terminal)
    column = _with_db(good, tmp_path / "column.zip", lambda c: c.execute(
        "ALTER TABLE news ADD COLUMN surprise TEXT"), version=4)
    assert "table news has other columns" in _refusal(column, terminal)


def test_mangled_schema_is_a_one_line_refusal(good: Path, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """A database whose sqlite_master SQL was overwritten cannot be read: one line, nothing changed."""
    def mangle(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE news(' WHERE name = 'news'")

    bad = _with_db(good, tmp_path / "mangled.zip", mangle, version=4)
    assert "cannot be read" in _refusal(bad, terminal)


def test_huge_text_in_a_listing_is_refused_before_merging(good: Path, terminal: sqlite3.Connection,
                                                          tmp_path: Path) -> None:
    """A 600,000-character listing name (random synthetic Han text) is refused by the text bound."""
    rng = random.Random(20)
    name = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(600_000))
    bad = _with_db(good, tmp_path / "huge.zip", lambda c: c.execute(
        "UPDATE services SET name = ? WHERE id = 'community-health-centres'", (name,)), version=4)
    assert "services.name holds a text of 600000 characters" in _refusal(bad, terminal)


def test_deadline_stops_an_endless_query() -> None:
    """The time limit interrupts a statement that would never end (the guard on every bundle query)."""
    conn = sqlite3.connect(":memory:")
    deadline = Deadline(0.2)
    deadline.guard(conn)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(ENDLESS.replace("SELECT x AS id FROM c", "SELECT max(x) FROM c")).fetchone()
    assert time.monotonic() - started < 5
    conn.close()


def test_the_merge_reads_the_bundle_database_under_the_time_limit(writable_db: Path, seed_db_path: Path,
                                                                  tmp_path: Path) -> None:
    """merge_content sets the apply's time limit on its own connection to the bundle's database too: a
    limit already passed stops the read at once, and the terminal's database is left as it was."""
    big = tmp_path / "big.db"  # a bundle database with 2,000 generated listings (test data)
    big.write_bytes(seed_db_path.read_bytes())
    with sqlite3.connect(big) as db:
        db.executemany("INSERT INTO services (id, category_id, name, description, status) "
                       "VALUES (?, 'elderly', ?, '合成测试数据', 'active')",
                       [(f"synthetic-{i}", f"测试服务 {i}") for i in range(2000)])
    conn = connect(writable_db)
    try:
        before = content_hash(conn)
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            merge_content(conn, big, now=NOW, backup=False, guard=Deadline(-1).guard)
        assert content_hash(conn) == before
    finally:
        conn.close()


def test_inbox_quarantines_bad_bundles_and_applies_the_valid_one(good: Path, terminal: sqlite3.Connection,
                                                                 tmp_path: Path) -> None:
    """Newer bad bundles beside a valid older one: the bad ones move to quarantine/, the valid one applies."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "content-v3.zip").write_bytes(good.read_bytes())
    text = json.dumps({**_manifest(good), "version": 9}).replace('"version": 9', '"version": ' + "7" * 5000)
    _write_zip(inbox / "digits.zip", text.encode(), None)
    _write_zip(inbox / "deep.zip", b"{\"a\":" * 10_000 + b"1" + b"}" * 10_000, None)
    _with_db(good, inbox / "view-v8.zip", lambda c: c.execute(f"CREATE VIEW forever AS {ENDLESS}"), version=8)
    report = apply_from_inbox(terminal, inbox, now=NOW)
    assert report.result is not None and report.result.applied and applied_bundle(terminal)[0] == 3
    assert sorted(p.name for p, _ in report.skipped) == ["deep.zip", "digits.zip", "view-v8.zip"]
    assert sorted(p.name for p in inbox.glob("*.zip")) == ["content-v3.zip"]
    moved = quarantined(inbox)
    assert sorted(p.name.split("-", 2)[2] for p, _ in moved) == ["deep.zip", "digits.zip", "view-v8.zip"]
    assert all(reason and "\n" not in reason for _, reason in moved)
    check = doctor_inbox(Config(content_inbox=str(inbox)), 3)
    assert check.status == WARN and QUARANTINE_DIR in check.detail and "view-v8.zip" in check.detail


def test_partial_copy_and_newer_program_bundles_stay_in_the_inbox(good: Path, terminal: sqlite3.Connection,
                                                                  tmp_path: Path) -> None:
    """A half-copied file and a bundle for a newer schema are skipped but not moved (they may work later)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = good.read_bytes()
    (inbox / "copying.zip").write_bytes(data[: len(data) // 2])
    _write_zip(inbox / "future.zip", json.dumps({**_manifest(good), "schema_version": 99}).encode(), b"x")
    report = apply_from_inbox(terminal, inbox, now=NOW)
    assert report.result is None
    assert sorted(p.name for p in inbox.glob("*.zip")) == ["copying.zip", "future.zip"]
    assert quarantined(inbox) == []


def test_apply_leaves_the_database_writable_for_the_kiosk(writable_db: Path, tmp_path: Path,
                                                         seed_db_path: Path) -> None:
    """While a big bundle (2,000 synthetic listings) is applied, a second connection with a 200 ms busy
    timeout saves feedback every 5 ms without one 'database is locked'."""
    conn = connect(writable_db)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO services(id, category_id, name, description, origin, updated_at) "
            "VALUES (?, 'elderly', ?, ?, 'worker', ?)",
            [(f"test-bulk-{i}", f"合成测试服务{i}号", "合成测试说明" * 20, NOW.isoformat()) for i in range(2000)])
    conn.close()
    bundle = tmp_path / "big.zip"
    export_bundle(writable_db, bundle, version=2)
    runtime = open_runtime_database(tmp_path / "terminal", seed_db_path)
    db_file = tmp_path / "terminal" / "kiosk.db"
    done = threading.Event()
    saved: list[float] = []
    errors: list[str] = []

    def kiosk() -> None:
        other = sqlite3.connect(db_file, isolation_level=None, timeout=0.2)
        try:
            while not done.is_set():
                started = time.monotonic()
                try:
                    add_feedback(other, "community-health-centres", "wrong_phone", NOW)
                    saved.append(time.monotonic() - started)
                except sqlite3.OperationalError as exc:
                    errors.append(str(exc))
                time.sleep(0.005)
        finally:
            other.close()

    writer = threading.Thread(target=kiosk)
    writer.start()
    try:
        result = apply_bundle(runtime, bundle, now=NOW)
    finally:
        done.set()
        writer.join()
    assert result.applied and runtime.execute("SELECT count(*) FROM services WHERE id LIKE 'test-bulk-%'"
                                              ).fetchone()[0] == 2000
    assert errors == [] and len(saved) > 20
    assert runtime.execute("SELECT count(*) FROM feedback").fetchone()[0] == len(saved)
    runtime.close()


# ── the real watcher, as a subprocess ───────────────────────────────────────────────────────────

REPO = Path(__file__).resolve().parents[2]


def _env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    env.pop("KIOSK_DEBUG", None)
    config = tmp / "unsigned-allowed.toml"  # these bundles are unsigned on purpose (tests of the checks after)
    config.write_text("allow_unsigned_bundles = true\n", encoding="utf-8")
    env["KIOSK_CONFIG"] = str(config)
    return env


def _bad_bundles(good: Path, inbox: Path) -> list[str]:
    """Write one bundle of each kind of attack into ``inbox``; return their names."""
    text = json.dumps({**_manifest(good), "version": 9}).replace('"version": 9', '"version": ' + "7" * 5000)
    _write_zip(inbox / "digits.zip", text.encode(), None)
    _write_zip(inbox / "deep.zip", b"[" * 30_000 + b"]" * 30_000, None)
    _write_zip(inbox / "bomb.zip", json.dumps({**_manifest(good), "version": 9, "size": 64 * 2**20}).encode(),
               bytes(64 * 2**20))
    _with_db(good, inbox / "view-v8.zip", lambda c: c.execute(f"CREATE VIEW forever AS {ENDLESS}"), version=8)

    def mangle(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE news(' WHERE name = 'news'")

    _with_db(good, inbox / "mangled-v7.zip", mangle, version=7)
    return ["bomb.zip", "deep.zip", "digits.zip", "mangled-v7.zip", "view-v8.zip"]


def test_watch_once_applies_the_valid_bundle_beside_every_bad_one(good: Path, tmp_path: Path) -> None:
    """`update-content --watch DIR --once` with five hostile bundles and one valid: exit 0, valid applied."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = _bad_bundles(good, inbox)
    (inbox / "content-v3.zip").write_bytes(good.read_bytes())
    terminal = tmp_path / "terminal"
    result = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(terminal), "update-content",
                             "--watch", str(inbox), "--once"], capture_output=True, text=True, timeout=120,
                            cwd=REPO, env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "content-v3.zip: applied content bundle v3" in result.stdout
    assert sorted(p.name for p in inbox.glob("*.zip")) == ["content-v3.zip"]
    assert sorted(p.name.split("-", 2)[2] for p, _ in quarantined(inbox)) == bad
    log = (terminal / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert all(f"refused content bundle {name}, moved to" in log for name in bad)


def _lines_until(proc: subprocess.Popen[str], lines: list[str], text: str, timeout: float) -> None:
    """Read the process's output into ``lines`` until a line holds ``text``."""
    assert proc.stdout is not None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if text in line:
            return
    raise AssertionError(f"no line with {text!r} in {lines!r}")


def test_watch_keeps_looking_after_bad_bundles_and_stops_on_sigterm(good: Path, tmp_path: Path) -> None:
    """The watcher outlives five bad bundles, applies a valid one that arrives later, and exits 143 on SIGTERM."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _bad_bundles(good, inbox)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "terminal"),
                             "update-content", "--watch", str(inbox), "--interval", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
                            env=_env(tmp_path))
    lines: list[str] = []
    try:
        _lines_until(proc, lines, "no content bundle to apply", 60)
        _lines_until(proc, lines, "no content bundle to apply", 30)  # a second look: still running
        assert proc.poll() is None
        (inbox / "content-v3.zip").write_bytes(good.read_bytes())
        _lines_until(proc, lines, "applied content bundle v3", 60)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 143
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    assert not any("Traceback" in line for line in lines)
    assert sum("skipped" in line for line in lines) == 5


def test_sigterm_during_an_apply_removes_the_unpacked_copy(writable_db: Path, tmp_path: Path) -> None:
    """`update-content FILE` killed by SIGTERM while applying: exit 143, no temporary folder left, nothing applied."""
    conn = connect(writable_db)
    with transaction(conn):
        conn.executemany("INSERT INTO services(id, category_id, name, origin, updated_at) "
                         "VALUES (?, 'elderly', ?, 'worker', ?)",
                         [(f"test-bulk-{i}", f"合成测试服务{i}号", NOW.isoformat()) for i in range(2000)])
    conn.close()
    bundle = tmp_path / "big.zip"
    export_bundle(writable_db, bundle, version=2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    terminal = tmp_path / "terminal"
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--data-dir", str(terminal), "update-content",
                             str(bundle)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env=_env(scratch))
    seen: list[str] = []
    try:
        end = time.monotonic() + 60
        while not seen and proc.poll() is None and time.monotonic() < end:
            seen = [p.name for p in scratch.iterdir() if p.name.startswith("kiosk-update-")
                    and (p / DB_NAME).exists()]
            time.sleep(0.002)
        assert seen, "the apply never made its scratch folder"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert [p.name for p in scratch.iterdir() if p.name.startswith("kiosk-")] == []
    runtime = sqlite3.connect(terminal / "kiosk.db")
    try:
        assert runtime.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert runtime.execute("SELECT count(*) FROM services WHERE id LIKE 'test-bulk-%'").fetchone()[0] == 0
    finally:
        runtime.close()


def test_stale_scratch_folders_of_killed_runs_are_removed(tmp_path: Path) -> None:
    """A folder of a vanished pid older than five minutes goes; a young one and a live pid's one stay."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(gone.stdout)
    old = tmp_path / f"kiosk-update-{dead_pid}-abc"
    young = tmp_path / f"kiosk-update-{dead_pid}-def"
    mine = tmp_path / f"kiosk-bundle-{os.getpid()}-ghi"
    other = tmp_path / "kiosk-notes"
    for folder in (old, young, mine, other):
        folder.mkdir()
        (folder / DB_NAME).write_bytes(b"synthetic test bytes")
    now = time.time()
    for folder in (old, mine, other):
        os.utime(folder, (now - 3600, now - 3600))
    removed = remove_stale(folder=tmp_path, now=now)
    assert removed == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (young, mine, other))


def _shrink_header(bundle: Path, name: str, new_size: int) -> None:
    """Make the ZIP's local and central headers of member ``name`` claim ``new_size`` unpacked bytes."""
    data = bytearray(bundle.read_bytes())
    encoded = name.encode()
    with zipfile.ZipFile(bundle) as zf:
        local = zf.getinfo(name).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = new_size.to_bytes(4, "little")
    start = 0
    while True:
        central = data.find(b"PK\x01\x02", start)
        assert central >= 0
        length = int.from_bytes(data[central + 28:central + 30], "little")
        if bytes(data[central + 46:central + 46 + length]) == encoded:
            break
        start = central + 4
    data[central + 24:central + 28] = new_size.to_bytes(4, "little")
    bundle.write_bytes(bytes(data))


def test_a_lying_size_header_cannot_unpack_more_than_it_says(good: Path, tmp_path: Path) -> None:
    """Headers and manifest claiming 4 KiB less than the real stream: the unpacked copy stops at the
    claimed size and the bundle is refused as damaged (checksum), in one line."""
    with zipfile.ZipFile(good) as zf:
        data = zf.read(DB_NAME)
    claimed = len(data) - 4096
    bad = _write_zip(tmp_path / "liar.zip", json.dumps({**_manifest(good), "size": claimed}).encode(), data)
    _shrink_header(bad, DB_NAME, claimed)
    with zipfile.ZipFile(bad) as zf:
        assert zf.getinfo(DB_NAME).file_size == claimed
    with pytest.raises(BundleError, match="damaged") as info, open_bundle(bad):
        pass
    assert "\n" not in str(info.value)


def test_a_fifo_given_as_a_bundle_is_refused_without_waiting(terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """`update-content FIFO` would block for ever on open; it is refused at once in one line."""
    fifo = tmp_path / "content.zip"
    os.mkfifo(fifo)
    message = _refusal(fifo, terminal)
    assert "not a regular file" in message
    with pytest.raises(BundleError, match="not a regular file"):
        read_manifest(fifo)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                 max_size=4), max_leaves=20)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["format", "format_version", "version", "schema_version", "content_hash",
                                        "sha256", "size", "counts", "database", "other"]), _JSON, max_size=10),
       st.booleans())
def test_any_manifest_is_a_manifest_or_a_one_line_refusal(fields: dict[str, object], ours: bool) -> None:
    """Whatever JSON the manifest holds, parsing gives a Manifest or a one-line BundleError, nothing else."""
    if ours:
        fields = {**fields, "format": "shangjie-kiosk-content", "format_version": 1}
    zf_bytes = io.BytesIO()
    with zipfile.ZipFile(zf_bytes, "w") as zf:
        zf.writestr(MANIFEST_NAME, json.dumps(fields))
    zf_bytes.seek(0)
    with zipfile.ZipFile(zf_bytes) as zf:
        try:
            _parse_manifest(zf, Path("fuzz.zip"))
        except BundleError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 400


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_manifest_bytes_are_a_one_line_refusal(data: bytes) -> None:
    """Random bytes as manifest.json never raise anything but a one-line BundleError."""
    with pytest.raises(BundleError) as info:
        parse_and_check(data)
    assert "\n" not in str(info.value)


def parse_and_check(data: bytes) -> None:
    raw = parse_manifest_text(data, "fuzz.zip")
    if raw.get("format") != "shangjie-kiosk-content":
        raise BundleError("fuzz.zip: not ours")
