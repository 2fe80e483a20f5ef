"""``kiosk run``: start the resident kiosk."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kiosk.core.errors import KioskError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="start the kiosk (fullscreen; --windowed for development)",
                       description="Start the resident kiosk on the database. Needs a display; on a headless "
                                   "machine set QT_QPA_PLATFORM=offscreen (or run under xvfb-run).")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of fullscreen")
    p.add_argument("--self-test", action="store_true",
                   help="offscreen: open the database, build every screen, check Chinese glyphs, exit")
    p.set_defaults(func=cmd_run)


def has_display() -> bool:
    """True when Qt can show a window: a display server or an explicit QT_QPA_PLATFORM."""
    return bool(os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY") or os.name == "nt")


def cmd_run(args: argparse.Namespace) -> int:
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not has_display():
        raise KioskError(
            "no display found: run this on a desktop, under `xvfb-run kiosk run --windowed`, "
            "or set QT_QPA_PLATFORM=offscreen to run without showing a window"
        )
    from kiosk.ui.app import run

    return run(args)
