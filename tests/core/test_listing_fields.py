"""The listing field declarations reach every way in and out of the kiosk.

A listing with *every* declared field filled in (generated test values, clearly marked 测试) is
exported as a flat CSV and as an HSDS package and imported into a fresh copy of the seed database:
the listing must come back field for field. A field declared in kiosk.core.listings.fields but
forgotten by an exporter or importer loses its value here and fails the test.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.exchange.csv_io import canonical_column, column_label, flat_header
from kiosk.core.exchange.transfer import export, import_path
from kiosk.core.listings.editing import get_listing, save_listing, validate_listing
from kiosk.core.listings.fields import (
    GROUP,
    SPEC,
    Declared,
    Listing,
    LocationEntry,
    declared,
    groups,
    label_of,
    scalars,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ORG = "test-org-marked"


def sample(d: Declared, n: int) -> Any:
    """A valid, distinctive test value for a declared field (``n`` tells entries apart)."""
    assert d.spec is not None
    kind = d.spec.kind
    if d.name == "extension":
        return f"{800 + n}"
    if d.name == "status":  # of a place (the listing's own is set by full_listing)
        return "active" if n == 1 else "retired"
    return {
        "phone": f"0371-6800{n:04d}",
        "phones": [f"0371-6811{n:04d}", f"1381234{n:04d}"],
        "hours": f"Mo-Fr 08:{30 + n:02d}-12:00,14:30-17:30; PH off",  # a lunch break and PH off survive
        "email": f"test{n}@example.com",
        "url": f"https://example.com/test{n}",
        "int": 20 + n,
        "latitude": round(34.8 + n / 100, 6),
        "longitude": round(113.312345 + n / 100, 6),
        "lines": [f"测试{d.name}{n}甲", f"测试{d.name}{n}乙"],
        "category": "health",
        "reference": ORG,
    }.get(kind, f"测试{d.name}{n}")


def full_listing() -> Listing:
    """Every declared field set (the entry groups twice each)."""
    values: dict[str, Any] = {}
    for d in declared(Listing):
        if d.name in ("id", "origin"):
            continue
        if d.group is not None:
            entries = []
            for n in (1, 2):
                entry = {p.name: sample(p, n) for p in scalars(d.group.entry) if p.name != "id"}
                entries.append(d.group.entry(**entry))
            values[d.name] = entries
        elif d.name == "status":
            values[d.name] = "inactive"
        else:
            values[d.name] = sample(d, 0)
    return Listing(**values)


@pytest.fixture
def stored(conn: sqlite3.Connection) -> Listing:
    conn.execute("INSERT INTO organizations (id, name) VALUES (?, '测试机构')", (ORG,))
    conn.commit()
    listing = full_listing()
    assert validate_listing(conn, listing) == []
    result = save_listing(conn, listing, actor="test", now=NOW)
    back = get_listing(conn, result.service_id)
    assert back is not None
    return back


def fresh(seed_db_path: Path, tmp_path: Path, name: str) -> sqlite3.Connection:
    target = tmp_path / name
    target.write_bytes(seed_db_path.read_bytes())
    other = connect(target)
    other.execute("INSERT INTO organizations (id, name) VALUES (?, '测试机构')", (ORG,))
    other.commit()
    return other


def comparable(listing: Listing) -> dict[str, Any]:
    return {f.name: getattr(listing, f.name) for f in fields(Listing) if f.name != "origin"}


def test_every_declared_field_is_declared_completely() -> None:
    """Each field has Chinese and English words; one the editor does not show says why."""
    for cls in (Listing, *(d.group.entry for d in groups() if d.group is not None)):
        for f in fields(cls):
            assert SPEC in f.metadata or GROUP in f.metadata, f"{cls.__name__}.{f.name} is not declared"
        for d in scalars(cls):
            assert d.spec is not None and d.spec.label and d.spec.label_en, d.name
            if d.spec.editor is None:
                assert d.spec.kept, f"{cls.__name__}.{d.name}: not in the editor, and no reason given"


@pytest.mark.parametrize(("fmt", "target"), [("csv", "services.csv"), ("xlsx", "services.xlsx"), ("hsds", "hsds")])
def test_a_listing_with_every_field_survives_each_export(stored: Listing, conn: sqlite3.Connection,
                                                         seed_db_path: Path, tmp_path: Path, fmt: str,
                                                         target: str) -> None:
    """Export (CSV, Excel workbook, HSDS), import into another terminal's database: every declared field
    comes back."""
    out = tmp_path / target
    export(conn, fmt, out)  # type: ignore[arg-type]
    other = fresh(seed_db_path, tmp_path, "other.db")
    try:
        result = import_path(other, out, actor="test", now=NOW)
        assert result.plan.problems == []
        back = get_listing(other, stored.id or "")
        assert back is not None
        assert comparable(back) == comparable(stored)
    finally:
        other.close()


def test_the_csv_header_names_every_declared_field_and_reads_back(stored: Listing, conn: sqlite3.Connection,
                                                                   tmp_path: Path) -> None:
    """The exported header has a column for each declared field, and each column reads as itself."""
    out = tmp_path / "services.csv"
    export(conn, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == flat_header({"phone": 2, "hours": 2, "document": 2, "location": 2})
    for column in header:
        assert canonical_column(column) == column
        assert column_label(column) != column  # every column has plain words for messages
    listing_columns = [d for d in scalars(Listing) if d.name != "origin"]
    entry_parts = sum(len(list(scalars(d.group.entry))) for d in groups() if d.group is not None)
    assert len(header) == len(listing_columns) + 2 * entry_parts


def test_chinese_headers_are_read_from_the_labels() -> None:
    """A worker's own sheet with Chinese headers (名称, 电话1, 电话1说明, 地址1, 地点1所在社区) is understood."""
    assert canonical_column("名称") == "name"
    assert canonical_column("类别") == "category"
    assert canonical_column("电话1") == "phone_1"
    assert canonical_column("电话 2") == "phone_2"
    assert canonical_column("电话1说明") == "phone_1_description"
    assert canonical_column("营业时间1") == "hours_1"
    assert canonical_column("开放时间1") == "hours_1"
    assert canonical_column("地址1") == "location_1_address"
    assert canonical_column("地点1所在社区") == "location_1_community"
    assert canonical_column("服务语言") == "languages"
    assert canonical_column("电话1颜色") is None


def test_problems_say_where_in_plain_words(conn: sqlite3.Connection) -> None:
    """A problem carries a structured path and the words the declarations give it."""
    listing = Listing(category_id="elderly", name="测试", locations=[LocationEntry(name="测试点", latitude=123.0)])
    problems = validate_listing(conn, listing)
    assert [(p.path, p.label) for p in problems] == [(("locations", 1, "latitude"), "地点 1（测试点） 纬度")]
    assert label_of(("phones", 2, "description")) == "电话 2 说明"
    assert label_of(("phones", 2, "number"), "en") == "Phone 2"
