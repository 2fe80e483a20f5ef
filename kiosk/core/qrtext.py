"""How much text a kiosk QR code may carry, and how a too-long text is shortened (no Qt here).

A listing's content decides the payload's length (issue #20: a 760-character name or 40 phones made
the encoder raise and sent the resident home on every visit). So the text is kept within
:data:`MAX_BYTES` — the most a version-15 code holds, whose modules are still about 3 px on the
smallest panel — by :func:`fit_text`, which takes the first of several shorter payloads that fits
and else cuts the last one. The screen's code (kiosk.ui.widgets.qr) and the printed slip
(kiosk.core.slip, kiosk.ui.printing) use the same rule, so both carry the same text.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_BYTES = 412
"""UTF-8 bytes a version-15 code holds at error correction M (tests check it against segno)."""
ELLIPSIS = "…"


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, limit: int = MAX_BYTES) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its longest head that fits with "…" after it."""
    if utf8_size(text) <= limit:
        return text
    head = text.encode("utf-8")[: limit - utf8_size(ELLIPSIS)].decode("utf-8", "ignore")
    return head + ELLIPSIS


def fit_text(candidates: Sequence[str], limit: int = MAX_BYTES) -> str:
    """The first of ``candidates`` (longest, most useful first) that fits, else the last one cut to fit."""
    for text in candidates:
        if utf8_size(text) <= limit:
            return text
    return cut(candidates[-1], limit) if candidates else ""
