"""Content bundles: export, verification, atomic apply that keeps a terminal's own data, the inbox."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.content.dump import content_hash
from kiosk.core.db.connection import connect
from kiosk.core.db.migrations import SCHEMA_VERSION
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.exchange.bundle import (
    DB_NAME,
    MANIFEST_NAME,
    BundleError,
    applied_bundle,
    apply_bundle,
    apply_from_inbox,
    export_bundle,
    next_version,
    open_bundle,
    read_manifest,
    record_exported_version,
)
from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.core.workers.feedback import add_feedback
from kiosk.core.workers.usage import record_view

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
EDITED = "（测试用合成文字）办公室修改后的说明"  # synthetic test text, never in data/


@pytest.fixture
def office(writable_db: Path) -> Path:
    """An office database with one listing edited and one added by a worker (synthetic test data)."""
    conn = connect(writable_db)
    with conn:
        conn.execute("UPDATE services SET description = ?, updated_at = ? WHERE id = 'elderly-care-facilities'",
                     (EDITED, NOW.isoformat()))
        conn.execute("INSERT INTO services(id, category_id, name, origin, updated_at) "
                     "VALUES ('test-new-service', 'elderly', '测试新服务（合成）', 'worker', ?)", (NOW.isoformat(),))
        conn.execute("INSERT INTO feedback(service_id, kind, created_at) VALUES "
                     "('elderly-care-facilities', 'closed', ?)", (NOW.isoformat(),))
    conn.close()
    return writable_db


@pytest.fixture
def terminal(tmp_path: Path, seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    """A second terminal's runtime database, with local feedback, usage counts and an audit entry."""
    conn = open_runtime_database(tmp_path / "terminal", seed_db_path)
    add_feedback(conn, "community-health-centres", "wrong_phone", NOW)
    record_view(conn, "service", "community-health-centres", NOW)
    conn.execute("INSERT INTO audit_log(at, actor, table_name, record_id, action) "
                 "VALUES (?, 'admin-test', 'services', 'x', 'login')", (NOW.isoformat(),))
    yield conn
    conn.close()


