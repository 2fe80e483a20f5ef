"""Content bundles: roll new listings out to terminals as one verified file.

A bundle is a ZIP file holding two members:

``manifest.json``
    ``{"format": "shangjie-kiosk-content", "format_version": 1, "version": 12, "schema_version": 1,
    "content_hash": "…", "database": "content.db", "sha256": "…", "size": 245760, "counts": {…}}``.
    ``version`` is the bundle's number (a counter the office increases; a terminal never goes back
    to a lower one unless forced); ``content_hash`` is :func:`kiosk.core.dump.content_hash` of the
    snapshot; ``sha256`` and ``size`` are those of the ``content.db`` member's bytes.
``content.db``
    A SQLite snapshot of the listings: the office database with its runtime tables (feedback, audit
    log, usage counts, search misses, PIN state) emptied.

The same content and version give the same bytes (fixed member times, no build time or host), so
a bundle can be checked by its SHA-256 alone.

A terminal verifies a bundle completely before touching anything — the ZIP is whole, the manifest
is ours, the database's SHA-256 and size match, SQLite's quick_check passes, the schema is one this
program understands — and then merges it into its runtime database with
:func:`kiosk.core.runtime.merge_content` (after a backup, in a transaction), which never touches
the terminal's own feedback, usage counts, search misses, PIN state or audit log. A bad or
truncated bundle raises :class:`BundleError` and changes nothing.

Whose listing wins: a listing a worker edited *on this terminal* (an audit-log entry, not undone)
stays as the worker left it; every other listing follows the office, including listings the office
edited before (``merge_content`` alone would keep those, since they carry ``updated_at``), and office
listings missing from the bundle are retired. Which bundle a terminal has applied is recorded in
its ``meta`` table (``content_bundle_version``, ``content_bundle_hash``) and in the audit log.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core import audit
from kiosk.core.db import connect, transaction
from kiosk.core.dump import content_hash
from kiosk.core.errors import KioskError
from kiosk.core.listings import LISTING, reindex, snapshot, write_snapshot
from kiosk.core.migrations import SCHEMA_VERSION, schema_version

log = logging.getLogger(__name__)

FORMAT = "shangjie-kiosk-content"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DB_NAME = "content.db"
BUNDLE_SUFFIX = ".zip"
MAX_DB_BYTES = 2 * 1024**3
"""A bundle claiming a bigger database is refused (a damaged or hostile file, not a listing set)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

RUNTIME_TABLES: tuple[str, ...] = ("feedback", "audit_log", "usage_counts", "search_misses", "auth_state")
"""Tables that belong to one terminal; a bundle carries them empty and a terminal keeps its own."""

META_VERSION = "content_bundle_version"
META_HASH = "content_bundle_hash"
META_EXPORTED = "bundle_version_exported"
"""In the office database: the version of the last bundle made from it (the next default is one more)."""
ACTOR = "content-bundle"
UPGRADE_ACTOR = "upgrade"
"""Audit actor of kiosk.core.runtime.merge_content (not a local edit either)."""


class BundleError(KioskError):
    """A bundle is damaged, incomplete, not ours, or cannot be applied here; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    """What a bundle says about itself."""

    version: int
    schema_version: int
    content_hash: str
    sha256: str
    size: int
    counts: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    database: str = DB_NAME

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


@dataclass(frozen=True)
class ApplyResult:
    """What ``apply_bundle`` did."""

    path: Path
    manifest: Manifest
    applied: bool
    """False when the terminal already had exactly this content (nothing to do)."""
    previous_version: int | None
    backup: Path | None = None
    message: str = ""


@dataclass(frozen=True)
class InboxReport:
    """One look into the watched folder."""

    inbox: Path
    result: ApplyResult | None
    """The bundle applied (or found already applied), None when the folder has no usable bundle."""
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    """Files that are not usable bundles, with the reason (a partial copy is retried next time)."""


# ── making a bundle ─────────────────────────────────────────────────────────────────────────────


def next_version(conn: sqlite3.Connection) -> int:
    """The default number of the next bundle made from this database (last exported + 1)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_EXPORTED,)).fetchone()
    try:
        return int(row[0]) + 1 if row else 1
    except ValueError:
        return 1


