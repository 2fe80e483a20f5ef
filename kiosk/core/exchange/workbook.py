"""``kiosk export --format xlsx``: one Excel/WPS workbook a worker edits and imports back.

Two worksheets: 服务 (services, one row per service: the flat-CSV columns without the place columns)
and 地点 (places, one row per place: :mod:`kiosk.core.exchange.places_sheet`). Every cell is text
(:func:`kiosk.core.exchange.spreadsheet.write_xlsx`): phone numbers stay as typed and a listing
named ``=HYPERLINK(…)`` stays a name. Importing the workbook unchanged changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core.exchange.csv_io import flat_header, flat_row
from kiosk.core.exchange.places_sheet import place_rows, sheet_header
from kiosk.core.exchange.spreadsheet import write_xlsx
from kiosk.core.listings.editing import get_listing, list_listings
from kiosk.core.listings.fields import Listing

SERVICES_SHEET = "服务 services"
PLACES_SHEET = "地点 places"


def export_workbook(conn: sqlite3.Connection, out: Path) -> int:
    """Write every listing (retired ones too) and every place to ``out``; return the number of listings."""
    listings: list[Listing] = []
    for summary in list_listings(conn):
        listing = get_listing(conn, summary.id)
        if listing is not None:
            listings.append(listing)
    counts = {"phone": max([1, *(len(x.phones) for x in listings)]),
              "hours": max([1, *(len(x.hours) for x in listings)]),
              "document": max([1, *(len(x.documents) for x in listings)]),
              "location": 0}
    header = [c for c in flat_header(counts) if not c.startswith("location_")]
    services = [[row.get(c, "") for c in header] for row in (flat_row(x) for x in listings)]
    places_header = sheet_header()
    places = [[row[c] for c in places_header]
              for row in place_rows([(x.id or "", x.locations) for x in listings])]
    write_xlsx(out, [(SERVICES_SHEET, header, services), (PLACES_SHEET, places_header, places)])
    return len(listings)
