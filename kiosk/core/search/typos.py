"""One mistyped key on the touch keyboard: the neighbouring keys, and the words one slip away.

A finger that aims at ``o`` on the touch keyboard may land on ``i`` or ``p``; "yanglai" was meant as
"yanglao". :func:`one_key_variants` gives every word that differs from the typed one in a single
letter replaced by a neighbour of it on the keyboard, nearest keys first. Search
(:mod:`kiosk.core.search.ranking`) tries them only when the query as typed finds nothing or little,
and says which it used ("您是不是要找：yanglao").

The layout is the touch keyboard's letter page (``kiosk.ui.widgets.keyboard.LETTER_ROWS``, a test
keeps the two equal): three rows, each centred under the one above, so ``a`` sits between ``q`` and
``w`` and ``z`` between ``s`` and ``d``. Two keys are neighbours when they touch: side by side in a
row, or overlapping in the row above or below.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

__all__ = ["KEYBOARD_ROWS", "NEIGHBOURS", "one_key_variants"]

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
"""The touch keyboard's letter rows, top to bottom."""


def _positions() -> dict[str, tuple[int, float]]:
    widest = max(len(r) for r in KEYBOARD_ROWS)
    return {ch: (row, i + (widest - len(keys)) / 2)
            for row, keys in enumerate(KEYBOARD_ROWS) for i, ch in enumerate(keys)}


def _touch(rows_apart: int, dx: float) -> bool:
    """Side by side in one row, or overlapping in the next row up or down (keys are one unit wide)."""
    return (rows_apart == 0 and abs(dx) <= 1.0) or (abs(rows_apart) == 1 and abs(dx) < 1.0)


def _neighbours() -> dict[str, str]:
    pos = _positions()
    out: dict[str, str] = {}
    for ch, (row, x) in pos.items():
        near = [(math.hypot(x2 - x, row2 - row), other) for other, (row2, x2) in pos.items()
                if other != ch and _touch(row2 - row, x2 - x)]
        out[ch] = "".join(other for _d, other in sorted(near))
    return out


NEIGHBOURS: dict[str, str] = _neighbours()
"""Letter → the letters whose keys touch it, nearest first (``"o"`` → ``"ipkl"``)."""


def one_key_variants(word: str) -> Iterator[str]:
    """The words ``word`` would be had one of its letters been its keyboard neighbour instead.

    Lower-case a–z only (anything else yields nothing). Positions from the last letter back
    (slips at the end of a word are the ones not yet noticed), nearest neighbours first.
    """
    if not word or not word.isascii() or not word.isalpha():
        return
    word = word.lower()
    for i in range(len(word) - 1, -1, -1):
        for other in NEIGHBOURS.get(word[i], ""):
            yield word[:i] + other + word[i + 1:]