def export_bundle(source: Path, out: Path, *, version: int) -> Manifest:
    """Write a bundle of the listings in database ``source`` to ``out`` (atomically replaced).

    ``source`` is only read. Raises BundleError for a bad version or a source that is not a kiosk
    database of this program's schema.
    """
    if version < 1:
        raise BundleError(f"bundle version must be 1 or more, got {version}")
    src = connect(source, readonly=True)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-bundle-") as tmp:
        snapshot = Path(tmp) / DB_NAME
        try:
            dst = sqlite3.connect(snapshot, isolation_level=None)
            try:
                src.backup(dst)
                digest, counts = _prepare_snapshot(dst, version)
            finally:
                dst.close()
        finally:
            src.close()
        data_sha, size = _file_sha256(snapshot), snapshot.stat().st_size
        manifest = Manifest(version=version, schema_version=SCHEMA_VERSION, content_hash=digest,
                            sha256=data_sha, size=size, counts=counts)
        partial = out.with_name(f".{out.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(_member(MANIFEST_NAME), manifest.to_json())
                with snapshot.open("rb") as fh, zf.open(_member(DB_NAME), "w", force_zip64=True) as target:
                    shutil.copyfileobj(fh, target, 1 << 20)
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    log.info("exported content bundle v%d (%s services) to %s", version, counts.get("services", 0), out.name)
    return manifest


def record_exported_version(conn: sqlite3.Connection, version: int) -> None:
    """Remember in the office database that bundle ``version`` was made (for :func:`next_version`)."""
    with transaction(conn):
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                     "excluded.value", (META_EXPORTED, str(version)))


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _prepare_snapshot(conn: sqlite3.Connection, version: int) -> tuple[str, dict[str, int]]:
    """Empty the runtime tables of the copy, stamp it and compact it; return its content hash and counts."""
    conn.execute("PRAGMA journal_mode = DELETE")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("BEGIN")
    for table in RUNTIME_TABLES:
        if table in tables:
            conn.execute(f'DELETE FROM "{table}"')
    conn.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", (META_EXPORTED, META_VERSION, META_HASH))
    conn.execute("COMMIT")
    digest = content_hash(conn)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO meta(key, value) VALUES ('content_hash', ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (digest,))
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (META_VERSION, str(version)))
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
              for t in ("services", "categories", "locations", "phones", "schedules", "news", "figures")
              if t in tables}
    return digest, counts


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ── reading and verifying ───────────────────────────────────────────────────────────────────────


def read_manifest(path: Path) -> Manifest:
    """The manifest of bundle ``path`` (checks only the manifest; :func:`open_bundle` checks all)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            return _parse_manifest(zf, path)
    except FileNotFoundError as exc:
        raise BundleError(f"bundle not found: {path}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BundleError(f"{path.name}: not a complete content bundle (damaged, or still being copied): "
                          f"{exc}") from exc


def _parse_manifest(zf: zipfile.ZipFile, path: Path) -> Manifest:
    names = set(zf.namelist())
    if MANIFEST_NAME not in names:
        raise BundleError(f"{path.name}: no {MANIFEST_NAME} inside; this is not a kiosk content bundle")
    info = zf.getinfo(MANIFEST_NAME)
    if info.file_size > 1_000_000:
        raise BundleError(f"{path.name}: {MANIFEST_NAME} is implausibly large")
    try:
        raw = json.loads(zf.read(MANIFEST_NAME).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path.name}: {MANIFEST_NAME} is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BundleError(f"{path.name}: not a kiosk content bundle (manifest format is not '{FORMAT}')")
    if raw.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"{path.name}: bundle format {raw.get('format_version')!r} is not known to this "
                          f"program (it reads format {FORMAT_VERSION}); update the kiosk program")
    try:
        manifest = Manifest(
            version=_int(raw["version"]), schema_version=_int(raw["schema_version"]),
            content_hash=_hex(raw["content_hash"]), sha256=_hex(raw["sha256"]), size=_int(raw["size"]),
            counts={str(k): _int(v) for k, v in dict(raw.get("counts") or {}).items()},
            database=str(raw.get("database", DB_NAME)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{path.name}: manifest is missing or has a bad field: {exc}") from exc
    if manifest.database != DB_NAME:
        raise BundleError(f"{path.name}: manifest names database {manifest.database!r}, expected {DB_NAME!r}")
    if manifest.version < 1 or manifest.size < 1 or manifest.size > MAX_DB_BYTES:
        raise BundleError(f"{path.name}: manifest has an impossible version or size")
    return manifest


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"expected a SHA-256 hex digest, got {value!r}")
    return value


@contextlib.contextmanager
def open_bundle(path: Path) -> Iterator[tuple[Manifest, Path]]:
    """Verify bundle ``path`` completely and yield its manifest and the extracted database file.

    The database is extracted to a private temporary folder (deleted afterwards), checked against
    the manifest's size and SHA-256, passes SQLite's quick_check, has a schema this program knows
    (an older one is migrated in the temporary copy) and carries the manifest's content hash.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="kiosk-update-") as tmp:
        target = Path(tmp) / DB_NAME
        try:
            with zipfile.ZipFile(path) as zf:
                manifest = _parse_manifest(zf, path)
                if DB_NAME not in zf.namelist():
                    raise BundleError(f"{path.name}: no {DB_NAME} inside")
                if zf.getinfo(DB_NAME).file_size != manifest.size:
                    raise BundleError(f"{path.name}: {DB_NAME} is {zf.getinfo(DB_NAME).file_size} bytes, the "
                                      f"manifest says {manifest.size}; the bundle is damaged")
                digest = hashlib.sha256()
                with zf.open(DB_NAME) as src, target.open("wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        dst.write(block)
        except FileNotFoundError as exc:
            raise BundleError(f"bundle not found: {path}") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BundleError(f"{path.name}: not a complete content bundle (damaged, or still being copied): "
                              f"{exc}") from exc
        if digest.hexdigest() != manifest.sha256:
            raise BundleError(f"{path.name}: the database's SHA-256 does not match the manifest; the bundle is "
                              "damaged or was changed after it was made")
        _check_database(target, manifest, path)
        yield manifest, target


def _check_database(db: Path, manifest: Manifest, path: Path) -> None:
    try:
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            version = schema_version(conn)
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BundleError(f"{path.name}: the database fails SQLite's quick_check: {check}")
            row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BundleError(f"{path.name}: the database inside cannot be read: {exc}") from exc
    if version != manifest.schema_version:
        raise BundleError(f"{path.name}: database schema {version} differs from the manifest's "
                          f"{manifest.schema_version}")
    if version > SCHEMA_VERSION:
        raise BundleError(f"{path.name}: made by a newer kiosk program (schema {version}; this program knows "
                          f"{SCHEMA_VERSION}); update the program on this terminal first")
    if row is None or row[0] != manifest.content_hash:
        raise BundleError(f"{path.name}: the database's content hash differs from the manifest's")
    if version < SCHEMA_VERSION:
        connect(db).close()  # migrate the private copy to this program's schema


# ── applying ────────────────────────────────────────────────────────────────────────────────────


def applied_bundle(conn: sqlite3.Connection) -> tuple[int | None, str | None]:
    """The version and content hash of the last bundle applied to this runtime database."""
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (META_VERSION, META_HASH)))
    version = rows.get(META_VERSION)
    try:
        return (int(version) if version is not None else None), rows.get(META_HASH)
    except ValueError:
        return None, rows.get(META_HASH)


