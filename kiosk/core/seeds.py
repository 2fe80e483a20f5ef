"""Read and validate the structured seed records under ``seeds/``.

Every record that states a fact carries ``source``: a passage that must occur in a seed document
(white space ignored). :func:`load_seeds` collects *all* problems and raises one
:class:`SeedError` listing them, each naming the file, the record and what is wrong.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.errors import SeedError
from kiosk.core.provenance import SeedText

NATIONAL_NUMBERS = frozenset({"110", "119", "120", "122", "12345", "12349"})
"""Nationally unified numbers that may be listed without a seed passage (``basis = "national"``)."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

Record = dict[str, Any]


@dataclass
class Source:
    id: str
    file: str
    title: str
    title_en: str | None
    byline: str | None
    year: int | None
    text: str
    sha256: str


@dataclass
class SeedData:
    """Everything the database is built from, validated."""

    sources: list[Source] = field(default_factory=list)
    categories: list[Record] = field(default_factory=list)
    services: list[Record] = field(default_factory=list)
    figures: list[Record] = field(default_factory=list)
    news: list[Record] = field(default_factory=list)
    hotlines: list[Record] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    holidays: list[Record] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _read_toml(path: Path, problems: _Problems) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.add(path.name, f"not valid TOML: {exc}")
    except UnicodeDecodeError:
        problems.add(path.name, "not valid UTF-8 text; save the file as UTF-8")
    return {}


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Checker:
    """Validates one record's fields and its passages."""

    def __init__(self, problems: _Problems, texts: dict[str, SeedText], default_source: str) -> None:
        self.problems = problems
        self.texts = texts
        self.default_source = default_source

    def where(self, file: str, kind: str, record: Record, index: int) -> str:
        ident = record.get("id") or record.get("number") or record.get("date") or f"#{index + 1}"
        return f"{file}: {kind} '{ident}'"

    def known_keys(self, where: str, record: Record, allowed: set[str]) -> None:
        unknown = sorted(set(record) - allowed)
        if unknown:
            self.problems.add(where, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")

    def text(self, where: str, record: Record, key: str, *, required: bool = False) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self.problems.add(where, f"missing required field '{key}'")
            return None
        if not isinstance(value, str):
            self.problems.add(where, f"field '{key}' must be text, got {type(value).__name__}")
            return None
        value = value.strip()
        if required and not value:
            self.problems.add(where, f"field '{key}' is empty")
            return None
        return value or None

    def ident(self, where: str, record: Record) -> str | None:
        value = self.text(where, record, "id", required=True)
        if value is not None and not _ID.match(value):
            self.problems.add(where, f"id '{value}' must be lowercase letters, digits and hyphens")
            return None
        return value

    def passage(self, where: str, record: Record, key: str = "source", *, required: bool = True) -> str | None:
        """Check that ``record[key]`` occurs in the record's seed document."""
        value = self.text(where, record, key, required=required)
        if value is None:
            return None
        source_id = record.get("source_id", self.default_source)
        seed = self.texts.get(source_id)
        if seed is None:
            self.problems.add(where, f"unknown source_id '{source_id}'")
            return None
        if not seed.contains(value):
            self.problems.add(
                where,
                f"{key} passage not found in the seed text {seed.name}: “{_short(value)}” — "
                "copy the passage exactly from the seed document",
            )
            return None
        return value

    def number(self, where: str, record: Record, key: str, *, required: bool = False) -> float | None:
        value = record.get(key)
        if value is None:
            if required:
                self.problems.add(where, f"missing required field '{key}'")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.add(where, f"field '{key}' must be a number, got {value!r}")
            return None
        return float(value)


_SERVICE_KEYS = {
    "id", "category", "name", "name_en", "alternate_name", "description", "description_en", "url", "email",
    "status", "application_process", "application_process_en", "eligibility_description",
    "eligibility_description_en", "fees_description", "fees_description_en", "count", "count_unit",
    "count_unit_en", "source", "source_id", "phones", "schedules", "required_documents",
}
_PHONE_KEYS = {"number", "extension", "type", "description", "description_en", "source", "source_id"}
_SCHEDULE_KEYS = {"opening_hours", "description", "description_en", "source", "source_id"}
_DOCUMENT_KEYS = {"document", "document_en", "source", "source_id"}
_CATEGORY_KEYS = {"id", "name", "name_en", "description", "description_en", "icon", "color", "primary"}
_FIGURE_KEYS = {
    "id", "topic", "label", "label_en", "value", "unit", "unit_en", "qualifier", "year", "period", "chart",
    "series", "source", "source_id",
}
_NEWS_KEYS = {"id", "order", "title", "title_en", "summary_en", "body", "more", "captions", "credit", "source_id"}
_HOTLINE_KEYS = {"number", "name", "name_en", "service", "basis", "note", "note_en", "source", "source_id"}
_HOLIDAY_KEYS = {"date", "kind", "name", "name_en"}


def load_seeds(seeds_dir: Path) -> SeedData:
    """Read every seed file in ``seeds_dir`` and validate it; raise :class:`SeedError` on problems."""
    problems = _Problems()
    data = SeedData()
    if not seeds_dir.is_dir():
        raise SeedError(f"seed folder not found: {seeds_dir}")

    # Sources --------------------------------------------------------------------------------
    texts: dict[str, SeedText] = {}
    for index, rec in enumerate(_read_toml(seeds_dir / "sources.toml", problems).get("source", [])):
        where = f"sources.toml: source #{index + 1}"
        sid, fname, title = rec.get("id"), rec.get("file"), rec.get("title")
        if not (isinstance(sid, str) and isinstance(fname, str) and isinstance(title, str)):
            problems.add(where, "needs text fields 'id', 'file' and 'title'")
            continue
        path = seeds_dir / fname
        if not path.is_file():
            problems.add(where, f"seed document '{fname}' not found in {seeds_dir}")
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.add(where, f"seed document '{fname}' is not UTF-8 text")
            continue
        texts[sid] = SeedText(fname, text)
        data.sources.append(
            Source(sid, fname, title, rec.get("title_en"), rec.get("byline"), rec.get("year"), text,
                   hashlib.sha256(raw).hexdigest())
        )
    if not texts:
        problems.add("sources.toml", "no seed document listed; add a [[source]] with id, file and title")
        raise SeedError(_report(problems))
    default_source = data.sources[0].id
    check = _Checker(problems, texts, default_source)

    # Categories -----------------------------------------------------------------------------
    category_ids: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "categories.toml", problems).get("category", [])):
        where = check.where("categories.toml", "category", rec, index)
        check.known_keys(where, rec, _CATEGORY_KEYS)
        cid = check.ident(where, rec)
        name = check.text(where, rec, "name", required=True)
        icon = check.text(where, rec, "icon", required=True)
        color = check.text(where, rec, "color", required=True)
        if color and not _COLOR.match(color):
            problems.add(where, f"color '{color}' must look like #1A2B3C")
        if cid in category_ids:
            problems.add(where, f"duplicate category id '{cid}'")
        if cid and name and icon and color:
            category_ids.add(cid)
            data.categories.append({
                "id": cid, "name": name, "name_en": check.text(where, rec, "name_en"),
                "description": check.text(where, rec, "description"),
                "description_en": check.text(where, rec, "description_en"),
                "icon": icon, "color": color.upper(), "is_primary": 1 if rec.get("primary", True) else 0,
                "sort_order": index,
            })

    # Services -------------------------------------------------------------------------------
    service_ids: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "services.toml", problems).get("service", [])):
        where = check.where("services.toml", "service", rec, index)
        check.known_keys(where, rec, _SERVICE_KEYS)
        sid = check.ident(where, rec)
        name = check.text(where, rec, "name", required=True)
        category = check.text(where, rec, "category", required=True)
        if category is not None and category not in category_ids:
            problems.add(where, f"unknown category '{category}'; known: {', '.join(sorted(category_ids))}")
            category = None
        quote = check.passage(where, rec)
        count = check.number(where, rec, "count")
        status = rec.get("status", "active")
        if status not in ("active", "inactive", "retired"):
            problems.add(where, f"status '{status}' must be active, inactive or retired")
        if sid in service_ids:
            problems.add(where, f"duplicate service id '{sid}'")
        service: Record = {
            "id": sid, "category_id": category, "name": name, "status": status,
            "count": int(count) if count is not None else None, "sort_order": index,
            "source_id": rec.get("source_id", default_source), "source_quote": quote,
        }
        for key in ("name_en", "alternate_name", "description", "description_en", "url", "email",
                    "application_process", "application_process_en", "eligibility_description",
                    "eligibility_description_en", "fees_description", "fees_description_en",
                    "count_unit", "count_unit_en"):
            service[key] = check.text(where, rec, key)
        service["phones"] = _children(check, where, rec, "phones", _PHONE_KEYS, _phone)
        service["schedules"] = _children(check, where, rec, "schedules", _SCHEDULE_KEYS, _schedule)
        service["required_documents"] = _children(
            check, where, rec, "required_documents", _DOCUMENT_KEYS, _document
        )
        if sid and name and category and quote:
            service_ids.add(sid)
            data.services.append(service)

    # Figures --------------------------------------------------------------------------------
    figure_ids: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "figures.toml", problems).get("figure", [])):
        where = check.where("figures.toml", "figure", rec, index)
        check.known_keys(where, rec, _FIGURE_KEYS)
        fid = check.ident(where, rec)
        topic = check.text(where, rec, "topic", required=True)
        label = check.text(where, rec, "label", required=True)
        value = check.number(where, rec, "value", required=True)
        quote = check.passage(where, rec)
        year = rec.get("year")
        if year is not None and not (isinstance(year, int) and 1949 <= year <= 2100):
            problems.add(where, f"year {year!r} must be a whole year like 2020")
        if fid in figure_ids:
            problems.add(where, f"duplicate figure id '{fid}'")
        if fid and topic and label and value is not None and quote:
            figure_ids.add(fid)
            data.figures.append({
                "id": fid, "topic": topic, "label": label, "label_en": check.text(where, rec, "label_en"),
                "value": value, "unit": check.text(where, rec, "unit"),
                "unit_en": check.text(where, rec, "unit_en"), "qualifier": check.text(where, rec, "qualifier"),
                "year": year, "period": check.text(where, rec, "period"), "chart": check.text(where, rec, "chart"),
                "series": check.text(where, rec, "series"), "sort_order": index,
                "source_id": rec.get("source_id", default_source), "source_quote": quote,
            })

    # News -----------------------------------------------------------------------------------
    news_ids: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "news.toml", problems).get("news", [])):
        where = check.where("news.toml", "news", rec, index)
        check.known_keys(where, rec, _NEWS_KEYS)
        nid = check.ident(where, rec)
        title = check.passage(where, rec, "title")
        body = check.passage(where, rec, "body")
        parts = [body] if body else []
        more = rec.get("more", [])
        if not isinstance(more, list):
            problems.add(where, "field 'more' must be a list of passages")
            more = []
        for part_index, part in enumerate(more):
            checked = check.passage(f"{where} more[{part_index}]", {"more": part, **_sid(rec)}, "more")
            if checked:
                parts.append(checked)
        captions = rec.get("captions", [])
        if not isinstance(captions, list):
            problems.add(where, "field 'captions' must be a list of passages")
            captions = []
        for cap_index, caption in enumerate(captions):
            check.passage(f"{where} captions[{cap_index}]", {"caption": caption, **_sid(rec)}, "caption")
        credit = check.passage(where, rec, "credit", required=False)
        if nid in news_ids:
            problems.add(where, f"duplicate news id '{nid}'")
        if nid and title and body:
            news_ids.add(nid)
            data.news.append({
                "id": nid, "sort_order": rec.get("order", index), "title": title,
                "title_en": check.text(where, rec, "title_en"), "summary_en": check.text(where, rec, "summary_en"),
                "body": "\n\n".join(_paragraphs(p) for p in parts), "captions": captions, "credit": credit,
                "source_id": rec.get("source_id", default_source),
            })

    # Hotlines -------------------------------------------------------------------------------
    numbers: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "hotlines.toml", problems).get("hotline", [])):
        where = check.where("hotlines.toml", "hotline", rec, index)
        check.known_keys(where, rec, _HOTLINE_KEYS)
        number = check.text(where, rec, "number", required=True)
        name = check.text(where, rec, "name", required=True)
        basis = rec.get("basis", "seed")
        hotline_quote: str | None = None
        if number is not None and not _PHONE.match(number):
            problems.add(where, f"number '{number}' must be digits (and hyphens), e.g. 12349 or 0371-12345678")
        if basis == "national":
            if number not in NATIONAL_NUMBERS:
                problems.add(where, f"'{number}' is not a nationally unified number; give a seed `source` instead")
            if not check.text(where, rec, "note"):
                problems.add(where, "a national number needs a `note` saying what it is")
        elif basis == "seed":
            hotline_quote = check.passage(where, rec)
            if hotline_quote and number and number not in hotline_quote:
                problems.add(where, f"the source passage does not contain the number {number}")
        else:
            problems.add(where, f"basis '{basis}' must be 'seed' or 'national'")
        linked = check.text(where, rec, "service")
        if linked is not None and linked not in service_ids:
            problems.add(where, f"unknown service '{linked}'")
        if number in numbers:
            problems.add(where, f"duplicate hotline number '{number}'")
        if number and name:
            numbers.add(number)
            data.hotlines.append({
                "number": number, "name": name, "name_en": check.text(where, rec, "name_en"),
                "service_id": linked, "basis": basis, "note": check.text(where, rec, "note"),
                "note_en": check.text(where, rec, "note_en"), "sort_order": index,
                "source_id": rec.get("source_id", default_source) if basis == "seed" else None,
                "source_quote": hotline_quote,
            })

    # Synonyms -------------------------------------------------------------------------------
    table = _read_toml(seeds_dir / "synonyms.toml", problems).get("synonyms", {})
    seen_words: set[tuple[str, str]] = set()
    for category, words in table.items():
        where = f"synonyms.toml: '{category}'"
        if category not in category_ids:
            problems.add(where, f"unknown category '{category}'")
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            problems.add(where, "must be a list of non-empty words")
            continue
        for word in words:
            pair = (word.strip().lower(), category)
            if pair not in seen_words:
                seen_words.add(pair)
                data.synonyms.append(pair)

    # Holiday overrides ----------------------------------------------------------------------
    dates: set[str] = set()
    for index, rec in enumerate(_read_toml(seeds_dir / "holidays.toml", problems).get("day", [])):
        where = check.where("holidays.toml", "day", rec, index)
        check.known_keys(where, rec, _HOLIDAY_KEYS)
        date = str(rec.get("date", ""))
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
            problems.add(where, f"date '{date}' must look like 2027-01-01")
            continue
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            problems.add(where, f"date '{date}' is not a day of the calendar")
            continue
        for name_key in ("name", "name_en"):
            if rec.get(name_key) is not None and not isinstance(rec.get(name_key), str):
                problems.add(where, f"field '{name_key}' must be text, e.g. name = \"元旦\"")
        kind = rec.get("kind")
        if kind not in ("holiday", "workday"):
            problems.add(where, "kind must be 'holiday' or 'workday' (a make-up working day, 调休)")
            continue
        if date in dates:
            problems.add(where, f"duplicate date {date}")
        dates.add(date)
        data.holidays.append({"date": date, "kind": kind, "name": rec.get("name"), "name_en": rec.get("name_en")})

    if problems.items:
        raise SeedError(_report(problems))
    return data


