"""Workers' PINs: salted slow hash, a growing lockout after repeated failures, sessions with a name.

* Each worker has a name and a PIN (6–12 digits for a new PIN; older 4-digit PINs still open): the
  administrator's (named :data:`ADMIN`) is stored under ``pin`` in ``auth_state``, every other
  worker's under ``pin:<name>``, only as a salted scrypt hash (N=2¹⁵, r=8, p=1; ≈ 80 ms per try on
  the terminal) with its parameters, so they can be raised later. On the PIN pad a worker taps
  their name first (when there is more than one), so one try costs one hash.
* The session's id starts with the worker's name, so the history says who made each change.
* There is no default PIN: until ``kiosk set-pin`` has been run, :func:`check_pin` answers
  ``not_set`` and the admin screen says how to set one. Changing a set PIN needs the current one
  (checked by :func:`check_pin`, so wrong tries count toward the lock); :func:`reset_pin` is the
  administrator's way out (write access to the database file; audited as ``reset_pin``).
* :data:`MAX_FAILURES` wrong PINs in a row lock that worker's PIN (only theirs: one resident cannot
  lock every worker out) for :data:`LOCK_MINUTES` minutes, and each
  further lock before a right PIN lasts twice as long, up to :data:`LOCK_MAX_MINUTES` — so guessing a
  6-digit PIN at a public kiosk would take decades, while a worker who mistypes waits minutes. The
  counts and the lock are rows of ``auth_state`` too, so restarting the kiosk does not lift the lock.
  While locked, no PIN is checked at all (not even the right one). The office (``kiosk admin`` on
  another machine, ``kiosk set-pin --reset`` on this one) is never locked out by the kiosk's pad.
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
LOCK_MAX_MINUTES = 60
PIN_MIN, PIN_MAX = 6, 12
ADMIN = "管理员"
"""The worker whose PIN is the terminal's first one (``kiosk set-pin`` without ``--worker``)."""
NAME_MAX = 20
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
    """One worker's stay in admin; ``id`` (``王芳·20261202-1030-a1b2c3``) is the audit log's "who"."""

    id: str
    started_at: datetime
    worker: str = ADMIN


def _key(worker: str | None) -> str:
    return "pin" if worker in (None, ADMIN) else f"pin:{worker}"


def check_worker_name(name: str) -> str | None:
    """None when ``name`` can be a worker's name, else why not."""
    text = name.strip()
    if not text or len(text) > NAME_MAX or any(not ch.isprintable() for ch in text) or ":" in text:
        return f"名字要 1–{NAME_MAX} 个字，不能有冒号或控制字符 (a name of 1–{NAME_MAX} characters, no ':')"
    return None


def workers(conn: sqlite3.Connection) -> list[str]:
    """The workers who have a PIN: the administrator first, then by name."""
    names = [ADMIN] if _get(conn, "pin") is not None else []
    names += sorted(str(r[0])[4:] for r in conn.execute("SELECT key FROM auth_state WHERE key LIKE 'pin:%'"))
    return names


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


def pin_is_set(conn: sqlite3.Connection, worker: str | None = None) -> bool:
    """Some worker has a PIN (``worker``: that one has)."""
    if worker is not None:
        return _get(conn, _key(worker)) is not None
    return bool(workers(conn))


def set_pin(conn: sqlite3.Connection, pin: str, *, now: datetime, actor: str = "cli",
            worker: str | None = None) -> None:
    """Store a new PIN for ``worker`` (default: the administrator), replacing any old one, and lift any
    lock. Raises :class:`PinRejected`."""
    problem = validate_new_pin(pin) or (check_worker_name(worker) if worker is not None else None)
    if problem:
        raise PinRejected(problem)
    record = hash_pin(pin)
    key = _key(worker.strip() if worker else None)
    with transaction(conn):
        changed = _get(conn, key) is not None
        _put(conn, key, json.dumps(record, sort_keys=True))
        _clear_lock(conn, worker)
        audit.record(conn, actor=actor, table="auth_state", record_id=key,
                     action="change_pin" if changed else "set_pin", before=None, after=None, now=now)


