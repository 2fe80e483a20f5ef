"""The spreadsheet (flat CSV) format and the pieces every importer shares.

**The flat CSV** has one row per service; its phones, opening hours, documents and locations are
spread over numbered columns (``phone_1``, ``phone_1_description``, ``phone_2`` …, ``hours_1``,
``document_1``, ``location_1_address`` …). It is written in UTF-8 *with* a byte-order mark, so that
Excel and WPS open the Chinese text correctly, with CRLF line ends. Mobile numbers are written as
``138-1234-5678`` so that a spreadsheet does not turn them into ``1.38E+10``; the importer
normalises every number again. Lists inside one cell (languages, accessibility notes) are one item
per line.

On import, a column that is absent leaves that field as it is; a present column replaces it (an
empty cell clears it). A row with an empty ``id`` makes a new listing. The columns ``id``,
``name`` and ``category`` must be there; an unknown column is an error (a misspelt ``phnoe_1``
would otherwise be silently ignored). Chinese headers (名称, 类别, 电话1 …) are accepted too.
Row numbers in reports are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
import difflib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.exchange.cells import neutralise_cell
from kiosk.core.limits import CELL_MAX_CHARS, IMPORT_FILE_MAX_BYTES
from kiosk.core.listings.editing import get_listing, list_listings
from kiosk.core.listings.fields import Declared, FieldPath, Listing, groups, label_of, scalars
from kiosk.core.listings.validation import check_coordinate, check_count, hours_in_words

# ------------------------------------------------------------------------------ shared pieces


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong in an import file: where (file, spreadsheet row, column) and what."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第 {self.row} 行 (row {self.row})")
        if self.column:
            label = column_label(self.column)
            column = self.column if len(self.column) <= 40 else self.column[:37] + "…"
            where.append(f"列 {column}" + (f"（{label}）" if label != self.column else ""))
        return "，".join(where) + "：" + self.message


Locator = Callable[[FieldPath], tuple[str, int | None, str | None]]
"""Maps a FieldProblem's path (``("phones", 2, "number")``) to (file, row, column) in the import file."""


@dataclass
class Incoming:
    """One listing read from an import file, ready to be validated and applied."""

    file: str
    row: int
    listing: Listing
    exists: bool
    locate: Locator


@dataclass
class Parsed:
    """What a parser found: listings, organizations to upsert, problems (errors) and warnings."""

    listings: list[Incoming] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    services_sheet: bool = False
    """A services sheet (one row per service, the whole table) was read."""


@dataclass
class Table:
    """A CSV file read into memory: header and (spreadsheet row number, values by column)."""

    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def file_too_big(size: int) -> str:
    """The message for an import file above :data:`IMPORT_FILE_MAX_BYTES`."""
    limit = IMPORT_FILE_MAX_BYTES // (1024 * 1024)
    return (f"文件有 {size / (1024 * 1024):.1f} MB，超过 {limit} MB 的上限，请分成几个文件导入 "
            f"(larger than the limit of {limit} MB: split the file)")


def cell_too_long(length: int | None) -> str:
    """The message for a cell above :data:`CELL_MAX_CHARS` (``length`` when known)."""
    now = f"（现在 {length} 字）" if length is not None else ""
    return (f"格子里的文字超过 {CELL_MAX_CHARS} 字的上限{now}，请检查是否少了引号 "
            f"(a cell is longer than the limit of {CELL_MAX_CHARS} characters; an unclosed quote?)")


def column_label(column: str) -> str:
    """A column in plain words (``phone_2`` → ``电话 2``, ``location_1_address`` → ``地点 1 地址``), or the
    column itself."""
    path = column_path(column)
    return label_of(path) if path is not None else column


def resolve_category(value: str, categories: list[tuple[str, str, str | None]]) -> str | None:
    """A category id from an id, a Chinese name or an English name (any case); None if unknown."""
    text = value.strip().lower()
    for cid, name, name_en in categories:
        if text in (cid.lower(), name.lower(), (name_en or "").lower()):
            return cid
    return None


