"""The places sheet: one row per place, the shape a community office's 台账 already has.

Columns, by Chinese or English header (from the field declarations of
:class:`~kiosk.core.listings.fields.LocationEntry`): ``服务编号|service_id`` and ``地点名称|location_name``
are required; ``地点编号|location_id``, ``地址|address``, ``所在社区|community`` (also 所属社区/社区/街道),
``开放时间|hours`` (as on a notice board: ``周一至周五 8:30-17:30，节假日休息``), ``电话|phone`` (several
numbers in one cell), ``纬度|latitude``, ``经度|longitude``, ``交通|transportation``, ``无障碍设施|accessibility``,
``状态|status`` (``停用``/``retired`` retires the place) and the English names.

A row finds its place by ``地点编号`` when given, else by name under its service (and by address when
two places share a name); a row for no existing place adds one. A column that is absent leaves that
field as it is; an empty cell clears it. Places of a service that the sheet does not mention stay as
they are. So importing the same sheet twice changes nothing, and a sheet with one changed phone
changes exactly that phone.
"""

from __future__ import annotations

import copy
import difflib
import re
import sqlite3
from dataclasses import dataclass

from kiosk.core.exchange.csv_io import (
    ImportProblem,
    Incoming,
    Locator,
    Parsed,
    Table,
    categories_of,
    cell_text,
    map_columns,
    read_cell,
)
from kiosk.core.listings.editing import get_listing
from kiosk.core.listings.fields import Declared, FieldPath, LocationEntry, scalars

SERVICE_COLUMN = "service_id"
SERVICE_HEADERS = ("服务编号", "服务id", "服务ID")
REQUIRED = (SERVICE_COLUMN, "location_name")


def _columns() -> dict[str, Declared]:
    """Places-sheet column → the place field it fills."""
    out = {}
    for d in scalars(LocationEntry):
        assert d.spec is not None
        out[d.spec.sheet or d.name] = d
    return out


COLUMNS = _columns()


def _headers() -> dict[str, str]:
    names = {h: SERVICE_COLUMN for h in SERVICE_HEADERS}
    for column, d in COLUMNS.items():
        assert d.spec is not None
        for name in (d.spec.label, *d.spec.aliases):
            names.setdefault(name, column)
    return names


HEADERS = _headers()


def canonical(cell: str) -> str | None:
    """The places-sheet column a header cell means, or None."""
    text = re.sub(r"\s+", "", cell.strip())
    low = text.lower()
    if low == SERVICE_COLUMN or low in COLUMNS:
        return low
    return HEADERS.get(text)


def is_places_sheet(header: list[str]) -> bool:
    """A header with a service id and a place name, and no listing name/category: one row per place."""
    known = {canonical(cell) for cell in header if cell}
    return SERVICE_COLUMN in known and "location_name" in known and \
        not ({c.strip().lower() for c in header} & {"name", "category", "名称", "类别"})


def sheet_header() -> list[str]:
    """The export header: English column names (Chinese ones are accepted on import)."""
    return [SERVICE_COLUMN, *COLUMNS]


@dataclass
class _Found:
    incoming: Incoming
    rows: dict[int, int]
    """Place number (1-based, in the listing) → sheet row."""
    seen: dict[int, int]


