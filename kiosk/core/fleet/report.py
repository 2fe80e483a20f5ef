"""A terminal's report for the office: one small signed-or-not ZIP with ``report.json``.

``kiosk outbox --out FILE`` writes one; with the ``outbox_dir`` setting the running kiosk drops one
into that folder every ``outbox_every_minutes`` (:func:`drop_into_outbox`), for the same share or
Syncthing folder that brings content bundles to carry back. The office takes them with
``kiosk collect`` (:mod:`kiosk.core.fleet.collect`).

What a report says (``report.json``, format ``shangjie-kiosk-report`` 1)::

    {"report_id": "…uuid…", "created": "2026-12-02T08:00:00+08:00",
     "terminal": {"id": "hall-3", "place": "峡窝镇养老服务中心"}, "program_version": "0.1.0",
     "content": {"version": 7, "hash": "…"},
     "health": {"uptime_s": 86400, "starts_total": 4, "crashes_total": 1,
                "restarts_since_last": 1, "crashes_since_last": 0},
     "since": "…the previous report's time, or null…",
     "feedback": {"open": 2, "items": [{"id": 5, "service_id": "…", "service_name": "…", "kind": "wrong_phone",
                                        "created_at": "…"}]},
     "usage": [{"day": "2026-12-01", "kind": "service", "key": "…", "count": 12}],
     "misses": [{"day": "2026-12-01", "query": "量子•••", "count": 2}],
     "proposals": [...]}

Nothing personal leaves the terminal: usage and misses are day-bucketed counters, search misses are
masked when recorded (and again here: :func:`kiosk.core.masking.mask_digits`), feedback rows are a
listing, a kind and a time (residents only tap a choice). ``usage`` and ``misses`` cover every day
from the previous report's day to today (at most :data:`MAX_DAYS`), so the office keeps the newest
figure of each day, and a report lost on the way costs nothing once the next one arrives.

With ``report_sign_key`` the terminal signs ``report.json`` with its own Ed25519 key
(:mod:`kiosk.core.exchange.signing`, member ``report.sig``); the office then takes reports of that
terminal only when signed by the same key.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core.exchange.bundle import applied_bundle
from kiosk.core.exchange.outputs import atomic_output
from kiosk.core.exchange.signing import sign_manifest
from kiosk.core.fleet.proposals import export_proposals
from kiosk.core.masking import mask_digits
from kiosk.core.terminal.runs import Runs
from kiosk.core.workers.feedback import list_feedback
from kiosk.core.workers.usage import LOCAL

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger(__name__)

FORMAT = "shangjie-kiosk-report"
FORMAT_VERSION = 1
REPORT_NAME = "report.json"
SIGNATURE_NAME = "report.sig"
PREFIX = "report-"
SUFFIX = ".zip"
MAX_DAYS = 31
"""Days of usage counts and misses in one report at most (the first report: the last 31 days)."""
MAX_USAGE_ROWS = 20_000
MAX_MISS_ROWS = 5_000
MAX_FEEDBACK_ITEMS = 500
MAX_PROPOSALS = 2_000
META_LAST = "outbox_last_report"
"""``meta`` key on a terminal: JSON {created, starts, crashes} of the last report written."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Written:
    """A report written: where, its id and what it holds."""

    path: Path
    report_id: str
    created: str
    counts: dict[str, int]
    signed: bool


