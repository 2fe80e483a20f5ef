"""The writable runtime database: first start, upgrades that keep worker edits, recovery.

The bundled ``data/kiosk.db`` is read-only (it ships with the program). The kiosk works on a copy,
``kiosk.db`` in the data directory (:func:`kiosk.core.terminal.paths.default_data_dir` or ``--data-dir``):

* **First start**: the bundled database is copied (SQLite backup API) and its content hash is noted
  in ``meta`` as ``seed_content_hash``.
* **Every start**: the schema is migrated; when the bundled build's ``content_hash`` differs from
  ``seed_content_hash`` a newer build has arrived and :func:`merge_content` brings it in, after a
  backup.
* **A damaged runtime copy** is moved aside (``kiosk.db.damaged-N``) and replaced by the newest sound
  backup, or else by a fresh copy of the bundled database.
* **A symlinked runtime copy** is followed: the link's target is opened, recovered and backed up in
  its own folder, and the link is kept. A link whose target is missing (a disk not mounted) is
  refused, never replaced by a fresh copy.
* **Bad start states** (:func:`open_kiosk_database`, used by ``kiosk run``): a data folder that cannot
  be written, a database from a newer program (schema version higher than this one knows), a
  missing link target or an unusable configured path do not stop the kiosk. It shows the runtime
  copy — or, when that cannot be read with this program's schema, the bundled database — through a
  read-only :class:`ReadOnlyConnection` whose ``reason`` the worker tools and ``kiosk doctor`` show.
  Nothing is migrated down, overwritten or replaced. Commands that write get the same reason as a
  one-line error.

How the merge keeps worker edits: a listing a worker has touched has ``services.updated_at`` set (or
``origin`` ``worker``/``import``); such listings are kept exactly as the worker left them. Untouched
seed listings are replaced by the new seed version; new seed listings appear; seed listings that
the new build no longer has are retired (never deleted). Seed-only tables (sources, categories,
figures, news, hotlines, synonyms, holiday overrides) take the new build's content. Runtime tables
(feedback, audit log, usage counts, search misses, PIN state, the holiday dates workers entered in
``worker_holidays`` / ``worker_holiday_years``) are never touched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.db.backup import backup_database, backups_dir, check_backup_file, list_backups, safe_stem
from kiosk.core.db.connection import connect, transaction
from kiosk.core.db.migrations import PROGRAM_VERSION_KEY, NewerDatabaseError, check_not_newer, missing_schema
from kiosk.core.db.recovery import prepare_connection, recover_if_needed
from kiosk.core.db.rows import copy_database, insert_all, table_columns, table_rows, upsert
from kiosk.core.errors import DatabaseError, KioskError
from kiosk.core.search import pinyin_store

if TYPE_CHECKING:
    from kiosk.core.listings.editing import Snapshot

# kiosk.core.listings (editing, its validation, the audit log) is imported by merge_content, the one
# part of this module that needs it: every ``kiosk run`` opens its database here, and only an upgrade
# merges.

RUNTIME_NAME = "kiosk.db"
SEED_HASH_KEY = "seed_content_hash"

_REFERENCE_TABLES = ("sources", "categories", "organizations")
"""Upserted from the new build; rows it no longer has are removed only when nothing refers to them."""

_SEED_TABLES = ("figures", "news", "hotlines", "synonyms", "holiday_overrides")
"""Taken whole from the new build (workers do not edit them)."""


@dataclass
class MergeReport:
    """What a merge did, listing by listing."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_worker: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    backup: Path | None = None
    content_hash: str | None = None
    listings: dict[str, Snapshot] = field(default_factory=dict, repr=False)
    """The new build's snapshot of every listing it holds (what a content bundle's field merge needs)."""

    def summary(self) -> str:
        return (f"{len(self.added)} new, {len(self.updated)} updated, {len(self.kept_worker)} kept as edited by "
                f"workers, {len(self.retired)} retired, {self.unchanged} unchanged")


def runtime_db_path(data_dir: Path) -> Path:
    """The runtime database in ``data_dir``."""
    return Path(data_dir) / RUNTIME_NAME


class DataFolderReadOnly(DatabaseError):
    """The runtime database or its folder cannot be written (permissions, a read-only disk)."""


class LinkTargetMissing(DatabaseError):
    """The runtime database is a symbolic link whose target does not exist (e.g. a disk not mounted)."""


class ReadOnlyConnection(sqlite3.Connection):
    """A database opened read-only at start because the runtime copy cannot be written or used.

    ``reason`` (one line, Chinese then English) says why and what to do; ``source`` is the file shown.
    """

    reason: str = ""
    source: Path | None = None


