"""Content bundles: roll new listings out to terminals as one verified file.

A bundle is a ZIP file holding two members:

``manifest.json``
    ``{"format": "shangjie-kiosk-content", "format_version": 1, "version": 12, "schema_version": 1,
    "content_hash": "…", "database": "content.db", "sha256": "…", "size": 245760, "counts": {…}}``.
    ``version`` is the bundle's number (a counter the office increases; a terminal never goes back
    to a lower one unless forced); ``content_hash`` is :func:`kiosk.core.content.dump.content_hash` of the
    snapshot; ``sha256`` and ``size`` are those of the ``content.db`` member's bytes.
``content.db``
    A SQLite snapshot of the listings: the office database with its runtime tables (feedback, audit
    log, usage counts, search misses, PIN state) emptied.
``manifest.sig`` (signed bundles)
    The office key's Ed25519 signature over the exact manifest bytes; a signed manifest also carries
    ``created`` and the signer's ``key_id``. A terminal that trusts keys applies only bundles signed by
    one of them (:mod:`kiosk.core.exchange.signing`), so a database changed after signing (its SHA-256
    no longer matches) or a re-signed manifest is refused, and only verified bundles move the version
    a terminal has applied; an equal or older version than the applied one is refused as a replay.

The same content and version give the same bytes (fixed member times, no build time or host), so
a bundle can be checked by its SHA-256 alone.

A bundle comes from outside, so a terminal trusts none of it and verifies it completely before
touching anything: members, sizes and compression ratio from the ZIP headers (a zip bomb is never
unpacked), a manifest parsed within bounds, the database streamed out with a byte cap, its SHA-256
and size, then — opened read-only, ``trusted_schema=OFF`` — exactly this program's tables and columns
(no views, no triggers), bounded rows and text lengths, SQLite's quick_check; all within a time limit.
It then merges it with :func:`kiosk.core.db.runtime.merge_content` into a private *copy* of its runtime
database (no lock held meanwhile) and swaps the merged content tables in with one short write
transaction after a backup, never touching the terminal's own feedback, usage counts, search misses,
PIN state or audit log. A bad or truncated bundle raises :class:`BundleError` and changes nothing; in
the watched inbox it is moved to ``quarantine/`` and the next bundle is tried. See docs/robustness.md.

Whose listing wins is decided field by field (:mod:`kiosk.core.fleet.merge`): against the office's
snapshot as last applied here (the *base*), a field only the office changed takes the office's value,
a field only this terminal's workers changed keeps theirs, and a field both changed differently keeps
the terminal's value and is listed as a conflict (``kiosk conflicts``), never a silent win. Listings
no worker touched follow the office whole; listings the office retired or dropped are retired here
too, even when edited locally (the edits are listed). Which bundle a terminal has applied is recorded in
its ``meta`` table (``content_bundle_version``, ``content_bundle_hash``) and in the audit log.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.content.dump import content_hash
from kiosk.core.db.connection import connect, transaction
from kiosk.core.db.migrations import MIGRATIONS, SCHEMA_VERSION, schema_version
from kiosk.core.db.rows import copy_database, select_rows, table_columns
from kiosk.core.errors import KioskError
from kiosk.core.exchange.outputs import atomic_output
from kiosk.core.exchange.signing import (
    MAX_SIGNATURE_BYTES,
    SIGNATURE_NAME,
    NoTrustedKeys,
    SignatureRefused,
    Trust,
    Vouch,
    key_id,
    raw_public,
    sign_manifest,
)
from kiosk.core.fleet.merge import merge_bundle
from kiosk.core.limits import json_nesting
from kiosk.core.listings import audit
from kiosk.core.listings.editing import LISTING, reindex
from kiosk.core.terminal.scratch import TERMINATED_EXIT, scratch_dir, terminating

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger(__name__)

FORMAT = "shangjie-kiosk-content"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DB_NAME = "content.db"
BUNDLE_SUFFIX = ".zip"
MAX_DB_BYTES = 512 * 1024**2
"""A bundle whose database would unpack bigger is refused from its ZIP header (the bundled one is 0.4 MB)."""
MAX_RATIO = 100
"""Largest accepted unpacked/packed size of a member over 1 MiB (real snapshots: about 5; a zip bomb: 1000)."""
MAX_MANIFEST_BYTES = 64 * 1024
MAX_JSON_DEPTH = 4
MAX_NUMBER_DIGITS = 20
MAX_INT = 2**63 - 1
MAX_VERSION = 10**12
MAX_ROWS = 200_000
"""Rows per table of a bundle's database (the bundled one: at most 3,765)."""
MAX_TEXT_CHARS = 20_000
"""Longest text in any cell of a bundle's database (the bundled one: 1,465)."""
MAX_NAME_CHARS = 500
NAME_COLUMNS = frozenset({"name", "name_en", "alternate_name", "title", "title_en", "label", "label_en", "word",
                          "ch", "names", "names_en", "pinyin", "initials", "id", "key"})
LONG_TEXT: dict[tuple[str, str], int] = {("sources", "text"): 1_000_000, ("search_index", "names"): 5_000,
                                         ("search_index", "names_en"): 5_000, ("search_index", "pinyin"): 20_000,
                                         ("search_index", "initials"): 5_000,
                                         ("search_index", "body"): 100_000}
