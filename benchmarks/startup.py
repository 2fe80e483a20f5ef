"""Cold start: process start → screen painted and event loop idle, offscreen, against a bare PySide6 floor.

    python3 benchmarks/startup.py               # 7 rounds, 3 tour runs
    python3 benchmarks/startup.py --runs 11 --tour-runs 5

Every figure is a whole new process, timed from just before this script starts it until the moment
it is ready: interpreter start, imports, database, fonts, first paint, the event loop idle once.

* floor — ``benchmarks/_floor.py``: QApplication and a 1080×1920 window with one label, same
  readiness rule; what any PySide6 program on this machine pays;
* kiosk first — ``kiosk run --windowed --size 1080x1920 --ready-report first``: the real start,
  up to the attract screen;
* kiosk home — the same with ``--ready-report home``: the kiosk starts on the home screen;
* tour — ``--ready-report tour``: every resident screen shown once, then the resident set size.

When the kiosk is ready is taken from the kiosk itself: ``--ready-report`` prints its JSON line
only after the screens built ahead of time are there (kiosk.ui.app.prebuild_screens) and a pause,
so the line comes later than the readiness it reports; the line carries ``ready_perf_counter``,
``time.perf_counter()`` at the moment of readiness — on the clock this script reads
(CLOCK_MONOTONIC on Linux, shared by all processes). The floor says the same. The time until the
line ("settled": every screen built) and both resident set sizes (at readiness, settled) are
printed as well.

The runs alternate (floor, first, home in every round) so that a busy moment of the machine hits
all three alike. All use one temporary data directory; before the rounds one untimed priming run
copies the bundled database into it ("first start ever", printed separately) and compiles every
module to bytecode, into a cache of the benchmark's own (``PYTHONPYCACHEPREFIX``; also when the shell
sets ``PYTHONDONTWRITEBYTECODE``): the timed runs start with bytecode, as a packaged terminal does. Offscreen
(QT_QPA_PLATFORM=offscreen). Targets (issue #9): ≤ 0.6 s and ≤ 6× the floor; RSS ≤ 150 MB.
Prints figures only; exit status 0 unless the script itself breaks.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOOR = Path(__file__).resolve().parent / "_floor.py"
SIZE = "1080x1920"
TARGET_S = 0.6
TARGET_RATIO = 6.0
TARGET_RSS_MB = 150.0
READY_TIMEOUT_S = 60.0
#: after its line a kiosk exits by itself (app.exit); it is terminated when it has not after this long
EXIT_TIMEOUT_S = 5.0

@dataclass
class Run:
    """One process. ``wall_s``: start → ready; ``line_s``: start → its JSON line (for the kiosk: settled)."""

    wall_s: float
    line_s: float
    inside_s: float
    rss_kb: int
    rss_settled_kb: int
    #: False when the moment of readiness was not known and the line's arrival was used instead
    exact: bool = True


@dataclass
class StartupResult:
    floor: list[Run] = field(default_factory=list)
    first: list[Run] = field(default_factory=list)
    home: list[Run] = field(default_factory=list)
    tour: list[Run] = field(default_factory=list)
    priming: Run | None = None
    #: kiosk processes that had to be terminated after their line
    terminated: int = 0

    @staticmethod
    def median_wall(runs: list[Run]) -> float:
        return statistics.median(r.wall_s for r in runs)

    @staticmethod
    def median_line(runs: list[Run]) -> float:
        return statistics.median(r.line_s for r in runs)

    @staticmethod
    def median_rss_mb(runs: list[Run], *, settled: bool = False) -> float:
        return statistics.median((r.rss_settled_kb if settled else r.rss_kb) for r in runs) / 1024

    def ratio(self, runs: list[Run]) -> float:
        return self.median_wall(runs) / self.median_wall(self.floor)

    def all_exact(self) -> bool:
        return all(r.exact for r in (*self.floor, *self.first, *self.home, *self.tour))


def kiosk_command(mode: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "run", "--windowed", "--size", SIZE, "--ready-report", mode]


def floor_command() -> list[str]:
    return [sys.executable, str(FLOOR)]


def _read_lines(proc: subprocess.Popen[bytes], timeout: float) -> tuple[dict[str, Any], float]:
    """The first JSON object with a "ready" key on the child's stdout, and the perf_counter when it
    was read. Raises on timeout or an early exit."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                if "ready" in data:
                    return data, time.perf_counter()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no ready line within {timeout:.0f} s from {proc.args!r}")
            if selector.select(remaining):
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise RuntimeError(f"{proc.args!r} ended without a ready line (exit {proc.wait()})")
                buffer += chunk


