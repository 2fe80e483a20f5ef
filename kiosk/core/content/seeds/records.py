"""The seed record kinds, each declared once: its fields, their types and what makes a value wrong.

A record kind is a pydantic model. Its fields are the TOML keys a person may write (anything else is
refused as an unknown field); a field's ``serialization_alias`` is its column when the key and the
column differ (``category`` → ``category_id``, ``source`` → ``source_quote``); ``TABLE`` names the
table its rows go into. A field typed :data:`Passage` states a fact: the one shared validator
:func:`in_seed_text` checks that its text really occurs in the record's seed document
(:mod:`kiosk.core.content.provenance`).

Why pydantic v2 rather than msgspec: pydantic reports *every* wrong field of a record in one pass,
each with its location (``phones[0].number``), so the build can list all problems at once as it
always has; its validators receive a context (the seed documents, the ids seen so far), which is
what the passage and reference checks need. msgspec is faster, but stops at a record's first
error and has no validation context. Only
``kiosk build-db`` imports this module (through :func:`kiosk.core.content.seeds.load_seeds`), never the
running kiosk, so pydantic's import time does not matter.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from kiosk.core.content.provenance import SeedText
from kiosk.core.content.seeds import NATIONAL_NUMBERS, Record

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class SeedContext:
    """What validators need beyond the record: the seed documents and the ids already accepted."""

    texts: dict[str, SeedText]
    default_source: str
    known: dict[str, set[str]] = field(default_factory=dict)


def fail(message: str) -> PydanticCustomError:
    """A field's validation error: the report says ``field 'x' <message>``."""
    return PydanticCustomError("seed", "{message}", {"message": message})


def fail_record(message: str) -> PydanticCustomError:
    """A whole record's validation error (fields that disagree): the report says ``<message>``."""
    return PydanticCustomError("seed_record", "{message}", {"message": message})


def _context(info: ValidationInfo) -> SeedContext:
    ctx = info.context
    assert isinstance(ctx, SeedContext), "validate seed records with context=SeedContext(...)"
    return ctx


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Field types ---------------------------------------------------------------------------------

def _not_empty(value: str) -> str:
    if not value:
        raise fail("is empty")
    return value


def in_seed_text(value: str | None, info: ValidationInfo) -> str | None:
    """THE provenance check: the passage occurs in the seed document the record names (or the first)."""
    if value is None:
        return None
    ctx = _context(info)
    source_id = info.data.get("source_id") or ctx.default_source
    seed = ctx.texts.get(source_id)
    if seed is None:
        raise fail(f"names an unknown source_id '{source_id}'; known: {', '.join(sorted(ctx.texts))}")
    if not seed.contains(value):
        raise fail(f"quotes a passage that is not in the seed text {seed.name}: “{short(value)}” — copy the "
                   "passage exactly from the seed document")
    return value