"""Columns allowed longer texts than their kind (the seed document's text, the search index's lines)."""
APPLY_TIME_LIMIT_S = 300.0
"""An apply (unpack, check, merge) that takes longer is stopped and the bundle refused."""
PROGRESS_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the time limit."""
SWAP_ATTEMPTS = 3
QUARANTINE_DIR = "quarantine"
REASON_SUFFIX = ".reason.txt"
_SQLITE_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

RUNTIME_TABLES: tuple[str, ...] = ("feedback", "audit_log", "usage_counts", "search_misses", "auth_state",
                                   "worker_holidays", "worker_holiday_years",
                                   "fleet_terminals", "fleet_reports", "fleet_usage", "fleet_misses",
                                   "listing_base", "merge_conflicts", "proposals")
"""Tables that belong to one terminal; a bundle carries them empty and a terminal keeps its own."""

MERGE_TABLES: tuple[str, ...] = ("listing_base", "merge_conflicts")
"""Runtime tables the merge itself writes (kiosk.core.fleet.merge): swapped in with the merged content."""

META_VERSION = "content_bundle_version"
META_HASH = "content_bundle_hash"
META_EXPORTED = "bundle_version_exported"
"""In the office database: the version of the last bundle made from it (the next default is one more)."""
ACTOR = "content-bundle"
UPGRADE_ACTOR = "upgrade"
"""Audit actor of kiosk.core.db.runtime.merge_content (not a local edit either)."""


class BundleError(KioskError):
    """A bundle is damaged, incomplete, not ours, or cannot be applied here; nothing was changed."""

    quarantine = True
    """Whether the inbox moves the file aside (False: it may work later, so it stays and is tried again)."""


class BundleIncomplete(BundleError):
    """The file is not a whole ZIP yet (still being copied); tried again at the next look."""

    quarantine = False


class BundleTooNew(BundleError):
    """Made by a newer program (format or schema): fine for updated terminals sharing the inbox."""

    quarantine = False


class BundleDeferred(BundleError):
    """Could not be applied just now (no space, no backup, database busy, edits meanwhile); tried again."""

    quarantine = False


class BundleUntrusted(BundleError):
    """Not signed by a key this terminal trusts, or the signature does not match the manifest."""


class BundleReplay(BundleError):
    """A verified bundle whose version is older than (or equal to, with other content) the applied one."""


class BundleNoKeys(BundleError):
    """This terminal trusts no key yet; the bundle stays in the inbox until it does."""

    quarantine = False


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
    created: str = ""
    """When a signed bundle was made (ISO time); empty in unsigned bundles, which stay reproducible."""
    key_id: str = ""
    """The id of the key that signed the bundle; empty when unsigned."""

    def to_json(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k not in ("created", "key_id") or v}
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


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
    adopted: str | None = None
    """A key trusted from now on because an already trusted key vouched for it in this bundle."""


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


def export_bundle(source: Path, out: Path, *, version: int, sign_key: Ed25519PrivateKey | None = None,
                  vouch: Vouch | None = None, now: datetime | None = None) -> Manifest:
    """Write a bundle of the listings in database ``source`` to ``out`` (atomically replaced).

    With ``sign_key`` the manifest also carries ``now`` and the key's id and the bundle holds the
    signature ``manifest.sig`` (with ``vouch``, when the key is a rotated one). Only the signature
    goes into the bundle, never the key. ``source`` is only read. Raises BundleError for a bad
    version or a source that is not a kiosk database of this program's schema,
    :class:`kiosk.core.exchange.outputs.OutputError` for an ``out`` that is a folder, a device or not
    writable.
    """
    if version < 1:
        raise BundleError(f"bundle version must be 1 or more, got {version}")
    src = connect(source, readonly=True)
    out = Path(out)
    with scratch_dir("bundle") as tmp:
        snapshot = tmp / DB_NAME
        try:
            copy_database(src, snapshot)
            dst = sqlite3.connect(snapshot, isolation_level=None)
            try:
                digest, counts = _prepare_snapshot(dst, version)
            finally:
                dst.close()
        finally:
            src.close()
        data_sha, size = _file_sha256(snapshot), snapshot.stat().st_size
        signer = ""
        if sign_key is not None:
            if now is None:
                raise BundleError("a signed bundle needs its creation time")
            signer = key_id(raw_public(sign_key.public_key()))
        manifest = Manifest(version=version, schema_version=SCHEMA_VERSION, content_hash=digest,
                            sha256=data_sha, size=size, counts=counts,
                            created=now.isoformat(timespec="seconds") if sign_key is not None and now else "",
                            key_id=signer)
        manifest_bytes = manifest.to_json().encode("utf-8")
        with atomic_output(out, what="bundle file") as partial, \
                zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(_member(MANIFEST_NAME), manifest_bytes)
            if sign_key is not None:
                zf.writestr(_member(SIGNATURE_NAME), sign_manifest(sign_key, manifest_bytes, vouch))
            with snapshot.open("rb") as fh, zf.open(_member(DB_NAME), "w", force_zip64=True) as target:
                shutil.copyfileobj(fh, target, 1 << 20)
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


# ── bounds ──────────────────────────────────────────────────────────────────────────────────────


class Deadline:
    """A time limit for one apply; SQLite statements of the bundle's databases stop when it passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def expired(self) -> bool:
        return terminating() or time.monotonic() > self.end

    def check(self, path: Path, step: str) -> None:
        """Raise BundleError (or SystemExit after SIGTERM) when the time is up."""
        if terminating():
            raise SystemExit(TERMINATED_EXIT)
        if self.expired():
            raise BundleError(f"{path.name}: {step} took longer than the {self.seconds:g} s limit "
                              "(an endless or far too big bundle); nothing changed")

    def guard(self, conn: sqlite3.Connection) -> None:
        """Make every statement on ``conn`` stop (OperationalError 'interrupted') once the time is up."""
        conn.set_progress_handler(lambda: 1 if self.expired() else 0, PROGRESS_STEPS)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number with {len(text.lstrip('-'))} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 8:
        raise ValueError(f"a number of {len(text)} characters")
    return float(text)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number")