def read_only_reason(conn: sqlite3.Connection) -> str | None:
    """Why ``conn`` is a read-only stand-in for the runtime database, or None for a normal connection."""
    return conn.reason if isinstance(conn, ReadOnlyConnection) else None


def follow_link(path: Path) -> Path:
    """``path``, or the file a symbolic link ``path`` points to (the link itself is never replaced).

    Raises :class:`LinkTargetMissing` for a link to nothing, so that no fresh copy takes its place.
    """
    path = Path(path)
    if not path.is_symlink():
        return path
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise LinkTargetMissing(
            f"数据库链接的目标不存在 (the runtime database {path} is a link to {os.readlink(path)}, which cannot be "
            f"opened: {getattr(exc, 'strerror', None) or exc}): mount the disk it is on, or remove the link to "
            "start again from the bundled database; nothing was replaced") from None
    return target


def write_problem(path: Path) -> str | None:
    """None when the runtime database ``path`` and its folder can be written, else why not and what to do."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return (f"数据目录无法创建：{folder}（{exc.strerror or exc}）；工作人员的修改不能保存。"
                "请改正数据目录或 database 设置，或创建这个文件夹并让运行终端的用户可以写入 "
                f"(cannot create the data folder {folder}: correct the path, or create it writable for the "
                "kiosk's user)")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".kiosk-write-test-")
        os.close(fd)
        os.unlink(probe)
        if path.exists():
            with open(path, "r+b"):
                pass
    except OSError as exc:
        what = path if path.exists() and os.access(folder, os.W_OK) else folder
        return (f"数据目录只读：{what} 不能写入（{exc.strerror or exc}）；居民页面照常显示，工作人员的修改不能保存。"
                f"请让运行终端的用户可以写入：sudo chown -R $USER {folder} (data folder read-only: "
                "worker edits cannot be saved; give the kiosk's user write access)")
    return None


def open_runtime_database(data_dir: Path, bundled: Path, *, db_path: Path | None = None,
                          now: datetime | None = None) -> sqlite3.Connection:
    """Open (creating, migrating, upgrading or recovering as needed) the runtime database.

    ``db_path`` overrides the file (the ``database`` setting); ``now`` only names backup files.
    Raises :class:`DataFolderReadOnly`, :class:`LinkTargetMissing` or
    :class:`~kiosk.core.db.migrations.NewerDatabaseError` (one line each) without changing any file.
    """
    path = follow_link(Path(db_path) if db_path else runtime_db_path(data_dir))
    bundled = Path(bundled)
    problem = write_problem(path)
    if problem:
        raise DataFolderReadOnly(problem)
    if path.is_file():
        _refuse_newer(path)
    recovered = recover_if_needed(path, now=now)  # damaged or missing: newest sound backup (kiosk.core.db.recovery)
    if not path.exists():
        if not bundled.is_file():
            raise DatabaseError(f"bundled database not found: {bundled} (build it with `kiosk build-db`)")
        _copy_bundled(bundled, path)
    conn = connect(path)
    conn.execute("PRAGMA busy_timeout = 5000")
    prepare_connection(conn, recovered)  # WAL + full sync; a notice for the workers after a recovery
    if bundled.is_file():
        try:
            new_hash = _meta(bundled, "content_hash")
        except DatabaseError:
            new_hash = None  # a damaged bundled file: keep working on the runtime copy
        if new_hash and new_hash != current_seed_hash(conn):
            merge_content(conn, bundled, now=now)
    if pinyin_store.missing(conn):  # a runtime database from before schema step 3: fill its tables once
        with transaction(conn):
            pinyin_store.store_all(conn)
    _note_program_version(conn)
    return conn


def open_kiosk_database(data_dir: Path, bundled: Path, *, db_path: Path | None = None,
                        now: datetime | None = None, path_problem: str | None = None) -> sqlite3.Connection:
    """The database ``kiosk run`` shows: the runtime database, or a read-only stand-in when it cannot be used.

    The runtime copy is shown read-only when it can be read with this program's schema (a read-only
    folder, a newer database that only added things); otherwise the bundled database is. The
    returned :class:`ReadOnlyConnection` says why (:func:`read_only_reason`). ``path_problem``: the
    configured database path itself is unusable (e.g. ``~nosuchuser/…``), so only the bundled copy
    is shown. Raises :class:`DatabaseError` only when neither can be read.
    """
    runtime: Path | None = None
    if path_problem is None:
        try:
            return open_runtime_database(data_dir, bundled, db_path=db_path, now=now)
        except (DataFolderReadOnly, LinkTargetMissing, NewerDatabaseError) as exc:
            reason = str(exc)
        try:
            runtime = follow_link(Path(db_path) if db_path else runtime_db_path(data_dir))
        except LinkTargetMissing:
            runtime = None
    else:
        reason = path_problem
    tried: list[str] = []
    for source in (runtime, Path(bundled)):
        if source is None or not source.is_file():
            continue
        try:
            conn = open_read_only(source)
        except DatabaseError as exc:
            tried.append(str(exc))
            continue
        gaps = missing_schema(conn)
        if gaps:
            conn.close()
            tried.append(f"{source} lacks {', '.join(gaps[:3])}")
            continue
        if source != runtime:
            reason += "；现在只读显示随程序提供的数据 (showing the bundled data read-only)"
        conn.reason = reason
        conn.source = source
        return conn
    raise DatabaseError(f"{reason}; and no database could be shown read-only ({'; '.join(tried) or 'none found'})")


def open_without_migrating(path: Path) -> sqlite3.Connection:
    """A writable connection to ``path`` as it is: no migration, no merge.

    Only for ``kiosk restore`` over a database from a newer program, whose content a backup then
    replaces (the newer state is kept as the restore's safety backup first).
    """
    path = follow_link(Path(path))
    problem = write_problem(path)
    if problem:
        raise DataFolderReadOnly(problem)
    conn = connect(path, migrate_schema=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def open_read_only(path: Path) -> ReadOnlyConnection:
    """``path`` opened read-only (``immutable`` when even the write-ahead log's index cannot be made)."""
    uri = Path(path).resolve().as_uri()
    last: Exception | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"{uri}?{query}", uri=True, isolation_level=None, factory=ReadOnlyConnection)
        except sqlite3.DatabaseError as exc:
            last = exc
            continue
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            last = exc
            continue
        return conn
    raise DatabaseError(f"cannot read {path}: {last}")


def _refuse_newer(path: Path) -> None:
    try:
        peek = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return  # unreadable: recovery judges it
    try:
        check_not_newer(peek, where=f"the database {path}")
    except sqlite3.DatabaseError:
        return
    finally:
        peek.close()


def _note_program_version(conn: sqlite3.Connection) -> None:
    """Remember which program version last wrote the database (a later roll-back names it)."""
    from kiosk import __version__

    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PROGRAM_VERSION_KEY,)).fetchone()
    if row is None or str(row[0]) != __version__:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (PROGRAM_VERSION_KEY, __version__))


