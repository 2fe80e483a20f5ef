"""``kiosk doctor``: check a terminal's set-up and say what to fix.

Each check returns a :class:`Check` with a status — ``OK``, ``WARN`` (works, but something a
resident would miss, such as read-aloud) or ``PROBLEM`` (the kiosk will not work properly) — a
one-line finding and, unless OK, what to do about it. The checks here need no Qt; the display,
font-rendering and speech checks live in :mod:`kiosk.commands.doctor`, which imports Qt lazily.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.db.migrations import SCHEMA_VERSION
from kiosk.core.terminal.config import Config, ConfigError, config_file_path, load_config

OK = "OK"
WARN = "WARN"
PROBLEM = "PROBLEM"
MIN_FREE_BYTES = 200 * 1024 * 1024
FONT_FILE = "wqy-microhei.ttc"


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    name: str
    status: str
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status != PROBLEM


def guarded(name: str, check: Callable[[], Check]) -> Check:
    """Run ``check``; an unexpected exception becomes a PROBLEM line instead of a traceback."""
    try:
        return check()
    except Exception as exc:  # a doctor must report, not crash
        return Check(name, PROBLEM, f"the check itself failed: {type(exc).__name__}: {exc}",
                     "run with KIOSK_DEBUG=1 and report the output")


def check_config(data_dir: Path, explicit: Path | None = None) -> tuple[Check, Config]:
    """The config file (``explicit``, ``$KIOSK_CONFIG`` or data-dir ``config.toml``) is valid."""
    path = explicit or config_file_path(data_dir)
    if explicit is None and not os.environ.get("KIOSK_CONFIG") and not path.is_file():
        return Check("config", OK, f"no config file ({path}); using the defaults"), Config()
    try:
        config = load_config(path)
    except ConfigError as exc:
        return (Check("config", PROBLEM, str(exc),
                      f"correct the file (start from `kiosk config --example`), then `kiosk config --check {path}`"),
                Config())
    return Check("config", OK, f"{path} is valid (terminal {config.identity()})"), config


def check_database(path: Path, *, role: str, required: bool = True) -> Check:
    """A kiosk database opens read-only, passes quick_check and has a schema this program knows."""
    name = f"{role} database"
    if not path.is_file():
        if required:
            return Check(name, PROBLEM, f"{path} is missing",
                         "rebuild it with `kiosk build-db` or reinstall the package")
        return Check(name, OK, f"{path} does not exist yet; the first start creates it from the bundled database")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            has_services = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'services'").fetchone()
            services = int(conn.execute("SELECT count(*) FROM services").fetchone()[0]) if has_services else 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return Check(name, PROBLEM, f"{path} cannot be read: {exc}", _db_fix(role))
    if result != "ok":
        return Check(name, PROBLEM, f"{path} is damaged (quick_check: {result})", _db_fix(role))
    if not has_services:
        return Check(name, PROBLEM, f"{path} is not a kiosk database", _db_fix(role))
    if version > SCHEMA_VERSION:
        return Check(name, PROBLEM, f"{path} has schema {version}, newer than this program's {SCHEMA_VERSION}",
                     "install the newer kiosk program that wrote it")
    note = f"; schema {version} is upgraded to {SCHEMA_VERSION} at start" if version < SCHEMA_VERSION else ""
    if services == 0:
        return Check(name, PROBLEM, f"{path} has no services", _db_fix(role))
    return Check(name, OK, f"{path}: quick_check ok, schema {version}, {services} services{note}")


def _db_fix(role: str) -> str:
    if role == "runtime":
        return ("stop the kiosk and start it again: a damaged runtime database is replaced from the latest backup "
                "or the bundled copy (or move the file aside by hand)")
    return "reinstall the package (or `kiosk build-db` in a source checkout)"


def check_writable(folder: Path, *, name: str = "data directory") -> Check:
    """``folder`` exists or can be created, takes a file and has enough free space."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return Check(name, PROBLEM, f"cannot write in {folder}: {exc.strerror or exc}",
                     f"give the kiosk's user write access: sudo chown -R $USER {folder}")
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        return Check(name, PROBLEM, f"{folder} is writable but only {free // 2**20} MB are free",
                     "free disk space (old logs and backups in the data directory can go)")
    return Check(name, OK, f"{folder} is writable, {free // 2**20} MB free")


