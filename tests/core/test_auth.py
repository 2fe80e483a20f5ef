"""The worker PIN: salted slow hash, no default, lockout after 5 failures that survives a restart."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.workers import auth
from tests.helpers.worker import NOW

PIN = "258013"


def test_no_default_pin(writable_db: Path) -> None:
    """A fresh database has no PIN: every attempt answers not_set, even a common one."""
    conn = connect(writable_db)
    assert not auth.pin_is_set(conn)
    for guess in ("0000", "1234", "123456", ""):
        assert auth.check_pin(conn, guess, now=NOW).status == "not_set"


def test_pin_is_stored_salted_and_slow_hashed(writable_db: Path) -> None:
    """Only an scrypt hash with a random salt is stored; the same PIN hashes differently twice."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    stored = json.loads(conn.execute("SELECT value FROM auth_state WHERE key = 'pin'").fetchone()[0])
    assert stored["algorithm"] == "scrypt" and stored["n"] >= 2**14 and len(bytes.fromhex(stored["salt"])) == 16
    assert PIN not in json.dumps(stored)
    other = auth.hash_pin(PIN)
    assert other["salt"] != stored["salt"] and other["hash"] != stored["hash"]
    assert auth.verify_pin(PIN, stored) and not auth.verify_pin("2581", stored)


def test_right_pin_opens_a_session(writable_db: Path) -> None:
    """The right PIN gives an admin session whose id is logged as the actor of the login."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    result = auth.check_pin(conn, PIN, now=NOW)
    assert result.ok and result.session is not None and result.session.id.startswith("管理员·20260302-0930-")
    actors = [r[0] for r in conn.execute("SELECT actor FROM audit_log WHERE action = 'login'")]
    assert actors == [result.session.id]


@pytest.mark.parametrize("bad", ["123", "12ab", "1111", "1234", "9876", "1" * 13])
def test_weak_or_malformed_pins_are_refused(writable_db: Path, bad: str) -> None:
    """Too short, not digits, all the same or a run of digits: refused with a reason."""
    conn = connect(writable_db)
    with pytest.raises(auth.PinRejected):
        auth.set_pin(conn, bad, now=NOW)
    assert not auth.pin_is_set(conn)


def test_five_wrong_pins_lock_for_five_minutes(writable_db: Path) -> None:
    """Attempts left count down; the 5th wrong PIN locks; then even the right PIN is refused until 5 min pass."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    lefts = [auth.check_pin(conn, "0000", now=NOW + timedelta(seconds=i)).attempts_left for i in range(4)]
    assert lefts == [4, 3, 2, 1]
    locked = auth.check_pin(conn, "0000", now=NOW + timedelta(seconds=5))
    assert locked.status == "locked" and locked.locked_until == NOW + timedelta(seconds=5, minutes=5)
    assert auth.check_pin(conn, PIN, now=NOW + timedelta(minutes=4)).status == "locked"
    assert auth.check_pin(conn, PIN, now=NOW + timedelta(minutes=5, seconds=6)).ok


def test_lock_survives_a_restart(writable_db: Path) -> None:
    """Closing and reopening the database (a kiosk restart) keeps the lock and the failure count."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    for _ in range(3):
        auth.check_pin(conn, "0000", now=NOW)
    conn.close()
    conn = connect(writable_db)
    assert auth.failures(conn) == 3
    for _ in range(2):
        auth.check_pin(conn, "0000", now=NOW)
    conn.close()
    conn = connect(writable_db)
    assert auth.check_pin(conn, PIN, now=NOW + timedelta(minutes=1)).status == "locked"


def test_after_lock_expires_counting_starts_afresh(writable_db: Path) -> None:
    """Once a lock has run out, one more wrong PIN does not lock again at once."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    for _ in range(5):
        auth.check_pin(conn, "0000", now=NOW)
    later = NOW + timedelta(minutes=6)
    result = auth.check_pin(conn, "0000", now=later)
    assert result.status == "wrong" and result.attempts_left == 4


def test_set_pin_lifts_a_lock(writable_db: Path) -> None:
    """`kiosk set-pin` on the office PC is the way out of a lock."""
    conn = connect(writable_db)
    auth.set_pin(conn, PIN, now=NOW)
    for _ in range(5):
        auth.check_pin(conn, "0000", now=NOW)
    auth.set_pin(conn, "369147", now=NOW)
    assert auth.check_pin(conn, "369147", now=NOW).ok
    assert auth.check_pin(conn, PIN, now=NOW).status == "wrong"


def test_each_worker_has_a_name_and_the_session_carries_it(conn: sqlite3.Connection) -> None:
    """Two workers, two PINs: each PIN opens only its own name, and the session (the history's "who") says it."""
    auth.set_pin(conn, PIN, now=NOW)
    auth.set_pin(conn, "739146", now=NOW, worker="王芳")
    assert auth.workers(conn) == [auth.ADMIN, "王芳"]
    mine = auth.check_pin(conn, "739146", now=NOW, worker="王芳")
    assert mine.ok and mine.session is not None and mine.session.worker == "王芳"
    assert mine.session.id.startswith("王芳·")
    assert auth.check_pin(conn, "739146", now=NOW, worker=auth.ADMIN).status == "wrong"
    assert auth.remove_worker(conn, "王芳", now=NOW, actor="test")
    assert auth.workers(conn) == [auth.ADMIN]
    assert auth.check_pin(conn, "739146", now=NOW, worker="王芳").status == "not_set"


def test_a_new_pin_has_six_digits_at_least(conn: sqlite3.Connection) -> None:
    """A 4-digit PIN falls in days at a public kiosk: new PINs need 6–12 digits."""
    with pytest.raises(auth.PinRejected):
        auth.set_pin(conn, "2580", now=NOW)
    auth.set_pin(conn, "258013", now=NOW)


def test_each_further_lock_lasts_twice_as_long(conn: sqlite3.Connection) -> None:
    """5 wrong PINs lock for 5 minutes; the next 5 (after the lock) for 10; then 20 … up to an hour."""
    auth.set_pin(conn, PIN, now=NOW)
    now = NOW
    lengths = []
    for _ in range(6):
        for _ in range(auth.MAX_FAILURES):
            result = auth.check_pin(conn, "000000", now=now)
        assert result.status == "locked" and result.locked_until is not None
        lengths.append(int((result.locked_until - now).total_seconds() // 60))
        now = result.locked_until + timedelta(seconds=1)
    assert lengths == [5, 10, 20, 40, 60, 60]
    assert auth.check_pin(conn, PIN, now=now).ok  # the right PIN after a lock: counting starts afresh
    for _ in range(auth.MAX_FAILURES):
        result = auth.check_pin(conn, "000000", now=now)
    assert result.locked_until is not None and result.locked_until - now == timedelta(minutes=5)


def test_a_lock_is_the_workers_own(conn: sqlite3.Connection) -> None:
    """Five wrong tries at 王芳's name lock her PIN only: the administrator still gets in."""
    auth.set_pin(conn, PIN, now=NOW)
    auth.set_pin(conn, "739146", now=NOW, worker="王芳")
    for _ in range(auth.MAX_FAILURES):
        result = auth.check_pin(conn, "000000", now=NOW, worker="王芳")
    assert result.status == "locked" and auth.lock_state(conn, NOW, "王芳") is not None
    assert auth.lock_state(conn, NOW) is None and auth.check_pin(conn, PIN, now=NOW).ok
    assert auth.check_pin(conn, "739146", now=NOW, worker="王芳").status == "locked"
