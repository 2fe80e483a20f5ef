"""Real Syncthing instances on loopback for the end-to-end fleet test.

Each :class:`SyncthingNode` is one ``syncthing serve`` process with its own home folder, its GUI/REST
API and its sync protocol on ``127.0.0.1`` only; global and local discovery, relays, NAT traversal,
usage reporting, crash reporting and upgrades are all off, so nothing leaves the machine. Peers are
introduced to each other by address (``tcp://127.0.0.1:PORT``), and folders are shared as a district
would: the office's content folder *send only*, a terminal's copy of it *receive only*.

The nodes are configured by editing the ``config.xml`` that ``syncthing generate`` writes, before the
first start (no REST round trips, no restarts). Debian's ``syncthing`` package (1.19 on bookworm)
provides the binary; ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BINARY = "syncthing"

#: option name → value written into <options>: loopback only, nothing announced or relayed
OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "urSeen": "3",
    "autoUpgradeIntervalH": "0",
    "startBrowser": "false",
    "crashReportingEnabled": "false",
    "announceLANAddresses": "false",
    "reconnectionIntervalS": "1",
}


class SyncthingError(RuntimeError):
    """A Syncthing instance could not be set up, started, or did not deliver in time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], *, timeout: float, every: float = 0.2,
             nodes: tuple[SyncthingNode, ...] = ()) -> None:
    """Poll ``check`` until true; on timeout raise with ``what`` and the nodes' last log lines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        for node in nodes:
            node.check_alive()
        time.sleep(every)
    logs = "\n".join(f"--- {n.name} log ---\n{n.log_tail()}" for n in nodes)
    raise SyncthingError(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")


@dataclass
class SyncthingNode:
    """One Syncthing instance under ``home`` (created), listening on loopback ports of its own."""

    name: str
    home: Path
    gui_port: int = field(default_factory=free_port)
    sync_port: int = field(default_factory=free_port)
    api_key: str = field(default_factory=lambda: secrets.token_hex(16))
    device_id: str = ""
    _proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if shutil.which(BINARY) is None:
            raise SyncthingError("the syncthing program is not installed (Debian: apt-get install syncthing)")
        self.home.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([BINARY, "generate", f"--home={self.home}", "--no-default-folder",
                               "--skip-port-probing"], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise SyncthingError(f"syncthing generate failed: {done.stderr.strip() or done.stdout.strip()}")
        tree = ET.parse(self.config_path)
        own = tree.getroot().find("device")
        if own is None or not own.get("id"):
            raise SyncthingError(f"{self.config_path} names no device of its own")
        self.device_id = str(own.get("id"))
        own.set("name", self.name)
        gui = tree.getroot().find("gui")
        assert gui is not None
        _set_child(gui, "address", f"127.0.0.1:{self.gui_port}")
        _set_child(gui, "apikey", self.api_key)
        gui.set("tls", "false")
        options = tree.getroot().find("options")
        assert options is not None
        for child in options.findall("listenAddress"):
            options.remove(child)
        ET.SubElement(options, "listenAddress").text = f"tcp://127.0.0.1:{self.sync_port}"
        for key, value in OPTIONS.items():
            _set_child(options, key, value)
        tree.write(self.config_path, encoding="utf-8", xml_declaration=False)

    @property
    def config_path(self) -> Path:
        return self.home / "config.xml"

    @property
    def log_path(self) -> Path:
        return self.home / "syncthing.log"

    # -- configuration (before start) -------------------------------------------------------
    def add_peer(self, peer: SyncthingNode) -> None:
        """Know ``peer`` by its loopback address (no discovery)."""
        tree = ET.parse(self.config_path)
        root = tree.getroot()
        device = ET.Element("device", {"id": peer.device_id, "name": peer.name, "compression": "metadata",
                                       "introducer": "false", "skipIntroductionRemovals": "false",
                                       "introducedBy": ""})
        ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{peer.sync_port}"
        ET.SubElement(device, "paused").text = "false"
        ET.SubElement(device, "autoAcceptFolders").text = "false"
        # devices must come before <gui> in the file Syncthing writes; order does not matter when it reads
        root.insert(list(root).index(root.find("gui")), device)  # type: ignore[arg-type]
        tree.write(self.config_path, encoding="utf-8", xml_declaration=False)

    def add_folder(self, folder_id: str, path: Path, kind: str, peers: list[SyncthingNode]) -> None:
        """Share ``path`` as ``folder_id`` with ``peers``; ``kind`` is sendonly, receiveonly or sendreceive."""
        path.mkdir(parents=True, exist_ok=True)
        (path / ".stfolder").mkdir(exist_ok=True)
        tree = ET.parse(self.config_path)
        root = tree.getroot()
        folder = ET.Element("folder", {"id": folder_id, "label": folder_id, "path": str(path), "type": kind,
                                       "rescanIntervalS": "2", "fsWatcherEnabled": "true",
                                       "fsWatcherDelayS": "1", "ignorePerms": "false", "autoNormalize": "true"})
        for node in [self, *peers]:
            ET.SubElement(folder, "device", {"id": node.device_id, "introducedBy": ""})
        ET.SubElement(folder, "minDiskFree", {"unit": "%"}).text = "0"
        root.insert(0, folder)
        tree.write(self.config_path, encoding="utf-8", xml_declaration=False)

    # -- running ----------------------------------------------------------------------------
    def start(self) -> None:
        log = self.log_path.open("ab")
        env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(self.home), "STNODEFAULTFOLDER": "1",
               "STNOUPGRADE": "1", "STNORESTART": "1", "STMONITORED": "1"}
        self._proc = subprocess.Popen(
            [BINARY, "serve", f"--home={self.home}", "--no-browser", "--no-restart", "--no-upgrade",
             f"--gui-address=http://127.0.0.1:{self.gui_port}", f"--gui-apikey={self.api_key}"],
            stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        wait_for(f"{self.name}'s REST API", self._api_up, timeout=60, nodes=(self,))

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=15)
        self._proc = None

    def check_alive(self) -> None:
        if self._proc is not None and self._proc.poll() is not None:
            raise SyncthingError(f"syncthing {self.name} exited with {self._proc.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- REST -------------------------------------------------------------------------------
    def get(self, path: str) -> object:
        request = urllib.request.Request(f"http://127.0.0.1:{self.gui_port}{path}",
                                         headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
            return json.loads(response.read().decode("utf-8"))

    def post(self, path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.gui_port}{path}", method="POST",
                                         headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=10):
            pass

    def _api_up(self) -> bool:
        try:
            self.get("/rest/system/ping")
        except OSError:
            return False
        return True

    def connected_to(self, peer: SyncthingNode) -> bool:
        connections = self.get("/rest/system/connections")
        assert isinstance(connections, dict)
        entry = connections.get("connections", {}).get(peer.device_id, {})
        return bool(entry.get("connected"))

    def scan(self, folder_id: str) -> None:
        """Ask for a rescan now (the watcher would notice within a second or two anyway)."""
        self.post(f"/rest/db/scan?folder={folder_id}")

    def listen_addresses(self) -> list[str]:
        """Where this node's sync protocol listens (from its running config)."""
        config = self.get("/rest/config/options")
        assert isinstance(config, dict)
        return [str(a) for a in config.get("listenAddresses", [])]

    def discovery(self) -> dict[str, bool]:
        options = self.get("/rest/config/options")
        assert isinstance(options, dict)
        return {key: bool(options.get(key)) for key in ("globalAnnounceEnabled", "localAnnounceEnabled",
                                                         "relaysEnabled", "natEnabled")}


def _set_child(parent: ET.Element, tag: str, text: str) -> None:
    child = parent.find(tag)
    if child is None:
        child = ET.SubElement(parent, tag)
    child.text = text
