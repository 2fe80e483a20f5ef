"""Hostile strokes (issue #20): however long or many the strokes, recognition stays fast and small.

Zinnia's work grows as 2^points on a zigzag stroke (a 32-point zigzag never finished, a 6,000-point
scribble took 2 GB), so the hostile cases run in a subprocess with a timeout, which reports its own
peak resident memory. All stroke data here is SYNTHETIC, generated in the tests.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.handwriting import (
    MAX_JSON_BYTES,
    MAX_POINTS_PER_STROKE,
    MAX_STROKES,
    Recognizer,
    bound_strokes,
    simplify,
)
from tests.fixtures.strokes import CHARACTERS, dense

REPO = Path(__file__).resolve().parents[2]
RSS_LIMIT_MB = 200
"""Peak resident memory allowed to a subprocess that classifies hostile strokes (≈50 MB is normal)."""
PEAK_MB = (
    "def peak_mb():\n"
    "    # VmHWM: this process's own peak (ru_maxrss would carry the parent's over exec)\n"
    "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
    "    return int(line.split()[1]) / 1024\n"
)


def _run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=REPO)


HOSTILE = PEAK_MB + r"""
import json, math, random, time
from kiosk.core.handwriting import Recognizer
rnd = random.Random(20)
cases = {
    "zigzag of 32 points": [[(100 + 800 * i / 32, 500 + (50 if i % 2 else -50)) for i in range(32)]],
    "stroke of 10,000 points": [[(100 + 800 * i / 10000, 500 + 100 * math.sin(i / 50)) for i in range(10000)]],
    "scribble of 10,000 points": [[(rnd.uniform(0, 1000), rnd.uniform(0, 1000)) for _ in range(10000)]],
    "100 zigzag strokes": [[(100 + 50 * i, 10 * k + (8 if i % 2 else -8)) for i in range(17)] for k in range(100)],
}
out = {}
with Recognizer() as recognizer:
    for name, strokes in cases.items():
        start = time.perf_counter()
        found = recognizer.classify(strokes, 1000, 1000, top=5)
        out[name] = {"seconds": time.perf_counter() - start, "candidates": [c.char for c in found]}
out["rss_mb"] = peak_mb()
print(json.dumps(out, ensure_ascii=False))
"""


def test_hostile_strokes_are_classified_in_bounded_memory_and_time() -> None:
    """A 32-point zigzag, a 10,000-point stroke and scribble, 100 strokes: each well under a second, < 200 MB."""
    done = _run_python(HOSTILE)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report.pop("rss_mb") < RSS_LIMIT_MB
    for name, result in report.items():
        assert result["candidates"], name
        assert result["seconds"] < 1.0, (name, result)


def test_character_written_with_ten_thousand_point_strokes_is_still_recognized() -> None:
    """卫 drawn with a point every 0.02 grid units (thousands of points per stroke) is still offered first."""
    strokes = dense(CHARACTERS["卫"], step=0.02)
    assert max(len(s) for s in strokes) > 4000
    with Recognizer() as recognizer:
        found = recognizer.classify(strokes, 100, 100, top=5)
    assert found and found[0].char == "卫"


def test_bound_strokes_keeps_forty_strokes_of_at_most_sixteen_points() -> None:
    """60 strokes of 3,000 points: the first 40 are kept, each ≤ 16 points with its first and last point."""
    rnd = random.Random(7)
    strokes = [[(rnd.uniform(0, 400), rnd.uniform(0, 400)) for _ in range(3_000)] for _ in range(60)]
    bounded = bound_strokes(strokes, 400, 400)
    assert len(bounded) == MAX_STROKES
    for raw, kept in zip(strokes, bounded, strict=False):
        assert 2 <= len(kept) <= MAX_POINTS_PER_STROKE
        assert kept[0] == (round(raw[0][0] * 2.5), round(raw[0][1] * 2.5))
        assert kept[-1] == (round(raw[-1][0] * 2.5), round(raw[-1][1] * 2.5))


def test_simplify_keeps_the_corners_of_a_dense_stroke() -> None:
    """A dense 乙-like zigzag (4 corners, 3,000 points) is reduced to exactly its corners."""
    corners = [(100, 100), (900, 100), (100, 900), (900, 900)]
    points: list[tuple[int, int]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        points += [(round(x0 + (x1 - x0) * k / 1000), round(y0 + (y1 - y0) * k / 1000)) for k in range(1000)]
    points.append(corners[-1])
    assert simplify(points) == corners


def test_jitter_closer_than_the_minimum_step_is_dropped() -> None:
    """A finger resting in place (1,000 points within 1 px) becomes one point; a real stroke keeps its end."""
    rnd = random.Random(3)
    resting = [[(200 + rnd.uniform(-0.4, 0.4), 200 + rnd.uniform(-0.4, 0.4)) for _ in range(1000)]]
    assert len(bound_strokes(resting, 400, 400)[0]) <= 2
    line = [[(100 + x / 10, 200.0) for x in range(0, 2001)]]
    assert bound_strokes(line, 400, 400) == [[(250, 500), (750, 500)]]


def test_simplify_refuses_fewer_than_two_points() -> None:
    """max_points below 2 cannot keep a stroke's two ends: ValueError."""
    with pytest.raises(ValueError, match="at least 2"):
        simplify([(0, 0), (5, 5), (9, 9)], 1)