def parse_manifest_text(data: bytes, name: str) -> dict[str, Any]:
    """Manifest bytes as a dict, within bounds (size, nesting, digits); BundleError in one line otherwise."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise BundleError(f"{name}: {MANIFEST_NAME} is implausibly large (over {MAX_MANIFEST_BYTES} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{name}: {MANIFEST_NAME} is not valid UTF-8 JSON: {exc}") from exc
    depth = json_nesting(text)
    if depth > MAX_JSON_DEPTH:
        raise BundleError(f"{name}: {MANIFEST_NAME} nests {depth} levels deep (at most {MAX_JSON_DEPTH}); "
                          "this is not a kiosk manifest")
    try:
        raw = json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise BundleError(f"{name}: {MANIFEST_NAME} is not valid JSON: {_one_line(exc)}") from exc
    if not isinstance(raw, dict):
        raise BundleError(f"{name}: not a kiosk content bundle (manifest format is not '{FORMAT}')")
    return raw


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _check_members(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse extra members, odd compression and zip bombs, from the headers alone (nothing unpacked)."""
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(infos) > 3 or len(set(names)) != len(names) or not set(names) <= {MANIFEST_NAME, DB_NAME,
                                                                             SIGNATURE_NAME}:
        shown = ", ".join(n[:40] for n in names[:5]) + (" …" if len(names) > 5 else "")
        raise BundleError(f"{path.name}: a content bundle holds only {MANIFEST_NAME}, {DB_NAME} and "
                          f"{SIGNATURE_NAME}, this one holds {len(names)} member(s): {shown}")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(f"{path.name}: {info.filename} uses an unsupported compression")
        limit = {MANIFEST_NAME: MAX_MANIFEST_BYTES, SIGNATURE_NAME: MAX_SIGNATURE_BYTES}.get(info.filename,
                                                                                             MAX_DB_BYTES)
        if info.file_size > limit:
            raise BundleError(f"{path.name}: {info.filename} would unpack to {info.file_size} bytes (at most "
                              f"{limit}); the bundle is refused without unpacking it")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise BundleError(f"{path.name}: {info.filename} would unpack {ratio:.0f} times larger than it is "
                              f"(at most {MAX_RATIO}×; a zip bomb?); the bundle is refused without unpacking it")


# ── reading and verifying ───────────────────────────────────────────────────────────────────────


def read_manifest(path: Path, trust: Trust | None = None) -> Manifest:
    """The manifest of bundle ``path`` (checks only the manifest, the members' headers and, with ``trust``,
    the signature)."""
    path = Path(path)
    try:
        _regular(path)
        with zipfile.ZipFile(path) as zf:
            return _parse_manifest(zf, path, trust)
    except FileNotFoundError as exc:
        raise BundleError(f"bundle not found: {path}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise BundleIncomplete(f"{path.name}: not a complete content bundle (damaged, or still being copied): "
                               f"{_one_line(exc)}") from exc


def _regular(path: Path) -> None:
    """Refuse a FIFO, a device or a folder given as a bundle (opening a FIFO would wait for ever)."""
    mode = path.stat().st_mode  # FileNotFoundError: the callers say "bundle not found"
    if not stat.S_ISREG(mode):
        raise BundleError(f"{path.name}: not a regular file (a folder, a pipe or a device); give a bundle .zip file")


def _parse_manifest(zf: zipfile.ZipFile, path: Path, trust: Trust | None = None) -> Manifest:
    names = set(zf.namelist())
    if MANIFEST_NAME not in names:
        raise BundleError(f"{path.name}: no {MANIFEST_NAME} inside; this is not a kiosk content bundle")
    _check_members(zf, path)
    with zf.open(MANIFEST_NAME) as fh:
        data = fh.read(MAX_MANIFEST_BYTES + 1)
    raw = parse_manifest_text(data, path.name)
    manifest = _manifest_fields(raw, path)
    if trust is not None:
        signature = None
        if SIGNATURE_NAME in names:
            with zf.open(SIGNATURE_NAME) as fh:
                signature = fh.read(MAX_SIGNATURE_BYTES + 1)
        try:
            signer = trust.verify(data, signature, path.name)
        except NoTrustedKeys as exc:
            raise BundleNoKeys(str(exc)) from exc
        except SignatureRefused as exc:
            raise BundleUntrusted(str(exc)) from exc
        if signer is not None and manifest.key_id != signer:
            raise BundleUntrusted(f"{path.name}: the manifest names signer {manifest.key_id[:20]!r} but key "
                                  f"{signer} signed it; refused")
    return manifest


