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
import io
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.limits import CELL_MAX_CHARS, IMPORT_COLUMNS_MAX, IMPORT_FILE_MAX_BYTES, IMPORT_ROWS_MAX
from kiosk.core.listings.editing import (
    DocumentEntry,
    HoursEntry,
    Listing,
    LocationEntry,
    PhoneEntry,
    get_listing,
    list_listings,
)
from kiosk.core.listings.validation import FIELD_LABELS, check_coordinate, check_count

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


Locator = Callable[[str], tuple[str, int | None, str | None]]
"""Maps a FieldProblem.field (``phones.2.number``) to (file, row, column) in the import file."""


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


@dataclass
class Table:
    """A CSV file read into memory: header and (spreadsheet row number, values by column)."""

    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


GBK_MESSAGE = ("文件是 GBK/GB2312 编码（Excel 默认的“CSV（逗号分隔）”），不是 UTF-8。请在 Excel 或 WPS 里选"
               "“另存为 → CSV UTF-8（逗号分隔）”，再导入这个新文件 (not UTF-8: save it as UTF-8, "
               "“CSV UTF-8”, and import again)")


def decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) for UTF-8 (BOM optional); else (None, a message saying how to fix the file)."""
    if data.startswith(b"PK\x03\x04"):
        return None, ("这是 Excel 工作簿（.xlsx），不是 CSV。请“另存为 → CSV UTF-8（逗号分隔）”后再导入 "
                      "(an Excel workbook: save it as “CSV UTF-8” first)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, ("文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）” "
                      "(UTF-16 text: save it as UTF-8, “CSV UTF-8”)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            return None, (f"文件不是 UTF-8 文本（第 {line} 行起有无法识别的字节），"
                          "请另存为“CSV UTF-8” (not UTF-8 text: save it as UTF-8)")
        return None, GBK_MESSAGE


def read_table(path: Path, *, name: str | None = None) -> tuple[Table | None, list[ImportProblem]]:
    """Read one CSV file; encoding problems and a missing header are reported, not raised."""
    label = name or path.name
    try:
        size = path.stat().st_size
        if size > IMPORT_FILE_MAX_BYTES:
            return None, [ImportProblem(label, None, None, file_too_big(size))]
        data = path.read_bytes()
    except OSError as exc:
        return None, [ImportProblem(label, None, None, f"无法读取文件 (cannot read): {exc.strerror or exc}")]
    text, problem = decode(data)
    if text is None:
        return None, [ImportProblem(label, None, None, problem or "")]
    first_line = text.split("\n", 1)[0]
    delimiter = "," if "," in first_line or "\t" not in first_line else "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > IMPORT_ROWS_MAX + 1:
                return None, [ImportProblem(label, None, None, f"超过 {IMPORT_ROWS_MAX} 行的上限，请分成几个文件导入 "
                                                               f"(more than {IMPORT_ROWS_MAX} rows: split the file)")]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return None, [ImportProblem(label, reader.line_num, None, cell_too_long(None))]
        return None, [ImportProblem(label, reader.line_num, None, f"CSV 格式错误 (malformed CSV): {exc}")]
    if not records or not any(cell.strip() for cell in records[0]):
        return None, [ImportProblem(label, 1, None, "第一行应是列名（表头），文件却是空的 (no header row)")]
    if len(records[0]) > IMPORT_COLUMNS_MAX:
        return None, [ImportProblem(label, 1, None, f"有 {len(records[0])} 列，超过 {IMPORT_COLUMNS_MAX} 列的上限 "
                                                    f"(more than {IMPORT_COLUMNS_MAX} columns)")]
    header = [cell.strip() for cell in records[0]]
    problems = []
    for index, record in enumerate(records, start=1):
        for n, cell in enumerate(record):
            if len(cell) > CELL_MAX_CHARS:
                column = header[n] if n < len(header) and header[n] else None
                problems.append(ImportProblem(label, index, column, cell_too_long(len(cell))))
    if problems:
        return None, problems
    seen: set[str] = set()
    for cell in header:
        if cell and cell in seen:
            problems.append(ImportProblem(label, 1, cell, "这一列出现了两次 (duplicate column)"))
        seen.add(cell)
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines a spreadsheet leaves at the end
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            problems.append(ImportProblem(label, index, None,
                                          f"这一行有 {len(record)} 个格子，表头只有 {len(header)} 列 "
                                          "(more cells than header columns)"))
        values = {col: (record[i] if i < len(record) else "").strip() for i, col in enumerate(header) if col}
        rows.append((index, values))
    return Table(label, header, rows), problems


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
    """A column in plain words (``phone_2`` → ``电话 2``), or the column itself."""
    match = _GROUP.match(column)
    if match:
        group, n, part = match.group(1), match.group(2), match.group(3)
        base = {"phone": "电话", "hours": "营业时间", "document": "所需材料"}[group]
        suffix = {None: "", "type": " 类型", "description": " 说明", "description_en": " 英文说明",
                  "extension": " 分机", "en": " 英文"}.get(part, "")
        return f"{base} {n}{suffix}"
    match = _LOCATION.match(column)
    if match:
        part = match.group(2)
        parts = {"id": "编号", "name": "名称", "name_en": "英文名称", "address": "地址", "address_en": "英文地址",
                 "community": "所在社区", "transportation": "交通", "latitude": "纬度", "longitude": "经度",
                 "accessibility": "无障碍设施"}
        return f"地点 {match.group(1)} {parts.get(part, part)}"
    return FIELD_LABELS.get(column, column)


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


def split_lines(cell: str) -> list[str]:
    """One item per line (also ；/; separated) → list."""
    return [part.strip() for part in re.split(r"[\r\n;；]+", cell) if part.strip()]


# ------------------------------------------------------------------------------ the flat CSV

BASE_COLUMNS = (
    "id", "category", "status", "name", "name_en", "alternate_name", "description", "description_en",
    "eligibility_description", "eligibility_description_en", "application_process", "application_process_en",
    "fees_description", "fees_description_en", "url", "email", "count", "count_unit", "count_unit_en",
)
_TEXT_FIELDS = set(BASE_COLUMNS) - {"id", "category", "status", "count"}
PHONE_PARTS = (None, "type", "description", "description_en", "extension")
HOURS_PARTS = (None, "description", "description_en")
DOCUMENT_PARTS = (None, "en")
LOCATION_PARTS = ("id", "name", "name_en", "address", "address_en", "community", "transportation", "latitude",
                  "longitude", "accessibility")
REQUIRED_COLUMNS = ("id", "name", "category")

# Entry numbers have at most 3 digits: a column number of 5,000 digits is an unknown column, not an int() error.
_GROUP = re.compile(r"^(phone|hours|document)_([0-9]{1,3})(?:_(type|description_en|description|extension|en))?$")
_LOCATION = re.compile(r"^location_([0-9]{1,3})_(" + "|".join(LOCATION_PARTS) + r")$")

_ALIASES = {
    "编号": "id", "类别": "category", "状态": "status", "名称": "name", "英文名称": "name_en", "别名": "alternate_name",
    "简介": "description", "英文简介": "description_en", "服务对象": "eligibility_description",
    "办理方式": "application_process", "收费": "fees_description", "网址": "url", "电子邮箱": "email",
    "邮箱": "email", "数量": "count", "数量单位": "count_unit", "服务语言": "languages", "语言": "languages",
}
_NUMBERED_ALIASES = {"电话": "phone", "营业时间": "hours", "所需材料": "document", "材料": "document"}


def canonical_column(column: str) -> str | None:
    """The flat-CSV column a header cell means (English id or Chinese name), or None if unknown."""
    text = column.strip()
    low = text.lower()
    if low in BASE_COLUMNS or low == "languages" or _GROUP.match(low) or _LOCATION.match(low):
        return low
    if text in _ALIASES:
        return _ALIASES[text]
    match = re.match(r"^(电话|营业时间|所需材料|材料)\s*([0-9]{1,3})$", text)
    if match:
        return f"{_NUMBERED_ALIASES[match.group(1)]}_{match.group(2)}"
    match = re.match(r"^地址\s*([0-9]{1,3})$", text)
    if match:
        return f"location_{match.group(1)}_address"
    return None


def flat_header(counts: dict[str, int]) -> list[str]:
    """The export header for up to ``counts[group]`` phones/hours/documents/locations."""
    header = list(BASE_COLUMNS)
    for n in range(1, counts["phone"] + 1):
        header += [f"phone_{n}" + (f"_{p}" if p else "") for p in PHONE_PARTS]
    for n in range(1, counts["hours"] + 1):
        header += [f"hours_{n}" + (f"_{p}" if p else "") for p in HOURS_PARTS]
    for n in range(1, counts["document"] + 1):
        header += [f"document_{n}" + (f"_{p}" if p else "") for p in DOCUMENT_PARTS]
    for n in range(1, counts["location"] + 1):
        header += [f"location_{n}_{p}" for p in LOCATION_PARTS]
    header.append("languages")
    return header


def spreadsheet_phone(number: str) -> str:
    """A mobile number as 138-1234-5678 so spreadsheets keep it as text (normalised on import)."""
    if re.fullmatch(r"1[3-9]\d{9}", number):
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return number


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def flat_row(listing: Listing) -> dict[str, str]:
    row = {col: _cell(getattr(listing, col)) for col in BASE_COLUMNS if col != "category"}
    row["category"] = listing.category_id
    for n, phone in enumerate(listing.phones, start=1):
        row[f"phone_{n}"] = spreadsheet_phone(phone.number)
        row[f"phone_{n}_type"] = _cell(phone.type)
        row[f"phone_{n}_description"] = _cell(phone.description)
        row[f"phone_{n}_description_en"] = _cell(phone.description_en)
        row[f"phone_{n}_extension"] = _cell(phone.extension)
    for n, hours in enumerate(listing.hours, start=1):
        row[f"hours_{n}"] = hours.opening_hours
        row[f"hours_{n}_description"] = _cell(hours.description)
        row[f"hours_{n}_description_en"] = _cell(hours.description_en)
    for n, doc in enumerate(listing.documents, start=1):
        row[f"document_{n}"] = doc.document
        row[f"document_{n}_en"] = _cell(doc.document_en)
    for n, loc in enumerate(listing.locations, start=1):
        for part in LOCATION_PARTS:
            value = getattr(loc, part)
            row[f"location_{n}_{part}"] = "\n".join(value) if part == "accessibility" else _cell(value)
    row["languages"] = "\n".join(listing.languages)
    return row


def export_flat(conn: sqlite3.Connection, out: Path) -> int:
    """Write every listing (retired ones too, with their status) as one flat CSV; return the count."""
    listings = []
    for summary in list_listings(conn):
        listing = get_listing(conn, summary.id)
        if listing is not None:
            listings.append(listing)
    counts = {
        "phone": max([1, *(len(x.phones) for x in listings)]),
        "hours": max([1, *(len(x.hours) for x in listings)]),
        "document": max([1, *(len(x.documents) for x in listings)]),
        "location": max([1, *(len(x.locations) for x in listings)]),
    }
    header = flat_header(counts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n", extrasaction="raise")
        writer.writeheader()
        for listing in listings:
            row = flat_row(listing)
            writer.writerow({col: row.get(col, "") for col in header})
    return len(listings)


def parse_flat(conn: sqlite3.Connection, table: Table) -> Parsed:
    """Read a flat CSV table into listings (not validated yet: see kiosk.core.exchange.transfer)."""
    parsed = Parsed()
    columns: dict[str, str] = {}  # canonical → header cell
    for cell in table.header:
        if not cell:
            continue
        canonical = canonical_column(cell)
        if canonical is None:
            parsed.problems.append(ImportProblem(
                table.file, 1, cell, "不认识这一列：请检查拼写（列名见导出的文件或 docs/workers.md），"
                                     "或删掉这一列 (unknown column)"))
        elif canonical in columns:
            parsed.problems.append(ImportProblem(table.file, 1, cell, f"和列“{columns[canonical]}”是同一列 "
                                                                      "(duplicate column)"))
        else:
            columns[canonical] = cell
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            parsed.problems.append(ImportProblem(
                table.file, 1, required, f"缺少必需的列“{required}”（{FIELD_LABELS.get(required, required)}）"
                                         f" (missing column '{required}')"))
    if parsed.problems:
        return parsed
    groups: dict[str, set[int]] = {"phone": set(), "hours": set(), "document": set(), "location": set()}
    for canonical in columns:
        if match := _GROUP.match(canonical):
            groups[match.group(1)].add(int(match.group(2)))
        elif match := _LOCATION.match(canonical):
            groups["location"].add(int(match.group(1)))
    existing = {r[0] for r in conn.execute("SELECT id FROM services")}
    cats = categories_of(conn)
    for row_number, raw in table.rows:
        values = {canonical: raw.get(cell, "") for canonical, cell in columns.items()}
        parsed.listings.append(_flat_listing(conn, table.file, row_number, values, groups, existing, cats, parsed))
    return parsed


def _flat_listing(conn: sqlite3.Connection, file: str, row: int, values: dict[str, str],
                  groups: dict[str, set[int]], existing: set[str], cats: list[tuple[str, str, str | None]],
                  parsed: Parsed) -> Incoming:
    ident = values.get("id") or None
    exists = ident is not None and ident in existing
    listing = (get_listing(conn, ident) if exists and ident else None) or Listing(id=ident, origin="import")

    def problem(column: str, message: str) -> None:
        parsed.problems.append(ImportProblem(file, row, column, message))

    for name in _TEXT_FIELDS:
        if name in values:
            setattr(listing, name, values[name] or None)
    if "name" in values:
        listing.name = values["name"]
    if "category" in values:
        listing.category_id = resolve_category(values["category"], cats) or values["category"]
    if "status" in values:
        listing.status = STATUS_ALIASES.get(values["status"].strip().lower(), values["status"]) or "active"
    if "count" in values:
        count, message = check_count(values["count"])
        if message:
            problem("count", message)
        listing.count = count
    if groups["phone"]:
        listing.phones = [
            PhoneEntry(values.get(f"phone_{n}", ""), values.get(f"phone_{n}_type") or None,
                       values.get(f"phone_{n}_description") or None, values.get(f"phone_{n}_description_en") or None,
                       values.get(f"phone_{n}_extension") or None)
            for n in sorted(groups["phone"])
        ]
    if groups["hours"]:
        listing.hours = [
            HoursEntry(values.get(f"hours_{n}", ""), values.get(f"hours_{n}_description") or None,
                       values.get(f"hours_{n}_description_en") or None)
            for n in sorted(groups["hours"])
        ]
    if groups["document"]:
        listing.documents = [DocumentEntry(values.get(f"document_{n}", ""), values.get(f"document_{n}_en") or None)
                             for n in sorted(groups["document"])]
    if groups["location"]:
        locations = []
        for n in sorted(groups["location"]):
            coords: dict[str, float | None] = {}
            for part in ("latitude", "longitude"):
                value, message = check_coordinate(values.get(f"location_{n}_{part}", ""), latitude=part == "latitude")
                if message:
                    problem(f"location_{n}_{part}", message)
                coords[part] = value
            locations.append(LocationEntry(
                values.get(f"location_{n}_id") or None, values.get(f"location_{n}_name") or None,
                values.get(f"location_{n}_name_en") or None, values.get(f"location_{n}_address") or None,
                values.get(f"location_{n}_address_en") or None, values.get(f"location_{n}_community") or None,
                values.get(f"location_{n}_transportation") or None, coords["latitude"], coords["longitude"],
                split_lines(values.get(f"location_{n}_accessibility", ""))))
        listing.locations = locations
    if "languages" in values:
        listing.languages = split_lines(values["languages"])
    # Entries the compactor will drop (empty groups) shift numbering: map problems by position of
    # the non-empty entries back to their column numbers.
    phone_cols = [n for n in sorted(groups["phone"]) if any(values.get(f"phone_{n}" + (f"_{p}" if p else ""))
                                                             for p in PHONE_PARTS)]
    hours_cols = [n for n in sorted(groups["hours"]) if any(values.get(f"hours_{n}" + (f"_{p}" if p else ""))
                                                             for p in HOURS_PARTS)]
    doc_cols = [n for n in sorted(groups["document"]) if any(values.get(f"document_{n}" + (f"_{p}" if p else ""))
                                                              for p in DOCUMENT_PARTS)]
    loc_cols = [n for n in sorted(groups["location"]) if any(values.get(f"location_{n}_{p}") for p in LOCATION_PARTS)]

    def locate(field_key: str) -> tuple[str, int | None, str | None]:
        parts = field_key.split(".")
        if len(parts) == 3:
            kind, index = parts[0], int(parts[1]) - 1
            mapping = {"phones": ("phone", phone_cols), "hours": ("hours", hours_cols),
                       "documents": ("document", doc_cols), "locations": ("location", loc_cols)}
            prefix, cols = mapping.get(kind, (kind, []))
            n = cols[index] if 0 <= index < len(cols) else index + 1
            if prefix == "location":
                return file, row, f"location_{n}_{parts[2]}"
            part = {"number": "", "opening_hours": "", "document": "", "document_en": "_en"}.get(parts[2],
                                                                                              f"_{parts[2]}")
            return file, row, f"{prefix}_{n}{part}"
        return file, row, {"category_id": "category"}.get(field_key, field_key)

    return Incoming(file, row, listing, exists, locate)
