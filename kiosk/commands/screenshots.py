"""``kiosk screenshots OUTDIR``: every resident screen as a PNG, rendered offscreen."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.commands.run import parse_size


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("screenshots", parents=[common], help="render every resident screen to PNG (offscreen)",
                       description="Render each resident screen offscreen to OUTDIR/<screen>.png — for docs, "
                                   "for review, and for checking the UI on a machine with no display.")
    p.add_argument("outdir", metavar="OUTDIR", type=Path, help="folder for the PNG files (created if needed)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="interface language (default zh)")
    p.add_argument("--theme", choices=("standard", "elder", "contrast", "contrast-elder"), default="standard",
                   help="theme (default standard)")
    p.add_argument("--size", type=parse_size, metavar="WxH", default=(1080, 1920),
                   help="screen size, e.g. 1080x1920 (portrait, default) or 1920x1080")
    p.set_defaults(func=cmd_screenshots)


def cmd_screenshots(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.app import RunOptions, create_application, open_database
    from kiosk.ui.screenshots import render_screens

    create_application()
    conn = open_database(RunOptions(db=args.db))
    try:
        paths = render_screens(conn, args.outdir, lang=args.lang, theme=args.theme, size=args.size)
    finally:
        conn.close()
    w, h = args.size
    print(f"wrote {len(paths)} screenshots ({w}x{h}, {args.lang}, {args.theme}) to {args.outdir}")
    for path in paths:
        print(f"  {path}")
    return 0
