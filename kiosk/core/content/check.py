"""``kiosk check``: is a database sound and is every stated fact backed by its seed passage?"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from kiosk.core.content.provenance import SeedText
from kiosk.core.content.seeds import NATIONAL_NUMBERS


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verified: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# (table, id column, condition selecting rows that must carry a verified seed passage)
_MUST_HAVE_SOURCE = [
    ("services", "id", "origin = 'seed'"),
    ("figures", "id", "1"),
    ("hotlines", "number", "basis = 'seed'"),
]
_QUOTED_CHILDREN = ["phones", "schedules", "required_documents", "locations", "organizations"]


def check_content(conn: sqlite3.Connection) -> CheckReport:
    report = CheckReport()
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        report.problems.extend(f"integrity: {line}" for line in integrity[:10])
        return report
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        report.problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")

    for table, column in [("services", "name"), ("services", "category_id"), ("categories", "name"),
                          ("figures", "label"), ("news", "title"), ("news", "body"), ("hotlines", "name")]:
        for (ident,) in conn.execute(
                f"SELECT rowid FROM {table} WHERE {column} IS NULL OR trim({column}) = ''"):
            report.problems.append(f"{table} row {ident}: required field '{column}' is empty")

    texts = {r["id"]: SeedText(r["file"], r["text"]) for r in conn.execute("SELECT id, file, text FROM sources")}
    if not texts:
        report.problems.append("sources: no seed document in the database")

    def verify(where: str, source_id: str | None, quote: str | None) -> None:
        if not quote:
            report.problems.append(f"{where}: no source passage")
            return
        seed = texts.get(source_id or "")
        if seed is None:
            report.problems.append(f"{where}: unknown source '{source_id}'")
        elif not seed.contains(quote):
            report.problems.append(f"{where}: source passage not found in {seed.name}: “{quote[:30]}…”")
        else:
            report.verified += 1

    for table, ident, condition in _MUST_HAVE_SOURCE:
        for r in conn.execute(f"SELECT {ident} AS ident, source_id, source_quote FROM {table} WHERE {condition}"):
            verify(f"{table} '{r['ident']}'", r["source_id"], r["source_quote"])
    for r in conn.execute("SELECT id, source_id, title, body FROM news"):
        for n, para in enumerate(r["body"].split("\n\n")):
            verify(f"news '{r['id']}' paragraph {n + 1}", r["source_id"], para)
    for r in conn.execute("SELECT number, note FROM hotlines WHERE basis = 'national'"):
        if r["number"] not in NATIONAL_NUMBERS:
            report.problems.append(f"hotlines '{r['number']}': not a nationally unified number and has no source")
    for table in _QUOTED_CHILDREN:
        unsourced = 0
        for r in conn.execute(f"SELECT id, source_id, source_quote FROM {table}"):
            if r["source_quote"]:
                verify(f"{table} '{r['id']}'", r["source_id"], r["source_quote"])
            else:
                unsourced += 1
        if unsourced:
            report.notes.append(f"{table}: {unsourced} row(s) entered by community workers (see the audit log)")
    from kiosk.core.hours.opening import validate_hours

    for r in conn.execute("SELECT id, opening_hours FROM schedules ORDER BY id"):
        message = validate_hours(r["opening_hours"])
        if message:
            report.problems.append(f"schedules '{r['id']}': {message}")
    worker = conn.execute("SELECT COUNT(*) FROM services WHERE origin != 'seed'").fetchone()[0]
    if worker:
        report.notes.append(f"services: {worker} listing(s) added by workers or imports (see the audit log)")
    return report
