"""`kiosk set-pin` with real standard input (a child process): current PIN first, lockout, reset, Ctrl-D."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.terminal.paths import app_root
from kiosk.core.workers import auth
from tests.helpers.worker import NOW, SHANGHAI

FIRST, SECOND = "258013", "739146"


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    env.update(KIOSK_DATA_DIR=str(data), PYTHONPATH=str(app_root()))
    return env


def set_pin(data: Path, stdin: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`kiosk set-pin --pin-stdin` with ``stdin`` as its standard input."""
    return subprocess.run([sys.executable, "-m", "kiosk", "set-pin", "--pin-stdin", *extra], input=stdin,
                          env=_env(data), capture_output=True, text=True, timeout=60, check=False)


def _data_with_pin(seed_db_path: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path, now=NOW)
    auth.set_pin(conn, FIRST, now=NOW)
    conn.close()
    return data


def _db(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(data / "kiosk.db")


def _one_line(text: str) -> bool:
    return text.count("\n") == 1 and "Traceback" not in text


def test_change_needs_the_current_pin_and_a_wrong_one_counts_toward_the_lock(seed_db_path: Path,
                                                                              tmp_path: Path) -> None:
    """With a PIN set, a wrong current PIN is refused in one line, leaves the PIN as it was and counts as a
    failure; the right one lets the new PIN in."""
    data = _data_with_pin(seed_db_path, tmp_path)
    wrong = set_pin(data, f"000000\n{SECOND}\n")
    assert wrong.returncode == 1 and _one_line(wrong.stderr) and "PIN unchanged" in wrong.stderr
    conn = _db(data)
    assert auth.failures(conn) == 1 and auth.check_pin(conn, FIRST, now=NOW).ok
    conn.close()
    right = set_pin(data, f"{FIRST}\n{SECOND}\n")
    assert right.returncode == 0, right.stderr
    conn = _db(data)
    assert auth.check_pin(conn, SECOND, now=NOW).ok and auth.check_pin(conn, FIRST, now=NOW).status == "wrong"
    conn.close()


def test_locked_pad_refuses_a_change_even_with_the_right_pin(seed_db_path: Path, tmp_path: Path) -> None:
    """After five wrong PINs the change is refused (pointing to --reset) even with the right current PIN."""
    data = _data_with_pin(seed_db_path, tmp_path)
    conn = _db(data)
    for _ in range(auth.MAX_FAILURES):
        auth.check_pin(conn, "000000", now=datetime.now(SHANGHAI))  # the command checks at the real time
    conn.close()
    result = set_pin(data, f"{FIRST}\n{SECOND}\n")
    assert result.returncode == 1 and _one_line(result.stderr) and "--reset" in result.stderr


def test_reset_replaces_a_forgotten_pin_and_is_in_the_audit_history(seed_db_path: Path, tmp_path: Path) -> None:
    """`kiosk set-pin --reset` takes a new PIN without the old one, lifts the lock and is audited as reset_pin."""
    data = _data_with_pin(seed_db_path, tmp_path)
    result = set_pin(data, f"{SECOND}\n", "--reset")
    assert result.returncode == 0, result.stderr
    conn = _db(data)
    assert auth.check_pin(conn, SECOND, now=NOW).ok
    actor, action = conn.execute("SELECT actor, action FROM audit_log WHERE record_id = 'pin' "
                                 "ORDER BY id DESC LIMIT 1").fetchone()
    assert action == "reset_pin" and actor.startswith("cli-reset:")
    conn.close()


def test_end_of_input_cancels_in_one_line(seed_db_path: Path, tmp_path: Path) -> None:
    """EOF at the current-PIN prompt and at the new-PIN prompt: "cancelled, PIN unchanged", exit 1, no traceback."""
    data = _data_with_pin(seed_db_path, tmp_path)
    for stdin in ("", f"{FIRST}\n"):
        result = set_pin(data, stdin)
        assert result.returncode == 1 and _one_line(result.stderr) and "cancelled, PIN unchanged" in result.stderr
    conn = _db(data)
    assert auth.check_pin(conn, FIRST, now=NOW).ok
    conn.close()


def _read_until(fd: int, text: str, timeout: float = 30.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {text!r} in {seen.decode(errors='replace')!r}")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


def test_ctrl_d_at_the_terminal_prompt_cancels_in_one_line(seed_db_path: Path, tmp_path: Path) -> None:
    """At a real terminal (a pseudo-terminal), Ctrl-D at the hidden current-PIN prompt cancels in one line."""
    data = _data_with_pin(seed_db_path, tmp_path)
    master, slave = pty.openpty()
    err_r, err_w = os.pipe()
    child = subprocess.Popen([sys.executable, "-m", "kiosk", "set-pin"], stdin=slave, stdout=slave, stderr=err_w,
                             env=_env(data), start_new_session=True)  # no controlling terminal: getpass uses stdin
    os.close(slave)
    os.close(err_w)
    try:
        _read_until(err_r, "Current PIN")
        os.write(master, b"\x04")
        assert child.wait(timeout=30) == 1
        rest = b""
        while chunk := os.read(err_r, 4096):
            rest += chunk
        assert _one_line(rest.decode()) and "cancelled, PIN unchanged" in rest.decode()
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
        os.close(err_r)


def test_reset_needs_write_access_to_the_database(seed_db_path: Path, tmp_path: Path) -> None:
    """`kiosk set-pin --reset` by someone who cannot write the data folder is refused (数据目录只读) and the
    PIN stays as it was."""
    from tests.test_bad_start import _as_plain_user

    data = _data_with_pin(seed_db_path, tmp_path)
    data.chmod(0o555)
    try:
        result = subprocess.run([sys.executable, "-m", "kiosk", "set-pin", "--pin-stdin", "--reset"],
                                input=f"{SECOND}\n", env=_env(data), capture_output=True, text=True, timeout=60,
                                check=False, preexec_fn=_as_plain_user)
    finally:
        data.chmod(0o755)
    assert result.returncode == 1 and _one_line(result.stderr) and "数据目录只读" in result.stderr
    conn = _db(data)
    assert auth.check_pin(conn, FIRST, now=NOW).ok
    conn.close()


def test_closed_standard_input_cancels_in_one_line(seed_db_path: Path, tmp_path: Path) -> None:
    """`kiosk set-pin` started with standard input closed (`<&-`), with and without --pin-stdin: one line, exit 1,
    the PIN as it was."""
    data = _data_with_pin(seed_db_path, tmp_path)
    for extra in ([], ["--pin-stdin"]):
        result = subprocess.run(["/bin/sh", "-c", f'exec "$0" -m kiosk set-pin {" ".join(extra)} <&-', sys.executable],
                                env=_env(data), capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 1 and _one_line(result.stderr), result.stderr
        assert "PIN unchanged" in result.stderr
    conn = _db(data)
    assert auth.check_pin(conn, FIRST, now=NOW).ok
    conn.close()


def test_ctrl_c_at_the_terminal_prompt_cancels_in_one_line(seed_db_path: Path, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) while the hidden new-PIN prompt waits: one line, exit 1, no PIN stored."""
    import signal

    data = tmp_path / "data"
    open_runtime_database(data, seed_db_path, now=NOW).close()
    master, slave = pty.openpty()
    err_r, err_w = os.pipe()
    child = subprocess.Popen([sys.executable, "-m", "kiosk", "set-pin"], stdin=slave, stdout=slave, stderr=err_w,
                             env=_env(data), start_new_session=True)
    os.close(slave)
    os.close(err_w)
    try:
        _read_until(err_r, "New PIN")
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=30) == 1
        rest = b""
        while chunk := os.read(err_r, 4096):
            rest += chunk
        assert _one_line(rest.decode()) and "cancelled, PIN unchanged" in rest.decode()
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
        os.close(err_r)
    conn = _db(data)
    assert not auth.pin_is_set(conn)
    conn.close()


def test_a_worker_is_added_with_the_administrators_pin_and_removed_again(seed_db_path: Path,
                                                                          tmp_path: Path) -> None:
    """`kiosk set-pin --worker 王芳` asks the administrator's PIN, then hers; `--remove` takes it away."""
    data = _data_with_pin(seed_db_path, tmp_path)
    wrong = set_pin(data, "000000\n739146\n", "--worker", "王芳")
    assert wrong.returncode == 1 and _one_line(wrong.stderr) and "wrong current PIN" in wrong.stderr
    added = set_pin(data, f"{FIRST}\n739146\n", "--worker", "王芳")
    assert added.returncode == 0, added.stderr
    conn = connect(data / "kiosk.db")
    assert auth.workers(conn) == [auth.ADMIN, "王芳"] and auth.check_pin(conn, "739146", now=NOW, worker="王芳").ok
    conn.close()
    removed = set_pin(data, f"{FIRST}\n", "--worker", "王芳", "--remove")
    assert removed.returncode == 0, removed.stderr
    conn = connect(data / "kiosk.db")
    assert auth.workers(conn) == [auth.ADMIN]
    conn.close()


def test_kiosk_workers_adds_lists_and_removes(seed_db_path: Path, tmp_path: Path) -> None:
    """`kiosk workers add/list/remove`: names only in the list; adding and removing need the administrator's PIN."""
    data = _data_with_pin(seed_db_path, tmp_path)

    def workers(stdin: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk", "workers", *argv], input=stdin, env=_env(data),
                              capture_output=True, text=True, timeout=60, check=False)

    added = workers(f"{FIRST}\n739146\n", "add", "王芳", "--pin-stdin")
    assert added.returncode == 0, added.stderr
    listed = workers("", "list")
    assert listed.stdout.split() == [auth.ADMIN, "王芳"] and "739146" not in listed.stdout
    refused = workers("000000\n", "remove", "王芳", "--pin-stdin")
    assert refused.returncode == 1 and _one_line(refused.stderr)
    removed = workers(f"{FIRST}\n", "remove", "王芳", "--pin-stdin")
    assert removed.returncode == 0 and workers("", "list").stdout.split() == [auth.ADMIN]
