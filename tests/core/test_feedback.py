"""Resident feedback: tap-only kinds, stored with listing and time, a queue workers close."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.workers import feedback
from tests.helpers.worker import NOW


def test_add_list_and_mark_done(writable_db: Path) -> None:
    """Feedback is stored with listing, kind and time; done items leave the open queue; who closed is audited."""
    conn = connect(writable_db)
    first = feedback.add_feedback(conn, "library-branches", "wrong_phone", NOW)
    second = feedback.add_feedback(conn, "smart-elderly-care-12349", "closed", NOW + timedelta(hours=1))
    items = feedback.list_feedback(conn)
    assert [i.id for i in items] == [second, first]  # newest first
    assert items[1].service_name == "图书分馆" and items[1].label == "电话不对" and items[1].created_at == NOW
    feedback.mark_done(conn, first, now=NOW + timedelta(days=1), actor="admin-x")
    assert [i.id for i in feedback.list_feedback(conn)] == [second]
    done = feedback.list_feedback(conn, "done")
    assert done[0].resolved_at == NOW + timedelta(days=1)
    assert conn.execute("SELECT actor FROM audit_log WHERE table_name = 'feedback'").fetchone()[0] == "admin-x"
    feedback.reopen(conn, first, now=NOW, actor="admin-x")
    assert feedback.count_open(conn) == 2


def test_only_known_kinds_and_listings(writable_db: Path) -> None:
    """An unknown kind or listing is refused; nothing personal can be stored (no free text)."""
    conn = connect(writable_db)
    with pytest.raises(feedback.FeedbackError):
        feedback.add_feedback(conn, "library-branches", "my phone is 138...", NOW)
    with pytest.raises(feedback.FeedbackError):
        feedback.add_feedback(conn, "no-such-listing", "closed", NOW)
    assert feedback.count_open(conn) == 0
    assert set(feedback.KINDS) == {"wrong_phone", "wrong_address", "wrong_hours", "missing_info", "closed", "other"}