STATUS_ALIASES = {"active": "active", "在用": "active", "正常": "active", "开放": "active",
                  "inactive": "inactive", "暂停": "inactive", "temporarily closed": "inactive",
                  "retired": "retired", "已停用": "retired", "停用": "retired", "defunct": "retired"}


def categories_of(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    return [(r["id"], r["name"], r["name_en"]) for r in conn.execute(
        "SELECT id, name, name_en FROM categories ORDER BY sort_order, id")]


def split_phones(cell: str) -> list[str]:
    """Several phone numbers in one cell (``0371-68123456、13812345678`` / one per line / ``;`` ``，`` ``/``)."""
    return [part.strip() for part in re.split(r"[\r\n;；、，,/]+", cell) if part.strip()]


def split_lines(cell: str) -> list[str]:
    """One item per line (also ；/; separated) → list."""
    return [part.strip() for part in re.split(r"[\r\n;；]+", cell) if part.strip()]


# ------------------------------------------------------------------------------ the flat CSV
# Every column comes from the field declarations (kiosk.core.listings.fields): a listing field's
# column is its name (``category`` for category_id), an entry field's is ``<prefix>_<n>`` plus its
# suffix (``phone_2``, ``phone_2_description``, ``location_1_address``).

_LISTING = [d for d in scalars(Listing) if d.column]
"""Listing fields in the flat CSV (``origin`` is not: it is where a listing came from)."""
BASE_COLUMNS = tuple(d.column for d in _LISTING if d.spec is not None and d.spec.kind != "lines")
_LINES_COLUMNS = tuple(d.column for d in _LISTING if d.spec is not None and d.spec.kind == "lines")
REQUIRED_COLUMNS = ("id", "name", "category")
_GROUPS = {d.group.prefix: d for d in groups() if d.group is not None}
_BY_COLUMN = {d.column: d for d in _LISTING}


def _parts(entry: type) -> list[Declared]:
    return list(scalars(entry))


def _entry_column(prefix: str, n: int, part: Declared) -> str:
    return f"{prefix}_{n}" + (f"_{part.column}" if part.column else "")


# Entry numbers have at most 3 digits: a column number of 5,000 digits is an unknown column, not an int() error.
_ENTRY = re.compile(r"^(" + "|".join(_GROUPS) + r")_([0-9]{1,3})(?:_([a-z_]+))?$")


def column_path(column: str) -> FieldPath | None:
    """Where a (canonical) column's value goes in a listing: ``phone_2`` → ``("phones", 2, "number")``."""
    if column in _BY_COLUMN:
        return (_BY_COLUMN[column].name,)
    match = _ENTRY.match(column)
    if match is None:
        return None
    d = _GROUPS[match.group(1)]
    assert d.group is not None
    suffix = match.group(3) or ""
    for part in _parts(d.group.entry):
        if part.column == suffix:
            return (d.name, int(match.group(2)), part.name)
    return None


def _header_names() -> dict[str, str]:
    """Chinese header → column, for listing fields (labels and aliases)."""
    names: dict[str, str] = {}
    for d in _LISTING:
        assert d.spec is not None
        for name in (d.spec.label, *d.spec.aliases):
            names.setdefault(name, d.column)
    return names


_HEADER_NAMES = _header_names()


def _numbered_header(text: str) -> str | None:
    """``电话2`` / ``电话 2`` / ``电话2说明`` / ``地址1`` / ``地点1地址`` → the entry column."""
    match = re.match(r"^(\D+?)\s*([0-9]{1,3})\s*(\D*)$", text)
    if match is None:
        return None
    head, n, tail = match.group(1), int(match.group(2)), match.group(3).strip()
    for d in _GROUPS.values():
        assert d.group is not None
        for part in _parts(d.group.entry):
            assert part.spec is not None
            names = set(part.spec.aliases) if not tail else set()
            if tail and head == d.group.label and tail in (part.spec.label, *part.spec.aliases):
                return _entry_column(d.group.prefix, n, part)
            if not tail and (head in names or (head == d.group.label and part.column == "")):
                return _entry_column(d.group.prefix, n, part)
    return None


def canonical_column(column: str) -> str | None:
    """The flat-CSV column a header cell means (English id or Chinese name), or None if unknown."""
    text = column.strip()
    low = text.lower()
    if low in _BY_COLUMN or column_path(low) is not None:
        return low
    if text in _HEADER_NAMES:
        return _HEADER_NAMES[text]
    return _numbered_header(text)


def flat_header(counts: dict[str, int]) -> list[str]:
    """The export header for up to ``counts[prefix]`` phones/hours/documents/locations."""
    header = list(BASE_COLUMNS)
    for prefix, d in _GROUPS.items():
        assert d.group is not None
        for n in range(1, counts.get(prefix, 1) + 1):
            header += [_entry_column(prefix, n, part) for part in _parts(d.group.entry)]
    return header + list(_LINES_COLUMNS)


def spreadsheet_phone(number: str) -> str:
    """A mobile number as 138-1234-5678 so spreadsheets keep it as text (normalised on import)."""
    if re.fullmatch(r"1[3-9]\d{9}", number):
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return number


def cell_text(d: Declared, value: Any) -> str:
    """A value as a spreadsheet cell."""
    assert d.spec is not None
    if value is None:
        return ""
    if d.spec.kind == "lines":
        return "\n".join(value)
    if d.spec.kind == "phones":
        return "、".join(spreadsheet_phone(number) for number in value)
    if d.spec.kind == "phone":
        return spreadsheet_phone(value)
    if d.spec.kind == "hours":
        return hours_in_words(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def flat_row(listing: Listing) -> dict[str, str]:
    row = {d.column: cell_text(d, getattr(listing, d.name)) for d in _LISTING}
    for prefix, d in _GROUPS.items():
        assert d.group is not None
        for n, entry in enumerate(getattr(listing, d.name), start=1):
            for part in _parts(d.group.entry):
                row[_entry_column(prefix, n, part)] = cell_text(part, getattr(entry, part.name))
    return row


def export_flat(conn: sqlite3.Connection, out: Path) -> int:
    """Write every listing (retired ones too, with their status) as one flat CSV; return the count."""
    listings = []
    for summary in list_listings(conn):
        listing = get_listing(conn, summary.id)
        if listing is not None:
            listings.append(listing)
    counts = {prefix: max([1, *(len(getattr(x, d.name)) for x in listings)]) for prefix, d in _GROUPS.items()}
    header = flat_header(counts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n", extrasaction="raise")
        writer.writeheader()
        for listing in listings:
            row = flat_row(listing)
            # safe to open in a spreadsheet (OWASP CSV injection); the importer strips the prefix again
            writer.writerow({col: neutralise_cell(row.get(col, "")) for col in header})
    return len(listings)


def map_columns(table: Table, canonical: Callable[[str], str | None], parsed: Parsed,
                what: str = "") -> dict[str, str]:
    """Canonical column → the header cell that names it; unknown and repeated columns are problems."""
    columns: dict[str, str] = {}
    for cell in table.header:
        if not cell:
            continue
        name = canonical(cell)
        if name is None:
            parsed.problems.append(ImportProblem(
                table.file, 1, cell, f"不认识这一列：请检查拼写（{what}列名见导出的文件或 docs/workers.md），"
                                     "或删掉这一列 (unknown column)"))
        elif name in columns:
            parsed.problems.append(ImportProblem(table.file, 1, cell, f"和列“{columns[name]}”是同一列 "
                                                                      "(duplicate column)"))
        else:
            columns[name] = cell
    return columns


def parse_flat(conn: sqlite3.Connection, table: Table) -> Parsed:
    """Read a flat CSV table into listings (not validated yet: see kiosk.core.exchange.transfer)."""
    parsed = Parsed()
    columns = map_columns(table, canonical_column, parsed)
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            parsed.problems.append(ImportProblem(
                table.file, 1, required, f"缺少必需的列“{required}”（{column_label(required)}）"
                                         f" (missing column '{required}')"))
    if parsed.problems:
        return parsed
    numbers: dict[str, set[int]] = {prefix: set() for prefix in _GROUPS}
    for canonical in columns:
        if match := _ENTRY.match(canonical):
            numbers[match.group(1)].add(int(match.group(2)))
    existing = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM services")}
    cats = categories_of(conn)
    for row_number, raw in table.rows:
        values = {canonical: raw.get(cell, "") for canonical, cell in columns.items()}
        parsed.listings.append(_flat_listing(conn, table.file, row_number, values, numbers, existing, cats, parsed))
    return parsed


def read_cell(d: Declared, text: str, categories: list[tuple[str, str, str | None]]) -> tuple[Any, str | None]:
    """A cell's text as the field's value (not validated yet), or a message when it cannot be read."""
    assert d.spec is not None
    kind = d.spec.kind
    if kind == "lines":
        return split_lines(text), None
    if kind == "phones":
        return split_phones(text), None
    if kind == "int":
        return check_count(text)
    if kind in ("latitude", "longitude"):
        return check_coordinate(text, latitude=kind == "latitude")
    if kind == "category":
        return resolve_category(text, categories) or text, None
    if d.name == "status":
        return STATUS_ALIASES.get(text.strip().lower(), text) or "active", None
    if d.optional:
        return text or None, None
    return text, None


def _flat_listing(conn: sqlite3.Connection, file: str, row: int, values: dict[str, str],
                  numbers: dict[str, set[int]], existing: dict[str, str], cats: list[tuple[str, str, str | None]],
                  parsed: Parsed) -> Incoming:
    ident = values.get("id") or None
    if ident is not None and ident not in existing:
        close = difflib.get_close_matches(ident, list(existing), n=3, cutoff=0.6)
        if close:  # a mistyped id must not quietly make a second listing
            parsed.problems.append(ImportProblem(file, row, "id", (
                f"没有编号为“{ident[:60]}”的服务。是不是：{'、'.join(f'{c}（{existing[c]}）' for c in close)}？"
                "新服务请把编号留空 (unknown id; for a new listing leave the id empty)")))
    elif ident is None and values.get("name", "").strip():
        name = values["name"].strip()
        same = [sid for sid, stored in existing.items() if stored == name]
        if len(same) == 1:  # a row without an id is the listing of that name, not a copy of it
            ident = same[0]
            parsed.warnings.append(ImportProblem(file, row, "id", f"没有编号，按名称对应到已有的服务“{name}”[{ident}] "
                                                                  f"(no id: matched the existing listing by name)"))
    exists = ident is not None and ident in existing
    listing = (get_listing(conn, ident) if exists and ident else None) or Listing(id=ident, origin="import")

    def read(d: Declared, column: str) -> Any:
        value, message = read_cell(d, values.get(column, ""), cats)
        if message:
            parsed.problems.append(ImportProblem(file, row, column, message))
        return value

    for d in _LISTING:
        if d.column in values and d.name != "id":
            setattr(listing, d.name, read(d, d.column))
    # Entries the compactor will drop (empty groups) shift numbering: the columns of the non-empty
    # entries, in order, map a problem's entry number back to its column number.
    used: dict[str, list[int]] = {}
    for prefix, d in _GROUPS.items():
        assert d.group is not None
        if not numbers[prefix]:
            continue
        entries = []
        used[d.name] = []
        for n in sorted(numbers[prefix]):
            parts = {part.name: read(part, _entry_column(prefix, n, part)) for part in _parts(d.group.entry)}
            entries.append(d.group.entry(**parts))
            if any(values.get(_entry_column(prefix, n, part)) for part in _parts(d.group.entry)):
                used[d.name].append(n)
        setattr(listing, d.name, entries)

    def locate(path: FieldPath) -> tuple[str, int | None, str | None]:
        if len(path) == 3 and isinstance(path[1], int):
            d = next(g for g in _GROUPS.values() if g.name == path[0])
            assert d.group is not None
            cols = used.get(d.name, [])
            index = path[1] - 1
            n = cols[index] if 0 <= index < len(cols) else path[1]
            part = next(p for p in _parts(d.group.entry) if p.name == path[2])
            return file, row, _entry_column(d.group.prefix, n, part)
        head = next((d for d in _LISTING if d.name == path[0]), None)
        return file, row, head.column if head is not None else str(path[0])

    return Incoming(file, row, listing, exists, locate)
