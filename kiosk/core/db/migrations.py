"""Schema and migrations.

The schema follows Open Referral HSDS 3.x where it fits (organization → service → location via
service_at_location; phone, schedule, required_document, accessibility, language; taxonomy as our
categories), plus the kiosk's own tables: sources (provenance), district figures, news, hotlines,
synonyms, holiday overrides, and the runtime tables (feedback, audit log, usage, search misses,
auth state).

``PRAGMA user_version`` holds the schema version. :func:`migrate` applies the missing steps in
order, each in its own transaction, so an older runtime database is brought up to date without
touching its rows. Add a step by appending to ``MIGRATIONS``; never edit a released step.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable

from kiosk.core.db.rows import table_columns
from kiosk.core.errors import DatabaseError
from kiosk.core.masking import mask_digits

SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Seed documents the facts are quoted from.
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT,
    byline TEXT,
    year INTEGER,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL
);

-- HSDS taxonomy_term, flattened: our categories.
CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    description TEXT,
    description_en TEXT,
    icon TEXT NOT NULL,
    color TEXT NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 1,
    sort_order INTEGER NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    description TEXT,
    email TEXT,
    url TEXT,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations(id),
    category_id TEXT NOT NULL REFERENCES categories(id),
    name TEXT NOT NULL,
    name_en TEXT,
    alternate_name TEXT,
    description TEXT,
    description_en TEXT,
    url TEXT,
    email TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'retired')),
    application_process TEXT,
    application_process_en TEXT,
    eligibility_description TEXT,
    eligibility_description_en TEXT,
    fees_description TEXT,
    fees_description_en TEXT,
    count INTEGER,
    count_unit TEXT,
    count_unit_en TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'worker', 'import')),
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT,
    updated_at TEXT
);
CREATE INDEX services_category ON services(category_id, sort_order);

CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations(id),
    name TEXT,
    name_en TEXT,
    description TEXT,
    address TEXT,
    address_en TEXT,
    community TEXT,
    latitude REAL,
    longitude REAL,
    transportation TEXT,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);

CREATE TABLE service_at_location (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    location_id TEXT NOT NULL REFERENCES locations(id),
    UNIQUE (service_id, location_id)
);

CREATE TABLE phones (
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES services(id),
    location_id TEXT REFERENCES locations(id),
    organization_id TEXT REFERENCES organizations(id),
    number TEXT NOT NULL,
    extension TEXT,
    type TEXT,
    description TEXT,
    description_en TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);
CREATE INDEX phones_service ON phones(service_id);

-- Opening hours as an OpenStreetMap opening_hours string.
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES services(id),
    location_id TEXT REFERENCES locations(id),
    opening_hours TEXT NOT NULL,
    description TEXT,
    description_en TEXT,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);
CREATE INDEX schedules_service ON schedules(service_id);

CREATE TABLE required_documents (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    document TEXT NOT NULL,
    document_en TEXT,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);

CREATE TABLE accessibility (
    id TEXT PRIMARY KEY,
    location_id TEXT NOT NULL REFERENCES locations(id),
    description TEXT NOT NULL,
    description_en TEXT,
    details TEXT
);

CREATE TABLE languages (
    id TEXT PRIMARY KEY,
    service_id TEXT REFERENCES services(id),
    location_id TEXT REFERENCES locations(id),
    name TEXT NOT NULL,
    code TEXT
);

-- District figures quoted from the seed.
CREATE TABLE figures (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    label TEXT NOT NULL,
    label_en TEXT,
    value REAL NOT NULL,
    unit TEXT,
    unit_en TEXT,
    qualifier TEXT,
    year INTEGER,
    period TEXT,
    chart TEXT,
    series TEXT,
    sort_order INTEGER NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    source_quote TEXT NOT NULL
);

-- The article's sections, readable on screen.
CREATE TABLE news (
    id TEXT PRIMARY KEY,
    sort_order INTEGER NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT,
    summary_en TEXT,
    body TEXT NOT NULL,
    captions TEXT NOT NULL DEFAULT '[]',   -- JSON list of photo captions
    credit TEXT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);

CREATE TABLE hotlines (
    number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    service_id TEXT REFERENCES services(id),
    basis TEXT NOT NULL CHECK (basis IN ('seed', 'national')),
    note TEXT,
    note_en TEXT,
    sort_order INTEGER NOT NULL,
    source_id TEXT REFERENCES sources(id),
    source_quote TEXT
);

-- Everyday words → categories, for search.
CREATE TABLE synonyms (
    word TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id),
    PRIMARY KEY (word, category_id)
);

-- Holiday overrides (public holidays and make-up working days) beyond the holiday library.
CREATE TABLE holiday_overrides (
    date TEXT PRIMARY KEY,             -- YYYY-MM-DD, Asia/Shanghai
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT,
    name_en TEXT
);

-- Runtime tables (empty in the bundled database).
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    service_id TEXT REFERENCES services(id),
    kind TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    resolved_at TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,                       -- JSON or NULL
    after TEXT,                        -- JSON or NULL
    undone_by INTEGER REFERENCES audit_log(id)
);
CREATE INDEX audit_record ON audit_log(table_name, record_id);

CREATE TABLE usage_counts (
    day TEXT NOT NULL,                 -- YYYY-MM-DD
    kind TEXT NOT NULL,                -- view_service, view_category, search, ...
    key TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, key)
);

CREATE TABLE search_misses (
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, query)
);

CREATE TABLE auth_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# v2: the search index (kiosk.core.search.index): normalised names, pinyin, initials, description text
# per searchable thing, filled by `kiosk build-db` and kept in step by search_index.reindex().
SEARCH_INDEX_V2 = """
CREATE TABLE search_index (
    kind TEXT NOT NULL,                -- service, category, hotline, figure, news, synonym
    id TEXT NOT NULL,
    kind_rank INTEGER NOT NULL,
    group_order INTEGER NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 0,
    category_id TEXT,
    name TEXT NOT NULL,
    name_en TEXT,
    names TEXT NOT NULL,               -- normalised names, one per line
    names_en TEXT NOT NULL,
    pinyin TEXT NOT NULL,              -- a line per name, syllables spaced; '~ ' lines: other readings
    initials TEXT NOT NULL,            -- the same lines as initials
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
"""

# v3: pinyin readings kept in the database (kiosk.core.search.pinyin_store), written by search_index.reindex(),
# so that the resident screens look readings up instead of loading pypinyin (about 55 MB).
PINYIN_V3 = """
CREATE TABLE pinyin_chars (
    ch TEXT PRIMARY KEY,               -- one Chinese character
    readings TEXT NOT NULL             -- its toneless readings, most common first, space-separated
) WITHOUT ROWID;
CREATE TABLE pinyin_words (
    word TEXT PRIMARY KEY,             -- a run of Chinese characters in a name
    syllables TEXT NOT NULL            -- one syllable per character, read in context ('?': none)
) WITHOUT ROWID;
"""

# v4: holiday dates community workers enter (kiosk.core.hours.holiday_store): their own tables, so that
# content and program updates (which replace holiday_overrides) never touch them.
WORKER_HOLIDAYS_V4 = """
CREATE TABLE worker_holidays (
    date TEXT PRIMARY KEY,             -- YYYY-MM-DD, Asia/Shanghai
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT,
    name_en TEXT,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE TABLE worker_holiday_years (
    year INTEGER PRIMARY KEY,
    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),  -- 1: the whole notice is entered
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
"""

# v5: places (the places issue): a service's place can be retired on its own, places have an order
# under their service, and a place's own hours and phones are schedules/phones rows with its
# location_id (and the service's service_id, so a listing's snapshot still holds every row).
PLACES_V5 = """
ALTER TABLE locations ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired'));
ALTER TABLE service_at_location ADD COLUMN sort_order INTEGER;
CREATE INDEX phones_location ON phones(location_id);
CREATE INDEX schedules_location ON schedules(location_id);
CREATE INDEX service_at_location_location ON service_at_location(location_id);
"""

# v6: reports back (kiosk.core.fleet). The office keeps what terminals report in tables of its own: never in a
# bundle, kept by a restore. Search misses already stored are masked as new ones are (DATA_STEPS below).
FLEET_V6 = """
CREATE TABLE fleet_terminals (
    terminal_id TEXT PRIMARY KEY,
    place TEXT NOT NULL DEFAULT '',
    key_id TEXT,                       -- the key its first signed report was signed with; NULL: unsigned
    first_collected_at TEXT NOT NULL,
    last_report_id TEXT NOT NULL,
    last_report_at TEXT NOT NULL,      -- when the terminal wrote its newest report (ISO, with offset)
    last_collected_at TEXT NOT NULL,
    content_version INTEGER,
    content_hash TEXT,
    program_version TEXT NOT NULL DEFAULT '',
    uptime_s INTEGER,                  -- NULL: the kiosk was not running when the report was written
    restarts_since_last INTEGER NOT NULL DEFAULT 0,
    crashes_since_last INTEGER NOT NULL DEFAULT 0,
    crashes_total INTEGER NOT NULL DEFAULT 0,
    open_feedback INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE fleet_reports (
    report_id TEXT PRIMARY KEY,        -- a report collected twice is stored (and counted) once
    terminal_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,              -- of report.json as received
    report TEXT NOT NULL               -- report.json as received (bounded, checked)
);
CREATE INDEX fleet_reports_terminal ON fleet_reports(terminal_id, created_at);
CREATE TABLE fleet_usage (
    terminal_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    as_of TEXT NOT NULL,               -- created_at of the report the count comes from (the newest wins)
    PRIMARY KEY (terminal_id, day, kind, key)
);
CREATE TABLE fleet_misses (
    terminal_id TEXT NOT NULL,
    day TEXT NOT NULL,
    query TEXT NOT NULL,               -- masked on the terminal, and again when collected
    count INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    PRIMARY KEY (terminal_id, day, query)
);
"""

# Step 7: edits merge field by field (kiosk.core.fleet). On a terminal, ``listing_base`` holds per
# listing the office's snapshot as last applied (the base of the three-way merge) and
# ``merge_conflicts`` the fields both sides changed differently; at the office, ``proposals`` holds
# the terminals' edits as field-level proposals. All three are the machine's own (never bundled).
FLEET_MERGE_V7 = """
CREATE TABLE listing_base (
    service_id TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL,
    bundle_version INTEGER,
    applied_at TEXT NOT NULL
);

CREATE TABLE merge_conflicts (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL,
    field TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'conflict' CHECK (kind IN ('conflict', 'retired')),
    base TEXT,
    office TEXT,
    local TEXT,
    bundle_version INTEGER,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'office', 'local')),
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE UNIQUE INDEX merge_conflicts_open ON merge_conflicts(service_id, field) WHERE status = 'open';

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    proposal_key TEXT NOT NULL,
    report_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    service_name TEXT,
    field TEXT NOT NULL,
    label TEXT,
    base TEXT,
    proposed TEXT,
    actor TEXT,
    proposed_at TEXT,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'rejected')),
    decided_at TEXT,
    decided_by TEXT,
    note TEXT,
    UNIQUE (terminal_id, proposal_key)
);
CREATE INDEX proposals_status ON proposals(status, service_id);
"""

MIGRATIONS: list[str] = [SCHEMA_V1, SEARCH_INDEX_V2, PINYIN_V3, WORKER_HOLIDAYS_V4, PLACES_V5, FLEET_V6,
                         FLEET_MERGE_V7]
"""Step *n* (0-based) takes the schema from version *n* to *n + 1*."""


def _mask_stored_misses(conn: sqlite3.Connection) -> None:
    """Step 6's data change: every stored search miss with a run of 3+ digits masked (``•••``), counts of queries
    that become the same text on one day added up (kiosk.core.masking; new misses are masked when recorded)."""
    rows = conn.execute("SELECT day, query, count FROM search_misses").fetchall()
    changed = [(str(day), str(query), int(count)) for day, query, count in rows if mask_digits(str(query)) != query]
    for day, query, count in changed:
        conn.execute("DELETE FROM search_misses WHERE day = ? AND query = ?", (day, query))
        conn.execute("INSERT INTO search_misses(day, query, count) VALUES (?, ?, ?) ON CONFLICT(day, query) "
                     "DO UPDATE SET count = count + excluded.count", (day, mask_digits(query), count))


DATA_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {6: _mask_stored_misses}
"""Changes of the rows that go with schema step *n* (run after its script, in the same transaction). Kept out
of the SQL scripts, which also describe each version's schema (kiosk.core.exchange.bundle.expected_schema)."""

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for an empty one)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


