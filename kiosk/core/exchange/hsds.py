"""Open Referral HSDS 3.0 tabular data packages: export and import.

**Export** writes one CSV per table (plain UTF-8, HSDS 3.0 column names in HSDS order) and a
``datapackage.json`` describing them. What HSDS has no column for is added as extra columns after
the HSDS ones (``name_en``, ``description_en`` …, ``opening_hours`` on schedules, ``community`` on
locations), declared in the descriptor as "Shangjie kiosk extension". Our categories are a taxonomy
(``taxonomies.csv``/``taxonomy_terms.csv``) linked to services by ``attributes.csv``. Ids are our
text ids (HSDS suggests UUIDs; any unique text works for a data package).

**Import** reads such a folder (ours or anyone's, e.g. Open Referral's own example):

* services, organizations, locations (+ addresses, accessibility), service_at_location, phones,
  schedules, required_documents and languages map to our tables;
* a service's category comes from an attribute linking it to a taxonomy term whose id, code or name
  is one of our categories (``elderly`` / ``养老服务`` / ``Elderly care``); services with no such link
  take the category given with ``--category``; without it they are reported as errors;
* schedules: our ``opening_hours`` column when present, else the HSDS weekly rule (``freq=WEEKLY``,
  ``byday``, ``opens_at``, ``closes_at``) turned into an opening_hours string (``Th,Fr 10:00-18:00``);
  several rows of one service are joined (``Mo 09:00-17:00, Sa 10:00-14:00``); a rule that cannot be
  expressed is skipped with a warning;
* contacts (names of people), funding, cost options, programs, service areas, metadata and
  organization identifiers are not imported (the kiosk stores no personal data) — the dry run says so;
* outside data is treated leniently where residents do not depend on it: an impossible latitude or
  longitude is left empty with a warning. Phone numbers, hours, categories and ids are checked as
  strictly as for the flat CSV.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.core.exchange.csv_io import (
    ImportProblem,
    Incoming,
    Parsed,
    Table,
    categories_of,
    file_too_big,
    read_cell,
    resolve_category,
)
from kiosk.core.exchange.spreadsheet import read_table
from kiosk.core.limits import IMPORT_FILE_MAX_BYTES, JSON_DEPTH_MAX, json_nesting, too_long
from kiosk.core.listings.editing import get_listing, list_listings
from kiosk.core.listings.fields import (
    Declared,
    DocumentEntry,
    FieldPath,
    HoursEntry,
    Listing,
    LocationEntry,
    PhoneEntry,
    groups,
    scalars,
)

TAXONOMY_ID = "shangjie-kiosk-categories"

# (resource name, file, HSDS 3.0 columns): the standard's own columns, in its order.
_STANDARD: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("organization", "organizations.csv",
     ("id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
      "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id")),
    ("service", "services.csv",
     ("id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status",
      "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
      "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date", "assurer_email",
      "licenses", "alert", "last_modified")),
    ("location", "locations.csv",
     ("id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
      "latitude", "longitude", "external_identifier", "external_identifier_type")),
    ("address", "addresses.csv",
     ("id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
      "postal_code", "country", "address_type")),
    ("service_at_location", "service_at_location.csv", ("id", "service_id", "location_id", "description")),
    ("phone", "phones.csv",
     ("id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
      "extension", "type", "description")),
    ("schedule", "schedules.csv",
     ("id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
      "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday",
      "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes")),
    ("required_document", "required_documents.csv", ("id", "service_id", "document", "uri")),
    ("accessibility", "accessibility.csv", ("id", "location_id", "description", "details", "url")),
    ("language", "languages.csv", ("id", "service_id", "location_id", "phone_id", "name", "code", "note")),
    ("taxonomy", "taxonomies.csv", ("id", "name", "description", "uri", "version")),
    ("taxonomy_term", "taxonomy_terms.csv",
     ("id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri")),
    ("attribute", "attributes.csv", ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value")),
)


def _hsds_home(d: Declared, resource: str) -> tuple[str, str] | None:
    """(resource, column) of a declared field whose own resource is ``resource``; None: not in HSDS."""
    if not d.hsds:
        return None
    res, _, column = d.hsds.rpartition(".")
    return (res or resource, column)


def _field_columns() -> dict[str, list[tuple[type, Declared, str]]]:
    """Resource → the declared fields stored in it: (the class declaring it, the field, its column)."""
    out: dict[str, list[tuple[type, Declared, str]]] = {}
    for d in scalars(Listing):
        if (home := _hsds_home(d, "service")) is not None:
            out.setdefault(home[0], []).append((Listing, d, home[1]))
    for g in groups():
        assert g.group is not None
        for part in scalars(g.group.entry):
            if (home := _hsds_home(part, g.group.hsds)) is not None:
                out.setdefault(home[0], []).append((g.group.entry, part, home[1]))
    return out


FIELD_COLUMNS = _field_columns()
_ORGANIZATION_EXTRA = ("name_en",)
_TAXONOMY_TERM_EXTRA = ("name_en",)

# (resource name, file, HSDS 3.0 columns, our extension columns — declared fields HSDS has no column for)
RESOURCES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (name, file, columns, tuple(dict.fromkeys(
        [c for _cls, _d, c in FIELD_COLUMNS.get(name, []) if c not in columns]
        + list({"organization": _ORGANIZATION_EXTRA, "taxonomy_term": _TAXONOMY_TERM_EXTRA}.get(name, ())))))
    for name, file, columns in _STANDARD)

NOT_IMPORTED = {
    "contact": "联系人（人名）不导入：终端不存储个人信息 (contacts: names of people are not stored)",
    "funding": "资金来源不导入 (funding: not used by the kiosk)",
    "cost_option": "收费选项不导入，请把收费写在服务的“收费”里 (cost options: put fees in fees_description)",
    "program": "项目（program）不导入 (programs: not used)",
    "service_area": "服务区域不导入 (service areas: not used)",
    "metadata": "修改记录（metadata）不导入：终端有自己的修改记录 (metadata: the kiosk keeps its own audit log)",
    "meta_table_description": "表说明不导入 (meta table descriptions: not used)",
    "organization_identifier": "机构代码不导入 (organization identifiers: not used)",
    "url": "网址表不导入 (urls: not used)",
}
_NOT_IMPORTED_FILES = {"contacts.csv": "contact", "funding.csv": "funding", "cost_options.csv": "cost_option",
                       "programs.csv": "program", "service_areas.csv": "service_area",
                       "metadata.csv": "metadata", "meta_table_descriptions.csv": "meta_table_description",
                       "organization_identifiers.csv": "organization_identifier", "urls.csv": "url"}

_STATUS_OUT = {"active": "active", "inactive": "inactive", "retired": "defunct"}
_DAYS = {"MO": "Mo", "TU": "Tu", "WE": "We", "TH": "Th", "FR": "Fr", "SA": "Sa", "SU": "Su"}


# ------------------------------------------------------------------------------ export


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def simple_rule(expr: str) -> dict[str, str] | None:
    """HSDS weekly-rule fields for a one-rule expression like ``Mo-Fr 08:30-17:30`` (else None)."""
    import re

    match = re.fullmatch(r"((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
                         r"(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)\s+"
                         r"(\d{2}:\d{2})-(\d{2}:\d{2})", expr.strip())
    if not match:
        return None
    order = list(_DAYS.values())
    days: list[str] = []
    for part in match.group(1).split(","):
        if "-" in part:
            a, b = part.split("-")
            i, j = order.index(a), order.index(b)
            days += order[i:j + 1] if i <= j else order[i:] + order[:j + 1]
        else:
            days.append(part)
    return {"freq": "WEEKLY", "byday": ",".join(d.upper() for d in days), "opens_at": match.group(2) + ":00",
            "closes_at": match.group(3) + ":00"}


def export_hsds(conn: sqlite3.Connection, out: Path) -> int:
    """Write the HSDS package into folder ``out``; return the number of services."""
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in RESOURCES}
    for r in conn.execute("SELECT * FROM organizations ORDER BY id"):
        tables["organization"].append({"id": r["id"], "name": r["name"], "description": r["description"],
                                       "email": r["email"], "website": r["url"], "name_en": r["name_en"]})
    locations_seen: set[str] = set()
    count = 0
    for summary in list_listings(conn):
        listing = get_listing(conn, summary.id)
        if listing is None:
            continue
        count += 1
        sid = summary.id
        tables["service"].append({**_export_fields(listing, "service"), "id": sid,
                                  "status": _STATUS_OUT.get(listing.status, listing.status),
                                  "last_modified": summary.updated_at})
        tables["attribute"].append({"id": f"{sid}-category", "link_id": sid, "taxonomy_term_id": listing.category_id,
                                    "link_type": "category", "link_entity": "service"})
        for d in groups():
            assert d.group is not None
            g = d.group
            if g.table == "locations":
                continue
            for n, entry in enumerate(getattr(listing, d.name), start=1):
                row = {"id": f"{sid}-{g.id_prefix}-{n}", "service_id": sid, **_export_fields(entry, g.hsds)}
                if g.hsds == "schedule":
                    row.update(timezone="Asia/Shanghai", **(simple_rule(entry.opening_hours) or {}))
                tables[g.hsds].append(row)
        for n, lang in enumerate(listing.languages, start=1):
            tables["language"].append({"id": f"{sid}-lang-{n}", "service_id": sid, "name": lang})
        for loc in listing.locations:
            assert loc.id is not None
            tables["service_at_location"].append({"id": f"{sid}-at-{loc.id}", "service_id": sid,
                                                  "location_id": loc.id})
            if loc.id in locations_seen:
                continue
            locations_seen.add(loc.id)
            tables["location"].append({**_export_fields(loc, "location"), "location_type": "physical"})
            address = _export_fields(loc, "address")
            if any(address.values()):
                tables["address"].append({**address, "id": f"{loc.id}-address", "location_id": loc.id,
                                          "address_type": "physical"})
            for n, text in enumerate(loc.accessibility, start=1):
                tables["accessibility"].append({"id": f"{loc.id}-access-{n}", "location_id": loc.id,
                                                "description": text})
            if loc.hours:  # the place's own hours and phones: rows of the place, not of the service
                tables["schedule"].append({"id": f"{loc.id}-hours", "location_id": loc.id, "opening_hours": loc.hours,
                                           "timezone": "Asia/Shanghai", **(simple_rule(loc.hours) or {})})
            for n, number in enumerate(loc.phones, start=1):
                tables["phone"].append({"id": f"{loc.id}-phone-{n}", "location_id": loc.id, "number": number})
    tables["taxonomy"].append({"id": TAXONOMY_ID, "name": "上街社区服务终端类别 Shangjie kiosk categories",
                               "description": "The kiosk's home-screen categories", "version": "1"})
    for r in conn.execute("SELECT * FROM categories ORDER BY sort_order, id"):
        tables["taxonomy_term"].append({"id": r["id"], "code": r["id"], "name": r["name"],
                                        "description": r["description"], "taxonomy": TAXONOMY_ID,
                                        "language": "zh", "taxonomy_id": TAXONOMY_ID, "name_en": r["name_en"]})
    resources = []
    for name, file, columns, extra in RESOURCES:
        header = list(columns) + list(extra)
        with (out / file).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
            writer.writeheader()
            for row in tables[name]:
                writer.writerow({col: _cell(row.get(col)) for col in header})
        fields = [{"name": col, "type": _type(col)} for col in columns]
        fields += [{"name": col, "type": _type(col), "description": "Shangjie kiosk extension"} for col in extra]
        resources.append({"name": name, "path": file, "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "profile": "tabular-data-resource",
                          "schema": {"primaryKey": "id", "fields": fields}})
    package = {
        "name": "shangjie-kiosk-services", "title": "上街社区服务终端 — Shangjie community services",
        "profile": "tabular-data-package", "version": "3.0.0",
        "description": "Human Services Data Specification (HSDS 3.0) export of the Shangjie community services "
                       "kiosk, with extra columns marked 'Shangjie kiosk extension'.",
        "homepage": "http://docs.openreferral.org", "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
    return count


def _plain_fields(cls: type, resource: str) -> list[tuple[Declared, str]]:
    """The single-valued declared fields of ``cls`` that live in ``resource``, with their HSDS column."""
    return [(d, column) for owner, d, column in FIELD_COLUMNS.get(resource, [])
            if owner is cls and d.spec is not None and d.spec.kind not in ("lines", "category")]


def _export_fields(obj: Any, resource: str) -> dict[str, Any]:
    """The declared fields of ``obj`` (a listing or an entry) that live in ``resource``, by HSDS column."""
    return {column: getattr(obj, d.name) for d, column in _plain_fields(type(obj), resource)}


def _type(column: str) -> str:
    if column in ("latitude", "longitude"):
        return "number"
    if column in ("count", "minimum_age", "maximum_age", "year_incorporated", "interval"):
        return "integer"
    return "string"


# ------------------------------------------------------------------------------ import


def is_package(path: Path) -> bool:
    return path.is_dir() and ((path / "services.csv").is_file() or (path / "datapackage.json").is_file())


def _resource_paths(folder: Path, parsed: Parsed) -> dict[str, Path]:
    """Resource name → file, from datapackage.json when there is one, else HSDS's usual file names.

    Every file must lie inside ``folder`` once symlinks are followed: a descriptor (or a symlink in
    the package) pointing at ``/etc/passwd`` or ``../../x`` is refused, never read.
    """
    paths = {name: folder / file for name, file, *_ in RESOURCES}
    refused: set[str] = set()
    descriptor = folder / "datapackage.json"
    if descriptor.is_file():
        package = _read_descriptor(descriptor, parsed)
        resources = package.get("resources", []) if isinstance(package, dict) else None
        if package is not _UNREADABLE and not isinstance(resources, list):
            parsed.problems.append(ImportProblem(
                "datapackage.json", None, None, "应是一个对象，其中 resources 是资源列表 "
                "(a data package descriptor is an object whose 'resources' is a list)"))
            resources = []
        for res in resources or []:
            if isinstance(res, dict) and isinstance(res.get("name"), str) and isinstance(res.get("path"), str):
                if "\x00" in res["path"] or not res["path"].strip():
                    parsed.problems.append(ImportProblem("datapackage.json", None, None,
                                                         f"资源“{res['name'][:40]}”的路径无效 (invalid resource path)"))
                    continue
                path = folder / res["path"]
                if problem := _outside(folder, path):  # checked here: a later entry must not hide it
                    parsed.problems.append(ImportProblem("datapackage.json", None, None, problem))
                    refused.add(res["name"])
                    continue
                paths[res["name"]] = path
    inside = {}
    for name, path in paths.items():
        if name in refused:
            continue
        problem = _outside(folder, path)  # the usual file names too: services.csv may be a symlink out
        if problem:
            parsed.problems.append(ImportProblem("datapackage.json" if descriptor.is_file() else path.name,
                                                 None, None, problem))
        else:
            inside[name] = path
    return inside


_UNREADABLE = object()
"""What :func:`_read_descriptor` returns for a descriptor it reported as unreadable."""


def _read_descriptor(descriptor: Path, parsed: Parsed) -> Any:
    """The parsed datapackage.json, or _UNREADABLE with a problem (too big, not UTF-8, not JSON, too deep)."""
    def problem(message: str) -> None:
        parsed.problems.append(ImportProblem("datapackage.json", None, None, message))

    try:
        size = descriptor.stat().st_size
        if size > IMPORT_FILE_MAX_BYTES:
            problem(file_too_big(size))
            return _UNREADABLE
        text = descriptor.read_text(encoding="utf-8-sig")
    except OSError as exc:
        problem(f"无法读取文件 (cannot read): {exc.strerror or exc}")
        return _UNREADABLE
    except UnicodeDecodeError:
        problem("不是 UTF-8 文本 (not UTF-8 text): 请另存为 UTF-8 (save it as UTF-8)")
        return _UNREADABLE
    depth = json_nesting(text)
    if depth > JSON_DEPTH_MAX:
        problem(f"嵌套超过 {JSON_DEPTH_MAX} 层的上限，不是数据包描述 "
                f"(nested deeper than the limit of {JSON_DEPTH_MAX} levels: not a data package descriptor)")
        return _UNREADABLE
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem(f"不是有效的 JSON (not valid JSON): {exc}")
    except (ValueError, RecursionError):  # a number of thousands of digits (Python's int-string limit)
        problem("有一个数字长得离谱，不是数据包描述 "
                "(a number in the file is far too long: not a data package descriptor)")
    return _UNREADABLE


def _outside(folder: Path, path: Path) -> str | None:
    """None when ``path`` (symlinks followed) lies inside ``folder``, else why it is refused."""
    try:
        root = folder.resolve()
        target = path.resolve()
    except (OSError, RuntimeError, ValueError):
        return f"资源路径“{path.name[:60]}”无法解析 (resource path cannot be resolved)"
    if target == root or not target.is_relative_to(root):
        shown = str(path.relative_to(folder) if path.is_relative_to(folder) else path)[:80]
        return (f"资源文件“{shown}”在数据包文件夹以外（或是指向外面的链接），不读取；请把 CSV 文件放进数据包文件夹 "
                "(resource path outside the package folder, or a symlink pointing out of it: refused)")
    return None


def parse_hsds(conn: sqlite3.Connection, folder: Path, *, default_category: str | None = None) -> Parsed:
    """Read an HSDS tabular package into listings (validation happens in kiosk.core.exchange.transfer)."""
    parsed = Parsed()
    paths = _resource_paths(folder, parsed)
    tables: dict[str, Table] = {}
    for name, *_spec in RESOURCES:
        path = paths.get(name)  # absent: refused as outside the package
        if path is None or not path.is_file():
            continue
        table, problems = read_table(path, name=path.name, restore=False)  # HSDS files are data, not sheets
        parsed.problems += problems
        if table is None:
            continue
        required = {"id"} | ({"name"} if name in ("service", "organization") else set()) | \
            ({"number"} if name == "phone" else set()) | ({"document"} if name == "required_document" else set())
        for col in sorted(required - set(table.header)):
            parsed.problems.append(ImportProblem(table.file, 1, col, f"缺少必需的列“{col}” (missing column '{col}')"))
        tables[name] = table
    for file, kind in _NOT_IMPORTED_FILES.items():
        if (folder / file).is_file():
            parsed.warnings.append(ImportProblem(file, None, None, NOT_IMPORTED[kind]))
    if "service" not in tables:
        if not any(p.file == "services.csv" for p in parsed.problems):
            parsed.problems.append(ImportProblem("services.csv", None, None,
                                                 "数据包里没有 services.csv (no services.csv in the package)"))
        return parsed
    if parsed.problems:
        return parsed
    _build(conn, tables, parsed, default_category)
    return parsed


def _rows(tables: dict[str, Table], name: str) -> list[tuple[int, dict[str, str]]]:
    table = tables.get(name)
    return table.rows if table is not None else []


def _build(conn: sqlite3.Connection, tables: dict[str, Table], parsed: Parsed, default_category: str | None) -> None:
    cats = categories_of(conn)
    existing = {r[0] for r in conn.execute("SELECT id FROM services")}

    def warn(file: str, row: int | None, column: str | None, message: str) -> None:
        parsed.warnings.append(ImportProblem(file, row, column, message))

    def error(file: str, row: int | None, column: str | None, message: str) -> None:
        parsed.problems.append(ImportProblem(file, row, column, message))

    for row, r in _rows(tables, "organization"):
        for column, limit in (("id", "organization_id"), ("name", "name"), ("name_en", "name_en"),
                              ("description", "description"), ("email", "email"), ("website", "url")):
            if message := too_long(r.get(column), limit):
                error(tables["organization"].file, row, column, message)
        parsed.organizations.append({"id": r["id"], "name": r.get("name", ""),
                                     "description": r.get("description") or None, "email": r.get("email") or None,
                                     "url": r.get("website") or None, "name_en": r.get("name_en") or None,
                                     "_row": row})

    # Category links: attribute → taxonomy term → one of our categories.
    terms = {r["id"]: r for _row, r in _rows(tables, "taxonomy_term")}
    linked: dict[str, str] = {}
    for _row, r in _rows(tables, "attribute"):
        term = terms.get(r.get("taxonomy_term_id", ""))
        candidates = [r.get("taxonomy_term_id", "")]
        if term is not None:
            candidates = [term.get("id", ""), term.get("code", ""), term.get("name", ""), term.get("name_en", "")]
        for candidate in candidates:
            cid = resolve_category(candidate, cats) if candidate else None
            if cid and r.get("link_id") and r["link_id"] not in linked:
                linked[r["link_id"]] = cid
                break

    # Links between services and locations.
    sal = {r["id"]: r for _row, r in _rows(tables, "service_at_location")}
    services_of: dict[str, list[str]] = {}
    for _row, r in _rows(tables, "service_at_location"):
        services_of.setdefault(r.get("service_id", ""), []).append(r.get("location_id", ""))

    def owner(r: dict[str, str]) -> str | None:
        if r.get("service_id"):
            return r["service_id"]
        link = sal.get(r.get("service_at_location_id", ""))
        return link.get("service_id") if link else None

    # Locations, with address and accessibility.
    locations: dict[str, LocationEntry] = {}
    location_rows: dict[str, int] = {}
    for row, r in _rows(tables, "location"):
        values: dict[str, Any] = {}
        for d, column in _plain_fields(LocationEntry, "location"):
            value, message = read_cell(d, r.get(column, ""), cats)
            if message:  # outside data: an impossible position is left empty, not refused
                warn(tables["location"].file, row, column, f"{message} 已留空 (left empty)")
            values[d.name] = value
        if (values.get("latitude") is None) != (values.get("longitude") is None):
            values["latitude"] = values["longitude"] = None  # half a position is no position
        locations[r["id"]] = LocationEntry(**values)
        location_rows[r["id"]] = row
    for row, r in _rows(tables, "address"):
        loc = locations.get(r.get("location_id", ""))
        if loc is None:
            warn(tables["address"].file, row, "location_id", "地址对应的地点不在 locations.csv 里，未导入 "
                                                             "(address of an unknown location: skipped)")
            continue
        parts = [r.get(k, "") for k in ("address_1", "address_2", "city", "region", "state_province",
                                         "postal_code", "country")]
        loc.address = ", ".join(p for p in parts if p) or loc.address  # HSDS splits what a resident reads as one
        for d, column in _plain_fields(LocationEntry, "address"):
            if d.name != "address" and r.get(column):
                setattr(loc, d.name, read_cell(d, r[column], cats)[0])
    for _row, r in _rows(tables, "accessibility"):
        loc = locations.get(r.get("location_id", ""))
        if loc is not None and r.get("description"):
            details = r.get("details")
            loc.accessibility.append(r["description"] + (f"（{details}）" if details else ""))

    # Children per service, in file order.
    phones: dict[str, list[tuple[int, PhoneEntry]]] = {}
    for row, r in _rows(tables, "phone"):
        sid = owner(r)
        if not sid and r.get("location_id") in locations and r.get("number"):
            locations[r["location_id"]].phones.append(r["number"])  # the place's own phone
            continue
        if not sid:
            warn(tables["phone"].file, row, "service_id", "电话没有对应的服务，未导入 (phone of no service: skipped)")
            continue
        phones.setdefault(sid, []).append((row, _entry(PhoneEntry, "phone", r, cats)))
    hours: dict[str, list[tuple[int, HoursEntry]]] = {}
    for sid, items in _schedules(tables, owner, warn, locations).items():
        hours[sid] = items
    documents: dict[str, list[tuple[int, DocumentEntry]]] = {}
    for row, r in _rows(tables, "required_document"):
        if r.get("service_id"):
            documents.setdefault(r["service_id"], []).append(
                (row, _entry(DocumentEntry, "required_document", r, cats)))
    languages: dict[str, list[str]] = {}
    for _row, r in _rows(tables, "language"):
        if r.get("service_id") and r.get("name"):
            languages.setdefault(r["service_id"], []).append(r["name"])

    service_table = tables["service"]
    for row, r in service_table.rows:
        sid = r.get("id") or None
        exists = sid is not None and sid in existing
        listing = (get_listing(conn, sid) if exists and sid else None) or Listing(id=sid, origin="import")
        for d, column in _plain_fields(Listing, "service"):
            if column in service_table.header and d.name != "id":
                value, message = read_cell(d, r.get(column, ""), cats)
                if message:
                    error(service_table.file, row, column, message)
                setattr(listing, d.name, value)
        if sid and sid in linked:
            listing.category_id = linked[sid]
        elif not exists:
            if default_category:
                listing.category_id = resolve_category(default_category, cats) or default_category
            else:
                error(service_table.file, row, "category",
                      f"服务“{listing.name}”没有对应到本终端的类别：用 --category 指定一个类别"
                      f"（{'、'.join(f'{cid} {name}' for cid, name, _en in cats)}），或在 attributes.csv 里"
                      "把它链接到这些类别之一 (no category: pass --category ID)")
        if "phone" in tables and sid is not None:
            listing.phones = [p for _r, p in phones.get(sid, [])]
        if "schedule" in tables and sid is not None:
            listing.hours = [h for _r, h in hours.get(sid, [])]
        if "required_document" in tables and sid is not None:
            listing.documents = [d for _r, d in documents.get(sid, [])]
        if "language" in tables and sid is not None:
            listing.languages = languages.get(sid, [])
        if "service_at_location" in tables and sid is not None:
            listing.locations = []
            for loc_id in services_of.get(sid, []):
                loc = locations.get(loc_id)
                if loc is None:
                    error(tables["service_at_location"].file, None, "location_id",
                          f"服务“{sid}”链接的地点“{loc_id}”不在 locations.csv 里 (unknown location)")
                    continue
                listing.locations.append(replace(loc, accessibility=list(loc.accessibility), phones=list(loc.phones)))
        parsed.listings.append(Incoming(service_table.file, row, listing, exists,
                                        _locator(service_table.file, row, tables, sid, phones, hours, documents)))


def _entry(cls: type, resource: str, r: dict[str, str], cats: list[tuple[str, str, str | None]]) -> Any:
    """One entry (a phone, hours, a document) from its HSDS row, by the declared columns."""
    return cls(**{d.name: read_cell(d, r.get(column, ""), cats)[0] for d, column in _plain_fields(cls, resource)})


def _locator(file: str, row: int, tables: dict[str, Table], sid: str | None,
             phones: dict[str, list[tuple[int, PhoneEntry]]], hours: dict[str, list[tuple[int, HoursEntry]]],
             documents: dict[str, list[tuple[int, DocumentEntry]]]) -> Any:
    by_group: dict[str, dict[str, list[tuple[int, Any]]]] = {"phones": phones, "hours": hours,
                                                               "documents": documents}
    homes = {d.name: d.group for d in groups() if d.group is not None}

    def locate(path: FieldPath) -> tuple[str, int | None, str | None]:
        head = str(path[0])
        if len(path) == 3 and sid is not None and isinstance(path[1], int):
            g = homes[head]
            column = next((c for owner, d, c in FIELD_COLUMNS.get(g.hsds, [])
                           if owner is g.entry and d.name == path[2]), str(path[2]))
            if head in by_group and g.hsds in tables:
                rows = [r for r, entry in by_group[head].get(sid, []) if any(vars(entry).values())]
                if 0 <= path[1] - 1 < len(rows):
                    return tables[g.hsds].file, rows[path[1] - 1], column
            if head == "locations":
                return "locations.csv", None, column.rpartition(".")[2]
        column = next((c for owner, d, c in FIELD_COLUMNS.get("service", []) if owner is Listing and d.name == head),
                      head)
        return file, row, "category" if head == "category_id" else column
    return locate


def _schedules(tables: dict[str, Table], owner: Any, warn: Any,
               locations: dict[str, LocationEntry]) -> dict[str, list[tuple[int, HoursEntry]]]:
    """opening_hours per service: our column when present, else the weekly rule, rows of a service joined.
    A row of a place (``location_id``, no service) is that place's own hours."""
    table = tables.get("schedule")
    if table is None:
        return {}
    ours: dict[str, list[tuple[int, HoursEntry]]] = {}
    rules: dict[str, list[tuple[int, str, str | None]]] = {}
    place_rules: dict[str, list[str]] = {}
    for row, r in table.rows:
        sid = owner(r)
        place = locations.get(r.get("location_id", "")) if not sid else None
        if place is not None:
            expr = r.get("opening_hours") or rule_to_opening_hours(r)[0]
            if expr:
                place_rules.setdefault(r["location_id"], []).append(expr)
            else:
                warn(table.file, row, "freq", "这一条地点的开放时间无法换算，未导入 (rule not expressible: skipped)")
            continue
        if not sid:
            warn(table.file, row, "service_id", "营业时间没有对应的服务，未导入 (schedule of no service: skipped)")
            continue
        if r.get("opening_hours"):
            ours.setdefault(sid, []).append((row, _entry(HoursEntry, "schedule", r, [])))
            continue
        expr, reason = rule_to_opening_hours(r)
        if expr is None:
            warn(table.file, row, "freq", f"{reason}，这一条营业时间未导入；可在导入后手动填写 "
                                          "(rule not expressible: skipped)")
            continue
        for skipped in ("valid_from", "valid_to", "until", "dtstart"):
            if r.get(skipped):
                warn(table.file, row, skipped, "有效期不导入：营业时间按长期有效处理 (validity dates are not imported)")
                break
        rules.setdefault(sid, []).append((row, expr, r.get("description") or None))
    for loc_id, exprs in place_rules.items():
        locations[loc_id].hours = ", ".join(exprs)  # weekly rules of one place, joined as a service's are
    for sid, items in rules.items():
        descriptions = [d for _r, _e, d in items if d]
        entry = HoursEntry(opening_hours=", ".join(e for _r, e, _d in items),
                           description=" ".join(dict.fromkeys(descriptions)) or None)
        ours.setdefault(sid, []).append((items[0][0], entry))
    return ours


def rule_to_opening_hours(r: dict[str, str]) -> tuple[str | None, str]:
    """An HSDS 3.0 schedule row (weekly rule) as an opening_hours string, or (None, why not)."""
    freq = (r.get("freq") or "").strip().upper()
    opens, closes = (r.get("opens_at") or "").strip(), (r.get("closes_at") or "").strip()
    if freq not in ("", "WEEKLY"):
        return None, f"重复规则 freq={freq} 无法换算 (only weekly rules are supported)"
    if not opens or not closes:
        return None, "缺少开门或关门时间 opens_at/closes_at (no opening or closing time)"
    days = []
    for token in (r.get("byday") or "").replace(" ", "").split(","):
        if not token:
            continue
        day = _DAYS.get(token[-2:].upper())
        if day is None or (len(token) > 2 and freq == "WEEKLY"):
            return None, f"byday 里的“{token}”无法换算 (cannot read byday '{token}')"
        days.append(day)
    span = f"{opens[:5]}-{closes[:5]}"
    return (f"{','.join(days)} {span}" if days else f"Mo-Su {span}"), ""
