"""Import and export: plan (dry run), then apply all or nothing after a backup.

``plan_import`` reads a flat CSV file or an HSDS folder, checks every row (phone numbers, opening
hours, categories, required fields, duplicate ids, encoding, columns) and says what would change.
``apply_import`` refuses a plan with any problem; otherwise it backs up the database (SQLite backup
API; ``kiosk restore`` brings it back) and writes every listing in one transaction — a failure half
way leaves the database exactly as it was. Each changed listing gets its own audit entry (action
``import``), so one listing can still be undone on its own.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from kiosk.core.db import rows
from kiosk.core.db.backup import backup_database
from kiosk.core.db.connection import transaction
from kiosk.core.errors import KioskError
from kiosk.core.exchange.csv_io import ImportProblem, Incoming, Locator, Parsed, Table, export_flat, parse_flat
from kiosk.core.exchange.hsds import export_hsds, is_package, parse_hsds
from kiosk.core.exchange.outputs import OutputError, atomic_output, check_output, check_output_dir, replace_file
from kiosk.core.exchange.places_sheet import is_places_sheet, parse_places
from kiosk.core.exchange.spreadsheet import SpreadsheetError, is_workbook, read_sheet, sheet_names
from kiosk.core.exchange.workbook import export_workbook
from kiosk.core.listings import audit
from kiosk.core.listings.editing import (
    _rows_for,
    _same,
    apply_listing,
    category_ids,
    compact,
    describe_change,
    new_service_id,
    reindex,
    snapshot,
)
from kiosk.core.listings.fields import FieldPath

Format = Literal["csv", "xlsx", "hsds"]


class ImportRejected(KioskError):
    """The import file has problems; nothing was changed. ``problems`` lists every one."""

    exit_code = 2

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else ""
        more = f"（另有 {len(problems) - 1} 处问题 / {len(problems) - 1} more）" if len(problems) > 1 else ""
        super().__init__(f"导入被拒绝，数据库没有任何改动 (import refused, nothing changed): {first}{more}")


@dataclass
class ImportPlan:
    """What an import would do, or why it cannot."""

    source: Path
    format: Format
    listings: list[Incoming] = field(default_factory=list)
    organizations: list[dict[str, object]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    names: dict[str, str] = field(default_factory=dict)
    """Listing id → its name, for the dry run."""
    details: dict[str, list[str]] = field(default_factory=dict)
    """Changed listing id → what changes, one line per field (``电话：旧 → 新``)."""
    missing: list[str] = field(default_factory=list)
    """Active listings a services sheet does not have (retired only with ``retire_missing``)."""

    def changes(self) -> list[str]:
        """The dry run a worker can read: each new and changed listing by name, then its field changes."""
        lines = [f"+ 新增 new：{self.names.get(sid, sid)} [{sid}]" for sid in self.new]
        for sid in self.changed:
            lines.append(f"~ 修改 changed：{self.names.get(sid, sid)} [{sid}]")
            lines += [f"    {line}" for line in self.details.get(sid, [])]
        retired = set(self.changed)
        for sid in self.missing:
            if sid not in retired:
                lines.append(f"? 表里没有 not in the sheet：{self.names.get(sid, sid)} [{sid}] — 保持不变；要停用请选"
                             "“停用表里没有的服务”(--retire-missing)，或在状态列写“停用”")
        if not self.new and not self.changed:
            lines.append("没有变化 (no changes)")
        return lines

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return (f"{len(self.problems)} 处问题，不能导入 ({len(self.problems)} problem(s); nothing would be "
                    f"imported) — {len(self.listings)} 行 rows read")
        return (f"{len(self.listings)} 行：新增 {len(self.new)}，修改 {len(self.changed)}，不变 {self.unchanged} "
                f"({len(self.new)} new, {len(self.changed)} changed, {self.unchanged} unchanged)")


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    backup: Path | None
    applied: bool


def detect_format(path: Path) -> Format:
    if is_package(path):
        return "hsds"
    if path.is_dir():
        raise KioskError(f"{path} 不是 HSDS 数据包（没有 services.csv 或 datapackage.json） "
                         "(not an HSDS package: no services.csv or datapackage.json)")
    if path.name == "datapackage.json":
        return "hsds"
    if not path.exists():
        raise KioskError(f"找不到文件 (file not found): {path}")
    return "csv"


def plan_import(conn: sqlite3.Connection, path: Path, *, category: str | None = None,
                retire_missing: bool = False) -> ImportPlan:
    """Read and check ``path`` (a spreadsheet or an HSDS folder); change nothing.

    A services sheet is the whole table: active listings it does not have are named in
    ``plan.missing``, and retired only when ``retire_missing`` says so (a deleted row is a question,
    not an order).
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "hsds":
        folder = path.parent if path.name == "datapackage.json" else path
        parsed = parse_hsds(conn, folder, default_category=category)
    else:
        parsed = parse_spreadsheet(conn, path)
    plan = ImportPlan(path, fmt, parsed.listings, parsed.organizations, parsed.problems, parsed.warnings)
    if fmt != "hsds" and parsed.services_sheet and not plan.problems:
        _missing(conn, plan, retire=retire_missing)
    _check(conn, plan)
    if plan.ok:
        _diff(conn, plan)
    return plan