PROGRAM_VERSION_KEY = "program_version"
"""``meta`` key: the version of the kiosk program that last opened the database for writing."""


class NewerDatabaseError(DatabaseError):
    """The database has a schema version higher than this program knows (a terminal rolled back).

    Such a database is never migrated down and never overwritten; ``kiosk run`` shows it read-only
    when :func:`missing_schema` finds nothing missing (kiosk.core.db.runtime).
    """

    def __init__(self, version: int, written_by: str | None = None, where: str = "this database") -> None:
        self.version = version
        self.written_by = written_by
        by = f", written by kiosk {written_by}" if written_by else ""
        need = f"version ≥ {written_by}" if written_by else f"a version that knows schema {version}"
        super().__init__(f"{where} is from a newer kiosk program (schema version {version}{by}; this program "
                         f"knows up to {SCHEMA_VERSION}): install {need} or restore a backup (`kiosk restore --whole`)")


def check_not_newer(conn: sqlite3.Connection, where: str = "this database") -> None:
    """Raise :class:`NewerDatabaseError` when ``conn``'s schema is newer than this program's."""
    current = schema_version(conn)
    if current <= SCHEMA_VERSION:
        return
    written_by: str | None = None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (PROGRAM_VERSION_KEY,)).fetchone()
        written_by = None if row is None else str(row[0])
    except sqlite3.DatabaseError:
        pass
    raise NewerDatabaseError(current, written_by, where)


