"""Digits that could be a phone or ID number are masked before any resident-typed text is kept.

A resident searching for 13812345678 or an ID number must not leave it in the terminal's database,
in a report for the office, or in a printout. So every run of three or more digits — ASCII,
full-width (１２３) or any other script's decimal digits — becomes :data:`MASK`, and so does the
check character ``X`` that ends an 18-character ID number (17 digits and X). One or two digits stay
(``2号楼``, ``12路``): they do not identify a person and keep the searches readable.
"""

from __future__ import annotations

import re

MASK = "•••"
"""What a run of digits becomes, whatever its length (the length would say what kind of number it was)."""
MIN_RUN = 3
ID_DIGITS = 17
"""An 18-character ID number is 17 digits and a check character that may be X."""

_RUN = re.compile(r"(\d{3,})([XxＸｘ])?")


def _masked(match: re.Match[str]) -> str:
    digits, check = match.group(1), match.group(2)
    if check and len(digits) < ID_DIGITS:
        return MASK + check  # 123x: only an ID number's check character goes with its digits
    return MASK


def mask_digits(text: str) -> str:
    """``text`` with every run of 3+ digits (and an ID number's trailing X) replaced by ``•••``."""
    return _RUN.sub(_masked, text)
