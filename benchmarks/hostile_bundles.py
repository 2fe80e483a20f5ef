"""Hostile content bundles: time per inbox look with a zip bomb, refusal of a huge name, the kiosk's
writes during an apply. Prints figures; asserts nothing (see docs/robustness.md for the last run).

    python3 benchmarks/hostile_bundles.py [--bomb-mib 2048] [--name-chars 7000000] [--listings 2000]

Everything happens in a temporary folder (synthetic listings, marked as such); data/ is only read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.core.db.connection import connect, transaction  # noqa: E402
from kiosk.core.db.runtime import open_runtime_database  # noqa: E402
from kiosk.core.exchange.bundle import BundleError, apply_bundle, apply_from_inbox, export_bundle  # noqa: E402
from kiosk.core.terminal.paths import bundled_db_path  # noqa: E402
from kiosk.core.workers.feedback import add_feedback  # noqa: E402

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _manifest(bundle: Path) -> dict[str, object]:
    with zipfile.ZipFile(bundle) as zf:
        return dict(json.loads(zf.read("manifest.json")))


def bomb_look(root: Path, mib: int) -> None:
    inbox = root / "inbox"
    inbox.mkdir()
    export_bundle(bundled_db_path(), inbox / "good-v1.zip", version=1)
    manifest = {**_manifest(inbox / "good-v1.zip"), "version": 9, "size": mib * 2**20}
    with zipfile.ZipFile(inbox / "bomb-v9.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        with zf.open("content.db", "w", force_zip64=True) as fh:
            for _ in range(mib):
                fh.write(bytes(2**20))
    print(f"zip bomb: {(inbox / 'bomb-v9.zip').stat().st_size / 2**20:.1f} MB file, {mib} MiB unpacked")
    conn = open_runtime_database(root / "terminal", bundled_db_path())
    try:
        for n in (1, 2):
            started = time.perf_counter()
            report = apply_from_inbox(conn, inbox, now=NOW)
            took = time.perf_counter() - started
            result = report.result.message if report.result else "nothing applied"
            print(f"  inbox look {n}: {took:.2f} s — {result}; skipped {len(report.skipped)}")
    finally:
        conn.close()


def huge_name(root: Path, chars: int) -> None:
    good = root / "good.zip"
    export_bundle(bundled_db_path(), good, version=2)
    db = root / "content.db"
    with zipfile.ZipFile(good) as zf:
        db.write_bytes(zf.read("content.db"))
    rng = random.Random(1)
    name = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars))  # synthetic Han text
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE services SET name = ? WHERE id = 'community-health-centres'", (name,))
    conn.close()
    data = db.read_bytes()
    manifest = {**_manifest(good), "version": 3, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    bad = root / "huge.zip"
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("content.db", data)
    terminal = open_runtime_database(root / "terminal-huge", bundled_db_path())
    started = time.perf_counter()
    try:
        apply_bundle(terminal, bad, now=NOW)
        print(f"huge name ({chars} characters): applied?! in {time.perf_counter() - started:.2f} s")
    except BundleError as exc:
        print(f"huge name ({chars} characters, {len(data) / 2**20:.0f} MB database): refused in "
              f"{time.perf_counter() - started:.2f} s — {exc}")
    finally:
        terminal.close()


def writes_during_apply(root: Path, listings: int) -> None:
    office = root / "office.db"
    office.write_bytes(bundled_db_path().read_bytes())
    conn = connect(office)
    with transaction(conn):
        conn.executemany("INSERT INTO services(id, category_id, name, description, origin, updated_at) "
                         "VALUES (?, 'elderly', ?, ?, 'worker', ?)",
                         [(f"bench-{i}", f"合成测试服务{i}号", "合成测试说明" * 20, NOW.isoformat())
                          for i in range(listings)])
    conn.close()
    export_bundle(office, root / "big.zip", version=2)
    runtime = open_runtime_database(root / "terminal-big", bundled_db_path())
    done = threading.Event()
    waits: list[float] = []
    errors: list[str] = []

    def kiosk() -> None:
        other = sqlite3.connect(root / "terminal-big" / "kiosk.db", isolation_level=None, timeout=0.2)
        while not done.is_set():
            started = time.perf_counter()
            try:
                add_feedback(other, "community-health-centres", "wrong_phone", NOW)
                waits.append(time.perf_counter() - started)
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))
            time.sleep(0.005)
        other.close()

    writer = threading.Thread(target=kiosk)
    writer.start()
    started = time.perf_counter()
    try:
        apply_bundle(runtime, root / "big.zip", now=NOW)
    finally:
        took = time.perf_counter() - started
        done.set()
        writer.join()
        runtime.close()
    waits.sort()
    longest = f"{waits[-1] * 1000:.0f} ms" if waits else "—"
    print(f"apply of {listings} listings: {took:.2f} s; feedback saves meanwhile: {len(waits)} ok, "
          f"{len(errors)} failed; longest save {longest}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bomb-mib", type=int, default=2048)
    parser.add_argument("--name-chars", type=int, default=7_000_000)
    parser.add_argument("--listings", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-bundles-") as tmp:
        root = Path(tmp)
        for step, run in (("bomb", lambda d: bomb_look(d, args.bomb_mib)),
                          ("huge", lambda d: huge_name(d, args.name_chars)),
                          ("writes", lambda d: writes_during_apply(d, args.listings))):
            (root / step).mkdir()
            run(root / step)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