# -- kiosk recognize ------------------------------------------------------------------------------------

CLI = PEAK_MB + r"""
import sys
from kiosk.cli import main
code = main(sys.argv[1:])
print(f"RSS_MB {peak_mb():.0f}", file=sys.stderr)
sys.exit(code)
"""


def _rss(stderr: str) -> float:
    return float(next(line for line in stderr.splitlines() if line.startswith("RSS_MB")).split()[1])


def test_recognize_refuses_a_million_points_in_one_line_with_bounded_memory(tmp_path: Path) -> None:
    """1,000,000 points (over 4 MB): exit 2, one line saying the limit, and the process stays small."""
    points = ",".join(f"[{i % 997},{i % 991}]" for i in range(1_000_000))
    path = tmp_path / "huge.json"
    path.write_text(f'{{"width": 1000, "height": 1000, "strokes": [[{points}]]}}', encoding="utf-8")
    assert path.stat().st_size > MAX_JSON_BYTES
    done = _run_python(CLI, "recognize", str(path))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if not line.startswith("RSS_MB")]
    assert len(errors) == 1 and "larger than 4 MB" in errors[0] and "Traceback" not in done.stderr
    assert _rss(done.stderr) < RSS_LIMIT_MB


def test_recognize_takes_a_long_stroke_within_the_limit_with_bounded_memory(tmp_path: Path) -> None:
    """A 300,000-point horizontal stroke (under 4 MB) reads as 一, in under 200 MB."""
    points = ",".join(f"[{100 + i * 800 // 300_000},{500 + (i % 3)}]" for i in range(300_000))
    path = tmp_path / "long.json"
    path.write_text(f'{{"width": 1000, "height": 1000, "strokes": [[{points}]]}}', encoding="utf-8")
    assert path.stat().st_size < MAX_JSON_BYTES
    done = _run_python(CLI, "recognize", str(path), "--top", "3")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["char"] == "一"
    assert _rss(done.stderr) < RSS_LIMIT_MB


def test_recognize_notes_strokes_beyond_the_limit(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """50 strokes: candidates are printed, with a one-line note that only the first 40 were recognized."""
    strokes = [[[10 + k, 10 + 15 * math.floor(k / 2)], [90, 10 + 15 * math.floor(k / 2)]] for k in range(50)]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"width": 800, "height": 800, "strokes": strokes})))
    assert main(["recognize", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)
    assert captured.err.strip() == f"note: 50 strokes given; only the first {MAX_STROKES} were recognized"


@pytest.mark.parametrize(("document", "message"), [
    ("[" * 200_000, "nested too deeply"),
    ('{"width": 5e-324, "height": 10, "strokes": [[[1, 1], [2, 2]]]}', '"width" must be a positive number'),
])
def test_recognize_refuses_hostile_documents_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         document: str, message: str) -> None:
    """JSON nested 200,000 deep, or a canvas so small its scale is infinite: exit 2, one line, no traceback."""
    monkeypatch.setattr("sys.stdin", io.StringIO(document))
    assert main(["recognize", "-"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_huge_coordinates_are_clamped_to_the_canvas() -> None:
    """Points at ±1e308 (which overflow when scaled) are clamped to the square's edges, not an error."""
    assert bound_strokes([[(1e308, 1e308), (-1e308, 5.0)]], 10, 10) == [[(1000, 1000), (0, 500)]]
    with Recognizer() as recognizer:
        assert recognizer.classify([[(5.0, -1e308), (5.0, 1e308)]], 10, 10, top=1)[0].char == "丨"
