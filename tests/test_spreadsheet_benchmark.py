"""Smoke test of benchmarks/spreadsheet.py: a tiny run reads back every row and gives sane figures."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import spreadsheet as bench  # benchmarks/ is a folder of scripts, not a package


def test_spreadsheet_benchmark_tiny_run() -> None:
    """Ten rows, one run: every step is timed with a positive, finite figure and the files have a size."""
    figures = bench.measure(rows=10, runs=1)
    for values in (figures.write_xlsx_s, figures.read_xlsx_s, figures.read_gbk_csv_s):
        assert len(values) == 1 and 0 < values[0] < 60 and math.isfinite(values[0])
    assert figures.xlsx_kb > 0 and figures.csv_kb > 0
