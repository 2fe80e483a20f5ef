"""The sd_notify protocol: datagrams to $NOTIFY_SOCKET, the watchdog interval from $WATCHDOG_USEC."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from kiosk.core.terminal import sdnotify
from tests.helpers.notify_socket import NotifyListener


@pytest.fixture
def listener() -> Iterator[NotifyListener]:
    sock = NotifyListener()
    yield sock
    sock.close()


def test_notify_sends_one_datagram_to_the_socket(listener: NotifyListener) -> None:
    """READY=1 arrives as it was sent."""
    assert sdnotify.notify("READY=1", {"NOTIFY_SOCKET": str(listener.path)})
    assert listener.wait_for("READY=1", timeout=5)


def test_abstract_socket_names_are_understood() -> None:
    """``@name`` is Linux's abstract namespace, as systemd hands it out."""
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        assert sdnotify.notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(100) == b"WATCHDOG=1"


def test_without_a_service_manager_nothing_is_sent_and_nothing_fails(tmp_path: object) -> None:
    """Unset, garbage or a socket nobody listens on: False, never an exception."""
    assert sdnotify.notify("READY=1", {}) is False
    assert sdnotify.notify("READY=1", {"NOTIFY_SOCKET": "vsock:2:1234"}) is False
    assert sdnotify.notify("READY=1", {"NOTIFY_SOCKET": "/nonexistent/notify"}) is False


def test_watchdog_interval_is_read_for_this_process_only() -> None:
    """WATCHDOG_USEC in seconds; another process's WATCHDOG_PID or nonsense means no watchdog."""
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 30.0
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, pid=7) == 30.0
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, pid=8) is None
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "soon"}) is None
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "0"}) is None
    assert sdnotify.watchdog_interval({}) is None
