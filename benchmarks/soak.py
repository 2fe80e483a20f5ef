"""Soak (monkey) test: ≥ 100 000 random taps over every resident screen, offscreen, fixed seed.

    python3 benchmarks/soak.py                      # 100 000 taps, seed 8, portrait 1080×1920
    python3 benchmarks/soak.py --taps 20000 --seed 3

The kiosk is built exactly as ``kiosk run`` builds it (runtime database in a temporary data directory,
so usage counts and no-result searches are really written; the crash guard installed; read-aloud on
Qt's silent ``mock`` engine so its buttons are exercised too). Each step picks, with a fixed seed,
one visible and enabled thing a finger could tap on the current screen — a button, a tile, a card,
a row of a list, the handwriting pad, or the background — and clicks it. Now and then it fires the
idle reset, switches the language, elder mode or high contrast, turns the screen between portrait
and landscape, or scrolls a page.

Printed: every exception (uncaught ones reach the crash guard; ones raised straight into a tap are
caught here) — the target is 0; the resident set size (VmRSS, and its heap and file-mapped parts) at
start, after warm-up, in the middle and at the end, each taken at rest (after an idle reset and the
memory it releases) — the target is < 5 % growth of the heap (RssAnon) from warm-up to the end (the
file-mapped part grows as more of the CJK font's glyphs and of the libraries are touched, bounded by
their size; /proc/self/smaps showed +2.9 MB of the 5 MB font over 15 000 steps); Python objects and Qt
objects alive at the same points (to find a leak when there is one); taps per second and the
screens visited. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractScrollArea, QApplication, QWidget

from kiosk.core.db.runtime import open_runtime_database
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.paths import bundled_db_path
from kiosk.ui.app import build_kiosk, idle_reset
from kiosk.ui.context import shanghai_now
from kiosk.ui.crash import CrashGuard
from kiosk.ui.memory import release_idle_memory
from kiosk.ui.readiness import rss_kb
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets.clickcard import ClickCard
from kiosk.ui.window import KioskWindow

SIZES = ((1080, 1920), (1920, 1080))


def flush_deletes() -> None:
    """Run pending events and deleteLater() deletions (a script's processEvents alone does not)."""
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def tappable(window: KioskWindow) -> list[QWidget]:
    """What a finger could tap now: visible, enabled buttons, cards, lists, pads, and the page itself."""
    screen = window.nav.current()
    roots: list[QWidget] = [w for w in (screen, window.status_bar, window.nav_bar) if w is not None and w.isVisible()]
    # the language / elder / contrast toggles are pressed by the loop itself, at a realistic rate
    skip = {window.status_bar.language_button, window.status_bar.elder_button, window.status_bar.contrast_button}
    found: list[QWidget] = []
    for root in roots:
        for w in [root, *root.findChildren(QWidget)]:
            if w in skip or not (w.isVisible() and w.isEnabled()):
                continue
            if (isinstance(w, QAbstractButton | ClickCard | QAbstractItemView) or w.property("touch_target")
                    or type(w).__name__ == "WritingArea" or isinstance(w, Screen)):
                found.append(w)
    return found


def tap(rng: random.Random, widget: QWidget) -> None:
    if isinstance(widget, QAbstractItemView):
        model = widget.model()
        rows = model.rowCount() if model is not None else 0
        if rows:
            index = model.index(rng.randrange(rows), 0)
            widget.scrollTo(index)
            rect = widget.visualRect(index)
            if rect.isValid():
                QTest.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                 rect.center())
                return
        QTest.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton)
        return
    width, height = max(1, widget.width()), max(1, widget.height())
    pos = QPoint(rng.randrange(width), rng.randrange(height)) if isinstance(widget, Screen) else widget.rect().center()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def scroll_somewhere(rng: random.Random, window: KioskWindow) -> None:
    screen = window.nav.current()
    areas = [a for a in screen.findChildren(QAbstractScrollArea) if a.isVisible()] if screen else []
    if areas:
        bar = rng.choice(areas).verticalScrollBar()
        bar.setValue(rng.randint(bar.minimum(), bar.maximum()))


def snapshot(label: str, window: KioskWindow) -> dict[str, Any]:
    """Memory and objects of the kiosk at rest: after an idle reset and what it releases (the state a
    terminal returns to between residents; otherwise the figure depends on, e.g., whether the last
    resident had the 27 MB handwriting model open)."""
    idle_reset(window)
    release_idle_memory()
    flush_deletes()
    gc.collect()
    return {"label": label, "rss": rss_kb(), "anon": rss_kb("RssAnon"), "file": rss_kb("RssFile"),
            "py": len(gc.get_objects()), "qt": len(window.findChildren(QObject)),
            "widgets": len(QApplication.allWidgets())}