def _local_rows(conn: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    return tuple([tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
                 for t in ("feedback", "usage_counts"))


def _description(conn: sqlite3.Connection, sid: str) -> str | None:
    row = conn.execute("SELECT description FROM services WHERE id = ?", (sid,)).fetchone()
    return None if row is None else str(row[0])


def test_export_writes_manifest_and_snapshot(office: Path, tmp_path: Path) -> None:
    """The bundle holds manifest.json and content.db whose SHA-256, size and content hash match."""
    out = tmp_path / "out" / "content-v3.zip"
    manifest = export_bundle(office, out, version=3)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [DB_NAME, MANIFEST_NAME]
        raw = json.loads(zf.read(MANIFEST_NAME))
    assert raw["format"] == "shangjie-kiosk-content" and raw["version"] == 3
    assert read_manifest(out) == manifest
    with open_bundle(out) as (_, db):
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM services WHERE id = 'test-new-service'").fetchone()[0] == 1
        assert content_hash(conn) == manifest.content_hash
        conn.close()
    assert manifest.counts["services"] >= 2


def test_export_leaves_source_alone_and_is_reproducible(office: Path, tmp_path: Path) -> None:
    """Exporting twice gives the same bytes and never changes the source database."""
    before = office.read_bytes()
    export_bundle(office, tmp_path / "a.zip", version=1)
    export_bundle(office, tmp_path / "b.zip", version=1)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert office.read_bytes() == before


def test_version_counter(office: Path) -> None:
    """next_version is 1 on a fresh database and one more than the last recorded export."""
    conn = connect(office)
    assert next_version(conn) == 1
    record_exported_version(conn, 4)
    assert next_version(conn) == 5
    conn.close()


def test_apply_keeps_local_feedback_usage_and_audit(office: Path, terminal: sqlite3.Connection,
                                                    tmp_path: Path) -> None:
    """Applying brings the office's listings and keeps the terminal's feedback, usage and audit log."""
    bundle = tmp_path / "b.zip"
    export_bundle(office, bundle, version=2)
    local = _local_rows(terminal)
    audit_before = terminal.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    result = apply_bundle(terminal, bundle, now=NOW)
    assert result.applied and result.previous_version is None
    assert _description(terminal, "elderly-care-facilities") == EDITED
    assert terminal.execute("SELECT 1 FROM services WHERE id = 'test-new-service'").fetchone()
    assert _local_rows(terminal) == local
    assert terminal.execute("SELECT count(*) FROM audit_log").fetchone()[0] > audit_before
    assert terminal.execute("SELECT count(*) FROM audit_log WHERE action = 'content_update'").fetchone()[0] == 1
    assert applied_bundle(terminal) == (2, result.manifest.content_hash)
    again = apply_bundle(terminal, bundle, now=NOW)
    assert not again.applied and "already applied" in again.message


def test_content_survives_a_restart(office: Path, tmp_path: Path, seed_db_path: Path) -> None:
    """Reopening the runtime database does not merge the older bundled content back over a bundle."""
    bundle = tmp_path / "b.zip"
    export_bundle(office, bundle, version=1)
    data_dir = tmp_path / "t"
    conn = open_runtime_database(data_dir, seed_db_path)
    apply_bundle(conn, bundle, now=NOW)
    conn.close()
    conn = open_runtime_database(data_dir, seed_db_path)
    assert _description(conn, "elderly-care-facilities") == EDITED
    conn.close()


def test_worker_edit_on_the_terminal_is_kept_and_the_clash_listed(office: Path, terminal: sqlite3.Connection,
                                                                   tmp_path: Path) -> None:
    """A field a worker edited on this terminal keeps the worker's value; since the office changed the same
    field (to another value), it is listed as a conflict, not won silently; other office changes arrive."""
    from kiosk.core.fleet.conflicts import list_conflicts

    listing = get_listing(terminal, "elderly-care-facilities")
    assert listing is not None
    save_listing(terminal, replace(listing, description="本机修改（合成）"), actor="admin-test", now=NOW)
    conn = connect(office)
    with conn:
        conn.execute("UPDATE services SET name_en = 'Office name (test)' WHERE id = 'elderly-care-facilities'")
    conn.close()
    bundle = tmp_path / "b.zip"
    export_bundle(office, bundle, version=1)
    apply_bundle(terminal, bundle, now=NOW)
    assert _description(terminal, "elderly-care-facilities") == "本机修改（合成）"
    assert terminal.execute("SELECT name_en FROM services WHERE id = 'elderly-care-facilities'").fetchone()[0] == \
        "Office name (test)"
    assert [(c.service_id, c.key, c.office) for c in list_conflicts(terminal)] == [
        ("elderly-care-facilities", ("description",), EDITED)]
    assert terminal.execute("SELECT 1 FROM services WHERE id = 'test-new-service'").fetchone()


def _assert_refused(conn: sqlite3.Connection, bundle: Path, match: str) -> None:
    before = (content_hash(conn), _local_rows(conn), applied_bundle(conn))
    with pytest.raises(BundleError, match=match):
        apply_bundle(conn, bundle, now=NOW)
    assert (content_hash(conn), _local_rows(conn), applied_bundle(conn)) == before


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.999])
def test_truncated_bundle_is_refused_and_changes_nothing(office: Path, terminal: sqlite3.Connection,
                                                         tmp_path: Path, keep: float) -> None:
    """A bundle cut short (a copy in progress) is refused with a message and the database is unchanged."""
    full = tmp_path / "full.zip"
    export_bundle(office, full, version=2)
    data = full.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: int(len(data) * keep)])
    _assert_refused(terminal, cut, "not a complete content bundle|damaged")