def _matches(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise fail(f"'{value}' {what}")
        return value
    return check


def reference(kind: str) -> AfterValidator:
    """A field naming a record of ``kind`` accepted earlier (a category, a service)."""
    def check(value: str, info: ValidationInfo) -> str:
        known = _context(info).known.get(kind, set())
        if value not in known:
            raise fail(f"names an unknown {kind} '{value}'; known: {', '.join(sorted(known)) or 'none'}")
        return value
    return AfterValidator(check)


Text = Annotated[str | None, AfterValidator(lambda v: v or None)]
"""Optional text; surrounding white space is dropped and an empty text counts as absent."""
RequiredText = Annotated[str, AfterValidator(_not_empty)]
Passage = Annotated[str, AfterValidator(_not_empty), AfterValidator(in_seed_text)]
"""Text that states a fact: copied exactly from the record's seed document."""
OptionalPassage = Annotated[Text, AfterValidator(in_seed_text)]
"""A :data:`Passage` that may be left out."""
Ident = Annotated[RequiredText, AfterValidator(_matches(_ID, "must be lowercase letters, digits and hyphens"))]
PhoneNumber = Annotated[
    RequiredText, AfterValidator(_matches(_PHONE, "must be digits (and hyphens), e.g. 12349 or 0371-12345678"))
]


def _hours(value: str) -> str:
    from kiosk.core.hours.opening import validate_hours  # opening-hours-py is only needed when hours are given

    problem = validate_hours(value)
    if problem is not None:
        raise fail(f"'{value}': {problem}")
    return value


def _year(value: int | None) -> int | None:
    if value is not None and not 1949 <= value <= 2100:
        raise fail(f"{value!r} must be a whole year like 2020")
    return value


def _calendar_day(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = value.isoformat()  # TOML's bare 2027-01-01 is a date; "2027-01-01" is text
    if isinstance(value, str):
        if not _DATE.match(value):
            raise fail(f"'{value}' must look like 2027-01-01")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise fail(f"'{value}' is not a day of the calendar") from None
    return value


# Record kinds --------------------------------------------------------------------------------

class SeedRecord(BaseModel):
    """A record kind: the TOML keys it allows and the table its rows go into."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    TABLE: ClassVar[str]
    NOT_STORED: ClassVar[frozenset[str]] = frozenset()
    """Fields that are checked but have no column of their own."""
    SORTED: ClassVar[bool] = True
    """The row gets ``sort_order``: the record's place in its file."""

    def row(self, index: int) -> Record:
        """The record as a row of ``TABLE`` (column → value)."""
        out = self.model_dump(by_alias=True, exclude=set(self.NOT_STORED))
        if self.SORTED:
            out["sort_order"] = index
        return out

    @classmethod
    def columns(cls) -> set[str]:
        """The columns of ``TABLE`` that this kind's rows fill."""
        names = {f.serialization_alias or name for name, f in cls.model_fields.items() if name not in cls.NOT_STORED}
        return names | ({"sort_order"} if cls.SORTED else set())


class Fact(SeedRecord):
    """A record that states a fact; ``source_id`` picks its seed document (default: the first)."""

    source_id: Text = None  # declared first: the passage check reads it

    @model_validator(mode="after")
    def _default_source(self, info: ValidationInfo) -> Fact:
        if self.source_id is None:
            self.source_id = _context(info).default_source
        return self


class Category(SeedRecord):
    TABLE: ClassVar[str] = "categories"

    id: Ident
    name: RequiredText
    name_en: Text = None
    description: Text = None
    description_en: Text = None
    icon: RequiredText
    color: Annotated[RequiredText, AfterValidator(_matches(_COLOR, "must look like #1A2B3C")),
                     AfterValidator(str.upper)]
    primary: bool = Field(True, serialization_alias="is_primary")

    def row(self, index: int) -> Record:
        return {**super().row(index), "is_primary": int(self.primary)}


class Phone(Fact):
    TABLE: ClassVar[str] = "phones"

    number: PhoneNumber
    extension: Text = None
    type: Text = None
    description: Text = None
    description_en: Text = None
    source: Passage = Field(serialization_alias="source_quote")

    @model_validator(mode="after")
    def _passage_has_number(self) -> Phone:
        if self.number not in self.source.replace("-", "") and self.number not in self.source:
            raise fail_record(f"passage does not contain the number {self.number}")
        return self


class Schedule(Fact):
    TABLE: ClassVar[str] = "schedules"
    SORTED: ClassVar[bool] = False

    opening_hours: Annotated[RequiredText, AfterValidator(_hours)]
    description: Text = None
    description_en: Text = None
    source: Passage = Field(serialization_alias="source_quote")


class RequiredDocument(Fact):
    TABLE: ClassVar[str] = "required_documents"
    SORTED: ClassVar[bool] = False

    document: RequiredText
    document_en: Text = None
    source: Passage = Field(serialization_alias="source_quote")


class Service(Fact):
    TABLE: ClassVar[str] = "services"
    NOT_STORED: ClassVar[frozenset[str]] = frozenset({"phones", "schedules", "required_documents"})
    CHILDREN: ClassVar[dict[str, type[Fact]]] = {
        "phones": Phone, "schedules": Schedule, "required_documents": RequiredDocument,
    }

    id: Ident
    category: Annotated[RequiredText, reference("category")] = Field(serialization_alias="category_id")
    name: RequiredText
    name_en: Text = None
    alternate_name: Text = None
    description: Text = None
    description_en: Text = None
    url: Text = None
    email: Text = None
    status: Literal["active", "inactive", "retired"] = "active"
    application_process: Text = None
    application_process_en: Text = None
    eligibility_description: Text = None
    eligibility_description_en: Text = None
    fees_description: Text = None
    fees_description_en: Text = None
    count: float | None = None
    count_unit: Text = None
    count_unit_en: Text = None
    source: Passage = Field(serialization_alias="source_quote")
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    required_documents: list[RequiredDocument] = []

    @model_validator(mode="before")
    @classmethod
    def _children_inherit_source(cls, data: Any) -> Any:
        """A phone, schedule or document without its own ``source_id`` quotes its service's document."""
        if isinstance(data, dict) and "source_id" in data:
            for key in cls.CHILDREN:
                items = data.get(key)
                if isinstance(items, list):
                    data = {**data, key: [{"source_id": data["source_id"], **i} if isinstance(i, dict) else i
                                          for i in items]}
        return data

    def row(self, index: int) -> Record:
        out = super().row(index)
        out["count"] = int(self.count) if self.count is not None else None
        for key in self.CHILDREN:
            children: list[Fact] = getattr(self, key)
            out[key] = [child.row(n) | {"sort_order": n} for n, child in enumerate(children)]
        return out


class Figure(Fact):
    TABLE: ClassVar[str] = "figures"

    id: Ident
    topic: RequiredText
    label: RequiredText
    label_en: Text = None
    value: float
    unit: Text = None
    unit_en: Text = None
    qualifier: Text = None
    year: Annotated[int | None, AfterValidator(_year)] = None
    period: Text = None
    chart: Text = None
    series: Text = None
    source: Passage = Field(serialization_alias="source_quote")


def _paragraphs(text: str) -> str:
    """Normalise a multi-paragraph passage: paragraphs split by blank lines, lines stripped."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(p for p in paras if p)


class News(Fact):
    TABLE: ClassVar[str] = "news"
    NOT_STORED: ClassVar[frozenset[str]] = frozenset({"more", "order"})

    id: Ident
    order: int | None = None
    title: Passage
    title_en: Text = None
    summary_en: Text = None
    body: Passage
    more: list[Passage] = []
    captions: list[Passage] = []
    credit: OptionalPassage = None

    def row(self, index: int) -> Record:
        out = super().row(index)
        out["sort_order"] = self.order if self.order is not None else index
        out["body"] = "\n\n".join(_paragraphs(p) for p in [self.body, *self.more])
        return out


class Hotline(Fact):
    TABLE: ClassVar[str] = "hotlines"

    number: PhoneNumber
    name: RequiredText
    name_en: Text = None
    service: Annotated[Text, reference("service")] = Field(None, serialization_alias="service_id")
    basis: Literal["seed", "national"] = "seed"
    note: Text = None
    note_en: Text = None
    source: OptionalPassage = Field(None, serialization_alias="source_quote")

    @model_validator(mode="after")
    def _sourced_or_national(self) -> Hotline:
        if self.basis == "national":
            if self.number not in NATIONAL_NUMBERS:
                raise fail_record(f"'{self.number}' is not a nationally unified number; give a seed `source` instead")
            if not self.note:
                raise fail_record("a national number needs a `note` saying what it is")
            self.source_id = None
        elif self.source is None:
            raise fail_record("missing required field 'source' (the seed's passage naming the number); "
                              "or, for a nationally unified number, basis = \"national\" and a `note`")
        elif self.number not in self.source:
            raise fail_record(f"the source passage does not contain the number {self.number}")
        return self


class Holiday(SeedRecord):
    TABLE: ClassVar[str] = "holiday_overrides"
    SORTED: ClassVar[bool] = False
    model_config = ConfigDict(str_strip_whitespace=False)

    date: Annotated[str, BeforeValidator(_calendar_day)]
    kind: Literal["holiday", "workday"] = Field(description="'workday' is a make-up working day, 调休")
    name: str | None = None
    name_en: str | None = None