def current_seed_hash(conn: sqlite3.Connection) -> str | None:
    """The content hash of the bundled build this runtime database was last merged with."""
    for key in (SEED_HASH_KEY, "content_hash"):
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return str(row[0])
    return None


def _meta(path: Path, key: str) -> str | None:
    try:
        src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = src.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot read {path}: {exc}") from exc
    return None if row is None else str(row[0])


def _recover(path: Path, bundled: Path) -> None:
    """Move a damaged runtime database aside; put the newest sound backup in its place (if any)."""
    n = 1
    while path.with_name(f"{path.name}.damaged-{n}").exists():
        n += 1
    os.replace(path, path.with_name(f"{path.name}.damaged-{n}"))
    for suffix in ("-journal", "-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, path.with_name(f"{path.name}.damaged-{n}{suffix}"))
    for info in reversed(list_backups(backups_dir(path), stem=safe_stem(path))):
        try:
            check_backup_file(info.path)
        except KioskError:
            continue
        shutil.copyfile(info.path, path)
        return


def _copy_bundled(bundled: Path, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        copy_database(bundled, tmp)
        with closing(sqlite3.connect(tmp)) as dest:  # the copy's content hash is the bundled one's
            digest = dest.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
            if digest is not None:
                dest.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SEED_HASH_KEY, digest[0]))
                dest.commit()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot create the runtime database {path}: {exc}") from exc


def touched(service: dict[str, Any]) -> bool:
    """Has a worker (or an import) changed this listing? Then an upgrade keeps it as it is."""
    return service.get("updated_at") is not None or service.get("origin") not in (None, "seed")