def run(taps: int, seed: int) -> int:
    rng = random.Random(seed)
    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    conn = open_runtime_database(data_dir, bundled_db_path(), now=shanghai_now())
    window = build_kiosk(conn, Config(), clock=shanghai_now)
    window.resize(*SIZES[0])
    window.show()
    guard = CrashGuard(window, exit_app=lambda status: None)
    guard.install()
    problems: list[str] = []
    guard.recovered.connect(lambda screen: problems.append(f"uncaught error on {screen} (see the log line above)"))
    import logging

    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")

    visits: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    checkpoints = {0: "start", taps // 10: "after warm-up", taps // 2: "middle"}
    marks: list[dict[str, Any]] = []
    flush_deletes()
    started = time.perf_counter()
    candidates: list[QWidget] = []
    candidates_for: tuple[str | None, int] = (None, -1)
    for step in range(taps):
        if step in checkpoints:
            marks.append(snapshot(checkpoints[step], window))
            started_at_mark = time.perf_counter()
            if step == taps // 10:
                started, warm_steps = started_at_mark, step
        roll = rng.random()
        try:
            if roll < 0.002:
                idle_reset(window)
                actions["idle reset"] += 1
            elif roll < 0.005:
                window.ctx.toggle_language()
                actions["language"] += 1
            elif roll < 0.007:
                window.ctx.set_elder_mode(not window.ctx.elder)
                actions["elder mode"] += 1
            elif roll < 0.008:
                window.ctx.set_contrast(not window.ctx.contrast)
                actions["contrast"] += 1
            elif roll < 0.0085:
                window.resize(*SIZES[rng.randrange(2)])
                actions["rotate"] += 1
            elif roll < 0.02:
                scroll_somewhere(rng, window)
                actions["scroll"] += 1
            else:
                key = (window.nav.current_name, id(window.nav.current()))
                if (key[0], step // 25) != candidates_for or not candidates:
                    candidates = tappable(window)
                    candidates_for = (key[0], step // 25)
                target = rng.choice(candidates)
                try:
                    alive = target.isVisible() and target.isEnabled()
                except RuntimeError:  # deleted since the list was made
                    alive = False
                if not alive:
                    candidates = tappable(window)
                    target = rng.choice(candidates)
                tap(rng, target)
                actions["tap"] += 1
        except Exception as exc:  # raised straight into the tap (a Python override called by QTest)
            problems.append(f"step {step} on {window.nav.current_name}: {type(exc).__name__}: {exc}")
            traceback.print_exc()
            guard.handle((type(exc), exc, exc.__traceback__))
        flush_deletes()  # as the real event loop does after each event
        visits[window.nav.current_name or "-"] += 1
    elapsed = time.perf_counter() - started
    marks.append(snapshot("end", window))
    guard.uninstall()

    print(f"soak: {taps} steps (seed {seed}), {actions['tap']} taps; " +
          ", ".join(f"{n} {a}" for a, n in sorted(actions.items()) if a != "tap"))
    print("screens (steps spent on each): " + ", ".join(f"{s} {n}" for s, n in visits.most_common()))
    print(f"exceptions: {len(problems)} (crash guard saw {guard.errors})")
    for line in problems[:20]:
        print(f"  {line}")
    print("memory at rest (after an idle reset):")
    print(f"{'when':<14} {'RSS MB':>8} {'heap MB':>8} {'files MB':>8} {'py objects':>11} {'Qt objects':>11} "
          f"{'widgets':>8}")
    for m in marks:
        print(f"{m['label']:<14} {m['rss'] / 1024:>8.1f} {m['anon'] / 1024:>8.1f} {m['file'] / 1024:>8.1f} "
              f"{m['py']:>11} {m['qt']:>11} {m['widgets']:>8}")
    warm = next(m for m in marks if m["label"] == "after warm-up")
    end = marks[-1]
    growth = (end["rss"] - warm["rss"]) / warm["rss"] * 100
    heap_growth = (end["anon"] - warm["anon"]) / warm["anon"] * 100
    rate = (taps - warm_steps) / elapsed if elapsed else 0.0
    print(f"RSS growth after warm-up: {growth:+.2f} %; of it the heap (a leak would show here): "
          f"{heap_growth:+.2f} % (target < 5 %), file-mapped pages {(end['file'] - warm['file']) / 1024:+.1f} MB "
          f"(the font's and libraries' pages touched for the first time: bounded by their size)")
    print(f"speed: {rate:.0f} steps per second after warm-up")
    conn.close()
    return 0 if not problems and guard.errors == 0 and heap_growth < 5.0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taps", type=int, default=100_000, help="random steps (default 100 000)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if args.taps < 20:
        parser.error("--taps must be at least 20")
    return run(args.taps, args.seed)


if __name__ == "__main__":
    raise SystemExit(main())
