"""Make a database look as an older program left it: the schema steps after ``version`` undone.

Test helper for the migration paths (an old runtime database, an old backup). Each step of
kiosk.core.db.migrations is undone here explicitly, newest first; a new step needs its undo here.
"""

from __future__ import annotations

import sqlite3

from kiosk.core.db import migrations

_UNDO: dict[int, tuple[str, ...]] = {
    7: ("DROP TABLE listing_base", "DROP TABLE merge_conflicts", "DROP TABLE proposals"),
    6: ("DROP TABLE fleet_misses", "DROP TABLE fleet_usage", "DROP INDEX fleet_reports_terminal",
        "DROP TABLE fleet_reports", "DROP TABLE fleet_terminals"),  # masked misses stay masked
    5: ("DROP INDEX phones_location", "DROP INDEX schedules_location", "DROP INDEX service_at_location_location",
        "ALTER TABLE locations DROP COLUMN status", "ALTER TABLE service_at_location DROP COLUMN sort_order"),
    4: ("DROP TABLE worker_holidays", "DROP TABLE worker_holiday_years"),
    3: ("DROP TABLE pinyin_chars", "DROP TABLE pinyin_words"),
    2: ("DROP TABLE search_index",),
}


def downgrade(conn: sqlite3.Connection, version: int) -> None:
    """Undo the schema steps after ``version`` (and set user_version to it); commits."""
    assert set(_UNDO) == set(range(2, migrations.SCHEMA_VERSION + 1)), "give the new schema step its undo here"
    for step in range(migrations.SCHEMA_VERSION, version, -1):
        for statement in _UNDO[step]:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