def parse_spreadsheet(conn: sqlite3.Connection, path: Path) -> Parsed:
    """A spreadsheet — an Excel/WPS workbook or CSV/TXT in UTF-8, GBK or UTF-16 — read into listings.

    Each sheet is a services sheet (one row per service) or a places sheet (one row per place,
    :mod:`kiosk.core.exchange.places_sheet`), told apart by its header; a workbook may hold both
    (``kiosk export --format xlsx`` writes them so): the services are read first, then the places
    apply to them. Empty worksheets are skipped.
    """
    parsed = Parsed()
    try:
        sheets: list[str | None] = list(sheet_names(path)) if is_workbook(path) else [None]
    except SpreadsheetError as exc:
        return Parsed(problems=[ImportProblem(path.name, None, None, str(exc).split("：", 1)[-1])])
    tables: list[Table] = []
    for sheet in sheets:
        read = read_sheet(path, sheet=sheet)
        if read.table is None and sheet is not None and len(sheets) > 1 and _empty(read.problems):
            continue  # a blank Sheet2 of a workbook
        parsed.problems += read.problems
        if read.table is not None:
            tables.append(read.table)
            if read.kind == "text" and read.encoding not in ("utf-8", "utf-8-sig"):
                parsed.warnings.append(ImportProblem(read.table.file, None, None, read.describe()))
    for table in tables:
        if not is_places_sheet(table.header):
            parsed.services_sheet = True
            sub = parse_flat(conn, table)
            parsed.listings += sub.listings
            parsed.problems += sub.problems
            parsed.warnings += sub.warnings
    if not parsed.problems:
        for table in tables:
            if is_places_sheet(table.header):
                parse_places(conn, table, parsed)
    return parsed


def _missing(conn: sqlite3.Connection, plan: ImportPlan, *, retire: bool) -> None:
    """Active listings the services sheet does not have: named, and retired when asked."""
    from kiosk.core.listings.editing import get_listing

    present = {incoming.listing.id for incoming in plan.listings if incoming.listing.id}
    for sid, name in conn.execute("SELECT id, name FROM services WHERE status != 'retired' ORDER BY sort_order, id"):
        if sid in present:
            continue
        plan.missing.append(sid)
        plan.names[sid] = name
        if retire:
            listing = get_listing(conn, sid)
            assert listing is not None
            listing.status = "retired"
            plan.listings.append(Incoming(plan.source.name, 0, listing, True, _whole_file(plan.source.name)))


def _whole_file(name: str) -> Locator:
    def locate(_path: FieldPath) -> tuple[str, int | None, str | None]:
        return name, None, None
    return locate


def _empty(problems: list[ImportProblem]) -> bool:
    return len(problems) == 1 and "空" in problems[0].message


def _check(conn: sqlite3.Connection, plan: ImportPlan) -> None:
    from kiosk.core.listings.editing import validate_listing

    cats = category_ids(conn)
    orgs: set[str] = set()
    for org in plan.organizations:
        row = org.get("_row")
        if not org.get("name"):
            plan.problems.append(ImportProblem("organizations.csv", row if isinstance(row, int) else None, "name",
                                               "机构名称必填 (organization name required)"))
        orgs.add(str(org["id"]))
    seen: dict[str, int] = {}
    reported = {(p.file, p.row, p.column) for p in plan.problems}
    for incoming in plan.listings:
        incoming.listing = compact(incoming.listing)
        ident = incoming.listing.id
        if ident is not None:
            if ident in seen:
                plan.problems.append(ImportProblem(incoming.file, incoming.row, "id",
                                                   f"编号“{ident}”和第 {seen[ident]} 行重复 "
                                                   f"(duplicate id, also on row {seen[ident]})"))
            else:
                seen[ident] = incoming.row
        for problem in validate_listing(conn, incoming.listing, categories=cats, organizations=orgs):
            file, row, column = incoming.locate(problem.path)
            if (file, row, column) in reported:
                continue  # the parser already said what is wrong with this cell
            plan.problems.append(ImportProblem(file, row, column, problem.message))
    plan.problems.sort(key=lambda p: (p.file, p.row or 0))