def _manifest_fields(raw: dict[str, Any], path: Path) -> Manifest:
    if raw.get("format") != FORMAT:
        raise BundleError(f"{path.name}: not a kiosk content bundle (manifest format is not '{FORMAT}')")
    if raw.get("format_version") != FORMAT_VERSION:
        shown = _one_line(ValueError(repr(raw.get("format_version"))))[:40]
        raise BundleTooNew(f"{path.name}: bundle format {shown} is not known to this "
                           f"program (it reads format {FORMAT_VERSION}); update the kiosk program")
    try:
        counts = dict(raw.get("counts") or {})
        if len(counts) > 64:
            raise ValueError(f"counts has {len(counts)} entries")
        manifest = Manifest(
            version=_int(raw["version"]), schema_version=_int(raw["schema_version"]),
            content_hash=_hex(raw["content_hash"]), sha256=_hex(raw["sha256"]), size=_int(raw["size"]),
            counts={str(k)[:64]: _int(v) for k, v in counts.items()},
            database=str(raw.get("database", DB_NAME))[:100],
            created=_text(raw.get("created", ""), 40), key_id=_text(raw.get("key_id", ""), 16),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{path.name}: manifest is missing or has a bad field: {_one_line(exc)}") from exc
    if manifest.database != DB_NAME:
        raise BundleError(f"{path.name}: manifest names database {manifest.database!r}, expected {DB_NAME!r}")
    if not 1 <= manifest.version <= MAX_VERSION or manifest.size < 1 or manifest.size > MAX_DB_BYTES:
        raise BundleError(f"{path.name}: manifest has an impossible version or size")
    if manifest.schema_version > SCHEMA_VERSION:
        raise BundleTooNew(f"{path.name}: made by a newer kiosk program (schema {manifest.schema_version}; this "
                           f"program knows {SCHEMA_VERSION}); update the program on this terminal first")
    if manifest.schema_version < 1:
        raise BundleError(f"{path.name}: manifest has an impossible schema version {manifest.schema_version}")
    return manifest


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_one_line(ValueError(repr(value)))[:60]}")
    if abs(value) > MAX_INT:
        raise ValueError(f"number {value} is out of range")
    return value


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        shown = _one_line(ValueError(repr(value)))[:60]
        raise ValueError(f"expected a text of at most {limit} characters, got {shown}")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"expected a SHA-256 hex digest, got {_one_line(ValueError(repr(value)))[:80]}")
    return value