def _last(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_LAST,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def build_report(conn: sqlite3.Connection, *, terminal_id: str, place: str, runs: Runs, now: datetime,
                 program_version: str = __version__) -> dict[str, Any]:
    """The report of this terminal at ``now`` (a JSON-able dict; nothing is written)."""
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    last = _last(conn)
    since = last.get("created") if isinstance(last.get("created"), str) else None
    today = now.astimezone(LOCAL).date()
    first = today - timedelta(days=MAX_DAYS - 1)
    if since:
        try:
            first = max(first, datetime.fromisoformat(since).astimezone(LOCAL).date())
        except ValueError:
            since = None
    span = (first.isoformat(), today.isoformat())
    usage = [{"day": r[0], "kind": r[1], "key": r[2], "count": int(r[3])} for r in conn.execute(
        "SELECT day, kind, key, count FROM usage_counts WHERE day BETWEEN ? AND ? ORDER BY day DESC, kind, key "
        "LIMIT ?",  # over the limit, the oldest days are left out (the newest stay whole)
        (*span, MAX_USAGE_ROWS))]
    misses: dict[tuple[str, str], int] = {}
    for day, query, count in conn.execute(
            "SELECT day, query, count FROM search_misses WHERE day BETWEEN ? AND ? ORDER BY day DESC, count DESC "
            "LIMIT ?",
            (*span, MAX_MISS_ROWS)):
        key = (str(day), mask_digits(str(query)))
        misses[key] = misses.get(key, 0) + int(count)
    feedback = list_feedback(conn, "open")
    version, digest = applied_bundle(conn)
    if digest is None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        digest = str(row[0]) if row else None
    proposals = export_proposals(conn)[:MAX_PROPOSALS]
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "report_id": str(uuid.uuid4()),
        "created": now.isoformat(timespec="seconds"), "since": since,
        "terminal": {"id": terminal_id, "place": place},
        "program_version": program_version,
        "content": {"version": version, "hash": digest},
        "health": {"uptime_s": runs.uptime_s(now), "starts_total": runs.starts, "crashes_total": runs.crashes,
                   "restarts_since_last": max(0, runs.starts - _count(last.get("starts"))) if since else runs.starts,
                   "crashes_since_last": max(0, runs.crashes - _count(last.get("crashes"))) if since else runs.crashes},
        "feedback": {"open": len(feedback), "items": [
            {"id": f.id, "service_id": f.service_id, "service_name": f.service_name, "kind": f.kind,
             "created_at": f.created_at.isoformat(timespec="seconds")} for f in feedback[:MAX_FEEDBACK_ITEMS]]},
        "usage": usage,
        "misses": [{"day": d, "query": q, "count": n} for (d, q), n in misses.items()],
        "proposals": proposals,
    }


def report_name(terminal_id: str, now: datetime) -> str:
    """``report-<terminal id>-<UTC time>.zip``: names sort by time within a terminal."""
    return f"{PREFIX}{terminal_id}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_report(conn: sqlite3.Connection, out: Path, *, terminal_id: str, place: str, runs: Runs, now: datetime,
                 sign_key: Ed25519PrivateKey | None = None) -> Written:
    """Write this terminal's report to ``out`` (atomically: a temporary ``.``-name beside it, then renamed) and
    remember it as the last report (the next one counts restarts, crashes and days from here)."""
    report = build_report(conn, terminal_id=terminal_id, place=place, runs=runs, now=now)
    data = (json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    with atomic_output(out, what="report file") as partial, \
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_member(REPORT_NAME), data)
        if sign_key is not None:
            zf.writestr(_member(SIGNATURE_NAME), sign_manifest(sign_key, data))
    _remember(conn, report, runs)
    counts = {"usage": len(report["usage"]), "misses": len(report["misses"]),
              "open_feedback": report["feedback"]["open"], "proposals": len(report["proposals"])}
    log.info("wrote report %s (%s) to %s", report["report_id"], counts, Path(out).name)
    return Written(Path(out), report["report_id"], report["created"], counts, sign_key is not None)


def _remember(conn: sqlite3.Connection, report: dict[str, Any], runs: Runs) -> None:
    value = json.dumps({"created": report["created"], "report_id": report["report_id"], "starts": runs.starts,
                        "crashes": runs.crashes})
    try:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                     "excluded.value", (META_LAST, value))
    except sqlite3.OperationalError as exc:  # the read-only fallback: the next report repeats these days
        log.warning("could not remember the last report: %s", exc)


def _own_reports(outbox: Path, terminal_id: str) -> list[Path]:
    pattern = re.compile(re.escape(PREFIX + terminal_id) + r"-\d{8}T\d{6}Z" + re.escape(SUFFIX))
    return sorted(p for p in outbox.iterdir() if pattern.fullmatch(p.name) and p.is_file())


def drop_into_outbox(conn: sqlite3.Connection, outbox: Path, *, terminal_id: str, place: str, runs: Runs,
                     now: datetime, keep: int, sign_key: Ed25519PrivateKey | None = None) -> Written:
    """Write a report into the ``outbox`` folder and keep only the newest ``keep`` reports of this terminal there
    (other terminals' reports in a shared folder are never touched)."""
    outbox = Path(outbox)
    written = write_report(conn, outbox / report_name(terminal_id, now), terminal_id=terminal_id, place=place,
                           runs=runs, now=now, sign_key=sign_key)
    old = _own_reports(outbox, terminal_id)
    for path in old[:max(0, len(old) - keep)]:
        try:
            path.unlink()
        except OSError as exc:
            log.warning("could not remove the old report %s: %s", path.name, exc)
    return written
