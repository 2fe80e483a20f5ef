"""Check that quoted passages really occur in the seed text.

Matching ignores all white space (the article is laid out with blank lines and line breaks
that a quote need not reproduce) but is otherwise exact: every character, every quotation mark.
"""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Remove all white space, so that line breaks and indentation do not matter."""
    return _WS.sub("", text)


class SeedText:
    """A seed document prepared for passage look-ups."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._norm = normalize(text)

    def contains(self, passage: str) -> bool:
        """True when ``passage`` (white space ignored) occurs in the document."""
        norm = normalize(passage)
        return bool(norm) and norm in self._norm
