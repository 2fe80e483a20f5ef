"""Handwriting recognition time (Zinnia via kiosk.core.handwriting) — prints figures, asserts nothing.

    python3 benchmarks/handwriting.py             # 300 runs per figure
    python3 benchmarks/handwriting.py --runs 1000

The characters are the SYNTHETIC hand-drawn test fixtures (tests/fixtures/strokes/characters.json),
drawn on a 448 px pad (the standard theme's writing square) with a point every ~3 px, as a finger
gives. The main figure is 站, a 10-stroke character (target: ≤ 30 ms, DESIGN/issue 10); then the
time as the strokes of 站 accumulate (the pad recognizes after every stroke; up to 5 strokes the
stroke-order tolerance classifies once per stroke), 生 (5 strokes, the worst case of that pass),
and opening the model.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.handwriting import Recognizer  # noqa: E402

SIDE = 448
TARGET_MS = 30.0
FIXTURES = ROOT / "tests" / "fixtures" / "strokes" / "characters.json"

Strokes = list[list[tuple[float, float]]]


def finger(polylines: list[list[list[float]]], side: int = SIDE, spacing_px: float = 3.0) -> Strokes:
    """Corner points on the 100-grid → pad pixels with a point every ``spacing_px``."""
    scale = side / 100
    out: Strokes = []
    for poly in polylines:
        points: list[tuple[float, float]] = []
        for (x0, y0), (x1, y1) in itertools.pairwise(poly):
            n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) * scale / spacing_px))
            points += [((x0 + (x1 - x0) * k / n) * scale, (y0 + (y1 - y0) * k / n) * scale) for k in range(n)]
        points.append((poly[-1][0] * scale, poly[-1][1] * scale))
        out.append(points)
    return out


def timings_ms(recognizer: Recognizer, strokes: Strokes, runs: int, **kwargs: Any) -> list[float]:
    recognizer.classify(strokes, SIDE, SIDE, **kwargs)  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        recognizer.classify(strokes, SIDE, SIDE, **kwargs)
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} ms   p95 {p95(values):6.2f} ms   max {max(values):6.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="classifications per figure (default 300)")
    args = parser.parse_args()
    drawings = json.loads(FIXTURES.read_text(encoding="utf-8"))["characters"]

    start = time.perf_counter()
    recognizer = Recognizer()
    open_ms = (time.perf_counter() - start) * 1000
    print(f"Zinnia {recognizer.version}: {recognizer.library_path}")
    print(f"model {recognizer.model_path} ({recognizer.size} characters), opened in {open_ms:.1f} ms")
    print(f"pad {SIDE}×{SIDE} px, {args.runs} runs per figure, top 10 candidates\n")

    zhan = finger(drawings["站"])
    points = sum(len(s) for s in zhan)
    first = recognizer.classify(zhan, SIDE, SIDE)[0].char
    main_times = timings_ms(recognizer, zhan, args.runs)
    verdict = "ok" if p95(main_times) <= TARGET_MS else "OVER TARGET"
    print(f"站, 10 strokes ({points} points), reads as {first}:")
    print(f"  {summary(main_times)}   target p95 ≤ {TARGET_MS:.0f} ms: {verdict}\n")

    print("as the strokes of 站 accumulate (recognition after each stroke):")
    for n in range(1, len(zhan) + 1):
        print(f"  {n:2d} strokes  {summary(timings_ms(recognizer, zhan[:n], max(20, args.runs // 5)))}")

    sheng = finger(drawings["生"])
    print("\n生, 5 strokes, school order (stroke-order tolerance: 5 classifications):")
    print(f"  tolerant     {summary(timings_ms(recognizer, sheng, args.runs))}")
    print(f"  strict order {summary(timings_ms(recognizer, sheng, args.runs, order_tolerant=False))}")

    opens = []
    for _ in range(10):
        start = time.perf_counter()
        Recognizer().close()
        opens.append((time.perf_counter() - start) * 1000)
    print(f"\nopening the model (10 times): median {statistics.median(opens):.1f} ms")
    recognizer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