def has_content(conn: sqlite3.Connection, manifest: Manifest) -> bool:
    """True when this runtime database holds exactly the bundle's content already.

    Both the bundle record and the database's current ``content_hash`` must match: after a program
    upgrade merged a new bundled database, the same bundle is applied again (the office's content wins).
    """
    version, digest = applied_bundle(conn)
    row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    current = row[0] if row is not None else None
    return version == manifest.version and digest == manifest.content_hash == current


def apply_bundle(conn: sqlite3.Connection, path: Path, *, now: datetime, force: bool = False) -> ApplyResult:
    """Verify bundle ``path`` and merge its listings into the runtime database ``conn``.

    Keeps the terminal's feedback, usage counts, search misses, PIN state, audit log and the listings
    its workers edited (:func:`kiosk.core.runtime.merge_content`, which backs the database up first
    and merges in one transaction). Refuses (BundleError, nothing changed) a damaged bundle, and one
    older than the bundle already applied unless ``force``.
    """
    from kiosk.core.runtime import SEED_HASH_KEY, merge_content

    path = Path(path)
    previous, previous_hash = applied_bundle(conn)
    with open_bundle(path) as (manifest, db):
        if has_content(conn, manifest):
            return ApplyResult(path, manifest, False, previous,
                               message=f"content bundle v{manifest.version} is already applied")
        if previous is not None and manifest.version < previous and not force:
            raise BundleError(f"{path.name} is version {manifest.version}, older than the applied version "
                              f"{previous}; nothing changed (use --force to go back)")
        seed_row = conn.execute("SELECT value FROM meta WHERE key = ?", (SEED_HASH_KEY,)).fetchone()
        conn.execute("PRAGMA busy_timeout = 15000")
        local = local_edits(conn)
        report = merge_content(conn, db, now=now)
        # A second transaction right after the merge (merge_content runs its own). Should it not
        # happen (power cut in between), the bundle is not recorded as applied and the next
        # `update-content` or inbox look applies it again; merging is idempotent.
        src = connect(db, readonly=True)
        try:
            with transaction(conn):
                fixed = _office_listings(conn, src, report.kept_worker, local)
                # merge_content records the merged hash as the bundled build's; put the bundled build's
                # own hash back, so the next start does not merge the bundled database over this content.
                if seed_row is not None:
                    _set_meta(conn, SEED_HASH_KEY, str(seed_row[0]))
                _set_meta(conn, META_VERSION, str(manifest.version))
                _set_meta(conn, META_HASH, manifest.content_hash)
                audit.record(conn, actor=ACTOR, table="meta", record_id="content", action="content_update",
                             before={"version": previous, "content_hash": previous_hash},
                             after={"version": manifest.version, "content_hash": manifest.content_hash,
                                    "file": path.name, "sha256": manifest.sha256, "merge": report.summary(),
                                    "office_edits_taken": fixed}, now=now)
        finally:
            src.close()
    if fixed:
        reindex(conn, fixed)
    log.info("applied content bundle v%d from %s (was v%s): %s; %d office edit(s) taken over", manifest.version,
             path.name, previous, report.summary(), len(fixed))
    was = f"v{previous}" if previous is not None else "the built-in content"
    return ApplyResult(path, manifest, True, previous, report.backup,
                       message=f"applied content bundle v{manifest.version} (was {was}): {report.summary()}")


