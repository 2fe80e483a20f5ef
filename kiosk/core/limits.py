"""The bounds on what people type and hand us, in one place, and strict parsers that enforce them.

Why: a number like ``፩`` (an Ethiopic digit, ``str.isdigit()`` is true but ``int()`` refuses it), a
count of 5,000 digits (Python's int-string limit), an id beyond SQLite's 64-bit INTEGER, the year
10000, or a 10 MB "name" cell each used to end in a traceback or a screen that cannot show the text.
Every command and importer checks against the table here, so a limit is changed once and the
messages (which name the limit) stay true. docs/robustness.md lists them.
"""

from __future__ import annotations

from datetime import date, datetime

from kiosk.core.errors import KioskError


class LimitError(KioskError):
    """A value is not a well-formed number or date, or lies outside its bounds."""

    exit_code = 2


# ------------------------------------------------------------------------------ numbers and dates

SQLITE_INT_MAX = 2**63 - 1
"""The largest row id (feedback item, change number) SQLite can store."""

COUNT_MAX = 1_000_000
"""The largest ``count`` of a listing (beds, seats, books …)."""

REPORT_DAYS_MAX = 3660
"""``kiosk report --days``: at most ten years."""

TOP_MAX = 1000
"""``kiosk report --top`` and ``kiosk search --limit``: lines per list."""

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)
"""Dates and moments people give (``--end``, ``--at``): the kiosk's working life, nothing else."""

# ------------------------------------------------------------------------------ files

CONFIG_FILE_MAX_BYTES = 64 * 1024
"""The terminal's config.toml: 64 KiB (the documented example is under 4 KiB)."""

IMPORT_FILE_MAX_BYTES = 20 * 1024 * 1024
"""One import file (a flat CSV, one HSDS table, datapackage.json): 20 MiB."""

IMPORT_ROWS_MAX = 20_000
"""Data rows per import file (the district has a few hundred listings; tests import 10,000)."""

IMPORT_COLUMNS_MAX = 500
"""Columns per import file."""

CELL_MAX_CHARS = 10_000
"""Any one cell of an import file, whatever its column."""

JSON_DEPTH_MAX = 20
"""Nesting of ``datapackage.json`` (an HSDS descriptor is 5 levels deep)."""

FIELD_MAX_CHARS: dict[str, int] = {
    "id": 100,
    "name": 200,
    "name_en": 200,
    "alternate_name": 200,
    "description": 5000,
    "description_en": 5000,
    "eligibility_description": 2000,
    "eligibility_description_en": 2000,
    "application_process": 2000,
    "application_process_en": 2000,
    "fees_description": 2000,
    "fees_description_en": 2000,
    "url": 500,
    "email": 200,
    "count_unit": 50,
    "count_unit_en": 50,
    "organization_id": 100,
    "phone": 40,
    "phone_extension": 10,
    "phone_type": 20,
    "phone_description": 200,
    "opening_hours": 500,
    "hours_description": 500,
    "document": 500,
    "location_id": 100,
    "location_name": 200,
    "address": 300,
    "community": 100,
    "transportation": 1000,
    "accessibility": 500,
    "language": 50,
}
"""Characters per field of a listing (editor and imports alike); names of fields as in the Listing."""


def field_max(name: str) -> int:
    """The character limit of a listing field (``CELL_MAX_CHARS`` for one not in the table)."""
    return FIELD_MAX_CHARS.get(name, CELL_MAX_CHARS)


def too_long(text: str | None, name: str) -> str | None:
    """None when ``text`` fits field ``name``'s limit, else a message naming the limit."""
    if text is None:
        return None
    limit = field_max(name)
    if len(text) <= limit:
        return None
    return f"超过 {limit} 字的上限（现在 {len(text)} 字），请缩短 (longer than the limit of {limit} characters)"


