"""Terminal workers' edits as proposals for the office (placeholder).

A stand-in with the agreed interface so that reports can carry proposals and ``kiosk collect`` can
hand them on; the field-level merge module replaces this file, keeping these two signatures.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any


def export_proposals(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """This terminal's workers' edits as JSON-able proposals (the placeholder has none)."""
    return []


def store_proposals(conn: sqlite3.Connection, terminal_id: str, report_id: str, items: list[dict[str, Any]], *,
                    now: datetime) -> int:
    """Keep the proposals of one collected report at the office; returns how many were new (placeholder: 0)."""
    return 0