def time_process(command: list[str], env: dict[str, str]) -> tuple[Run, bool]:
    """Start ``command`` and time it until ready; returns the run and whether it had to be terminated."""
    start = time.perf_counter()
    terminated = False
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT) as proc:
        try:
            data, line_at = _read_lines(proc, READY_TIMEOUT_S)
            try:
                proc.wait(timeout=EXIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                terminated = True
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    inside = float(data.get("seconds", 0.0))
    if "ready_perf_counter" in data:  # the floor and the kiosk say when they were ready
        ready_at, exact = float(data["ready_perf_counter"]), True
    else:
        ready_at, exact = line_at, False
    rss = int(data.get("rss_kb", 0))
    run = Run(ready_at - start, line_at - start, inside, rss, int(data.get("rss_settled_kb", rss)), exact)
    return run, terminated


def measure(runs: int = 7, tour_runs: int = 3, *, verbose: bool = False) -> StartupResult:
    """Time ``runs`` alternating rounds of floor / kiosk first / kiosk home, then ``tour_runs`` tours."""
    if runs < 1 or tour_runs < 1:
        raise ValueError("runs and tour_runs must be at least 1")
    result = StartupResult()
    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-startup-bench-"))
    # Bytecode as on a terminal (a packaged build ships it): the priming runs compile every module once
    # into a cache of their own, whatever PYTHONDONTWRITEBYTECODE this shell has; the timed runs read it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", KIOSK_DATA_DIR=str(data_dir),
               PYTHONPYCACHEPREFIX=str(data_dir / "bytecode"))

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    def kiosk(mode: str) -> Run:
        run, terminated = time_process(kiosk_command(mode), env)
        result.terminated += terminated
        return run

    try:
        time_process(floor_command(), env)  # untimed: its bytecode
        result.priming = kiosk("first")
        say(f"first start ever (fresh data directory, copies the bundled database): "
            f"{result.priming.wall_s:.3f} s")
        say(f"\n{'round':>5} {'floor s':>8} {'first s':>8} {'home s':>8}   inside the process (floor / first / "
            f"home)   start → line (first / home)")
        for n in range(1, runs + 1):
            floor, _ = time_process(floor_command(), env)
            first = kiosk("first")
            home = kiosk("home")
            result.floor.append(floor)
            result.first.append(first)
            result.home.append(home)
            say(f"{n:>5} {floor.wall_s:>8.3f} {first.wall_s:>8.3f} {home.wall_s:>8.3f}   "
                f"{floor.inside_s:.3f} / {first.inside_s:.3f} / {home.inside_s:.3f}"
                f"{'':>17}{first.line_s:.3f} / {home.line_s:.3f}")
        for n in range(1, tour_runs + 1):
            tour = kiosk("tour")
            result.tour.append(tour)
            say(f"tour {n}: ready {tour.wall_s:.3f} s, RSS {tour.rss_kb / 1024:.1f} MB "
                f"(settled {tour.rss_settled_kb / 1024:.1f} MB)")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def report(result: StartupResult) -> None:
    floor = result.median_wall(result.floor)
    print(f"\nmedians of {len(result.floor)} runs (whole process, start → ready; tour: {len(result.tour)} runs):")
    print(f"  {'':<12} {'median s':>9} {'min s':>7} {'max s':>7} {'× floor':>8} {'RSS MB':>7} {'settled':>8} "
          f"{'line s':>7}")
    for name, runs in (("floor", result.floor), ("kiosk first", result.first), ("kiosk home", result.home),
                       ("kiosk tour", result.tour)):
        walls = [r.wall_s for r in runs]
        times_floor = f"{result.median_wall(runs) / floor:8.2f}" if name != "kiosk tour" else f"{'':>8}"
        print(f"  {name:<12} {statistics.median(walls):>9.3f} {min(walls):>7.3f} {max(walls):>7.3f} {times_floor} "
              f"{result.median_rss_mb(runs):>7.1f} {result.median_rss_mb(runs, settled=True):>8.1f} "
              f"{result.median_line(runs):>7.3f}")
    print("  RSS: at readiness; settled: when the line is printed; line s: start → the line (the kiosk prints it "
          "once every screen is built ahead of time, plus a pause of its own — kiosk.ui.readiness)")
    for name, runs in (("first", result.first), ("home", result.home)):
        wall, ratio = result.median_wall(runs), result.ratio(runs)
        verdict = "met" if wall <= TARGET_S and ratio <= TARGET_RATIO else "MISSED"
        print(f"kiosk {name}: {wall:.3f} s, {ratio:.2f}× floor — target ≤ {TARGET_S} s and "
              f"≤ {TARGET_RATIO:.0f}× floor: {verdict}")
    for name, rss in (("after start (first, settled)", result.median_rss_mb(result.first, settled=True)),
                      ("after every screen (tour)", result.median_rss_mb(result.tour))):
        verdict = "met" if rss <= TARGET_RSS_MB else "MISSED"
        print(f"RSS {name}: {rss:.1f} MB — target ≤ {TARGET_RSS_MB:.0f} MB: {verdict}")
    if result.priming is not None:
        print(f"first start ever: {result.priming.wall_s:.3f} s")
    if not result.all_exact():
        print("note: some kiosk runs did not say when kiosk run started; their time is until the line was read")
    if result.terminated:
        print(f"note: {result.terminated} kiosk process(es) did not exit by themselves after the line and were "
              f"terminated (the times are not affected)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds of floor / first / home (default 7)")
    parser.add_argument("--tour-runs", type=int, default=3, help="tour runs for the RSS (default 3)")
    args = parser.parse_args()
    if args.runs < 1 or args.tour_runs < 1:
        parser.error("--runs and --tour-runs must be at least 1")
    print(f"cold start, offscreen, {SIZE}; {sys.executable}")
    report(measure(args.runs, args.tour_runs, verbose=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
