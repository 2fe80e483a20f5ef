"""``kiosk build-db``: seeds/ → SQLite database, timed as a command and in-process; database size.

    python3 benchmarks/build_db.py              # 5 runs each
    python3 benchmarks/build_db.py --runs 11

* command — ``python3 -m kiosk build-db --out <temp file>``, a whole process timed from outside
  (interpreter start and imports included), what a worker waits for;
* in-process — ``kiosk.core.content.build.build_database(seeds_dir(), <temp file>)`` after the imports:
  validating every seed passage, inserting, the search index, the content hash, VACUUM. The first
  in-process build also loads what the build imports lazily; it is printed apart, not in the median.

Output goes to a temporary directory (data/kiosk.db is never touched). Also printed: the size of
the database built and of data/kiosk.db for comparison. No target in issue #9; prints figures
only, exit status 0 unless the script itself breaks.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.core.content.build import build_database
from kiosk.core.terminal.paths import bundled_db_path, seeds_dir

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class BuildResult:
    command_s: list[float] = field(default_factory=list)
    inprocess_s: list[float] = field(default_factory=list)
    #: the first in-process build, apart: it also loads what build_database imports lazily
    inprocess_first_s: float = 0.0
    size_kb: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def measure(runs: int = 5) -> BuildResult:
    """Time ``runs`` builds by the command and ``runs`` in-process; the size of the file built."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    result = BuildResult()
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-build-bench-"))
    try:
        for n in range(runs):
            out = tmp / f"command-{n}.db"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kiosk", "build-db", "--out", str(out)], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            result.command_s.append(time.perf_counter() - start)
            result.size_kb = out.stat().st_size / 1024
            out.unlink()
        for n in range(runs + 1):
            out = tmp / f"inprocess-{n}.db"
            start = time.perf_counter()
            built = build_database(seeds_dir(), out)
            took = time.perf_counter() - start
            if n == 0:
                result.inprocess_first_s = took
            else:
                result.inprocess_s.append(took)
            result.counts = dict(built.counts)
            out.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def report(result: BuildResult) -> None:
    print(f"kiosk build-db, {len(result.command_s)} runs each (seconds)")
    print(f"  {'':<12} {'median':>7} {'min':>7} {'max':>7}")
    for name, times in (("command", result.command_s), ("in-process", result.inprocess_s)):
        print(f"  {name:<12} {statistics.median(times):7.3f} {min(times):7.3f} {max(times):7.3f}")
    print(f"  the first in-process build (lazy imports included, not in the median): {result.inprocess_first_s:.3f} s")
    print(f"database built: {result.size_kb:.0f} KB ({', '.join(f'{n} {t}' for t, n in result.counts.items())})")
    bundled = bundled_db_path()
    if bundled.exists():
        print(f"data/kiosk.db for comparison: {bundled.stat().st_size / 1024:.0f} KB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="builds of each kind (default 5)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    report(measure(args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
