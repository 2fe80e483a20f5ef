"""The office takes terminals' reports: checked like a bundle, stored once, however often collected.

A report comes from a share anyone on the network may write to, so it is read like a content bundle
(:mod:`kiosk.core.exchange.bundle`): members and sizes from the ZIP headers first (no zip bomb is
unpacked), ``report.json`` read with a byte cap, its nesting and numbers bounded before parsing, then
every field checked for type and bounds. A file that fails gets one line and the next file is read.

What is kept (office-only tables, schema step 6; never bundled, kept by a restore):
``fleet_reports`` (one row per report id — the same report collected twice is one row),
``fleet_terminals`` (the newest report's figures per terminal), ``fleet_usage`` and
``fleet_misses`` (day-bucketed; for each day the figure of the newest report that covers it).
A terminal whose report came signed once (its own key, ``report_sign_key``) is from then on taken
only with that key's signature.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.exchange.signing import SignatureRefused, Trust, TrustedKey, parse_signature
from kiosk.core.fleet import report as fmt
from kiosk.core.fleet.proposals import store_proposals
from kiosk.core.masking import mask_digits

MAX_FILE_BYTES = 16 * 1024**2
MAX_JSON_BYTES = 8 * 1024**2
MAX_SIG_BYTES = 8 * 1024
MAX_DEPTH = 8
MAX_DIGITS = 20
MAX_FILES = 10_000
MAX_COUNT = 10**12
TERMINAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
HEX = re.compile(r"[0-9a-f]{1,128}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ReportError(KioskError):
    """A file is not a usable terminal report (damaged, not ours, out of bounds, or refused)."""


@dataclass(frozen=True)
class Report:
    """A checked report: its fields, the exact bytes' SHA-256 and who signed it."""

    data: dict[str, Any]
    text: str
    sha256: str
    key_id: str | None

    @property
    def report_id(self) -> str:
        return str(self.data["report_id"])

    @property
    def terminal_id(self) -> str:
        return str(self.data["terminal"]["id"])


@dataclass
class Collected:
    """What one ``kiosk collect`` took."""

    new: list[tuple[Path, Report]] = field(default_factory=list)
    known: list[tuple[Path, Report]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    proposals: int = 0

    def summary(self) -> str:
        total = len(self.new) + len(self.known) + len(self.refused)
        text = f"{total} 份报告：{len(self.new)} 新，{len(self.known)} 已收过"
        if self.refused:
            text += f"，{len(self.refused)} 无法读取"
        return text + (f"；{self.proposals} 条修改建议" if self.proposals else "")


# ── reading one file ────────────────────────────────────────────────────────────────────────────


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:159] + "…"


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number with {len(text.lstrip('-'))} digits")
    return int(text)


def _no_float(text: str) -> Any:
    raise ValueError(f"unexpected number {text[:20]}")


def _stored(conn: sqlite3.Connection, digest: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT report_id, f.terminal_id, created_at, place FROM fleet_reports f "
                       "LEFT JOIN fleet_terminals t ON t.terminal_id = f.terminal_id WHERE sha256 = ?",
                       (digest,)).fetchone()
    if row is None:
        return None
    return {"report_id": row[0], "terminal": {"id": row[1], "place": row[3] or ""}, "created": row[2]}