def _diff(conn: sqlite3.Connection, plan: ImportPlan) -> None:
    reserved: set[str] = set()
    for incoming in plan.listings:
        listing = incoming.listing
        if listing.id is None:
            listing.id = new_service_id(conn, listing.name, reserved=reserved)
        plan.names[listing.id] = listing.name
        before = snapshot(conn, listing.id)
        if before is None:
            plan.new.append(listing.id)
            continue
        after = _rows_for(conn, listing, before, "import")
        if _same(before, after):
            plan.unchanged += 1
        else:
            plan.changed.append(listing.id)
            plan.details[listing.id] = describe_change(before, after)


def apply_import(conn: sqlite3.Connection, plan: ImportPlan, *, actor: str, now: datetime) -> ImportResult:
    """Back up, then apply the whole plan in one transaction. Raises :class:`ImportRejected` if it has problems."""
    if not plan.ok:
        raise ImportRejected(plan.problems)
    if not plan.new and not plan.changed and not plan.organizations:
        return ImportResult(plan, None, False)
    backup = backup_database(conn, "before-import", now=now)
    changed: list[str] = []
    with transaction(conn):
        for org in plan.organizations:
            row = {k: v for k, v in org.items() if not k.startswith("_")}
            before = conn.execute("SELECT * FROM organizations WHERE id = ?", (row["id"],)).fetchone()
            before_dict = dict(before) if before is not None else None
            if before_dict is not None and all(before_dict.get(k) == v for k, v in row.items()):
                continue
            rows.upsert(conn, "organizations", row)
            audit.record(conn, actor=actor, table="organizations", record_id=str(row["id"]), action="import",
                         before=before_dict, after=row, now=now)
        for incoming in plan.listings:
            result = apply_listing(conn, incoming.listing, actor=actor, now=now, origin="import", action="import")
            if result.changed:
                changed.append(result.service_id)
        if changed:
            reindex(conn, changed)
    return ImportResult(plan, backup, True)


def import_path(conn: sqlite3.Connection, path: Path, *, actor: str, now: datetime, dry_run: bool = False,
                category: str | None = None, retire_missing: bool = False) -> ImportResult:
    """Plan and (unless ``dry_run``) apply; a plan with problems raises :class:`ImportRejected`."""
    plan = plan_import(conn, path, category=category, retire_missing=retire_missing)
    if dry_run:
        return ImportResult(plan, None, False)
    return apply_import(conn, plan, actor=actor, now=now)


def export(conn: sqlite3.Connection, fmt: Format, out: Path) -> int:
    """Write every listing as a flat CSV file or an HSDS folder; return the number of listings.

    Written beside the target and renamed into place (:mod:`kiosk.core.exchange.outputs`): a device, a folder
    given for CSV or an unwritable place is refused in one line, and a failed export leaves the old files.
    """
    out = Path(out)
    if fmt == "csv":
        if out.is_dir():
            raise KioskError(f"{out} 是文件夹；CSV 导出需要一个文件名，如 services.csv (give a file name)")
        with atomic_output(out, what="CSV export") as partial:
            return export_flat(conn, partial)
    if fmt == "xlsx":
        if out.is_dir():
            raise KioskError(f"{out} 是文件夹；Excel 导出需要一个文件名，如 services.xlsx (give a file name)")
        return export_workbook(conn, out)
    if fmt == "hsds":
        if out.exists() and not out.is_dir():
            raise KioskError(f"{out} 是文件；HSDS 导出需要一个文件夹 (HSDS export needs a folder)")
        folder = check_output_dir(out, what="HSDS export folder")
        try:
            work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))
        except OSError as exc:
            raise OutputError(f"HSDS export folder {out} cannot be written: {exc.strerror or exc}") from exc
        try:
            try:
                count = export_hsds(conn, work)
            except OSError as exc:
                raise OutputError(f"HSDS export into {out} failed: {exc.strerror or exc}; nothing was changed") from exc
            names = sorted(p.name for p in work.iterdir())
            for name in names:  # every target checked before any is replaced
                check_output(folder / name, what="HSDS export file")
            for name in names:
                replace_file(work / name, folder / name, what="HSDS export file")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return count
    raise KioskError(f"unknown export format '{fmt}'; use csv, xlsx or hsds")