def parse_int(text: str, *, what: str, low: int, high: int) -> int:
    """A whole number written with ASCII digits 0–9 (a leading ``-`` allowed), between ``low`` and ``high``.

    Raises :class:`LimitError` naming ``what``, the text and the allowed range; never ValueError or
    OverflowError (``int()`` alone would take ``٣`` or ``1_000`` and choke on 5,000 digits).
    """
    shown = _shown(text)
    what = f"{what} " if what else ""  # argparse names the argument itself
    body = text.strip()
    digits = body[1:] if body.startswith("-") else body
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise LimitError(f"{what}“{shown}” 不是整数：请只用数字 0–9 (not a whole number: use the digits 0-9, "
                         f"between {low} and {high})")
    if len(digits) > len(str(max(abs(low), abs(high)))) + 1:
        raise LimitError(f"{what}“{shown}” 太大：应在 {low} 到 {high} 之间 (out of range {low}–{high})")
    value = int(body)
    if not low <= value <= high:
        raise LimitError(f"{what}{value} 超出范围：应在 {low} 到 {high} 之间 (out of range {low}–{high})")
    return value


def check_int(value: int, *, what: str, low: int, high: int) -> int:
    """``value`` itself when within ``low``…``high``, else :class:`LimitError` (for core callers)."""
    if not low <= value <= high:
        shown = str(value) if value.bit_length() < 256 else ("-" if value < 0 else "") + "（极大的数 a huge number）"
        raise LimitError(f"{what} {_shown(shown)} 超出范围：应在 {low} 到 {high} 之间 "
                         f"(out of range {low}–{high})")
    return value


def parse_date(text: str, *, what: str) -> date:
    """A date ``YYYY-MM-DD`` between :data:`DATE_MIN` and :data:`DATE_MAX`; else :class:`LimitError`."""
    shown = _shown(text)
    body = text.strip()
    try:
        if not body.isascii() or len(body) != 10:  # date.fromisoformat also takes 20260301 and 2026-W10-1
            raise ValueError(body)
        value = date.fromisoformat(body)
    except ValueError:
        raise LimitError(f"{what + ' ' if what else ''}“{shown}” 不是日期：请写成 YYYY-MM-DD，如 2026-03-01 "
                         "(not a date: write YYYY-MM-DD, e.g. 2026-03-01)") from None
    return check_date(value, what=what)


def check_date(value: date, *, what: str) -> date:
    """``value`` when between :data:`DATE_MIN` and :data:`DATE_MAX`, else :class:`LimitError`."""
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise LimitError(f"{what + ' ' if what else ''}{day.isoformat()} 超出范围：应在 {DATE_MIN} 到 {DATE_MAX} 之间 "
                         f"(out of range {DATE_MIN}–{DATE_MAX})")
    return value


def parse_moment(text: str, *, what: str) -> datetime:
    """An ISO date-time (``2026-10-01T10:00``, an offset allowed) within the date bounds."""
    shown = _shown(text)
    body = text.strip()
    try:
        if not body.isascii() or len(body) > 40:
            raise ValueError(body)
        value = datetime.fromisoformat(body)
    except ValueError:
        raise LimitError(f"{what} “{shown}” 不是日期时间：请写成如 2026-10-01T10:00 "
                         "(not an ISO date-time: write e.g. 2026-10-01T10:00)") from None
    check_date(value, what=what)
    return value


def _shown(text: str) -> str:
    """Text fit to quote in a one-line message: controls escaped, long text cut."""
    escaped = text.encode("unicode_escape", "backslashreplace").decode("ascii") if not text.isprintable() else text
    return escaped if len(escaped) <= 40 else escaped[:37] + "…"


def json_nesting(text: str) -> int:
    """How deeply ``[``/``{`` nest in JSON ``text`` (brackets inside strings do not count).

    Checked before :func:`json.loads`, which recurses once per level and would raise RecursionError (or
    take the stack) on a hostile file: a bundle manifest, an HSDS ``datapackage.json``.
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