@contextlib.contextmanager
def open_bundle(path: Path, *, deadline: Deadline | None = None,
                trust: Trust | None = None) -> Iterator[tuple[Manifest, Path]]:
    """Verify bundle ``path`` completely and yield its manifest and the extracted database file.

    Members, sizes and compression ratio are checked from the ZIP headers before anything is unpacked;
    the database is streamed to a private scratch folder (:mod:`kiosk.core.terminal.scratch`, deleted afterwards,
    also on SIGTERM) with a byte cap, checked against the manifest's size and SHA-256, opened read-only
    without trusting its schema, compared with the schema this program expects (no views, no triggers),
    bounded in rows and text lengths, passes SQLite's quick_check (an older schema is migrated in the
    copy) and carries the manifest's content hash. All within ``deadline``. With ``trust``, the
    manifest's signature is checked first (:meth:`kiosk.core.exchange.signing.Trust.verify`).
    """
    path = Path(path)
    deadline = deadline or Deadline(APPLY_TIME_LIMIT_S)
    with scratch_dir("update") as tmp:
        target = tmp / DB_NAME
        try:
            _regular(path)
            if path.stat().st_size > MAX_DB_BYTES + MAX_MANIFEST_BYTES:
                raise BundleError(f"{path.name}: {path.stat().st_size} bytes is far too big for a content bundle")
            try:
                zf = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, EOFError) as exc:  # no whole ZIP directory yet: still being copied?
                raise BundleIncomplete(f"{path.name}: not a complete content bundle (damaged, or still being "
                                       f"copied): {_one_line(exc)}") from exc
            with zf:
                manifest = _parse_manifest(zf, path, trust)
                if DB_NAME not in zf.namelist():
                    raise BundleError(f"{path.name}: no {DB_NAME} inside")
                if zf.getinfo(DB_NAME).file_size != manifest.size:
                    raise BundleError(f"{path.name}: {DB_NAME} is {zf.getinfo(DB_NAME).file_size} bytes, the "
                                      f"manifest says {manifest.size}; the bundle is damaged")
                free = shutil.disk_usage(tmp).free
                if free < 2 * manifest.size + 16 * 1024 * 1024:
                    raise BundleDeferred(f"{path.name}: only {free // 2**20} MB free in {tmp.parent} for a "
                                         f"{manifest.size // 2**20} MB bundle; free some space")
                digest = hashlib.sha256()
                written = 0
                with zf.open(DB_NAME) as src, target.open("wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        written += len(block)
                        if written > manifest.size:
                            raise BundleError(f"{path.name}: {DB_NAME} unpacks to more than the {manifest.size} "
                                              "bytes its header says; the bundle is refused")
                        digest.update(block)
                        dst.write(block)
                        deadline.check(path, "unpacking")
        except FileNotFoundError as exc:
            raise BundleError(f"bundle not found: {path}") from exc
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as exc:
            raise BundleError(f"{path.name}: not a complete content bundle (damaged, or still being copied): "
                              f"{_one_line(exc)}") from exc
        if written != manifest.size:
            raise BundleError(f"{path.name}: {DB_NAME} unpacks to {written} bytes, the manifest says "
                              f"{manifest.size}; the bundle is damaged")
        if digest.hexdigest() != manifest.sha256:
            raise BundleError(f"{path.name}: the database's SHA-256 does not match the manifest; the bundle is "
                              "damaged or was changed after it was made")
        _check_database(target, manifest, path, deadline)
        yield manifest, target


def open_untrusted(db: Path) -> sqlite3.Connection:
    """Open a database file from outside read-only, trusting nothing in its schema."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA cell_size_check = ON")
    return conn


@functools.cache
def expected_schema(version: int) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The tables (with their columns) and index names of schema ``version`` of this program."""
    mem = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            mem.executescript(script)
        tables = [str(r[0]) for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {t: frozenset(table_columns(mem, t)) for t in tables}
        indexes = frozenset(str(r[0]) for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
    finally:
        mem.close()
    return columns, indexes


def check_schema(conn: sqlite3.Connection, version: int, name: str) -> None:
    """Refuse a database whose schema is not exactly this program's schema ``version`` (tables, columns)."""
    tables, indexes = expected_schema(version)
    seen: set[str] = set()
    for kind, obj, sql in conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall():
        shown = str(obj)[:60]
        if kind in ("view", "trigger"):
            raise BundleError(f"{name}: the database has a {kind} ({shown}); a bundle carries plain tables only")
        if kind == "index":
            if obj not in indexes and not str(obj).startswith("sqlite_autoindex_"):
                raise BundleError(f"{name}: the database has an unknown index ({shown})")
            continue
        if kind != "table":
            raise BundleError(f"{name}: the database has an unknown schema entry ({kind} {shown})")
        if str(obj) in _SQLITE_TABLES:
            continue
        if str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
            raise BundleError(f"{name}: the database has a virtual table ({shown}); not a kiosk bundle")
        if obj not in tables:
            raise BundleError(f"{name}: the database has an unknown table ({shown}); not a kiosk bundle")
        columns = frozenset(table_columns(conn, obj))
        if columns != tables[obj]:
            odd = sorted(columns ^ tables[obj])[:3]
            raise BundleError(f"{name}: table {obj} has other columns than schema {version} "
                              f"({', '.join(c[:30] for c in odd)}); not a kiosk bundle")
        seen.add(str(obj))
    missing = sorted(set(tables) - seen)
    if missing:
        raise BundleError(f"{name}: the database lacks table(s) {', '.join(missing[:5])}; not a kiosk bundle")


def check_bounds(conn: sqlite3.Connection, name: str) -> None:
    """Refuse a database with more rows or longer texts than any real listing set has."""
    tables = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                              "AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        rows = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        if rows > MAX_ROWS:
            raise BundleError(f"{name}: table {table} has {rows} rows (at most {MAX_ROWS}); the bundle is refused")
        columns = table_columns(conn, table)
        if not rows or not columns:
            continue
        longest = conn.execute("SELECT " + ", ".join(f'max(length("{c}"))' for c in columns)
                               + f' FROM "{table}"').fetchone()
        for column, length in zip(columns, longest, strict=True):
            limit = text_limit(table, column)
            if length is not None and int(length) > limit:
                raise BundleError(f"{name}: {table}.{column} holds a text of {int(length)} characters (at most "
                                  f"{limit}); the bundle is refused")


def text_limit(table: str, column: str) -> int:
    """The longest text accepted in ``table.column`` of a bundle."""
    if (table, column) in LONG_TEXT:
        return LONG_TEXT[(table, column)]
    return MAX_NAME_CHARS if column in NAME_COLUMNS else MAX_TEXT_CHARS


def _check_database(db: Path, manifest: Manifest, path: Path, deadline: Deadline) -> None:
    try:
        conn = open_untrusted(db)
        try:
            deadline.guard(conn)
            version = schema_version(conn)
            if version != manifest.schema_version:
                raise BundleError(f"{path.name}: database schema {version} differs from the manifest's "
                                  f"{manifest.schema_version}")
            check_schema(conn, version, path.name)
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BundleError(f"{path.name}: the database fails SQLite's quick_check: "
                                  f"{_one_line(ValueError(check))}")
            check_bounds(conn, path.name)
            row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        deadline.check(path, "checking the database")
        raise BundleError(f"{path.name}: the database inside cannot be read: {_one_line(exc)}") from exc
    if row is None or row[0] != manifest.content_hash:
        raise BundleError(f"{path.name}: the database's content hash differs from the manifest's")
    if version < SCHEMA_VERSION:
        try:
            connect(db).close()  # migrate the private copy to this program's schema
        except KioskError as exc:
            raise BundleError(f"{path.name}: the database cannot be brought to schema {SCHEMA_VERSION}: "
                              f"{_one_line(exc)}") from exc


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


@dataclass
class _Prepared:
    """A merged copy of the runtime database, ready to be swapped in."""

    work: Path
    marker: tuple[int, int]
    meta_before: dict[str, str]
    meta_after: dict[str, str]
    audit_rows: list[dict[str, Any]]
    summary: str
    fixed: list[str]
    merge_backup: Path | None = None


def apply_bundle(conn: sqlite3.Connection, path: Path, *, now: datetime, force: bool = False,
                 time_limit_s: float = APPLY_TIME_LIMIT_S, trust: Trust | None = None) -> ApplyResult:
    """Verify bundle ``path`` and merge its listings into the runtime database ``conn``.

    Keeps the terminal's feedback, usage counts, search misses, PIN state, audit log and the listings
    its workers edited (:func:`kiosk.core.db.runtime.merge_content`). The merge runs on a private copy of
    the runtime database, outside its write lock, within ``time_limit_s``; then, after a backup, one
    short write transaction swaps the merged content tables in (the kiosk keeps answering and saving
    feedback meanwhile). A worker edit that lands during the merge makes it start again. Refuses
    (BundleError, nothing changed) a damaged or hostile bundle, and one older than the bundle already
    applied, or of the same version with other content (a replay), unless ``force``.

    ``trust`` (the terminal's trusted keys; the ``kiosk`` commands always pass it) also refuses a bundle
    not signed by a trusted key (:class:`BundleUntrusted`); a bundle signed by a new key an old trusted
    key vouched for makes the new key trusted once it is applied (``ApplyResult.adopted``). None
    checks no signature (tests, tools).
    """
    path = Path(path)
    deadline = Deadline(time_limit_s)
    previous, previous_hash = applied_bundle(conn)
    with open_bundle(path, deadline=deadline, trust=trust) as (manifest, db):
        if has_content(conn, manifest):
            return ApplyResult(path, manifest, False, previous,
                               message=f"content bundle v{manifest.version} is already applied")
        if previous is not None and manifest.version < previous and not force:
            raise BundleReplay(f"{path.name} is version {manifest.version}, older than the applied version "
                               f"{previous} (a replay?); nothing changed (use --force to go back)")
        if manifest.version == previous and manifest.content_hash != previous_hash and not force:
            raise BundleReplay(f"{path.name} is version {manifest.version} like the applied bundle but holds other "
                               "content (a replay or a mistake); nothing changed — make a bundle with a higher "
                               "--version at the office")
        backup: Path | None = None
        for _attempt in range(SWAP_ATTEMPTS):
            prepared = _prepare(conn, db, manifest, path, now=now, deadline=deadline,
                                previous=(previous, previous_hash))
            if backup is None:
                backup = _backup(conn, now, path)
            if _swap(conn, prepared, path):
                break
            log.info("listings changed on this terminal while %s was being merged; merging again", path.name)
        else:
            raise BundleDeferred(f"{path.name}: listings were being edited on this terminal during the update "
                                 f"({SWAP_ATTEMPTS} tries); nothing changed, it is tried again at the next look")
    log.info("applied content bundle v%d from %s (was v%s): %s; %d office edit(s) taken over", manifest.version,
             path.name, previous, prepared.summary, len(prepared.fixed))
    was = f"v{previous}" if previous is not None else "the built-in content"
    adopted = trust.adopt(manifest.key_id or None, now=now) if trust is not None else None
    if adopted is not None:
        log.warning("content bundle %s was signed by the new key %s (%s); trusted from now on", path.name,
                    adopted.key_id, adopted.source)
    signed = f" signed by key {manifest.key_id}" if manifest.key_id and trust is not None else ""
    return ApplyResult(path, manifest, True, previous, backup,
                       message=f"applied content bundle v{manifest.version}{signed} (was {was}): {prepared.summary}",
                       adopted=adopted.key_id if adopted is not None else None)


def _marker(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes to listings always leave audit entries: (last id, count) tells whether any happened."""
    row = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM audit_log").fetchone()
    return int(row[0]), int(row[1])


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def _prepare(conn: sqlite3.Connection, db: Path, manifest: Manifest, path: Path, *, now: datetime,
             deadline: Deadline, previous: tuple[int | None, str | None]) -> _Prepared:
    """Copy the runtime database beside the bundle's and merge the bundle into the copy (no lock held)."""
    from kiosk.core.db.runtime import SEED_HASH_KEY, merge_content

    work = db.with_name("work.db")
    work.unlink(missing_ok=True)
    try:
        copy_database(conn, work)
    except sqlite3.Error as exc:
        raise BundleDeferred(f"{path.name}: cannot copy this terminal's database to prepare the update: "
                             f"{_one_line(exc)}") from exc
    try:
        copy = connect(work)
        try:
            deadline.guard(copy)
            marker = _marker(copy)
            meta_before = _meta(copy)
            seed_row = copy.execute("SELECT value FROM meta WHERE key = ?", (SEED_HASH_KEY,)).fetchone()
            report = merge_content(copy, db, now=now, backup=False, guard=deadline.guard)
            deadline.check(path, "merging")
            with transaction(copy):
                merged = merge_bundle(copy, report.listings, report, version=manifest.version, now=now,
                                      actor=ACTOR)
                fixed = merged.changed
                # merge_content records the merged hash as the bundled build's; put the bundled build's
                # own hash back, so the next start does not merge the bundled database over this content.
                if seed_row is not None:
                    _set_meta(copy, SEED_HASH_KEY, str(seed_row[0]))
                _set_meta(copy, META_VERSION, str(manifest.version))
                _set_meta(copy, META_HASH, manifest.content_hash)
                audit.record(copy, actor=ACTOR, table="meta", record_id="content", action="content_update",
                             before={"version": previous[0], "content_hash": previous[1]},
                             after={"version": manifest.version, "content_hash": manifest.content_hash,
                                    "file": path.name, "sha256": manifest.sha256, "merge": merged.summary(),
                                    "office_edits_taken": merged.updated, "kept_local": merged.kept,
                                    "conflicts": merged.conflicts}, now=now)
            if fixed:
                reindex(copy, fixed)
            audit_rows = select_rows(copy, "SELECT * FROM audit_log WHERE id > ? ORDER BY id", (marker[0],))
            meta_after = _meta(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        deadline.check(path, "merging")
        raise BundleError(f"{path.name}: cannot be merged: {_one_line(exc)}") from exc
    except BundleError:
        raise
    except KioskError as exc:
        deadline.check(path, "merging")
        raise BundleError(f"{path.name}: cannot be merged: {_one_line(exc)}") from exc
    return _Prepared(work, marker, meta_before, meta_after, audit_rows, merged.summary(), fixed)


def _backup(conn: sqlite3.Connection, now: datetime, path: Path) -> Path | None:
    from kiosk.core.db.backup import backup_database, database_file

    try:
        database_file(conn)
    except KioskError:
        return None  # an in-memory database (tests) has nothing to back up
    try:
        return backup_database(conn, "before-merge", now=now)
    except KioskError as exc:
        raise BundleDeferred(f"{path.name}: no backup could be made first, so nothing changed: "
                             f"{_one_line(exc)}") from exc


def content_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables a bundle replaces: all but the terminal's own (runtime tables) and ``meta``."""
    return [str(r[0]) for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if r[0] not in RUNTIME_TABLES and r[0] != "meta"]


def _swap(conn: sqlite3.Connection, prepared: _Prepared, path: Path) -> bool:
    """Put the merged content into ``conn`` in one short write transaction; False if listings changed since."""
    keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # the tables are replaced whole and consistent
        conn.execute("ATTACH DATABASE ? AS bundle_work", (str(prepared.work),))
        try:
            with transaction(conn):
                if _marker(conn) != prepared.marker:
                    raise _Changed
                started = time.monotonic()
                for table in [*content_tables(conn), *MERGE_TABLES]:
                    cols = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA main.table_info("{table}")'))
                    conn.execute(f'DELETE FROM main."{table}"')
                    conn.execute(f'INSERT INTO main."{table}" ({cols}) SELECT {cols} FROM bundle_work."{table}"')
                for key, value in prepared.meta_after.items():
                    if prepared.meta_before.get(key) != value:
                        _set_meta(conn, key, value)
                for key in set(prepared.meta_before) - set(prepared.meta_after):
                    conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                for row in prepared.audit_rows:
                    fields = [c for c in row if c != "id"]
                    conn.execute(f'INSERT INTO audit_log ({", ".join(fields)}) VALUES ({", ".join("?" * len(fields))})',
                                 [row[c] for c in fields])
                log.debug("content swapped in %.0f ms", (time.monotonic() - started) * 1000)
        finally:
            conn.execute("DETACH DATABASE bundle_work")
    except _Changed:
        return False
    except sqlite3.Error as exc:
        raise BundleDeferred(f"{path.name}: the terminal's database could not take the update now "
                             f"({_one_line(exc)}); nothing changed, it is tried again at the next look") from exc
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")
    return True


class _Changed(Exception):
    """Listings were edited on the terminal while the bundle was merged into the copy."""


def local_edits(conn: sqlite3.Connection) -> set[str]:
    """Ids of listings a worker changed on this machine (audit log entries not undone, not from roll-out)."""
    rows = conn.execute(
        "SELECT DISTINCT record_id FROM audit_log WHERE table_name = ? AND undone_by IS NULL "
        "AND action != 'undo' AND actor NOT IN (?, ?)", (LISTING, ACTOR, UPGRADE_ACTOR))
    return {str(r[0]) for r in rows}


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


# ── the watched folder ──────────────────────────────────────────────────────────────────────────


def inbox_candidates(inbox: Path) -> list[Path]:
    """Bundle files in ``inbox``: ``*.zip``, not hidden, not a partial copy (``.part``, ``~``)."""
    if not inbox.is_dir():
        raise BundleError(f"content inbox {inbox} is not a folder that can be read (is the share or USB "
                          "stick mounted?)")
    try:
        return sorted(p for p in inbox.iterdir()
                      if p.suffix.lower() == BUNDLE_SUFFIX and not p.name.startswith((".", "~")) and p.is_file())
    except OSError as exc:
        raise BundleError(f"content inbox {inbox} cannot be read: {_one_line(exc)}") from exc


def quarantine(path: Path, reason: str, *, now: datetime) -> Path | None:
    """Move refused bundle ``path`` into ``quarantine/`` beside it, with its reason; None if it cannot move.

    A read-only inbox (a USB stick mounted read-only) keeps the file; it is refused again, quickly,
    at every look.
    """
    folder = path.parent / QUARANTINE_DIR
    dest = folder / f"{now:%Y%m%d-%H%M%S}-{path.name}"
    try:
        folder.mkdir(exist_ok=True)
        os.replace(path, dest)
    except FileNotFoundError:
        return None  # another terminal sharing the folder moved it first
    except OSError as exc:
        log.warning("refused content bundle %s stays in the inbox (cannot move it aside: %s): %s", path.name,
                    _one_line(exc), reason)
        return None
    with contextlib.suppress(OSError):
        dest.with_name(dest.name + REASON_SUFFIX).write_text(reason + "\n", encoding="utf-8")
    log.warning("refused content bundle %s, moved to %s: %s", path.name, dest, reason)
    return dest


def quarantined(inbox: Path) -> list[tuple[Path, str]]:
    """Bundles moved aside in ``inbox`` (oldest first), with the reason recorded for each."""
    folder = Path(inbox) / QUARANTINE_DIR
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == BUNDLE_SUFFIX)
    except OSError:
        return []
    found = []
    for path in files:
        try:
            reason = path.with_name(path.name + REASON_SUFFIX).read_text(encoding="utf-8")[:500].strip()
        except (OSError, UnicodeDecodeError):
            reason = "(no reason recorded)"
        found.append((path, reason))
    return found


def apply_from_inbox(conn: sqlite3.Connection, inbox: Path, *, now: datetime,
                     time_limit_s: float = APPLY_TIME_LIMIT_S, trust: Trust | None = None) -> InboxReport:
    """Apply the newest usable bundle in ``inbox`` when it is newer than what this terminal has.

    Bundles are tried newest first (highest version, then latest file time). A partial copy (its ZIP
    directory is not there yet), a bundle for a newer program, or one that cannot be applied just now
    is skipped and tried again next time. Any other refused bundle — damaged, hostile, too big, too
    slow — is moved into ``quarantine/`` in the inbox with its reason (one log line, and ``kiosk
    doctor`` names it), and the next bundle is tried: one bad file never stops the roll-out.

    With ``trust`` every candidate's signature is checked before versions are compared, so an
    unsigned or forged bundle with a high version is moved aside and never hides a trusted one;
    "up to date" is only said of a verified bundle this terminal has applied, and a verified older
    (or same-version, other-content) bundle is refused as a replay and moved aside.
    """
    inbox = Path(inbox)
    skipped: list[tuple[Path, str]] = []
    found: list[tuple[Manifest, Path]] = []
    for candidate in inbox_candidates(inbox):
        try:
            found.append((read_manifest(candidate, trust), candidate))
        except BundleError as exc:
            _refused(candidate, exc, skipped, now)
        except Exception as exc:  # a watcher must go on to the next bundle, whatever this one does
            log.exception("content bundle %s could not be read", candidate.name)
            skipped.append((candidate, f"cannot be read: {type(exc).__name__}: {_one_line(exc)}"))
    found.sort(key=lambda mp: (mp[0].version, _mtime(mp[1]), mp[1].name), reverse=True)
    previous, _ = applied_bundle(conn)
    for manifest, candidate in found:
        if has_content(conn, manifest) or (trust is None and previous is not None and manifest.version < previous):
            return InboxReport(inbox, ApplyResult(candidate, manifest, False, previous,
                                                  message=f"up to date (content bundle v{previous})"), skipped)
        try:
            return InboxReport(inbox, apply_bundle(conn, candidate, now=now, time_limit_s=time_limit_s,
                                                   trust=trust), skipped)
        except BundleError as exc:
            _refused(candidate, exc, skipped, now)
        except Exception as exc:
            log.exception("content bundle %s could not be applied", candidate.name)
            skipped.append((candidate, f"cannot be applied: {type(exc).__name__}: {_one_line(exc)}"))
    return InboxReport(inbox, None, skipped)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _refused(path: Path, exc: BundleError, skipped: list[tuple[Path, str]], now: datetime) -> None:
    reason = _one_line(exc)
    if not exc.quarantine:
        log.info("skipped content bundle %s for now: %s", path.name, reason)
        skipped.append((path, reason))
        return
    moved = quarantine(path, reason, now=now)
    skipped.append((path, reason + (f" (moved to {QUARANTINE_DIR}/{moved.name})" if moved else "")))