def _report(problems: _Problems) -> str:
    count = len(problems.items)
    head = f"{count} problem{'s' if count != 1 else ''} in the seed records:"
    return "\n".join([head, *(f"  - {item}" for item in problems.items)])


def _sid(rec: Record) -> Record:
    return {"source_id": rec["source_id"]} if "source_id" in rec else {}


def _paragraphs(text: str) -> str:
    """Normalise a multi-paragraph passage: paragraphs split by blank lines, lines stripped."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(p for p in paras if p)


def _children(check: _Checker, where: str, rec: Record, key: str, allowed: set[str], make: Any) -> list[Record]:
    items = rec.get(key, [])
    if not isinstance(items, list):
        check.problems.add(where, f"field '{key}' must be a list")
        return []
    out: list[Record] = []
    for index, item in enumerate(items):
        sub = f"{where} {key}[{index}]"
        if not isinstance(item, dict):
            check.problems.add(sub, "must be a table")
            continue
        check.known_keys(sub, item, allowed)
        made = make(check, sub, item, rec)
        if made is not None:
            made["sort_order"] = index
            out.append(made)
    return out


def _phone(check: _Checker, where: str, item: Record, parent: Record) -> Record | None:
    number = check.text(where, item, "number", required=True)
    quote = check.passage(where, {**_sid(parent), **item})
    if number is not None and not _PHONE.match(number):
        check.problems.add(where, f"number '{number}' must be digits (and hyphens), e.g. 12349 or 0371-12345678")
        return None
    if number and quote and number not in quote.replace("-", "") and number not in quote:
        check.problems.add(where, f"the source passage does not contain the number {number}")
        return None
    if not (number and quote):
        return None
    return {
        "number": number, "extension": check.text(where, item, "extension"), "type": check.text(where, item, "type"),
        "description": check.text(where, item, "description"),
        "description_en": check.text(where, item, "description_en"),
        "source_id": item.get("source_id", parent.get("source_id", check.default_source)), "source_quote": quote,
    }


def _schedule(check: _Checker, where: str, item: Record, parent: Record) -> Record | None:
    hours = check.text(where, item, "opening_hours", required=True)
    quote = check.passage(where, {**_sid(parent), **item})
    if hours is not None:
        from kiosk.core.hours import validate_hours

        hours_problem = validate_hours(hours)
        if hours_problem is not None:
            check.problems.add(where, f"opening_hours '{hours}': {hours_problem}")
            return None
    if not (hours and quote):
        return None
    return {
        "opening_hours": hours, "description": check.text(where, item, "description"),
        "description_en": check.text(where, item, "description_en"),
        "source_id": item.get("source_id", parent.get("source_id", check.default_source)), "source_quote": quote,
    }


def _document(check: _Checker, where: str, item: Record, parent: Record) -> Record | None:
    document = check.text(where, item, "document", required=True)
    quote = check.passage(where, {**_sid(parent), **item})
    if not (document and quote):
        return None
    return {
        "document": document, "document_en": check.text(where, item, "document_en"),
        "source_id": item.get("source_id", parent.get("source_id", check.default_source)), "source_quote": quote,
    }
