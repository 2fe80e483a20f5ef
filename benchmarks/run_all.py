"""Every benchmark of issue #9, summarized in one table: metric | measured | target | met?

    python3 benchmarks/run_all.py                 # full run (about 70 s on 2 cores)
    python3 benchmarks/run_all.py --quick         # fewer runs, smaller search databases (~30 s)
    python3 benchmarks/run_all.py --markdown      # the table as Markdown, for the README

Runs, in this order, the measuring functions of ``startup.py`` (cold start and RSS, separate
processes), ``screens.py`` (screen change, in this process), ``build_db.py``, the search latency of
``search.py`` (its queries, synthetic databases of ``_synthetic.py``) and, when the Zinnia model is
installed, ``handwriting.py``. Progress goes to standard error, the table and the machine it ran on
to standard output. Each script run alone prints its own detail. Figures only: a missed target is
reported as "no", the exit status is 0 unless a benchmark itself breaks.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_db
import screens
import startup

#: search p95 targets in ms by database size (DESIGN.md §6, as benchmarks/search.py)
SEARCH_TARGETS_MS = {10_000: 10.0, 100_000: 50.0}
HANDWRITING_TARGET_MS = 30.0


@dataclass
class Row:
    metric: str
    measured: str
    target: str
    met: bool | None  # None: no target

    @property
    def verdict(self) -> str:
        return "—" if self.met is None else ("yes" if self.met else "no")


@dataclass
class SearchFigures:
    size: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    load_ms: float
    index_s: float


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- search (benchmarks/search.py's queries and databases, without its printing) --------------------

def measure_search(sizes: list[int], repeat: int) -> list[SearchFigures]:
    """p50 / p95 / max over every query class of ``search.py``, per synthetic database size."""
    import search as search_bench
    from _synthetic import make_database, open_readonly

    from kiosk.core.search.ranking import warm_up

    out: list[SearchFigures] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-search-bench-") as tmp:
        for size in sizes:
            path, index_seconds = make_database(Path(tmp), size)
            conn = open_readonly(path)
            try:
                start = time.perf_counter()
                warm_up(conn)
                load_ms = (time.perf_counter() - start) * 1000
                wall, _cpu = search_bench.time_queries(conn, repeat)
                times = [t for ts in wall.values() for t in ts]
            finally:
                conn.close()
            path.unlink()
            out.append(SearchFigures(size, statistics.median(times), search_bench.percentile(times, 0.95),
                                     max(times), load_ms, index_seconds))
    return out


# -- handwriting (optional: needs Zinnia and its model) -----------------------------------------------

def measure_handwriting(runs: int) -> tuple[float, float] | str:
    """(median, p95) ms to recognize 站 (10 strokes) — or why it could not be measured."""
    try:
        import handwriting as hw

        from kiosk.core.handwriting import Recognizer

        recognizer = Recognizer()
    except Exception as exc:  # the library or the model is not installed: optional
        return f"{type(exc).__name__}: {exc}"
    try:
        drawings = json.loads(hw.FIXTURES.read_text(encoding="utf-8"))["characters"]
        times = hw.timings_ms(recognizer, hw.finger(drawings["站"]), runs)
    finally:
        recognizer.close()
    return statistics.median(times), hw.p95(times)


# -- the machine ------------------------------------------------------------------------------------

def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    ram = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB RAM"
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.system()} {platform.release()})"
                break
    except OSError:
        pass
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {PySide6.__version__} (Qt {qVersion()})"
    except ImportError:
        qt = "PySide6 not installed"
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load {os.getloadavg()[0]:.2f} at the start"
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    parts = [cpu, f"{os.cpu_count()} cores", ram, system, f"Python {platform.python_version()}", qt, date]
    return ", ".join(p for p in parts if p) + load


# -- the table --------------------------------------------------------------------------------------

def collect(quick: bool) -> list[Row]:
    rows: list[Row] = []
    runs, tour_runs = (3, 1) if quick else (7, 3)
    rounds = 5 if quick else 20
    build_runs = 2 if quick else 5
    search_sizes, search_repeat = ([1_000, 10_000], 5) if quick else ([10_000, 100_000], 30)
    handwriting_runs = 30 if quick else 300

    progress(f"cold start: {runs} rounds of floor / kiosk first / kiosk home, {tour_runs} tour(s) …")
    s = startup.measure(runs, tour_runs)
    floor = s.median_wall(s.floor)
    n = len(s.floor)
    for label, runs_ in (("attract screen (first shown)", s.first), ("home screen", s.home)):
        wall, ratio = s.median_wall(runs_), s.ratio(runs_)
        rows.append(Row(f"cold start → {label}, median of {n}",
                        f"{wall:.3f} s = {ratio:.1f}× floor ({floor:.3f} s)",
                        f"≤ {startup.TARGET_S} s and ≤ {startup.TARGET_RATIO:.0f}× floor",
                        wall <= startup.TARGET_S and ratio <= startup.TARGET_RATIO))
    if s.priming is not None:
        rows.append(Row("first start ever (fresh data dir, copies the database)", f"{s.priming.wall_s:.3f} s",
                        "—", None))
    rss_ready, rss_start = s.median_rss_mb(s.first), s.median_rss_mb(s.first, settled=True)
    rss_tour = s.median_rss_mb(s.tour)
    rows.append(Row(f"memory: RSS after start, median of {n}",
                    f"{rss_start:.1f} MB settled, {rss_ready:.1f} MB at first paint "
                    f"(floor {s.median_rss_mb(s.floor):.1f} MB)",
                    f"≤ {startup.TARGET_RSS_MB:.0f} MB", max(rss_start, rss_ready) <= startup.TARGET_RSS_MB))
    rows.append(Row(f"memory: RSS after every screen, median of {len(s.tour)}", f"{rss_tour:.1f} MB",
                    f"≤ {startup.TARGET_RSS_MB:.0f} MB", rss_tour <= startup.TARGET_RSS_MB))

    progress(f"screen change: {rounds} rounds through every screen …")
    sc = screens.measure(rounds)
    for screen, times in sc.by_screen().items():
        if not times:
            continue
        p95 = screens.percentile(times, 0.95)
        first = sc.first_visit_ms.get(screen)
        first_text = f"; first tap {first:.0f}" if first is not None else ""
        # routes to the same screen that differ a lot (figures: first visit per resident vs again)
        medians = {r.name: statistics.median(r.times_ms) for r in sc.routes.values()
                   if r.screen == screen and r.times_ms}
        split = ""
        if medians and max(medians.values()) > max(2 * min(medians.values()), min(medians.values()) + 10):
            split = "; " + ", ".join(f"{name} {m:.0f}" for name, m in medians.items())
        rows.append(Row(f"screen change → {screen} (n={len(times)})",
                        f"median {statistics.median(times):.1f} / p95 {p95:.1f} ms{first_text}{split}",
                        f"p95 ≤ {screens.TARGET_MS:.0f} ms", p95 <= screens.TARGET_MS))

    progress(f"kiosk build-db: {build_runs} runs each …")
    b = build_db.measure(build_runs)
    rows.append(Row(f"kiosk build-db, median of {build_runs}",
                    f"{statistics.median(b.command_s):.2f} s command, "
                    f"{statistics.median(b.inprocess_s):.2f} s in-process", "—", None))
    rows.append(Row("database size", f"{b.size_kb:.0f} KB", "—", None))

    progress(f"search: {', '.join(f'{z:,}' for z in search_sizes)} listings, {search_repeat} runs per query …")
    for f in measure_search(search_sizes, search_repeat):
        target = SEARCH_TARGETS_MS.get(f.size)
        rows.append(Row(f"search, {f.size:,} listings (load {f.load_ms:.0f} ms)",
                        f"p50 {f.p50_ms:.2f} / p95 {f.p95_ms:.2f} ms",
                        f"p95 ≤ {target:.0f} ms" if target else "—",
                        None if target is None else f.p95_ms <= target))

    progress(f"handwriting: 站, {handwriting_runs} runs …")
    hw = measure_handwriting(handwriting_runs)
    if isinstance(hw, str):
        rows.append(Row("handwriting 站 (10 strokes)", f"not measured ({hw})", "—", None))
    else:
        rows.append(Row("handwriting 站 (10 strokes)", f"median {hw[0]:.2f} / p95 {hw[1]:.2f} ms",
                        f"p95 ≤ {HANDWRITING_TARGET_MS:.0f} ms", hw[1] <= HANDWRITING_TARGET_MS))
    if s.terminated:
        progress(f"note: {s.terminated} kiosk process(es) did not exit by themselves after the ready line")
    if not s.all_exact():
        progress("note: some kiosk runs did not say when kiosk run started; their time is until the line was read")
    return rows


def format_table(rows: list[Row], machine: str, *, markdown: bool) -> str:
    header = ("metric", "measured", "target", "met?")
    cells = [header, *((r.metric, r.measured, r.target, r.verdict) for r in rows)]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "| --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells[1:]]
        return "\n".join(lines) + f"\n\nMachine: {machine}\n"
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    rule = "  ".join("-" * w for w in widths)
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, rule)
    return "\n".join(lines) + f"\n\nmachine: {machine}\n"


def main(argv: list[str] | None = None, *, collect_rows: Callable[[bool], list[Row]] = collect) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs and 1 000 / 10 000 listings for search (about 30 s)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    machine = machine_line()  # before the runs: the load average is the one they started with
    started = time.perf_counter()
    rows = collect_rows(args.quick)
    progress(f"done in {time.perf_counter() - started:.0f} s")
    print(format_table(rows, machine, markdown=args.markdown), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
