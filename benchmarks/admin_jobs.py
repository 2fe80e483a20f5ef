"""Worker jobs and the GUI thread: how long a tap on 导出 / 检查 / 打印 holds the screen, now that the work
runs on a helper thread, against what the same work costs when done on the GUI thread (as before).

    python3 benchmarks/admin_jobs.py                  # 2 000 synthetic listings, 3 runs
    python3 benchmarks/admin_jobs.py --listings 500 --runs 5

Per job, median of the runs: ``tap`` (the button's handler returns: what the tap costs the GUI
thread), ``job`` (tap → result shown), ``stall`` (the longest gap between ticks of a 5 ms GUI timer
while the job ran: what a resident's touch or the watchdog ping would wait), and ``inline`` (the same
core call made on the GUI thread, the old stall). The listings are synthetic (benchmarks/_synthetic.py).
The stall is not zero: the helper thread holds Python's GIL between switches and its garbage
collections (openpyxl makes many objects) pause every thread. Figures only; exit status 0 unless the
script itself breaks.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import make_database

PIN = "258013"


@dataclass
class JobFigures:
    name: str
    tap_ms: list[float] = field(default_factory=list)
    job_ms: list[float] = field(default_factory=list)
    stall_ms: list[float] = field(default_factory=list)
    inline_ms: list[float] = field(default_factory=list)


def _timed_job(app: Any, start: Callable[[], object], busy: Callable[[], bool]) -> tuple[float, float, float]:
    """(tap ms, job ms, longest gap between 5 ms ticks in ms) of one job started by ``start``."""
    from PySide6.QtCore import QTimer

    stamps: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    start()
    t_tap = time.perf_counter()
    while busy():
        app.processEvents()
        time.sleep(0.001)
    t_end = time.perf_counter()
    timer.stop()
    points = [t0, *[s for s in stamps if t0 <= s <= t_end], t_end]
    stall = max(b - a for a, b in itertools.pairwise(points))
    return (t_tap - t0) * 1000, (t_end - t0) * 1000, stall * 1000


def measure(listings: int = 2000, runs: int = 3) -> list[JobFigures]:
    from kiosk.core.db.connection import connect
    from kiosk.core.exchange.transfer import export, plan_import
    from kiosk.core.slip import Slip
    from kiosk.core.workers import auth
    from kiosk.ui.admin.panel import AdminPanel
    from kiosk.ui.app import create_application
    from kiosk.ui.context import TIMEZONE, AppContext
    from kiosk.ui.printing import SlipPrinter, write_pdf

    app = create_application()
    now = datetime(2021, 9, 15, 10, 30, tzinfo=TIMEZONE)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["KIOSK_DATA_DIR"] = str(folder / "data")
        path, _took = make_database(folder, listings)
        conn = connect(path)
        auth.set_pin(conn, PIN, now=now)
        ctx = AppContext(conn, clock=lambda: now)
        panel = AdminPanel(ctx, touch=True)
        panel.resize(1080, 1600)
        panel.show()
        panel.pinpad.enter(PIN)
        assert panel.tools is not None
        page: Any = panel.tools.show_section("transfer")
        figures = [JobFigures("export xlsx"), JobFigures("check xlsx"), JobFigures("print slip 80mm")]
        sheet = folder / "out" / "services.xlsx"
        sheet.parent.mkdir()
        printer = SlipPrinter("NoSuchKioskQueue", "80mm")
        slip = Slip(lang="zh", title="社区养老服务设施", place="测试日间照料中心", address="测试路 2 号",
                    hours=("周一至周五 8:30–17:30",), phones=("0371-60000002",))  # test data
        for _ in range(runs):
            page.path.setText(str(sheet))
            tap, job, stall = _timed_job(app, lambda: page.do_export("xlsx"), lambda: page.busy)
            figures[0].tap_ms.append(tap)
            figures[0].job_ms.append(job)
            figures[0].stall_ms.append(stall)
            t = time.perf_counter()
            export(conn, "xlsx", folder / "inline.xlsx")
            figures[0].inline_ms.append((time.perf_counter() - t) * 1000)

            tap, job, stall = _timed_job(app, page.check, lambda: page.busy)
            assert page.plan is not None, page.output.toPlainText()
            figures[1].tap_ms.append(tap)
            figures[1].job_ms.append(job)
            figures[1].stall_ms.append(stall)
            t = time.perf_counter()
            plan_import(conn, sheet)
            figures[1].inline_ms.append((time.perf_counter() - t) * 1000)

            tap, job, stall = _timed_job(app, lambda: printer.print_slip(slip, now), lambda: printer.busy)
            figures[2].tap_ms.append(tap)
            figures[2].job_ms.append(job)
            figures[2].stall_ms.append(stall)
            t = time.perf_counter()
            write_pdf(slip, "80mm", folder / "inline.pdf", now)
            figures[2].inline_ms.append((time.perf_counter() - t) * 1000)
        panel.lock()
        panel.deleteLater()
        app.processEvents()
        conn.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=2000, help="synthetic listings added to the seeds")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.listings, args.runs)
    print(f"{args.listings} synthetic listings + the seeds, median of {args.runs} runs (ms)")
    print(f"{'job':<18}{'tap':>8}{'job':>10}{'stall':>8}{'inline':>10}")
    for f in figures:
        print(f"{f.name:<18}{statistics.median(f.tap_ms):>8.1f}{statistics.median(f.job_ms):>10.1f}"
              f"{statistics.median(f.stall_ms):>8.1f}{statistics.median(f.inline_ms):>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
