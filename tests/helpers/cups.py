"""A real CUPS print queue for the printing tests: cupsd (started when it is not running) and a
cups-pdf queue ``KioskPDF`` whose jobs come out as PDF files.

Debian's ``cups``, ``printer-driver-cups-pdf`` and ``poppler-utils`` (scripts/debian-packages.txt)
provide cupsd, the cups-pdf backend and its PPD, and pdfinfo/pdftotext/pdftoppm to read the
result. The queue renders PDF jobs with poppler's cairo back end (``pdftops-renderer-default=
pdftocairo``): CUPS's default (Ghostscript) turns the CJK fonts into Type 3 glyphs with no text, and
the test reads the slip's text back with pdftotext.

This uses the machine's own cupsd (as root; CUPS keeps one configuration in /etc/cups). When cupsd
cannot start or the queue cannot be added, :func:`ensure_queue` raises :class:`CupsUnavailable`
with the reason — the tests fail with it rather than skip.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

QUEUE = "KioskPDF"
PPD_NAME = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
PPD_FILE = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")


class CupsUnavailable(RuntimeError):
    """cupsd or the cups-pdf queue cannot be had on this machine (the message says why)."""


def _run(*cmd: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def scheduler_running() -> bool:
    return shutil.which("lpstat") is not None and "is running" in _run("lpstat", "-r").stdout


def start_cupsd() -> int | None:
    """Start cupsd unless it runs; the pid of the one started here (None: it was running already)."""
    if scheduler_running():
        return None
    cupsd = shutil.which("cupsd") or ("/usr/sbin/cupsd" if Path("/usr/sbin/cupsd").exists() else None)
    if cupsd is None:
        raise CupsUnavailable("cupsd is not installed: apt-get install cups printer-driver-cups-pdf poppler-utils "
                              "(scripts/debian-packages.txt)")
    if os.geteuid() != 0:
        raise CupsUnavailable("cupsd is not running and only root can start it (run the tests as root, or "
                              "start CUPS first: service cups start)")
    result = _run(cupsd)  # forks into the background; the foreground process exits at once
    if result.returncode != 0:
        raise CupsUnavailable(f"cupsd did not start: {result.stderr.strip() or result.returncode}")
    for _ in range(100):
        if scheduler_running():
            pid_file = Path("/run/cups/cupsd.pid")
            return int(pid_file.read_text().strip()) if pid_file.exists() else None
        time.sleep(0.1)
    raise CupsUnavailable("cupsd was started but does not answer `lpstat -r` after 10 s "
                          "(see /var/log/cups/error_log)")


def ensure_queue(name: str = QUEUE) -> None:
    """Add (or refresh) the cups-pdf queue ``name``, enabled and accepting jobs."""
    if not (PPD_FILE.exists() and Path("/usr/lib/cups/backend/cups-pdf").exists()):
        raise CupsUnavailable("the cups-pdf printer driver is not installed: apt-get install printer-driver-cups-pdf")
    result = _run("lpadmin", "-p", name, "-v", "cups-pdf:/", "-E", "-P", str(PPD_FILE),
                  "-o", "pdftops-renderer-default=pdftocairo", "-o", "printer-error-policy=abort-job")
    if result.returncode != 0:
        raise CupsUnavailable(f"lpadmin cannot add the queue {name}: {result.stderr.strip()}")
    _run("cupsenable", name)
    _run("cupsaccept", name)
    if _run("lpstat", "-p", name).returncode != 0:
        raise CupsUnavailable(f"the queue {name} was added but lpstat does not list it")


def remove_queue(name: str) -> None:
    _run("lpadmin", "-x", name)


def output_dirs() -> list[Path]:
    """Where cups-pdf writes: its ``Out`` folder (``${HOME}`` is the job owner's home; here that is
    the user running the tests) and ``AnonDirName`` for anonymous jobs."""
    conf = CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace") if CUPS_PDF_CONF.exists() else ""

    def setting(key: str, default: str) -> str:
        found = re.findall(rf"^\s*{key}\s+(\S.*?)\s*$", conf, flags=re.MULTILINE)
        return found[-1] if found else default

    home = pwd.getpwuid(os.getuid()).pw_dir
    out = setting("Out", "/var/spool/cups-pdf/${USER}").replace("${HOME}", home)
    out = out.replace("${USER}", pwd.getpwuid(os.getuid()).pw_name)
    return [Path(out), Path(setting("AnonDirName", "/var/spool/cups-pdf/ANONYMOUS"))]


def pdfs_now() -> set[Path]:
    return {p for d in output_dirs() if d.is_dir() for p in d.glob("*.pdf")}


def wait_for_pdf(before: set[Path], timeout_s: float = 60) -> Path:
    """The first new PDF cups-pdf writes after ``before`` (the files there then), once complete."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        new = sorted(pdfs_now() - before, key=lambda p: p.stat().st_mtime)
        if new and _complete(new[0]):
            return new[0]
        time.sleep(0.2)
    jobs = _run("lpstat", "-W", "all", "-o").stdout.strip()
    raise AssertionError(f"no PDF from cups-pdf in {[str(d) for d in output_dirs()]} after {timeout_s:.0f} s "
                         f"(jobs: {jobs or 'none'}; see /var/log/cups/error_log)")


def _complete(path: Path) -> bool:
    """cups-pdf writes the file, then sets its owner: wait until pdfinfo reads it."""
    return _run("pdfinfo", str(path)).returncode == 0


def page_size_mm(pdf: Path) -> tuple[float, float]:
    """The first page's width and height in millimetres (pdfinfo)."""
    info = _run("pdfinfo", str(pdf)).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    return float(match.group(1)) * 25.4 / 72, float(match.group(2)) * 25.4 / 72


def pdf_text(pdf: Path) -> str:
    return _run("pdftotext", "-layout", str(pdf), "-").stdout


def render_png(pdf: Path, out_stem: Path, dpi: int = 200) -> Path:
    """The first page as a PNG (pdftoppm)."""
    result = _run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(out_stem))
    assert result.returncode == 0, result.stderr
    return out_stem.with_suffix(".png")
