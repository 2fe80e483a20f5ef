"""Build the bundled SQLite database from ``seeds/``.

The build writes to a temporary file beside the target and renames it at the end, so a failed
build never leaves a partial database. It records no build time or host, so two builds of the
same seeds produce the same content (and, with the same SQLite, the same bytes).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.content.dump import content_hash
from kiosk.core.content.seeds import SeedData, load_seeds
from kiosk.core.db.connection import connect, transaction
from kiosk.core.db.rows import insert_all
from kiosk.core.exchange.outputs import atomic_output, check_output
from kiosk.core.search.index import reindex


@dataclass(frozen=True)
class BuildResult:
    path: Path
    counts: dict[str, int]
    content_hash: str


def build_database(seeds_dir: Path, out: Path) -> BuildResult:
    """Validate the seeds and build the database at ``out`` (atomically replaced)."""
    out = check_output(Path(out), what="database file")  # a new or regular file (a symlink's target)
    data = load_seeds(seeds_dir)
    with atomic_output(out, what="database file") as tmp:  # written beside it, then renamed over it
        tmp.unlink()  # SQLite makes the file itself
        conn = connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            with transaction(conn):
                counts = _insert(conn, data)
                reindex(conn)  # the search index (names, pinyin, initials) of everything just inserted
            digest = content_hash(conn)
            with transaction(conn):
                conn.execute("INSERT INTO meta(key, value) VALUES ('content_hash', ?)", (digest,))
            conn.execute("VACUUM")
        finally:
            conn.close()
    return BuildResult(out, counts, digest)


def _insert(conn: sqlite3.Connection, data: SeedData) -> dict[str, int]:
    insert_all(conn, "meta", [{"key": "source_sha256:" + s.id, "value": s.sha256} for s in data.sources])
    insert_all(conn, "sources", [{"id": s.id, "file": s.file, "title": s.title, "title_en": s.title_en,
                                  "byline": s.byline, "year": s.year, "sha256": s.sha256, "text": s.text}
                                 for s in data.sources])
    insert_all(conn, "categories", data.categories)
    services, phones, schedules, documents = [], [], [], []
    for svc in data.services:
        row = {k: v for k, v in svc.items() if k not in ("phones", "schedules", "required_documents")}
        services.append(row)
        for n, phone in enumerate(svc["phones"]):
            phones.append({"id": f"{svc['id']}-phone-{n + 1}", "service_id": svc["id"], **phone})
        for n, sched in enumerate(svc["schedules"]):
            sched = {k: v for k, v in sched.items() if k != "sort_order"}
            schedules.append({"id": f"{svc['id']}-hours-{n + 1}", "service_id": svc["id"], **sched})
        for n, doc in enumerate(svc["required_documents"]):
            doc = {k: v for k, v in doc.items() if k != "sort_order"}
            documents.append({"id": f"{svc['id']}-doc-{n + 1}", "service_id": svc["id"], **doc})
    insert_all(conn, "services", services)
    insert_all(conn, "phones", phones)
    insert_all(conn, "schedules", schedules)
    insert_all(conn, "required_documents", documents)
    insert_all(conn, "figures", data.figures)
    insert_all(conn, "news", [{**n, "captions": json.dumps(n["captions"], ensure_ascii=False)} for n in data.news])
    insert_all(conn, "hotlines", data.hotlines)
    insert_all(conn, "synonyms", [{"word": w, "category_id": c} for w, c in sorted(data.synonyms)])
    insert_all(conn, "holiday_overrides", data.holidays)
    return {
        "sources": len(data.sources), "categories": len(data.categories), "services": len(services),
        "phones": len(phones), "schedules": len(schedules), "figures": len(data.figures),
        "news": len(data.news), "hotlines": len(data.hotlines), "synonyms": len(data.synonyms),
        "holiday_overrides": len(data.holidays),
    }
