"""Spreadsheet import and export: read an .xlsx / a GBK CSV of N listings, write an .xlsx of N listings.

    python3 benchmarks/spreadsheet.py                 # 20 000 rows (the import limit), 3 runs
    python3 benchmarks/spreadsheet.py --rows 2000 --runs 5

The rows are synthetic (30 columns of made-up Chinese text, phone numbers, counts, dates), written
to a temporary folder. Reported per step, median of the runs: ``write_xlsx`` (what ``kiosk export``
would pay), ``read_table`` of that workbook, ``read_table`` of the same table as a GB18030 CSV, and
the file sizes. No target in the issues; figures only, exit status 0 unless the script itself breaks.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.core.exchange.spreadsheet import read_table, write_xlsx

COLUMNS = 30


@dataclass
class SheetFigures:
    rows: int
    write_xlsx_s: list[float] = field(default_factory=list)
    read_xlsx_s: list[float] = field(default_factory=list)
    read_gbk_csv_s: list[float] = field(default_factory=list)
    xlsx_kb: float = 0.0
    csv_kb: float = 0.0


def synthetic_rows(count: int) -> tuple[list[str], list[list[object]]]:
    """A header and ``count`` rows of made-up listings (test data, not real places)."""
    header = ["编号", "名称", "类别", "电话1", "数量", "日期"] + [f"说明{n}" for n in range(COLUMNS - 6)]
    rows: list[list[object]] = []
    for n in range(count):
        rows.append([f"bench-{n}", f"测试服务{n}号", "health", f"138{n:08d}", n % 50,
                     datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365)]
                    + [f"第{n}行第{c}列的说明文字" for c in range(COLUMNS - 6)])
    return header, rows


def measure(rows: int = 20_000, runs: int = 3) -> SheetFigures:
    """Time ``runs`` rounds of write_xlsx, read_table(.xlsx) and read_table(GB18030 CSV)."""
    if rows < 1 or runs < 1:
        raise ValueError("rows and runs must be at least 1")
    figures = SheetFigures(rows)
    header, data = synthetic_rows(rows)
    with tempfile.TemporaryDirectory(prefix="kiosk-sheet-bench-") as tmp:
        xlsx = Path(tmp) / "listings.xlsx"
        gbk = Path(tmp) / "listings.csv"
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[str(v) for v in row] for row in data])
        gbk.write_bytes(out.getvalue().encode("gb18030"))
        for _ in range(runs):
            start = time.perf_counter()
            write_xlsx(xlsx, [("服务", header, data)])
            figures.write_xlsx_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            table, problems = read_table(xlsx)
            figures.read_xlsx_s.append(time.perf_counter() - start)
            if table is None or problems or len(table.rows) != rows:
                raise RuntimeError(f"the workbook did not read back: {problems[:3]}")
            start = time.perf_counter()
            table, problems = read_table(gbk)
            figures.read_gbk_csv_s.append(time.perf_counter() - start)
            if table is None or problems or len(table.rows) != rows:
                raise RuntimeError(f"the CSV did not read back: {problems[:3]}")
        figures.xlsx_kb = xlsx.stat().st_size / 1024
        figures.csv_kb = gbk.stat().st_size / 1024
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    f = measure(args.rows, args.runs)
    print(f"{f.rows} rows × {COLUMNS} columns, median of {args.runs} runs")
    print(f"  write_xlsx            {statistics.median(f.write_xlsx_s):6.2f} s   ({f.xlsx_kb:.0f} KB)")
    print(f"  read_table .xlsx      {statistics.median(f.read_xlsx_s):6.2f} s")
    print(f"  read_table GBK .csv   {statistics.median(f.read_gbk_csv_s):6.2f} s   ({f.csv_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
