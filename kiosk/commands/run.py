"""``kiosk run``: start the resident kiosk."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kiosk.core.errors import KioskError


def parse_size(text: str) -> tuple[int, int]:
    """'1080x1920' → (1080, 1920)."""
    try:
        w, h = text.lower().replace("×", "x").split("x")
        size = (int(w), int(h))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1080x1920, got {text!r}") from None
    if min(size) < 320 or max(size) > 8000:
        raise argparse.ArgumentTypeError(f"size {text} is out of range (320–8000 px per side)")
    return size


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="start the kiosk (fullscreen; --windowed for development)",
                       description="Start the resident kiosk on the database. Needs a display; on a headless "
                                   "machine set QT_QPA_PLATFORM=offscreen (or run under xvfb-run).")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of fullscreen")
    p.add_argument("--size", type=parse_size, metavar="WxH", default=None,
                   help="window size with --windowed, e.g. 1080x1920 (default 1280x800)")
    p.add_argument("--config", metavar="PATH", default=None,
                   help="terminal configuration file (default: config.toml in the data directory, if any)")
    p.add_argument("--self-test", action="store_true",
                   help="offscreen: open the database, build every screen, check Chinese glyphs, exit")
    # benchmarks/startup.py: print a JSON line once the kiosk is painted and idle, then quit (kiosk.ui.readiness)
    p.add_argument("--ready-report", choices=("first", "home", "tour"), default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)


def has_display() -> bool:
    """True when Qt can show a window: a display server or an explicit QT_QPA_PLATFORM."""
    return bool(os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY") or os.name == "nt")


def cmd_run(args: argparse.Namespace) -> int:
    if args.self_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not has_display():
        raise KioskError(
            "no display found: run this on a desktop, under `xvfb-run kiosk run --windowed`, "
            "or set QT_QPA_PLATFORM=offscreen to run without showing a window"
        )
    from kiosk.ui.app import RunOptions, run

    return run(RunOptions(db=args.db, config=args.config, windowed=bool(args.windowed), size=args.size,
                          self_test=bool(args.self_test), ready_report=args.ready_report))
