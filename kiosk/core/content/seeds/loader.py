"""Read the seed files and validate each record against its declared kind (:mod:`.records`).

Problems are collected, not raised one by one: a person editing the TOML sees every wrong field of
every record at once, each as ``file: kind 'id': field 'x' <what is wrong>``.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from kiosk.core.content.provenance import SeedText
from kiosk.core.content.seeds import Record, SeedData, Source
from kiosk.core.content.seeds.records import (
    Category,
    Figure,
    Holiday,
    Hotline,
    News,
    SeedContext,
    SeedRecord,
    Service,
)
from kiosk.core.errors import SeedError


@dataclass(frozen=True)
class Kind:
    """Where a record kind lives: its file, its TOML array, the key that tells records apart."""

    file: str
    array: str
    model: type[SeedRecord]
    key: str
    name: str  # in messages and in SeedContext.known


KINDS = (
    Kind("categories.toml", "category", Category, "id", "category"),
    Kind("services.toml", "service", Service, "id", "service"),
    Kind("figures.toml", "figure", Figure, "id", "figure"),
    Kind("news.toml", "news", News, "id", "news"),
    Kind("hotlines.toml", "hotline", Hotline, "number", "hotline"),
    Kind("holidays.toml", "day", Holiday, "date", "day"),
)
"""Every record kind, in the order they are read (a kind may refer to kinds read before it)."""



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


def _report(problems: _Problems) -> str:
    count = len(problems.items)
    head = f"{count} problem{'s' if count != 1 else ''} in the seed records:"
    return "\n".join([head, *(f"  - {item}" for item in problems.items)])


def load(seeds_dir: Path) -> SeedData:
    """Read every seed file in ``seeds_dir`` and validate it; raise :class:`SeedError` on problems."""
    problems = _Problems()
    data = SeedData()
    if not seeds_dir.is_dir():
        raise SeedError(f"seed folder not found: {seeds_dir}")
    texts = _load_sources(seeds_dir, problems, data)
    if not texts:
        problems.add("sources.toml", "no seed document listed; add a [[source]] with id, file and title")
        raise SeedError(_report(problems))
    ctx = SeedContext(texts, data.sources[0].id)
    rows: dict[str, list[Record]] = {}
    for kind in KINDS:
        rows[kind.model.TABLE] = _load_kind(seeds_dir, kind, ctx, problems)
    data.categories, data.services = rows["categories"], rows["services"]
    data.figures, data.news, data.hotlines = rows["figures"], rows["news"], rows["hotlines"]
    data.holidays = rows["holiday_overrides"]
    data.synonyms = _load_synonyms(seeds_dir, ctx, problems)
    if problems.items:
        raise SeedError(_report(problems))
    return data


def _load_sources(seeds_dir: Path, problems: _Problems, data: SeedData) -> dict[str, SeedText]:
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
    return texts


def _load_kind(seeds_dir: Path, kind: Kind, ctx: SeedContext, problems: _Problems) -> list[Record]:
    """Validate every record of one kind; the accepted ones become rows, their keys become known."""
    known = ctx.known.setdefault(kind.name, set())
    out: list[Record] = []
    items = _read_toml(seeds_dir / kind.file, problems).get(kind.array, [])
    if not isinstance(items, list):
        problems.add(kind.file, f"'{kind.array}' must be a list of records: write each as [[{kind.array}]]")
        return out
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            problems.add(f"{kind.file}: {kind.name} #{index + 1}", f"must be a table: write it as [[{kind.array}]]")
            continue
        ident = raw.get(kind.key) or f"#{index + 1}"
        where = f"{kind.file}: {kind.name} '{ident}'"
        try:
            record = kind.model.model_validate(raw, context=ctx)
        except ValidationError as exc:
            for message in describe(exc, kind.model):
                problems.add(where, message)
            continue
        key = str(getattr(record, kind.key))
        if key in known:
            problems.add(where, f"duplicate {kind.name} {kind.key} '{key}'")
            continue
        known.add(key)
        out.append(record.row(index))
    return out


def _load_synonyms(seeds_dir: Path, ctx: SeedContext, problems: _Problems) -> list[tuple[str, str]]:
    table = _read_toml(seeds_dir / "synonyms.toml", problems).get("synonyms", {})
    categories = ctx.known.get("category", set())
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    for category, words in table.items():
        where = f"synonyms.toml: '{category}'"
        if category not in categories:
            problems.add(where, f"unknown category '{category}'; known: {', '.join(sorted(categories)) or 'none'}")
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            problems.add(where, "must be a list of non-empty words")
            continue
        for word in words:
            pair = (word.strip().lower(), category)
            if pair not in seen:
                seen.add(pair)
                out.append(pair)
    return out


# Turning pydantic's errors into sentences for a person editing the TOML ----------------------

def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The record kind found at ``loc`` inside ``model`` (``('phones', 0)`` → Phone)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        is_model = isinstance(current, type) and issubclass(current, BaseModel)
        field = current.model_fields.get(part) if is_model else None
        if field is None:
            return None
        annotation = field.annotation
        while get_origin(annotation) is not None:
            args = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
            if not args:
                break
            annotation = args[0]
        current = annotation
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _type_name(value: Any) -> str:
    return {"str": "text", "int": "a whole number", "float": "a number", "bool": "true/false", "list": "a list",
            "dict": "a table"}.get(type(value).__name__, type(value).__name__)


def describe(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """One sentence per problem: which field, what is wrong with it."""
    messages: list[str] = []
    unknown: dict[tuple[int | str, ...], list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
        if kind == "extra_forbidden":
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
            continue
        if kind == "seed_record":
            messages.append(f"{_path(loc)}: {ctx['message']}" if loc else str(ctx["message"]))
            continue
        name = _path(loc)
        if kind == "missing":
            messages.append(f"missing required field '{name}'")
            continue
        if kind == "seed":
            what = str(ctx["message"])
        elif kind == "string_type":
            what = f"must be text, got {_type_name(value)} {value!r}"
        elif kind in ("float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"):
            what = f"must be a number, got {value!r}"
        elif kind == "bool_type":
            what = f"must be true or false, got {value!r}"
        elif kind == "list_type":
            what = f"must be a list, got {_type_name(value)}"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            what = f"must be a table, got {_type_name(value)}"
        elif kind == "literal_error":
            what = f"is {value!r}; it must be {ctx.get('expected', '')}"
            inner = _model_at(model, loc[:-1])
            field = inner.model_fields.get(str(loc[-1])) if inner is not None else None
            if field is not None and field.description:
                what += f" ({field.description})"
        else:
            what = f"is {value!r}: {error['msg']}"
        messages.append(f"field '{name}' {what}")
    for parent, names in unknown.items():
        inner = _model_at(model, parent)
        allowed = sorted(inner.model_fields) if inner is not None else []
        prefix = f"{_path(parent)}: " if parent else ""
        messages.append(f"{prefix}unknown field(s) {', '.join(sorted(names))}; allowed: {', '.join(allowed)}")
    return messages