def check_font_file(resources: Path) -> Check:
    """The bundled CJK font file is present."""
    path = resources / "fonts" / FONT_FILE
    if path.is_file() and path.stat().st_size > 1_000_000:
        return Check("font file", OK, f"{path} ({path.stat().st_size // 2**20} MB)")
    return Check("font file", PROBLEM, f"the bundled Chinese font {path} is missing",
                 "reinstall the package; without it Chinese shows as boxes on machines with no CJK fonts")


def check_handwriting(diagnose: Callable[[], str] | None = None) -> Check:
    """Handwriting input: Zinnia library and model load and recognize a stroke."""
    if diagnose is None:
        try:
            from kiosk.core.handwriting import diagnose as found
        except ImportError:
            return Check("handwriting", WARN, "this program has no handwriting module")
        diagnose = found
    line = diagnose()
    if line.startswith("ok"):
        return Check("handwriting", OK, line.removeprefix("ok:").strip())
    detail = line.removeprefix("unavailable:").strip()
    return Check("handwriting", WARN, f"handwriting input is off: {detail}",
                 "apt-get install libzinnia0 tegaki-zinnia-simplified-chinese (the packaged build carries both)")


def check_outbox(config: Config) -> Check:
    """The reports outbox, when configured, is a folder this user can write (the kiosk creates a missing one),
    and the report signing key, when set, can be loaded."""
    name = "reports outbox"
    outbox = config.outbox_path()
    if outbox is None:
        return Check(name, OK, "not configured (outbox_dir is empty); reports by `kiosk outbox --out FILE` only")
    fix = "mount the share, create the folder or correct outbox_dir in the config"
    if outbox.exists() and not outbox.is_dir():
        return Check(name, PROBLEM, f"{outbox} is not a folder", fix)
    folder = outbox if outbox.exists() else outbox.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return Check(name, PROBLEM, f"{outbox} cannot be written by this user", fix)
    if config.report_sign_key:
        from kiosk.core.errors import KioskError
        from kiosk.core.exchange.signing import inside, load_private_key

        if inside(outbox, Path(config.report_sign_key).parent):
            return Check(name, PROBLEM, f"{outbox} is in the folder of the report key {config.report_sign_key}: "
                                        "the key would be shared", "keep the key in a folder of its own")
        try:
            load_private_key(Path(config.report_sign_key))
        except KioskError as exc:
            return Check(name, PROBLEM, str(exc), "make the terminal's key with `kiosk keys init DIR` and set "
                                                   "report_sign_key to DIR/office.key, or empty it")
    signed = ", signed" if config.report_sign_key else ""
    return Check(name, OK, f"{outbox}: a report every {config.outbox_every_minutes} min{signed}, "
                           f"the newest {config.outbox_keep} kept")


def check_inbox(config: Config, applied_version: int | None) -> Check:
    """The content inbox, when configured, can be read; says the newest bundle seen there."""
    inbox = config.inbox_path()
    if inbox is None:
        return Check("content inbox", OK, "not configured (content_inbox is empty); updates by `kiosk "
                                          "update-content FILE` only")
    from kiosk.core.exchange.bundle import QUARANTINE_DIR, BundleError, inbox_candidates, quarantined, read_manifest

    try:
        files = inbox_candidates(inbox)
    except BundleError as exc:
        return Check("content inbox", PROBLEM, str(exc),
                     "mount the share or stick, or correct content_inbox in the config")
    versions: list[int] = []
    bad: list[str] = []
    for path in files:
        try:
            versions.append(read_manifest(path).version)
        except BundleError:
            bad.append(path.name)
    have = f"v{applied_version}" if applied_version is not None else "the built-in content"
    detail = f"{inbox}: {len(versions)} bundle(s)"
    if versions:
        detail += f", newest v{max(versions)}; this terminal has {have}"
    if bad:
        return Check("content inbox", WARN, detail + f"; unreadable: {', '.join(bad)}",
                     "replace the damaged file(s); a copy still in progress is fine")
    refused = quarantined(inbox)
    if refused:
        path, reason = refused[-1]
        more = f" and {len(refused) - 1} more" if len(refused) > 1 else ""
        return Check("content inbox", WARN, detail + f"; refused and moved to {QUARANTINE_DIR}/: {path.name}{more} "
                     f"({reason})", f"make a new bundle with `kiosk bundle` at the office; delete the files in "
                     f"{inbox / QUARANTINE_DIR} once read")
    return Check("content inbox", OK, detail)