def _rewrite(src: Path, dst: Path, *, manifest: dict[str, object] | None = None, db: bytes | None = None,
             drop: str | None = None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name == drop:
                continue
            data = zin.read(name)
            if name == MANIFEST_NAME and manifest is not None:
                data = json.dumps({**json.loads(data), **manifest}).encode()
            if name == DB_NAME and db is not None:
                data = db
            zout.writestr(name, data)


def test_tampered_and_foreign_bundles_are_refused(office: Path, terminal: sqlite3.Connection,
                                                  tmp_path: Path) -> None:
    """Changed bytes, a wrong format, a missing member or a non-ZIP file are each refused."""
    good = tmp_path / "good.zip"
    export_bundle(office, good, version=2)
    with zipfile.ZipFile(good) as zf:
        db = bytearray(zf.read(DB_NAME))
    db[len(db) // 2] ^= 0xFF
    cases = {
        "SHA-256 does not match": dict(db=bytes(db)),
        "not a kiosk content bundle": dict(manifest={"format": "other"}),
        "format 99": dict(manifest={"format_version": 99}),
        "no content.db": dict(drop=DB_NAME),
        "no manifest.json": dict(drop=MANIFEST_NAME),
        "bad field": dict(manifest={"sha256": "abc"}),
    }
    for n, (message, change) in enumerate(cases.items()):
        bad = tmp_path / f"bad{n}.zip"
        _rewrite(good, bad, **change)  # type: ignore[arg-type]
        _assert_refused(terminal, bad, message)
    text = tmp_path / "notes.zip"
    text.write_text("not a zip", encoding="utf-8")
    _assert_refused(terminal, text, "not a complete content bundle")
    _assert_refused(terminal, tmp_path / "missing.zip", "not found")


def test_newer_schema_is_refused(office: Path, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """A bundle from a newer program (higher schema) is refused with 'update the program'."""
    conn = sqlite3.connect(office)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    # export needs a current schema, so build the bundle from a current copy and then raise its schema
    good = tmp_path / "good.zip"
    conn = sqlite3.connect(office)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()
    export_bundle(office, good, version=2)
    with zipfile.ZipFile(good) as zf:
        data = zf.read(DB_NAME)
    patched = tmp_path / "content.db"
    patched.write_bytes(data)
    conn = sqlite3.connect(patched)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    import hashlib

    raw = patched.read_bytes()
    bad = tmp_path / "newer.zip"
    _rewrite(good, bad, db=raw, manifest={"schema_version": 999, "sha256": hashlib.sha256(raw).hexdigest(),
                                          "size": len(raw)})
    _assert_refused(terminal, bad, "newer kiosk program")


def test_older_version_needs_force(office: Path, terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """After v5 a v4 bundle is refused unless forced."""
    export_bundle(office, tmp_path / "v5.zip", version=5)
    apply_bundle(terminal, tmp_path / "v5.zip", now=NOW)
    conn = connect(office)
    with conn:
        conn.execute("UPDATE services SET description = '旧版（合成）' WHERE id = 'elderly-care-facilities'")
    conn.close()
    export_bundle(office, tmp_path / "v4.zip", version=4)
    _assert_refused(terminal, tmp_path / "v4.zip", "older than the applied version 5")
    assert apply_bundle(terminal, tmp_path / "v4.zip", now=NOW, force=True).applied
    assert _description(terminal, "elderly-care-facilities") == "旧版（合成）"


def test_inbox_applies_the_newest_usable_bundle(office: Path, terminal: sqlite3.Connection,
                                                tmp_path: Path) -> None:
    """The inbox skips a partial newest copy, applies the next, and is idempotent on the next look."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    export_bundle(office, inbox / "content-v1.zip", version=1)
    export_bundle(office, tmp_path / "v2.zip", version=2)
    data = (tmp_path / "v2.zip").read_bytes()
    (inbox / "content-v2.zip").write_bytes(data[: len(data) // 2])  # still being copied
    (inbox / ".syncthing.content-v3.zip.tmp").write_bytes(b"partial")
    (inbox / "readme.txt").write_text("ignored", encoding="utf-8")
    report = apply_from_inbox(terminal, inbox, now=NOW)
    assert report.result is not None and report.result.applied and report.result.manifest.version == 1
    assert [p.name for p, _ in report.skipped] == ["content-v2.zip"]
    (inbox / "content-v2.zip").write_bytes(data)  # the copy finished
    report = apply_from_inbox(terminal, inbox, now=NOW)
    assert report.result is not None and report.result.applied and applied_bundle(terminal)[0] == 2
    report = apply_from_inbox(terminal, inbox, now=NOW)
    assert report.result is not None and not report.result.applied and "up to date" in report.result.message
    assert sorted(os.listdir(inbox)) == [".syncthing.content-v3.zip.tmp", "content-v1.zip", "content-v2.zip",
                                         "readme.txt"]


def test_inbox_empty_or_missing(terminal: sqlite3.Connection, tmp_path: Path) -> None:
    """An empty inbox applies nothing; a missing one (share not mounted) is a BundleError."""
    (tmp_path / "empty").mkdir()
    assert apply_from_inbox(terminal, tmp_path / "empty", now=NOW).result is None
    with pytest.raises(BundleError, match="mounted"):
        apply_from_inbox(terminal, tmp_path / "nope", now=NOW)


def test_reapplied_after_a_program_upgrade(office: Path, tmp_path: Path, seed_db_path: Path) -> None:
    """When an upgrade merged a new bundled database, the inbox applies the office bundle again."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    export_bundle(office, inbox / "c.zip", version=1)
    data_dir = tmp_path / "t"
    conn = open_runtime_database(data_dir, seed_db_path)
    apply_from_inbox(conn, inbox, now=NOW)
    conn.close()
    newer = tmp_path / "newer-bundled.db"  # a program upgrade with different built-in content
    newer.write_bytes(seed_db_path.read_bytes())
    c = sqlite3.connect(newer)
    with c:
        c.execute("UPDATE meta SET value = 'f' || substr(value, 2) WHERE key = 'content_hash'")
    c.close()
    conn = open_runtime_database(data_dir, newer)
    report = apply_from_inbox(conn, inbox, now=NOW)
    assert report.result is not None and report.result.applied
    assert _description(conn, "elderly-care-facilities") == EDITED
    current = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
    assert current == report.result.manifest.content_hash
    conn.close()
    conn = open_runtime_database(data_dir, newer)  # and the next start leaves it alone
    assert not apply_from_inbox(conn, inbox, now=NOW).result.applied  # type: ignore[union-attr]
    conn.close()


def test_second_office_edit_reaches_the_terminal(office: Path, terminal: sqlite3.Connection,
                                                 tmp_path: Path) -> None:
    """A listing the office edits again after bundle v1 is updated by bundle v2 (not kept as 'edited')."""
    export_bundle(office, tmp_path / "v1.zip", version=1)
    apply_bundle(terminal, tmp_path / "v1.zip", now=NOW)
    conn = connect(office)
    listing = get_listing(conn, "elderly-care-facilities")
    assert listing is not None
    save_listing(conn, replace(listing, description="第二次修改（合成）"), actor="admin-office", now=NOW)
    with conn:
        conn.execute("DELETE FROM services WHERE id = 'test-new-service'")
    conn.close()
    export_bundle(office, tmp_path / "v2.zip", version=2)
    apply_bundle(terminal, tmp_path / "v2.zip", now=NOW)
    assert _description(terminal, "elderly-care-facilities") == "第二次修改（合成）"
    status = terminal.execute("SELECT status FROM services WHERE id = 'test-new-service'").fetchone()[0]
    assert status == "retired"