def read_report(path: Path, *, known: Callable[[str], dict[str, Any] | None] | None = None) -> Report:
    """Read and check report file ``path``; ReportError (one line) when it is not a usable report.

    ``known`` gives the id, terminal and time of the report whose ``report.json`` has this SHA-256 when exactly
    those bytes were collected (and checked) before; such a file is not checked again (a sync tool's second copy
    costs a lookup)."""
    path = Path(path)
    name = path.name
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ReportError(f"{name}: not a regular file (a folder, a pipe or a device)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ReportError(f"{name}: {path.stat().st_size} bytes, far too large for a report")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if len(names) != len(set(names)) or not set(names) <= {fmt.REPORT_NAME, fmt.SIGNATURE_NAME} \
                    or fmt.REPORT_NAME not in names:
                raise ReportError(f"{name}: not a terminal report (a report holds {fmt.REPORT_NAME} and maybe "
                                  f"{fmt.SIGNATURE_NAME}; this holds {len(names)} member(s))")
            for info in infos:
                limit = MAX_JSON_BYTES if info.filename == fmt.REPORT_NAME else MAX_SIG_BYTES
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise ReportError(f"{name}: {info.filename} uses an unsupported compression")
                if info.file_size > limit:  # and it is read with that cap, whatever the header says
                    raise ReportError(f"{name}: {info.filename} would unpack to {info.file_size} bytes (at most "
                                      f"{limit}); refused without unpacking it")
            with zf.open(fmt.REPORT_NAME) as fh:
                data = fh.read(MAX_JSON_BYTES + 1)
            signature = None
            if fmt.SIGNATURE_NAME in names:
                with zf.open(fmt.SIGNATURE_NAME) as fh:
                    signature = fh.read(MAX_SIG_BYTES + 1)
    except FileNotFoundError as exc:
        raise ReportError(f"{name}: not found") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise ReportError(f"{name}: not a complete report ZIP (damaged, or still being copied): "
                          f"{_one_line(exc)}") from exc
    if len(data) > MAX_JSON_BYTES:
        raise ReportError(f"{name}: {fmt.REPORT_NAME} is larger than it said")
    digest = hashlib.sha256(data).hexdigest()
    stored = known(digest) if known is not None else None
    if stored is not None:
        return Report(stored, "", digest, None)
    try:
        text = data.decode("utf-8")
        if nesting(text) > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} levels")
        raw = json.loads(text, parse_int=_bounded_int, parse_float=_no_float, parse_constant=_no_float)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ReportError(f"{name}: {fmt.REPORT_NAME} is not valid JSON: {_one_line(exc)}") from exc
    try:
        checked = check_report(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{name}: not a usable terminal report: {_one_line(exc)}") from exc
    key = _signer(data, signature, name)
    return Report(checked, text, digest, key)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def nesting(text: str) -> int:
    """How deeply ``[``/``{`` nest in JSON ``text`` (as :func:`kiosk.core.limits.json_nesting`, brackets in strings
    not counted), at C speed: strings are cut out by one regular expression, then only brackets are looked at
    (a report of 8 MiB: a few milliseconds instead of a second)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _signer(data: bytes, signature: bytes | None, name: str) -> str | None:
    if signature is None:
        return None
    try:
        sig = parse_signature(signature)
        Trust({sig.key_id: TrustedKey(sig.key_id, sig.public_key, "", "report")}).verify(data, signature, name)
    except SignatureRefused as exc:
        raise ReportError(f"{name}: {fmt.SIGNATURE_NAME} does not verify ({_one_line(exc)}); refused") from exc
    return sig.key_id


def _int(value: Any, what: str, high: int = MAX_COUNT, *, null: bool = False) -> int | None:
    if value is None and null:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValueError(f"{what} is not a whole number from 0 to {high}")
    return value


def _str(value: Any, what: str, limit: int, *, null: bool = False,
         pattern: re.Pattern[str] | None = None) -> str | None:
    if value is None and null:
        return None
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise ValueError(f"{what} is not a text of at most {limit} characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise ValueError(f"{what} {value[:40]!r} is not in the expected form")
    return value


def _moment(value: Any, what: str, *, null: bool = False) -> str | None:
    text = _str(value, what, 40, null=null)
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or not 2000 <= moment.year <= 9998:
        raise ValueError(f"{what} is not a time with its UTC offset")
    return text


def _day(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a day YYYY-MM-DD")
    return _checked_day(value[:20], what)


@functools.lru_cache(maxsize=1024)
def _checked_day(text: str, what: str) -> str:
    """A day of a report (a report holds a few dozen distinct days, each checked once)."""
    if not DAY.fullmatch(text):
        raise ValueError(f"{what} {text!r} is not a day YYYY-MM-DD")
    date.fromisoformat(text)
    return text


def _list(value: Any, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list) or len(value) > limit:
        raise ValueError(f"{what} is not a list of at most {limit} items")
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")
    return value


def check_report(raw: Any) -> dict[str, Any]:
    """The report's fields, each checked for type and bounds (ValueError, KeyError, TypeError otherwise);
    free text that residents typed (misses) is masked again."""
    doc = _dict(raw, "the report")
    if doc.get("format") != fmt.FORMAT:
        raise ValueError(f"format is not {fmt.FORMAT!r}")
    if doc.get("format_version") != fmt.FORMAT_VERSION:
        raise ValueError(f"report format {str(doc.get('format_version'))[:20]} is not known to this program "
                         f"(it reads {fmt.FORMAT_VERSION}); update the kiosk program at the office")
    report_id = str(uuid.UUID(_str(doc["report_id"], "report_id", 36)))
    terminal = _dict(doc["terminal"], "terminal")
    content = _dict(doc["content"], "content")
    health = _dict(doc["health"], "health")
    feedback = _dict(doc["feedback"], "feedback")
    out: dict[str, Any] = {
        "report_id": report_id, "created": _moment(doc["created"], "created"),
        "since": _moment(doc.get("since"), "since", null=True),
        "terminal": {"id": _str(terminal["id"], "terminal id", 64, pattern=TERMINAL_ID),
                     "place": _str(terminal.get("place", ""), "terminal place", 200)},
        "program_version": _str(doc["program_version"], "program_version", 40),
        "content": {"version": _int(content.get("version"), "content version", null=True),
                    "hash": _str(content.get("hash"), "content hash", 128, null=True, pattern=HEX)},
        "health": {k: _int(health.get(k), k, null=k == "uptime_s") for k in
                   ("uptime_s", "starts_total", "crashes_total", "restarts_since_last", "crashes_since_last")},
        "feedback": {"open": _int(feedback["open"], "open feedback"), "items": [
            {"id": _int(i["id"], "feedback id"), "service_id": _str(i.get("service_id"), "service id", 200, null=True),
             "service_name": _str(i.get("service_name"), "service name", 500, null=True),
             "kind": _str(i["kind"], "feedback kind", 40),
             "created_at": _moment(i["created_at"], "feedback time")}
            for i in (_dict(x, "feedback item") for x in _list(feedback["items"], "feedback items",
                                                                 fmt.MAX_FEEDBACK_ITEMS))]},
        "usage": [{"day": _day(u["day"], "usage day"), "kind": _str(u["kind"], "usage kind", 20),
                   "key": _str(u["key"], "usage key", 200), "count": _int(u["count"], "usage count")}
                  for u in (_dict(x, "usage row") for x in _list(doc["usage"], "usage", fmt.MAX_USAGE_ROWS))],
        "misses": [{"day": _day(m["day"], "miss day"),
                    "query": mask_digits(_str(m["query"], "miss query", 100) or ""),
                    "count": _int(m["count"], "miss count")}
                   for m in (_dict(x, "miss row") for x in _list(doc["misses"], "misses", fmt.MAX_MISS_ROWS))],
        "proposals": [_dict(p, "proposal") for p in _list(doc.get("proposals", []), "proposals",
                                                           fmt.MAX_PROPOSALS)],
    }
    return out


# ── storing ─────────────────────────────────────────────────────────────────────────────────────


def report_files(inputs: list[Path]) -> list[Path]:
    """The report files named: files as given, and a folder's ``*.zip`` files (not its ``.``-temporaries),
    also those one folder down — the office's receive folders, one per terminal
    (``reports/t07/report-….zip``); hidden folders (Syncthing's ``.stversions``) are skipped."""
    files: list[Path] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            folders = [item, *sorted(d for d in item.iterdir() if d.is_dir() and not d.name.startswith("."))]
            for folder in folders:
                files.extend(sorted(p for p in folder.iterdir()
                                    if not p.name.startswith(".") and p.name.endswith(fmt.SUFFIX) and p.is_file()))
                if len(files) > MAX_FILES:
                    break
        else:
            files.append(item)
        if len(files) > MAX_FILES:
            raise ReportError(f"more than {MAX_FILES} report files; collect a folder at a time")
    return files


def collect_reports(conn: sqlite3.Connection, inputs: list[Path], *, now: datetime) -> Collected:
    """Read every report file in ``inputs`` (files or folders) and store the new ones, each in one transaction.

    A report already collected (same report id) is counted as known and changes nothing; a file that
    is not a usable report (or is signed by another key than its terminal's) is listed with its reason.
    """
    result = Collected()
    for path in report_files(inputs):
        try:
            report = read_report(path, known=lambda digest: _stored(conn, digest))
            if store_report(conn, report, now=now):
                result.new.append((path, report))
                result.proposals += store_proposals(conn, report.terminal_id, report.report_id,
                                                    report.data["proposals"], now=now)
            else:
                result.known.append((path, report))
        except ReportError as exc:
            reason = str(exc)
            result.refused.append((path, reason if reason.startswith(path.name) else f"{path.name}: {reason}"))
    return result


def store_report(conn: sqlite3.Connection, report: Report, *, now: datetime) -> bool:
    """Store one checked report; False when this report id was collected before (nothing changes)."""
    data = report.data
    tid = report.terminal_id
    created = data["created"]
    stamp = now.isoformat(timespec="seconds")
    with transaction(conn):
        if conn.execute("SELECT 1 FROM fleet_reports WHERE report_id = ?", (report.report_id,)).fetchone():
            return False
        known = conn.execute("SELECT key_id, last_report_at FROM fleet_terminals WHERE terminal_id = ?",
                             (tid,)).fetchone()
        if known is not None and known[0] and report.key_id != known[0]:
            how = "is not signed" if report.key_id is None else f"is signed by key {report.key_id}"
            raise ReportError(f"report {report.report_id[:8]}… of terminal {tid} {how}, but its reports are signed "
                              f"by key {known[0]}; refused (a forged report, or the terminal got a new key: "
                              "remove it from the board first)")
        conn.execute("INSERT INTO fleet_reports(report_id, terminal_id, created_at, collected_at, sha256, report) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (report.report_id, tid, created, stamp, report.sha256, report.text))
        health, content = data["health"], data["content"]
        figures = (data["terminal"]["place"], report.key_id, report.report_id, created, stamp, content["version"],
                   content["hash"], data["program_version"], health["uptime_s"], health["restarts_since_last"],
                   health["crashes_since_last"], health["crashes_total"], data["feedback"]["open"])
        newer = known is None or _after(created, known[1])
        if known is None:
            conn.execute(
                "INSERT INTO fleet_terminals(place, key_id, last_report_id, last_report_at, last_collected_at, "
                "content_version, content_hash, program_version, uptime_s, restarts_since_last, crashes_since_last, "
                "crashes_total, open_feedback, terminal_id, first_collected_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*figures, tid, stamp))
        elif newer:
            conn.execute(
                "UPDATE fleet_terminals SET place = ?, key_id = COALESCE(key_id, ?), last_report_id = ?, "
                "last_report_at = ?, last_collected_at = ?, content_version = ?, content_hash = ?, "
                "program_version = ?, uptime_s = ?, restarts_since_last = ?, crashes_since_last = ?, "
                "crashes_total = ?, open_feedback = ? WHERE terminal_id = ?", (*figures, tid))
        else:  # an older report arriving late: only its days' figures may still be the newest
            conn.execute("UPDATE fleet_terminals SET last_collected_at = ?, key_id = COALESCE(key_id, ?) "
                         "WHERE terminal_id = ?", (stamp, report.key_id, tid))
        as_of = _utc(created)
        conn.executemany(
            "INSERT INTO fleet_usage(terminal_id, day, kind, key, count, as_of) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(terminal_id, day, kind, key) DO UPDATE SET count = excluded.count, as_of = excluded.as_of "
            "WHERE excluded.as_of > fleet_usage.as_of",
            [(tid, u["day"], u["kind"], u["key"], u["count"], as_of) for u in data["usage"]])
        conn.executemany(
            "INSERT INTO fleet_misses(terminal_id, day, query, count, as_of) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(terminal_id, day, query) DO UPDATE SET count = excluded.count, as_of = excluded.as_of "
            "WHERE excluded.as_of > fleet_misses.as_of",
            _merged_misses(tid, data["misses"], as_of))
    return True


def _merged_misses(tid: str, misses: list[dict[str, Any]], as_of: str) -> list[tuple[str, str, str, int, str]]:
    """Rows for fleet_misses; two queries masked to the same text on one day are added up."""
    merged: dict[tuple[str, str], int] = {}
    for m in misses:
        key = (m["day"], m["query"])
        merged[key] = min(merged.get(key, 0) + m["count"], MAX_COUNT)
    return [(tid, day, query, n, as_of) for (day, query), n in merged.items()]


def _utc(text: str) -> str:
    """An ISO time as comparable text (UTC, fixed width)."""
    from datetime import UTC

    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _after(a: str, b: str | None) -> bool:
    return b is None or _utc(a) > _utc(b)
