"""``recognize``: run the handwriting recognizer on strokes from a JSON file (testing and support)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.commands._common import database_path


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "recognize", parents=[common], help="recognize a handwritten character from strokes in a JSON file",
        description='Read {"width": W, "height": H, "strokes": [[[x, y], ...], ...]} (strokes in writing '
                    'order, y downwards) from a file or - (standard input) and print the candidates as a JSON '
                    'list of {"char", "score"}, best first. At most 4 MB of input; the first 40 strokes are '
                    'recognized, each reduced to its corners. Exit code 2: bad input; 3: no recognizer '
                    '(install the Debian packages libzinnia0 and tegaki-zinnia-simplified-chinese).',
    )
    p.add_argument("strokes_json", metavar="STROKES_JSON", help="JSON file, or - for standard input")
    p.add_argument("--top", type=_positive, default=10, metavar="N", help="how many candidates (default 10)")
    p.add_argument("--domain", action="store_true",
                   help="re-rank like the kiosk does: prefer characters of the database's listings, "
                        "categories and synonyms (see --db)")
    p.add_argument("--strict-order", action="store_true",
                   help="only the stroke order as written (no neighbour-swapped orders)")
    p.add_argument("--model", metavar="PATH", default=None,
                   help="Zinnia model file (default: $KIOSK_ZINNIA_MODEL, the bundle, /usr/share/tegaki/…)")
    p.add_argument("--library", metavar="PATH", default=None,
                   help="Zinnia shared library (default: $KIOSK_ZINNIA_LIBRARY, the bundle, the system's)")
    p.set_defaults(func=cmd_recognize)


def _read_bounded(name: str) -> str:
    """The strokes document, read no further than MAX_JSON_BYTES + 1 (StrokesFormatError beyond it)."""
    from kiosk.core.handwriting import MAX_JSON_BYTES, StrokesFormatError

    data: bytes | str
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(MAX_JSON_BYTES + 1) if stream is not None else sys.stdin.read(MAX_JSON_BYTES + 1)
        else:
            with Path(name).open("rb") as handle:
                data = handle.read(MAX_JSON_BYTES + 1)
        if len(data) > MAX_JSON_BYTES:
            raise StrokesFormatError(
                f"{'standard input' if name == '-' else name} is larger than {MAX_JSON_BYTES // 1_000_000} MB; "
                f"a written character is a few kilobytes: send one character's strokes"
            )
        return data.decode("utf-8") if isinstance(data, bytes) else data
    except (OSError, UnicodeDecodeError) as exc:
        raise StrokesFormatError(f"cannot read {name}: {exc}") from exc


def cmd_recognize(args: argparse.Namespace) -> int:
    from kiosk.core.handwriting import MAX_STROKES, Recognizer, candidates_json, parse_strokes_json

    written = parse_strokes_json(_read_bounded(args.strokes_json))
    strokes = sum(1 for stroke in written.strokes if stroke)
    if strokes > MAX_STROKES:
        print(f"note: {strokes} strokes given; only the first {MAX_STROKES} were recognized", file=sys.stderr)
    chars: frozenset[str] | None = None
    if args.domain:
        from kiosk.core.db.connection import connect
        from kiosk.core.handwriting import domain_chars

        conn = connect(database_path(args), readonly=True)
        try:
            chars = domain_chars(conn)
        finally:
            conn.close()
    with Recognizer(args.model, args.library) as recognizer:
        candidates = recognizer.classify(written.strokes, written.width, written.height, top=args.top,
                                         domain_chars=chars, order_tolerant=not args.strict_order)
    print(candidates_json(candidates))
    return 0
