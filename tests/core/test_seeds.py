"""The declared seed record kinds: they match the schema, check every passage, and explain mistakes.

Records added here are synthetic test data (ids start with ``test-``), written into a temporary copy
of seeds/; nothing here goes into seeds/ or data/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.content.seeds import load_seeds
from kiosk.core.content.seeds.loader import KINDS
from kiosk.core.content.seeds.records import Fact, RequiredDocument, Schedule, SeedRecord, Service, in_seed_text
from kiosk.core.db.connection import connect
from kiosk.core.errors import SeedError
from kiosk.core.terminal.paths import seeds_dir

GOOD = "图书分馆33个"  # a passage of the seed article
BAD = "本段话不在种子文章里"  # a passage that is not


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), target)
    return target


def _append(seeds: Path, file: str, toml: str) -> None:
    path = seeds / file
    path.write_text(path.read_text(encoding="utf-8") + "\n" + toml, encoding="utf-8")


def _problems(seeds: Path) -> list[str]:
    with pytest.raises(SeedError) as info:
        load_seeds(seeds)
    return [line.removeprefix("  - ") for line in str(info.value).splitlines()[1:]]


ALL_KINDS: list[type[SeedRecord]] = [k.model for k in KINDS] + [*Service.CHILDREN.values()]


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.__name__)
def test_record_kind_fields_are_columns_of_its_table(kind: type[SeedRecord], tmp_path: Path) -> None:
    """Every stored field of a record kind (by its column name) is a column of the kind's table."""
    conn = connect(tmp_path / "schema.db")  # a fresh database at the current schema
    try:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({kind.TABLE})")}
    finally:
        conn.close()
    assert columns, f"no table {kind.TABLE}"
    assert kind.columns() - columns == set(), f"{kind.__name__} declares fields {kind.TABLE} does not have"


def test_rows_fill_exactly_the_declared_columns() -> None:
    """The rows load_seeds gives for the real seeds have the keys each kind's declaration names."""
    data = load_seeds(seeds_dir())
    rows = {"categories": data.categories, "services": data.services, "figures": data.figures,
            "news": data.news, "hotlines": data.hotlines}
    for kind in KINDS:
        for row in rows.get(kind.model.TABLE, []):
            assert set(row) == kind.model.columns() | set(getattr(kind.model, "CHILDREN", {})), kind.model


def test_every_fact_kind_declares_a_checked_passage() -> None:
    """Each record kind that states a fact has a field typed with the shared passage check."""
    facts = [k for k in ALL_KINDS if issubclass(k, Fact)]
    assert {k.__name__ for k in facts} >= {"Service", "Phone", "Schedule", "RequiredDocument", "Figure",
                                           "News", "Hotline"}
    for kind in facts:
        checked = [name for name, f in kind.model_fields.items()
                   if any(getattr(m, "func", None) is in_seed_text for m in f.metadata)]
        assert checked, f"{kind.__name__} states facts but no field is checked against the seed"


@pytest.mark.parametrize(("file", "toml", "where"), [
    ("services.toml", f'[[service]]\nid = "test-svc"\ncategory = "culture"\nname = "测试"\nsource = "{BAD}"\n',
     "services.toml: service 'test-svc': field 'source'"),
    ("services.toml", f'[[service]]\nid = "test-svc"\ncategory = "culture"\nname = "测试"\nsource = "{GOOD}"\n'
                      f'[[service.phones]]\nnumber = "12349"\nsource = "{BAD}"\n',
     "services.toml: service 'test-svc': field 'phones[0].source'"),
    ("services.toml", f'[[service]]\nid = "test-svc"\ncategory = "culture"\nname = "测试"\nsource = "{GOOD}"\n'
                      f'[[service.required_documents]]\ndocument = "身份证"\nsource = "{BAD}"\n',
     "services.toml: service 'test-svc': field 'required_documents[0].source'"),
    ("figures.toml", f'[[figure]]\nid = "test-fig"\ntopic = "测试"\nlabel = "测试"\nvalue = 33\nsource = "{BAD}"\n',
     "figures.toml: figure 'test-fig': field 'source'"),
    ("news.toml", f'[[news]]\nid = "test-news"\ntitle = "{GOOD}"\nbody = "{GOOD}"\ncaptions = ["{BAD}"]\n',
     "news.toml: news 'test-news': field 'captions[0]'"),
    ("news.toml", f'[[news]]\nid = "test-news"\ntitle = "{BAD}"\nbody = "{GOOD}"\n',
     "news.toml: news 'test-news': field 'title'"),
    ("hotlines.toml", f'[[hotline]]\nnumber = "333"\nname = "测试"\nsource = "{BAD}"\n',
     "hotlines.toml: hotline '333': field 'source'"),
], ids=["service", "phone", "required-document", "figure", "news-caption", "news-title", "hotline"])
def test_passage_not_in_seed_is_refused_in_every_fact_kind(seeds_copy: Path, file: str, toml: str,
                                                           where: str) -> None:
    """A passage missing from the seed is refused in each kind, naming the file, record id and field."""
    _append(seeds_copy, file, toml)
    problems = _problems(seeds_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(where), problems
    assert BAD in problems[0] and "copy the passage exactly" in problems[0]


def test_child_records_quote_their_service_document(seeds_copy: Path) -> None:
    """A phone without its own source_id is checked against its service's source_id."""
    _append(seeds_copy, "services.toml",
            f'[[service]]\nid = "test-svc"\ncategory = "culture"\nname = "测试"\nsource = "{GOOD}"\n'
            'source_id = "test-missing-document"\n'
            f'[[service.phones]]\nnumber = "12349"\nsource = "12349"\n')
    problems = _problems(seeds_copy)
    assert len(problems) == 2, problems
    assert all("unknown source_id 'test-missing-document'" in p for p in problems), problems
    assert "field 'phones[0].source'" in problems[1]


def test_every_problem_of_a_record_is_listed(seeds_copy: Path) -> None:
    """One record with several mistakes gets one line per mistake, each naming its field."""
    _append(seeds_copy, "figures.toml",
            '[[figure]]\nid = "test-fig"\nlabel = 5\nvalue = "many"\nyear = 1800\nsource = "{BAD}"\ncolour = 1\n'
            .replace("{BAD}", BAD))
    problems = _problems(seeds_copy)
    where = "figures.toml: figure 'test-fig': "
    assert all(p.startswith(where) for p in problems), problems
    text = "\n".join(problems)
    for expected in ("missing required field 'topic'", "field 'label' must be text",
                     "field 'value' must be a number, got 'many'", "field 'year' 1800 must be a whole year",
                     "field 'source' quotes a passage that is not in the seed text",
                     "unknown field(s) colour; allowed:"):
        assert expected in text, (expected, problems)
    assert len(problems) == 6, problems


def test_unknown_field_of_a_child_lists_the_child_fields(seeds_copy: Path) -> None:
    """An unknown key in a schedule names the schedule and lists what a schedule may have."""
    _append(seeds_copy, "services.toml",
            f'[[service]]\nid = "test-svc"\ncategory = "culture"\nname = "测试"\nsource = "{GOOD}"\n'
            f'[[service.schedules]]\nopening_hours = "Mo-Fr 08:30-17:30"\nsource = "{GOOD}"\nhours = 1\n')
    problems = _problems(seeds_copy)
    allowed = ", ".join(sorted(Schedule.model_fields))
    assert problems == [f"services.toml: service 'test-svc': schedules[0]: unknown field(s) hours; allowed: {allowed}"]
    assert "document" in RequiredDocument.model_fields  # the lists differ per kind


def test_holiday_date_may_be_toml_date_or_text(seeds_copy: Path) -> None:
    """A holiday date written as a TOML date or as text gives the same row; a duplicate is refused."""
    _append(seeds_copy, "holidays.toml", '[[day]]\ndate = 2099-01-01\nkind = "holiday"\n'
                                         '[[day]]\ndate = "2099-01-02"\nkind = "workday"\n')
    data = load_seeds(seeds_copy)
    assert [(d["date"], d["kind"]) for d in data.holidays] == [("2099-01-01", "holiday"), ("2099-01-02", "workday")]
    _append(seeds_copy, "holidays.toml", '[[day]]\ndate = "2099-01-01"\nkind = "rest"\n')
    problems = _problems(seeds_copy)
    assert problems == ["holidays.toml: day '2099-01-01': field 'kind' is 'rest'; it must be 'holiday' or "
                        "'workday' ('workday' is a make-up working day, 调休)"]


def test_reading_seed_types_does_not_load_the_schema_library() -> None:
    """kiosk check and other importers of kiosk.core.content.seeds do not pay for pydantic; load_seeds does."""
    code = ("import sys, kiosk.core.content.seeds, kiosk.core.content.check\n"
            "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
            "from pathlib import Path; from kiosk.core.terminal.paths import seeds_dir\n"
            "kiosk.core.content.seeds.load_seeds(seeds_dir()); assert 'pydantic' in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
