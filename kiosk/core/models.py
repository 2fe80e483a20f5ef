"""Plain dataclasses that core hands to the screens (no Qt, no SQL outside core)."""

from __future__ import annotations

from dataclasses import dataclass


def pick(zh: str | None, en: str | None, lang: str) -> str:
    """The text for ``lang`` ("zh" or "en"), falling back to Chinese where no English exists."""
    if lang == "en" and en:
        return en
    return zh or en or ""


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from: the seed document and the exact passage."""

    source_id: str
    title: str
    year: int | None
    quote: str


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    name_en: str | None
    description: str | None
    description_en: str | None
    icon: str
    color: str
    is_primary: bool
    service_count: int


@dataclass(frozen=True)
class Phone:
    number: str
    type: str | None
    description: str | None
    description_en: str | None
    source: SourceRef | None


@dataclass(frozen=True)
class Schedule:
    opening_hours: str
    description: str | None
    description_en: str | None
    source: SourceRef | None


@dataclass(frozen=True)
class Location:
    id: str
    name: str | None
    name_en: str | None
    address: str | None
    address_en: str | None
    community: str | None
    transportation: str | None
    latitude: float | None
    longitude: float | None
    accessibility: tuple[str, ...] = ()
    hours: str | None = None
    """The place's own opening hours (OSM), or None: not recorded."""
    phones: tuple[str, ...] = ()
    """The place's own phone numbers."""


@dataclass(frozen=True)
class ServiceSummary:
    """What a card in a list shows."""

    id: str
    category_id: str
    name: str
    name_en: str | None
    description: str | None
    description_en: str | None
    count: int | None
    count_unit: str | None
    count_unit_en: str | None
    opening_hours: str | None
    first_phone: str | None
    places: int = 0
    """How many active places the service has."""
    place_hours: tuple[str, ...] = ()
    """The opening hours of those places that have them (OSM)."""


@dataclass(frozen=True)
class ServiceDetail:
    """Everything the detail page can show; fields the data does not give are None/empty."""

    id: str
    category: Category
    name: str
    name_en: str | None
    alternate_name: str | None
    description: str | None
    description_en: str | None
    url: str | None
    email: str | None
    status: str
    application_process: str | None
    application_process_en: str | None
    eligibility_description: str | None
    eligibility_description_en: str | None
    fees_description: str | None
    fees_description_en: str | None
    count: int | None
    count_unit: str | None
    count_unit_en: str | None
    origin: str
    source: SourceRef | None
    phones: tuple[Phone, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    locations: tuple[Location, ...] = ()
    required_documents: tuple[tuple[str, str | None], ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    id: str
    topic: str
    label: str
    label_en: str | None
    value: float
    unit: str | None
    unit_en: str | None
    qualifier: str | None
    year: int | None
    period: str | None
    chart: str | None
    series: str | None
    source: SourceRef

    def value_text(self) -> str:
        """The value as a person writes it: 28, 99.48, 165.5 (no trailing .0)."""
        return f"{self.value:.10g}"

    def parts(self, lang: str) -> tuple[str, str]:
        """``(number, unit)`` as a reader of ``lang`` writes them, qualifier included.

        Chinese keeps the article's wording: ``("近120", "万元")``, ``("50多", "家")``,
        ``("2500", "万吨以上")``. English turns 万/亿 multiples into plain numbers:
        ``("197,000", "people")``, ``("16.55 billion", "yuan")``, ``("nearly 1.2 million", "yuan")``.
        """
        q = self.qualifier or ""
        if lang != "en":
            unit = self.unit or ""
            if q == "近":
                return q + self.value_text(), unit
            if q in ("多", "余"):
                return self.value_text() + q, unit
            return self.value_text(), unit + q
        unit = self.unit_en if self.unit_en is not None else (self.unit or "")
        number = self.value_text()
        for prefix, factor in (("×10,000 ", 1e4), ("×100 million ", 1e8)):
            if unit.startswith(prefix):
                number = _plain_number(self.value * factor)
                unit = unit[len(prefix):]
                break
        if q == "近":
            number = "nearly " + number
        elif q:
            number = "over " + number
        return number, unit

    @property
    def data_year(self) -> int | None:
        """The year the number is of: its own year; else, when no period is named either ("十二五末",
        "五年来"), the year of its source (the 2021 article); else None."""
        if self.year:
            return self.year
        return None if self.period else self.source.year

    def display(self, lang: str) -> str:
        """Number and unit in one string: ``19.7万人``, ``197,000 people``, ``88%``."""
        number, unit = self.parts(lang)
        if lang != "en" or not unit or unit == "%":
            return number + unit
        return f"{number} {unit}"


def _plain_number(value: float) -> str:
    """1370000 → '1.37 million', 16550000000 → '16.55 billion', 197000 → '197,000'."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:.6g} {word}"
    return f"{round(value):,}" if abs(value - round(value)) < 1e-6 else f"{value:,.6g}"


@dataclass(frozen=True)
class NewsItem:
    id: str
    title: str
    title_en: str | None
    summary_en: str | None
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    credit: str | None
    source: SourceRef


@dataclass(frozen=True)
class Hotline:
    number: str
    name: str
    name_en: str | None
    service_id: str | None
    basis: str
    note: str | None
    note_en: str | None
    source: SourceRef | None


@dataclass(frozen=True)
class PlaceFacts:
    """What a search result of a place shows: where it is, its own hours and first phone (None: not recorded)."""

    address: str | None
    address_en: str | None
    hours: str | None
    first_phone: str | None
