"""Cells that are safe to open in a spreadsheet (OWASP's CSV injection rule), and back.

Used by every export that a worker may open in Excel/WPS (the flat CSV) and by the importers, which
undo the prefix so that a round trip is exact.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "neutralise_cell", "restore_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise_cell(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a ``'`` before a cell that would start a formula.

    OWASP (CSV Injection): a cell beginning with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a single
    quote in front. A plain number (``-5``, ``+3.5``) is left alone: spreadsheets read it as a
    number, never as a formula. A text that already begins with quotes before such a character
    gets one more, so :func:`restore_cell` can always undo exactly what was added.
    """
    return "'" + text if _looks_like_formula(text.lstrip("'")) else text


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell`: drop the one ``'`` it put before a formula-like cell."""
    if text.startswith("'") and _looks_like_formula(text.lstrip("'")):
        return text[1:]
    return text
