"""Plain dataclasses that core hands to the screens (no Qt, no SQL outside core)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
class Overview:
    """What the home and attract screens need in one call."""

    categories: tuple[Category, ...]
    hotlines: tuple[Hotline, ...]
    headlines: tuple[NewsItem, ...]
    highlights: tuple[Figure, ...] = field(default=())