def local_edits(conn: sqlite3.Connection) -> set[str]:
    """Ids of listings a worker changed on this machine (audit log entries not undone, not from roll-out)."""
    rows = conn.execute(
        "SELECT DISTINCT record_id FROM audit_log WHERE table_name = ? AND undone_by IS NULL "
        "AND action != 'undo' AND actor NOT IN (?, ?)", (LISTING, ACTOR, UPGRADE_ACTOR))
    return {str(r[0]) for r in rows}


def _office_listings(conn: sqlite3.Connection, src: sqlite3.Connection, kept: list[str],
                     local: set[str]) -> list[str]:
    """Take the bundle's version of listings merge_content kept only because the office had edited them.

    ``merge_content`` keeps every listing with ``updated_at`` set or a non-seed origin, which on a
    terminal is also true of listings that arrived in an earlier bundle. Here only listings edited
    on this terminal (``local``) are kept; the others follow the office, and office listings that the
    bundle no longer has are retired. Runs inside the caller's transaction; returns the ids changed.
    """
    changed: list[str] = []
    in_bundle = {str(r[0]) for r in src.execute("SELECT id FROM services")}
    for sid in kept:
        if sid in local:
            continue
        new = snapshot(src, sid)
        if new is not None and snapshot(conn, sid) != new:
            write_snapshot(conn, sid, new)
            changed.append(sid)
    for sid, status in conn.execute("SELECT id, status FROM services").fetchall():
        if sid not in in_bundle and sid not in local and status != "retired":
            conn.execute("UPDATE services SET status = 'retired' WHERE id = ?", (sid,))
            changed.append(sid)
    return changed


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


# ── the watched folder ──────────────────────────────────────────────────────────────────────────


def inbox_candidates(inbox: Path) -> list[Path]:
    """Bundle files in ``inbox``: ``*.zip``, not hidden, not a partial copy (``.part``, ``~``)."""
    if not inbox.is_dir():
        raise BundleError(f"content inbox {inbox} is not a folder that can be read (is the share or USB "
                          "stick mounted?)")
    return sorted(p for p in inbox.iterdir()
                  if p.suffix.lower() == BUNDLE_SUFFIX and not p.name.startswith((".", "~")) and p.is_file())


def check_inbox(conn: sqlite3.Connection, inbox: Path, *, now: datetime) -> InboxReport:
    """Apply the newest usable bundle in ``inbox`` when it is newer than what this terminal has.

    Bundles are tried newest first (highest version, then latest file time); a damaged or partial
    one is skipped with its reason and the next older one is tried, so a bundle still being copied
    is simply picked up on the next look. Files are only read, never moved or deleted: many
    terminals may share one folder.
    """
    inbox = Path(inbox)
    skipped: list[tuple[Path, str]] = []
    found: list[tuple[Manifest, Path]] = []
    for candidate in inbox_candidates(inbox):
        try:
            found.append((read_manifest(candidate), candidate))
        except BundleError as exc:
            skipped.append((candidate, str(exc)))
    found.sort(key=lambda mp: (mp[0].version, mp[1].stat().st_mtime, mp[1].name), reverse=True)
    previous, _ = applied_bundle(conn)
    for manifest, candidate in found:
        if has_content(conn, manifest) or (previous is not None and manifest.version < previous):
            return InboxReport(inbox, ApplyResult(candidate, manifest, False, previous,
                                                  message=f"up to date (content bundle v{previous})"), skipped)
        try:
            return InboxReport(inbox, apply_bundle(conn, candidate, now=now), skipped)
        except BundleError as exc:
            log.warning("skipped content bundle %s: %s", candidate.name, exc)
            skipped.append((candidate, str(exc)))
    return InboxReport(inbox, None, skipped)
