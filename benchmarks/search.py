"""Search latency on synthetic databases of 1 000, 10 000 and 100 000 listings.

    python3 benchmarks/search.py              # all three sizes
    python3 benchmarks/search.py --sizes 1000 10000 --repeat 20

Each size gets a temporary database (the seed database plus clearly marked synthetic listings, see
``_synthetic.py``, two places per listing), deleted afterwards. For each query class the script
times ``search(conn, q)`` —
what one keystroke costs, including the check that the in-memory index is current — and prints
p50 / p95 / max in milliseconds of wall-clock time, and the p95 of CPU time (which a busy machine does
not inflate). The "errand" and "typo" classes time errand words and one-key
slips (each slip may cost a few extra searches, see kiosk.core.search.ranking.TYPO_TRIES); "place"
times place names and addresses (the synthetic streets), "typo miss" letters that find little, so
that every typo variant is tried.
Targets (DESIGN.md §6): p95 ≤ 10 ms at 10 000, ≤ 50 ms at 100 000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import make_database, open_readonly

from kiosk.core.search.ranking import search, warm_up

QUERIES: dict[str, list[str]] = {
    "1-char": ["书", "医", "站", "馆", "健", "老"],
    "2-char": ["养老", "卫生", "图书", "健身", "社保", "诊所"],
    "long Chinese": ["社区卫生服务中心", "居家养老服务站", "乒乓球室", "便民服务中心", "综合性文化服务中心"],
    "pinyin": ["yanglao", "weisheng", "tushu", "jianshen", "bianmin", "pingpangqiu"],
    "initials": ["ylfw", "wsfwz", "tss", "jsgc", "bmfw", "zyg"],
    "mixed": ["养lao", "wei生", "图shu"],
    "synonym": ["看病", "借书", "锻炼", "办事", "吃饭", "doctor"],
    "English": ["library", "clinic", "fitness", "canteen"],
    "miss": ["魑魅魍魉", "xyzzyq", "区块链交易所", "qwrtplkz", "量子计算机", "🚀🚀"],
    "errand": ["身份证", "社保", "药店", "派出所", "我要办身份证", "pharmacy"],
    "typo": ["yanglai", "weishemg", "tushi", "jianshrn", "librsry", "gongyusn"],
    "place": ["枫桥", "月湖路", "合成晨曦路12号", "青松云栖", "fengqiao", "yuehulu", "qsyq"],
    "typo miss": ["qwertu", "zxcvbm", "pinpangqiu", "huanzhong", "lkjhgf", "mnbvcx"],
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_queries(conn: Any, repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds of ``search(conn, q)`` for every query of every class, ``repeat`` times each: wall-clock
    and CPU time of this thread (on a busy machine the first includes waiting for a core)."""
    out: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for name, queries in QUERIES.items():
        times = out.setdefault(name, [])
        cpu_times = cpu.setdefault(name, [])
        for _ in range(repeat):
            for q in queries:
                t0, c0 = time.perf_counter(), time.thread_time()
                search(conn, q)
                times.append((time.perf_counter() - t0) * 1000)
                cpu_times.append((time.thread_time() - c0) * 1000)
    return out, cpu


def run(sizes: list[int], repeat: int) -> int:
    targets = {10_000: 10.0, 100_000: 50.0}
    print(f"search latency, ms per search(conn, q, limit=50); {repeat} runs of every query")
    with tempfile.TemporaryDirectory(prefix="kiosk-search-bench-") as tmp:
        for size in sizes:
            path, index_seconds = make_database(Path(tmp), size)
            conn = open_readonly(path)
            start = time.perf_counter()
            warm_up(conn)
            load_ms = (time.perf_counter() - start) * 1000
            print(f"\n{size:>7} synthetic listings  "
                  f"(re-index {index_seconds:.1f} s, load into memory {load_ms:.0f} ms)")
            print(f"  {'class':<14} {'p50':>7} {'p95':>7} {'max':>7} {'cpu p95':>8}  hits(first query)")
            all_times: list[float] = []
            wall, cpu = time_queries(conn, repeat)
            for name, times in wall.items():
                queries = QUERIES[name]
                all_times.extend(times)
                print(f"  {name:<14} {statistics.median(times):7.2f} {percentile(times, 0.95):7.2f} "
                      f"{max(times):7.2f} {percentile(cpu[name], 0.95):8.2f}  {len(search(conn, queries[0]))}")
            p95 = percentile(all_times, 0.95)
            verdict = ""
            if size in targets:
                ok = p95 <= targets[size]
                verdict = f"  target ≤ {targets[size]:.0f} ms: {'met' if ok else 'MISSED'}"
            print(f"  {'all':<14} {statistics.median(all_times):7.2f} {p95:7.2f} {max(all_times):7.2f}{verdict}")
            conn.close()
            path.unlink()
    return 0  # figures only: a missed target is printed, not an error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=30, help="runs of every query (default 30)")
    args = parser.parse_args()
    return run(args.sizes, args.repeat)


if __name__ == "__main__":
    raise SystemExit(main())