def parse_places(conn: sqlite3.Connection, table: Table, parsed: Parsed) -> None:
    """Apply a places sheet to the listings in ``parsed`` (a services sheet read before it, in the same
    workbook) or to the stored listings; problems go into ``parsed``."""
    columns = map_columns(table, canonical, parsed, "地点表的")
    for required in REQUIRED:
        if required not in columns:
            words = "服务编号" if required == SERVICE_COLUMN else "地点名称"
            parsed.problems.append(ImportProblem(table.file, 1, required, f"缺少必需的列“{words}”（{required}） "
                                                                          f"(missing column '{required}')"))
    if parsed.problems:
        return
    cats = categories_of(conn)
    existing = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM services")}
    found: dict[str, _Found] = {}
    for incoming in parsed.listings:
        if incoming.listing.id:
            found[incoming.listing.id] = _Found(incoming, {}, {})
    for row, raw in table.rows:
        values = {name: raw.get(cell, "") for name, cell in columns.items()}
        sid = values[SERVICE_COLUMN].strip()
        if not sid:
            parsed.problems.append(ImportProblem(table.file, row, columns[SERVICE_COLUMN],
                                                 "请填写这个地点属于哪项服务的编号 (service id missing)"))
            continue
        target = found.get(sid)
        if target is None:
            if sid not in existing:
                close = difflib.get_close_matches(sid, list(existing), n=3, cutoff=0.5)
                hint = f"是不是：{'、'.join(f'{c}（{existing[c]}）' for c in close)}？" if close else \
                    "服务编号见导出的服务表 (kiosk export)。"
                parsed.problems.append(ImportProblem(table.file, row, columns[SERVICE_COLUMN],
                                                     f"没有编号为“{sid[:60]}”的服务。{hint} (unknown service id)"))
                continue
            listing = get_listing(conn, sid)
            assert listing is not None
            target = _Found(Incoming(table.file, row, listing, True, _no_locator(table.file, row)), {}, {})
            found[sid] = target
            parsed.listings.append(target.incoming)
        _apply_row(target, table.file, row, values, columns, cats, parsed)
    for target in found.values():
        if target.rows:
            target.incoming.locate = _locator(target.incoming.locate, table.file, target.rows, columns)


def _apply_row(target: _Found, file: str, row: int, values: dict[str, str], columns: dict[str, str],
               cats: list[tuple[str, str, str | None]], parsed: Parsed) -> None:
    listing = target.incoming.listing
    place_id = values.get("location_id", "").strip() or None
    name = values.get("location_name", "").strip()
    address = values.get("address", "").strip() if "address" in values else None
    index = _match(listing.locations, place_id, name, address)
    if place_id is not None and index is None and target.incoming.exists:
        parsed.problems.append(ImportProblem(file, row, columns["location_id"],
                                             f"这项服务没有编号为“{place_id[:60]}”的地点；新地点请把地点编号留空 "
                                             "(unknown place id for this service: leave it empty for a new place)"))
        return
    if index is None:  # a new place (with the id it had where it came from, for a listing new here)
        listing.locations.append(LocationEntry(id=place_id))
        index = len(listing.locations) - 1
    number = index + 1
    if number in target.seen:
        parsed.problems.append(ImportProblem(file, row, columns["location_name"],
                                             f"和第 {target.seen[number]} 行是同一个地点 (same place as row "
                                             f"{target.seen[number]})"))
        return
    target.seen[number] = row
    target.rows[number] = row
    place = copy.deepcopy(listing.locations[index])
    for column, d in COLUMNS.items():
        if column not in values or column == "location_id":
            continue
        value, message = read_cell(d, values[column], cats)
        if message:
            parsed.problems.append(ImportProblem(file, row, columns[column], message))
        setattr(place, d.name, value)
    listing.locations[index] = place


def _match(places: list[LocationEntry], place_id: str | None, name: str, address: str | None) -> int | None:
    """The index of the place a row means: by id, else by name (and address when names repeat)."""
    if place_id is not None:
        return next((i for i, p in enumerate(places) if p.id == place_id), None)
    named = [i for i, p in enumerate(places) if (p.name or "").strip() == name]
    if len(named) > 1 and address is not None:
        named = [i for i in named if (places[i].address or "").strip() == address] or named[:1]
    return named[0] if named else None


def _no_locator(file: str, row: int) -> Locator:
    def locate(path: FieldPath) -> tuple[str, int | None, str | None]:
        return file, row, None
    return locate


def _locator(previous: Locator, file: str, rows: dict[int, int], columns: dict[str, str]) -> Locator:
    """Problems of a place the sheet filled point at its row and column; others go to ``previous``."""
    by_name = {d.name: columns.get(column) for column, d in COLUMNS.items()}

    def locate(path: FieldPath) -> tuple[str, int | None, str | None]:
        if len(path) == 3 and path[0] == "locations" and isinstance(path[1], int) and path[1] in rows:
            return file, rows[path[1]], by_name.get(str(path[2]))
        return previous(path)
    return locate


def place_rows(listings: list[tuple[str, list[LocationEntry]]]) -> list[dict[str, str]]:
    """The export rows of the places sheet (service id, then each declared place field as a cell)."""
    out = []
    for sid, places in listings:
        for place in places:
            row = {SERVICE_COLUMN: sid}
            for column, d in COLUMNS.items():
                row[column] = cell_text(d, getattr(place, d.name))
            out.append(row)
    return out
