"""The worker PIN: salted slow hash, lockout after repeated failures, admin sessions.

* The PIN (4–12 digits) is stored only as a salted scrypt hash (N=2¹⁵, r=8, p=1; ≈ 80 ms per try on
  the terminal) in ``auth_state`` under ``pin``, with its parameters, so they can be raised later.
* There is no default PIN: until ``kiosk set-pin`` has been run, :func:`check_pin` answers
  ``not_set`` and the admin screen says how to set one. Changing a set PIN needs the current one
  (checked by :func:`check_pin`, so wrong tries count toward the lock); :func:`reset_pin` is the
  administrator's way out (write access to the database file; audited as ``reset_pin``).
* :data:`MAX_FAILURES` wrong PINs in a row lock the pad for :data:`LOCK_MINUTES` minutes. The count
  and the lock are rows of ``auth_state`` too, so restarting the kiosk does not lift the lock.
  While locked, no PIN is checked at all (not even the right one).
* A successful check starts an :class:`AdminSession`; its id is what the audit log records as
  "who" for every change made in that session.

``now`` is always passed in (an aware datetime), never read here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.listings import audit

MAX_FAILURES = 5
LOCK_MINUTES = 5
PIN_MIN, PIN_MAX = 4, 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024

SET_PIN_HINT = "还没有设置管理密码：请在终端电脑上运行 `kiosk set-pin` (no PIN set yet: run `kiosk set-pin`)"


class PinRejected(KioskError):
    """A new PIN is not acceptable (wrong length, not digits, too simple)."""


@dataclass(frozen=True)
class PinCheck:
    """The answer to one PIN attempt."""

    status: Literal["ok", "wrong", "locked", "not_set"]
    attempts_left: int = MAX_FAILURES
    locked_until: datetime | None = None
    session: AdminSession | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class AdminSession:
    """One worker's stay in admin; ``id`` is the audit log's "who"."""

    id: str
    started_at: datetime


def validate_new_pin(pin: str) -> str | None:
    """None when ``pin`` may be used, else why not (plain Chinese)."""
    if not pin.isascii() or not pin.isdigit():
        return "密码只能是数字 (the PIN must be digits only)"
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        return f"密码要 {PIN_MIN}–{PIN_MAX} 位数字 (the PIN must be {PIN_MIN}–{PIN_MAX} digits)"
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        return "密码太简单（全相同或连续数字）(too simple: all the same or a run of digits)"
    return None


def hash_pin(pin: str, *, salt: bytes | None = None) -> dict[str, object]:
    """The stored record of a PIN: algorithm, parameters, salt and hash (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    return {"algorithm": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex(),
            "hash": digest.hex()}


def verify_pin(pin: str, stored: dict[str, object]) -> bool:
    """Constant-time comparison of ``pin`` against a stored record."""
    if stored.get("algorithm") != "scrypt":
        return False
    if not pin.isascii():  # a PIN is ASCII digits; other text (a lone surrogate cannot even be encoded) is wrong
        return False
    n, r, p = int(str(stored["n"])), int(str(stored["r"])), int(str(stored["p"]))
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(str(stored["salt"])), n=n, r=r, p=p,
                            maxmem=_MAXMEM, dklen=32)
    return hmac.compare_digest(digest.hex(), str(stored["hash"]))


def _get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM auth_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO auth_state(key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def pin_is_set(conn: sqlite3.Connection) -> bool:
    return _get(conn, "pin") is not None


def set_pin(conn: sqlite3.Connection, pin: str, *, now: datetime, actor: str = "cli") -> None:
    """Store a new PIN (replacing any old one) and lift any lock. Raises :class:`PinRejected`."""
    problem = validate_new_pin(pin)
    if problem:
        raise PinRejected(problem)
    record = hash_pin(pin)
    with transaction(conn):
        changed = pin_is_set(conn)
        _put(conn, "pin", json.dumps(record, sort_keys=True))
        _put(conn, "failures", "0")
        conn.execute("DELETE FROM auth_state WHERE key = 'locked_until'")
        audit.record(conn, actor=actor, table="auth_state", record_id="pin",
                     action="change_pin" if changed else "set_pin", before=None, after=None, now=now)


def reset_pin(conn: sqlite3.Connection, pin: str, *, now: datetime, actor: str) -> None:
    """The administrator's way out of a forgotten PIN: store ``pin`` without the old one, lift any lock.

    Only someone who can write the database file gets here (``kiosk set-pin --reset`` on the terminal);
    the audit history records it as ``reset_pin`` by ``actor``. Raises :class:`PinRejected`.
    """
    problem = validate_new_pin(pin)
    if problem:
        raise PinRejected(problem)
    record = hash_pin(pin)
    with transaction(conn):
        _put(conn, "pin", json.dumps(record, sort_keys=True))
        _put(conn, "failures", "0")
        conn.execute("DELETE FROM auth_state WHERE key = 'locked_until'")
        audit.record(conn, actor=actor, table="auth_state", record_id="pin", action="reset_pin",
                     before=None, after=None, now=now)


def lock_state(conn: sqlite3.Connection, now: datetime) -> datetime | None:
    """When the pad unlocks again, or None when it is not locked at ``now``."""
    value = _get(conn, "locked_until")
    if value is None:
        return None
    until = datetime.fromisoformat(value)
    return until if now < until else None


def failures(conn: sqlite3.Connection) -> int:
    return int(_get(conn, "failures") or 0)


def check_pin(conn: sqlite3.Connection, pin: str, *, now: datetime) -> PinCheck:
    """Try a PIN: ``ok`` (with a new session), ``wrong``, ``locked`` or ``not_set``."""
    with transaction(conn):
        stored = _get(conn, "pin")
        if stored is None:
            return PinCheck("not_set")
        until = lock_state(conn, now)
        if until is not None:
            return PinCheck("locked", 0, until)
        count = failures(conn)
        if _get(conn, "locked_until") is not None:  # an expired lock: start counting afresh
            conn.execute("DELETE FROM auth_state WHERE key = 'locked_until'")
            count = 0
        if verify_pin(pin, json.loads(stored)):
            _put(conn, "failures", "0")
            session = AdminSession(f"admin-{now:%Y%m%d-%H%M}-{secrets.token_hex(3)}", now)
            audit.record(conn, actor=session.id, table="auth_state", record_id="session", action="login",
                         before=None, after=None, now=now)
            return PinCheck("ok", MAX_FAILURES, None, session)
        count += 1
        _put(conn, "failures", str(count))
        if count >= MAX_FAILURES:
            until = now + timedelta(minutes=LOCK_MINUTES)
            _put(conn, "locked_until", audit.timestamp(until))
            audit.record(conn, actor="pin-pad", table="auth_state", record_id="pin", action="locked",
                         before=None, after={"until": audit.timestamp(until)}, now=now)
            return PinCheck("locked", 0, until)
        return PinCheck("wrong", MAX_FAILURES - count, None)