def check_signing(config: Config, data_dir: Path) -> Check:
    """Which keys this terminal applies signed content bundles from (none: it applies no bundle)."""
    from kiosk.core.exchange.signing import KeyFileError, load_store, store_path

    store = store_path(config.trusted_keys, data_dir)
    try:
        keys = load_store(store)
    except KeyFileError as exc:
        return Check("bundle signing", PROBLEM, str(exc), "move the file aside and run `kiosk keys trust office.pub`")
    if keys:
        return Check("bundle signing", OK, f"trusts {len(keys)} key(s): {', '.join(k.key_id for k in keys)}")
    if config.allow_unsigned_bundles:
        return Check("bundle signing", WARN, "no trusted key: unsigned content bundles are applied "
                     "(allow_unsigned_bundles = true)", "copy office.pub here, run `kiosk keys trust office.pub` "
                     "and remove allow_unsigned_bundles from the config")
    detail = "no trusted key, so no content bundle is applied"
    fix = "copy the office's office.pub here and run `kiosk keys trust office.pub`"
    if config.inbox_path() is None:
        return Check("bundle signing", OK, f"{detail} (no content inbox configured either); to roll out content: {fix}")
    return Check("bundle signing", PROBLEM, detail + f" from {config.inbox_path()}", fix)


def check_conflicts(path: Path) -> Check:
    """Fields the office and this terminal both changed wait for a worker (kiosk.core.fleet.conflicts)."""
    name = "merge conflicts"
    if not path.is_file():
        return Check(name, OK, f"{path} does not exist yet")
    from kiosk.core.fleet.conflicts import count_open

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = count_open(conn)
    finally:
        conn.close()
    if not found:
        return Check(name, OK, "no field waits for a decision between the office's value and this terminal's")
    return Check(name, WARN, f"{found} 处冲突待处理 ({found} field(s) changed both at the office and on this "
                             "terminal; this terminal's values are shown meanwhile)",
                 "kiosk conflicts, then take-office ID or keep-local ID for each")


def summary(checks: Iterable[Check]) -> tuple[int, int]:
    """(problems, warnings) among ``checks``."""
    items = list(checks)
    return sum(c.status == PROBLEM for c in items), sum(c.status == WARN for c in items)


HOLIDAY_WARN_DAYS = 60
"""How long before 1 January the doctor asks for the next year's holiday notice."""


def shanghai_now() -> datetime:
    """The clock, for the command that calls the checks (each check takes ``now`` as a parameter)."""
    return datetime.now(ZoneInfo("Asia/Shanghai"))


def check_holiday_schedule(path: Path, now: datetime) -> Check:
    """The runtime database knows the holiday schedule of this year and, from 60 days before, the next.

    Without it statutory holidays are only estimated (预计休息) and days near them show as not
    yet published; the State Council's notice is entered with ``kiosk holidays import FILE``.
    """
    name = "holiday schedule"
    if not path.is_file():
        return Check(name, OK, f"{path} does not exist yet; checked once the kiosk has started")
    from kiosk.core.db.connection import connect
    from kiosk.core.errors import KioskError
    from kiosk.core.hours.holiday_store import upcoming_gap

    try:
        conn = connect(path, readonly=True)
    except KioskError as exc:
        return Check(name, WARN, f"cannot read the holiday schedule: {exc}",
                     "start the kiosk once (it upgrades the database), then run kiosk doctor again")
    try:
        year = upcoming_gap(conn, now.date(), warn_days=HOLIDAY_WARN_DAYS)
    finally:
        conn.close()
    if year is None:
        soon = (date(now.year + 1, 1, 1) - now.date()).days <= HOLIDAY_WARN_DAYS
        return Check(name, OK, f"the holiday schedule of {now.year}" + (f" and {now.year + 1}" if soon else "")
                     + " is known")
    return Check(name, WARN, f"{year} 节假日安排未录入 (the {year} holiday schedule is not entered): statutory "
                             "holidays are only estimated, days near them show as not yet published",
                 f"run kiosk holidays import FILE with the State Council's {year} notice (docs/hours.md)")
