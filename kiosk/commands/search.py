"""``kiosk search``: the kiosk's search from the command line (same ranking as the screen)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands._common import database_path, int_arg
from kiosk.core.limits import TOP_MAX


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "search", parents=[common], help="search services, categories, hotlines, figures and news",
        description="Search as a resident would: Chinese of any length (卫生, 书), full pinyin (yanglao), "
                    "initials (ylfw), mixed (养lao), English (library), everyday words (看病, 借书) and "
                    "numbers (12349). Prints the ranked hits; exit status 0 even when nothing matches.")
    p.add_argument("query", metavar="QUERY", help="what to look for (quote it if it has spaces)")
    p.add_argument("--limit", metavar="N", type=int_arg(0, TOP_MAX), default=20,
                   help=f"at most N hits (default 20, at most {TOP_MAX})")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {kind, id, name, name_en, category, score, snippet}")
    p.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from kiosk.core.db.connection import connect
    from kiosk.core.errors import KioskError
    from kiosk.core.search.ranking import search

    if args.limit < 0:
        raise KioskError("--limit must be 0 or more")
    conn = connect(database_path(args), readonly=True)
    try:
        hits = search(conn, args.query, limit=args.limit)
    finally:
        conn.close()
    if args.json:
        print(json.dumps([{"kind": h.kind, "id": h.id, "name": h.name, "name_en": h.name_en,
                           "category": h.category_id, "score": h.score, "snippet": h.snippet,
                           **({"service_id": h.service_id, "place_id": h.place_id} if h.kind == "place" else {})}
                          for h in hits],
                         ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(f"no results for “{args.query}”")
        return 0
    width = max(len(h.kind) for h in hits)
    for n, h in enumerate(hits, 1):
        english = f"  ({h.name_en})" if h.name_en else ""
        ident = f"{h.service_id} @ {h.place_id}" if h.kind == "place" else h.id
        print(f"{n:>3}. {h.score:>5.0f}  {h.kind:<{width}}  {h.name}{english}  [{ident}]")
        if h.snippet:
            print(f"{'':>13}{'':<{width}}  {h.snippet}")
    return 0