@functools.cache
def expected_columns() -> dict[str, frozenset[str]]:
    """Every table of the current schema with its columns (built once in memory)."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(mem)
        tables = [str(r[0]) for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: frozenset(table_columns(mem, t)) for t in tables}
    finally:
        mem.close()


def missing_schema(conn: sqlite3.Connection) -> list[str]:
    """Tables and columns of this program's schema that ``conn`` lacks (``table`` or ``table.column``).

    Empty means this program can read the database as it is, e.g. a newer one that only added things.
    """
    missing: list[str] = []
    for table, columns in expected_columns().items():
        have = set(table_columns(conn, table))
        if not have:
            missing.append(table)
        else:
            missing.extend(f"{table}.{c}" for c in sorted(columns - have))
    return missing


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migration steps in order; return the new version.

    Each step runs in one transaction with the version bump, so a failure leaves the
    database at the previous version, never half-migrated. A database newer than this program
    raises :class:`NewerDatabaseError` and is left exactly as it is.
    """
    check_not_newer(conn)
    current = schema_version(conn)
    for version in range(current, SCHEMA_VERSION):
        script = MIGRATIONS[version]
        conn.execute("BEGIN")
        try:
            for statement in _split(script):
                conn.execute(statement)
            data_step = DATA_STEPS.get(version + 1)
            if data_step is not None:
                data_step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return schema_version(conn)


def _split(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement aware)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements
