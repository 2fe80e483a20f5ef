"""Read and validate the structured seed records under ``seeds/``.

Every record that states a fact carries ``source``: a passage that must occur in a seed document
(white space ignored). :func:`load_seeds` collects *all* problems and raises one
:class:`SeedError` listing them, each naming the file, the record and what is wrong.

The record kinds are declared once each in :mod:`kiosk.core.content.seeds.records` (a schema library
does the field checks); :mod:`kiosk.core.content.seeds.loader` reads the files. Both are imported only when
:func:`load_seeds` runs (``kiosk build-db``), so a module that only needs :data:`NATIONAL_NUMBERS` or
the result types (``kiosk check``) never loads the schema library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NATIONAL_NUMBERS = frozenset({"110", "119", "120", "122", "12345", "12349"})
"""Nationally unified numbers that may be listed without a seed passage (``basis = "national"``)."""

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


def load_seeds(seeds_dir: Path) -> SeedData:
    """Read every seed file in ``seeds_dir`` and validate it; raise :class:`SeedError` on problems."""
    from kiosk.core.content.seeds.loader import load

    return load(seeds_dir)
