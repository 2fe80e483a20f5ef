"""Short excerpts of longer text for list cards: cut where a reader expects a cut, never mid-word."""

from __future__ import annotations

import re

ELLIPSIS = "…"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def excerpt(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (the ellipsis included) with "…" when it was longer.

    Text with spaces between words (English) is cut at the last space before the limit, so no word
    is cut in two; a trailing comma or similar goes with the cut. Chinese, which has no spaces, is cut
    at the limit (every character is a word boundary there), after a full stop or comma when one is
    near the end. ``limit`` below 2 is treated as 2.
    """
    text = " ".join(text.split())
    limit = max(2, limit)
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    head = text[:room]
    if text[room] != " " and not _CJK.match(text[room]) and " " in head:
        head = head[:head.rindex(" ")]  # do not cut a word: back to the last space
    elif _CJK.match(text[room - 1]):
        stop = max(head.rfind(p) for p in "。！？；，、")
        if stop >= room * 0.75:
            head = head[:stop]
    head = head.rstrip(" ,;:.-–—，、；：")
    return head + ELLIPSIS