def merge_content(conn: sqlite3.Connection, new_db: Path, *, now: datetime | None = None,
                  backup: bool = True, guard: Callable[[sqlite3.Connection], None] | None = None) -> MergeReport:
    """Bring the content of a newer build ``new_db`` into the runtime database, keeping worker edits.

    Runs in one transaction after a backup (reason ``before-merge``); see the module docstring for
    the rules. Also used by the content roll-out to terminals, which passes ``guard`` (its time limit,
    set on the connection that reads ``new_db`` too, so a bundle's database cannot stall the merge).
    """
    from kiosk.core.listings import audit
    from kiosk.core.listings.editing import _same, reindex, snapshot, write_snapshot

    new_db = Path(new_db)
    report = MergeReport()
    src = connect(new_db, readonly=True, migrate_schema=False)
    if guard is not None:
        guard(src)
    try:
        new_hash = src.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        report.content_hash = str(new_hash[0]) if new_hash else None
        new_listings = _listings(src)
        report.listings = new_listings
        reference = {t: table_rows(src, t) for t in _REFERENCE_TABLES + _SEED_TABLES}
    finally:
        src.close()
    if backup:
        try:
            report.backup = backup_database(conn, "before-merge", now=now)
        except KioskError:
            report.backup = None  # an in-memory database (tests) has nothing to back up
    with transaction(conn):
        for table in _REFERENCE_TABLES:
            for row in reference[table]:
                upsert(conn, table, row)
        runtime_ids = {r[0]: r for r in conn.execute("SELECT id, updated_at, origin FROM services")}
        for sid, snap in new_listings.items():
            current = snapshot(conn, sid) if sid in runtime_ids else None
            if current is None:
                write_snapshot(conn, sid, _fit(conn, snap))
                report.added.append(sid)
            elif touched(current["services"][0]):
                report.kept_worker.append(sid)
            elif _same(current, _fit(conn, snap), strict=True):
                report.unchanged += 1
            else:
                write_snapshot(conn, sid, _fit(conn, snap))
                report.updated.append(sid)
        for sid, row in runtime_ids.items():
            if sid in new_listings or touched(dict(row)):
                continue
            if conn.execute("SELECT status FROM services WHERE id = ?", (sid,)).fetchone()[0] != "retired":
                conn.execute("UPDATE services SET status = 'retired' WHERE id = ?", (sid,))
                report.retired.append(sid)
        for table in _SEED_TABLES:
            conn.execute(f"DELETE FROM {table}")
            insert_all(conn, table, reference[table])
        for table in reversed(_REFERENCE_TABLES):
            _delete_unreferenced(conn, table, {r["id"] for r in reference[table]})
        if report.content_hash:
            for key in (SEED_HASH_KEY, "content_hash"):
                conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, report.content_hash))
        if now is not None and (report.added or report.updated or report.retired):
            audit.record(conn, actor="upgrade", table="meta", record_id=SEED_HASH_KEY, action="merge",
                         before=None, after={"added": report.added, "updated": report.updated,
                                             "retired": report.retired, "kept": report.kept_worker}, now=now)
        reindex(conn, None)
    return report


def _listings(src: sqlite3.Connection) -> dict[str, Snapshot]:
    from kiosk.core.listings.editing import snapshot

    out: dict[str, Snapshot] = {}
    for (sid,) in src.execute("SELECT id FROM services ORDER BY id").fetchall():
        snap = snapshot(src, sid)
        if snap is not None:
            out[sid] = snap
    return out


def _fit(conn: sqlite3.Connection, snap: Snapshot) -> Snapshot:
    """Keep only the columns the runtime schema has; fill missing ones with None."""
    from kiosk.core.listings.editing import SNAPSHOT_TABLES

    out: Snapshot = {}
    for table in SNAPSHOT_TABLES:
        cols = table_columns(conn, table)
        out[table] = [{c: row.get(c) for c in cols} for row in snap.get(table, [])]
    return out


def _delete_unreferenced(conn: sqlite3.Connection, table: str, keep: set[str]) -> None:
    for (ident,) in conn.execute(f"SELECT id FROM {table}").fetchall():
        if ident in keep:
            continue
        conn.execute("SAVEPOINT drop_row")
        try:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (ident,))
            conn.execute("RELEASE drop_row")
        except sqlite3.IntegrityError:  # still referred to by a worker's listing: keep it
            conn.execute("ROLLBACK TO drop_row")
            conn.execute("RELEASE drop_row")


__all__ = ["DataFolderReadOnly", "LinkTargetMissing", "MergeReport", "ReadOnlyConnection",
           "current_seed_hash", "follow_link", "merge_content", "open_kiosk_database", "open_read_only",
           "open_runtime_database", "open_without_migrating", "read_only_reason", "runtime_db_path", "touched",
           "write_problem"]