def remove_worker(conn: sqlite3.Connection, worker: str, *, now: datetime, actor: str) -> bool:
    """Take a worker's PIN away (they left); False when there was none. The administrator stays."""
    if worker == ADMIN:
        raise PinRejected("管理员的密码不能删除，只能修改 (the administrator's PIN can be changed, not removed)")
    with transaction(conn):
        gone = conn.execute("DELETE FROM auth_state WHERE key = ?", (_key(worker),)).rowcount > 0
        _clear_lock(conn, worker)
        conn.execute("DELETE FROM auth_state WHERE key = ?", (_lock_key("failures", worker),))
        if gone:
            audit.record(conn, actor=actor, table="auth_state", record_id=_key(worker), action="remove_worker",
                         before=None, after=None, now=now)
    return gone


def _lock_key(name: str, worker: str | None) -> str:
    """Each worker's lock is their own (one resident cannot lock everyone out); the administrator's
    keys are the single-PIN ones (``failures``, ``locked_until``, ``lockouts``) older databases have."""
    return name if worker in (None, ADMIN) else f"{name}:{worker}"


def _clear_lock(conn: sqlite3.Connection, worker: str | None = None) -> None:
    _put(conn, _lock_key("failures", worker), "0")
    conn.execute("DELETE FROM auth_state WHERE key IN (?, ?)",
                 (_lock_key("locked_until", worker), _lock_key("lockouts", worker)))


def reset_pin(conn: sqlite3.Connection, pin: str, *, now: datetime, actor: str, worker: str | None = None) -> None:
    """The administrator's way out of a forgotten PIN: store ``pin`` without the old one, lift any lock.

    Only someone who can write the database file gets here (``kiosk set-pin --reset`` on the terminal);
    the audit history records it as ``reset_pin`` by ``actor``. Raises :class:`PinRejected`.
    """
    problem = validate_new_pin(pin)
    if problem:
        raise PinRejected(problem)
    record = hash_pin(pin)
    with transaction(conn):
        _put(conn, _key(worker), json.dumps(record, sort_keys=True))
        _clear_lock(conn, worker)
        audit.record(conn, actor=actor, table="auth_state", record_id=_key(worker), action="reset_pin",
                     before=None, after=None, now=now)


def lock_state(conn: sqlite3.Connection, now: datetime, worker: str | None = None) -> datetime | None:
    """When ``worker``'s PIN (default: the administrator's) can be tried again, or None: not locked."""
    value = _get(conn, _lock_key("locked_until", worker))
    if value is None:
        return None
    until = datetime.fromisoformat(value)
    return until if now < until else None


def failures(conn: sqlite3.Connection, worker: str | None = None) -> int:
    return int(_get(conn, _lock_key("failures", worker)) or 0)


def check_pin(conn: sqlite3.Connection, pin: str, *, now: datetime, worker: str | None = None) -> PinCheck:
    """Try ``worker``'s PIN (default: the administrator's, or the only worker's): ``ok`` (with a new
    session in that worker's name), ``wrong``, ``locked`` or ``not_set``."""
    with transaction(conn):
        if worker is None:
            names = workers(conn)
            worker = ADMIN if ADMIN in names or not names else names[0]
        stored = _get(conn, _key(worker))
        if stored is None:
            return PinCheck("not_set")
        until = lock_state(conn, now, worker)
        if until is not None:
            return PinCheck("locked", 0, until)
        count = failures(conn, worker)
        if _get(conn, _lock_key("locked_until", worker)) is not None:  # an expired lock: count afresh
            conn.execute("DELETE FROM auth_state WHERE key = ?", (_lock_key("locked_until", worker),))
            count = 0
        if verify_pin(pin, json.loads(stored)):
            _clear_lock(conn, worker)
            session = AdminSession(f"{worker}·{now:%Y%m%d-%H%M}-{secrets.token_hex(3)}", now, worker)
            audit.record(conn, actor=session.id, table="auth_state", record_id="session", action="login",
                         before=None, after=None, now=now)
            return PinCheck("ok", MAX_FAILURES, None, session)
        count += 1
        _put(conn, _lock_key("failures", worker), str(count))
        if count >= MAX_FAILURES:
            lockouts = int(_get(conn, _lock_key("lockouts", worker)) or 0)
            until = now + timedelta(minutes=min(LOCK_MAX_MINUTES, LOCK_MINUTES * 2 ** min(lockouts, 8)))
            _put(conn, _lock_key("lockouts", worker), str(lockouts + 1))
            _put(conn, _lock_key("locked_until", worker), audit.timestamp(until))
            audit.record(conn, actor="pin-pad", table="auth_state", record_id=_key(worker), action="locked",
                         before=None, after={"until": audit.timestamp(until)}, now=now)
            return PinCheck("locked", 0, until)
        return PinCheck("wrong", MAX_FAILURES - count, None)
