"""Fuzzing what people type or hand us: search text, opening hours, import rows, config values, PINs.

Whatever the input, the kiosk answers or refuses with a clear message (a KioskError with a one-line
reason); it never fails with an unhandled exception. Example counts are kept moderate so the suite
stays fast; the seeds/tests elsewhere cover the expected answers, these cover "never crashes".
All data made here is synthetic.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kiosk import cli
from kiosk.core.db.connection import connect
from kiosk.core.errors import KioskError
from kiosk.core.exchange.csv_io import flat_header
from kiosk.core.exchange.transfer import apply_import, plan_import
from kiosk.core.hours.opening import InvalidHoursError, hours_state, load_calendar, validate_hours
from kiosk.core.hours.wording import to_osm
from kiosk.core.listings.editing import HoursEntry, Listing, ListingInvalid, save_listing, validate_listing
from kiosk.core.search import ranking as search
from kiosk.core.terminal.config import SETTINGS, Config, ConfigError, config_from_mapping, load_config
from kiosk.core.workers import auth
from tests.helpers.worker import NOW, SHANGHAI

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: any code point, lone surrogates and control characters included (what a broken input method might send)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=120)


def clear_message(exc: BaseException) -> str:
    """The error is a KioskError with a message (its first line says what is wrong); returns it.

    Messages quote the offending input, so an input with a line break spreads them over two lines.
    """
    assert isinstance(exc, KioskError), f"{type(exc).__name__} is not a KioskError: {exc!r}"
    message = str(exc)
    assert message.splitlines()[0].strip() and "Traceback" not in message
    return message


@pytest.fixture(scope="module")
def db_file(seed_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the seed database shared by this module's fuzz tests."""
    target = tmp_path_factory.mktemp("fuzz") / "kiosk.db"
    shutil.copyfile(seed_db_path, target)
    return target


@pytest.fixture(scope="module")
def conn(db_file: Path) -> Iterator[sqlite3.Connection]:
    c = connect(db_file)
    yield c
    c.close()


# ------------------------------------------------------------------------------ search


@FUZZ
@given(query=ANY_TEXT)
def test_search_and_miss_recording_take_any_text(conn: sqlite3.Connection, query: str) -> None:
    """Search and the record of a search without result take any text, surrogates and controls included."""
    hits = search.search(conn, query)
    assert isinstance(hits, list)
    if not hits:
        assert isinstance(search.record_miss(conn, query, date(2026, 3, 2)), bool)


@FEW
@given(query=st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1,
                     max_size=60)
       .filter(lambda q: not q.startswith("-") and q.strip()))
def test_search_command_answers_or_says_why(query: str, db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk search QUERY` exits 0 with hits or "no result"; never a traceback (a process argument has no NUL:
    tests/test_cli_errors.py checks that one is refused in one line)."""
    code = cli.main(["search", "--db", str(db_file), query])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip() and "Traceback" not in out + err


@FEW
@given(name=st.text(min_size=1, max_size=40), description=ANY_TEXT)
def test_a_worker_listing_with_odd_text_is_saved_or_refused_and_stays_findable(
        conn: sqlite3.Connection, name: str, description: str) -> None:
    """Odd names/descriptions are saved (and the index keeps up) or refused with a message naming the field."""
    listing = Listing(category_id="elderly", name=f"测试{name}", description=description)
    try:
        result = save_listing(conn, listing, actor="fuzz", now=NOW)
    except ListingInvalid as exc:
        assert exc.problems and clear_message(exc)
        return
    assert conn.execute("SELECT 1 FROM services WHERE id = ?", (result.service_id,)).fetchone()
    search.search(conn, name)


# ------------------------------------------------------------------------------ opening hours

HOURS_PIECES = st.sampled_from([
    "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "SH", "Mo-Fr", "Sa,Su", "08:30", "12:00", "14:30-17:30",
    "24/7", "off", "closed", "open", "-", ",", ";", " ", "||", ":", "08:00-12:00", "Jan", "Dec 24", "week 1-53",
    "\"备注\"", "sunrise", "+", "周一", "全天", "25:00", "00:00-24:00", "Mo[1]", "easter", "2026",
])
HOURS_TEXT = st.one_of(st.lists(HOURS_PIECES, max_size=8).map("".join), st.text(max_size=40))
MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI))


@FUZZ
@given(expr=HOURS_TEXT, moment=MOMENT)
def test_hours_text_is_usable_or_explained_the_same_everywhere(conn: sqlite3.Connection, expr: str,
                                                               moment: datetime) -> None:
    """to_osm (notice-board Chinese or OSM), hours_state and the listing editor agree: usable everywhere,
    or refused with a message."""
    calendar = load_calendar(conn)
    editor = validate_listing(conn, Listing(category_id="elderly", name="测试", hours=[HoursEntry(expr)]))
    hours_problems = [p for p in editor if p.path[0] == "hours"]
    try:
        osm = to_osm(expr)
    except InvalidHoursError as refused:
        clear_message(refused)
        assert hours_problems or not expr.strip()
        return
    assert validate_hours(osm) is None  # what is stored is valid OSM
    state = hours_state(osm, moment, calendar)
    assert state.state in ("open", "closed", "unknown")
    assert state.label("zh") and state.label("en")
    assert not hours_problems or not expr.strip()


# ------------------------------------------------------------------------------ import rows

HEADER = flat_header({"phone": 2, "hours": 1, "document": 1, "location": 1})
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "elderly", "health", "养老服务", "0371-68000001", "138-1234-5678", "12349",
                     "Mo-Fr 08:30-17:30", "=cmd|' /C calc'!A0", "1.38E+10", "34.8", "113.3", "abc", "-1",
                     "99999999999", "\"", "\n", "普通话\n英语"]),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A flat CSV: mostly real columns (sometimes a stray one), rows of odd cells, any encoding quirk."""
    columns = draw(st.lists(st.sampled_from(HEADER), min_size=1, max_size=12, unique=True))
    for required in ("name", "category", "id"):
        if draw(st.booleans()) or required == "name":
            columns = [required, *[c for c in columns if c != required]]
    if draw(st.integers(0, 9)) == 0:
        columns.append(draw(st.text(min_size=1, max_size=8)))
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns) + 1), max_size=5))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8-sig", "utf-8", "gb18030", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # a file cut short
    return data


@FEW
@given(data=st.one_of(csv_files(), st.binary(max_size=300)))
def test_import_rows_are_applied_or_refused_row_by_row(seed_db_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                       data: bytes) -> None:
    """A dry run lists problems (file, row, column, reason) or a plan; a clean plan applies; the db stays sound."""
    work = tmp_path_factory.mktemp("import")
    db = work / "kiosk.db"
    shutil.copyfile(seed_db_path, db)
    source = work / "listings.csv"
    source.write_bytes(data)
    c = connect(db)
    try:
        try:
            plan = plan_import(c, source)
        except KioskError as exc:
            clear_message(exc)
            return
        for problem in plan.problems + plan.warnings:
            assert str(problem).strip()
        if plan.ok:
            apply_import(c, plan, actor="fuzz", now=NOW)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        c.close()


# ------------------------------------------------------------------------------ config values

SETTING_NAMES = [s.name for s in SETTINGS]
VALUE = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                  st.text(max_size=40), st.lists(st.integers(), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                  st.sampled_from(["zh", "en", "standard", "contrast", "debug", "info", "terminal-1", "", " ",
                                   "90", "true", "~/logs", "../data/kiosk.db"]))
KEY = st.one_of(st.sampled_from(SETTING_NAMES), st.text(max_size=20))


@FUZZ
@given(raw=st.dictionaries(KEY, VALUE, max_size=6))
def test_any_config_mapping_loads_or_names_the_problem(raw: dict[str, Any]) -> None:
    """Any mapping gives a Config or a ConfigError that names the setting."""
    try:
        config = config_from_mapping(raw, where="config.toml")
    except ConfigError as exc:
        message = clear_message(exc)
        assert any(key in message for key in raw if isinstance(key, str))
        return
    assert isinstance(config, Config)
    assert set(raw) <= set(SETTING_NAMES)


@FEW
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_any_config_file_loads_or_says_why(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    """Random bytes as config.toml: loaded or a one-line ConfigError."""
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_bytes(content)
    try:
        assert isinstance(load_config(path), Config)
    except ConfigError as exc:
        clear_message(exc)


# ------------------------------------------------------------------------------ PIN input

PIN_TEXT = st.one_of(st.text(alphabet="0123456789", max_size=14), ANY_TEXT,
                     st.sampled_from(["", " 2580", "２５８０", "٢٥٨٠", "258013\n", "0" * 4, "1234", "9876", "25 80"]))


@settings(max_examples=60, deadline=None)
@given(pin=PIN_TEXT)
def test_new_pin_is_accepted_or_refused_with_a_reason(pin: str) -> None:
    """validate_new_pin says None (fine) or why not — never raises; accepted PINs are 6–12 ASCII digits."""
    reason = validate_new_pin_safely(pin)
    if reason is None:
        assert pin.isascii() and pin.isdigit() and auth.PIN_MIN <= len(pin) <= auth.PIN_MAX
    else:
        assert reason.strip()


def validate_new_pin_safely(pin: str) -> str | None:
    return auth.validate_new_pin(pin)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=st.lists(PIN_TEXT, min_size=1, max_size=3), new=PIN_TEXT)
def test_pin_pad_input_never_crashes(seed_db_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                     attempts: list[str], new: str) -> None:
    """set_pin takes a good PIN or refuses with a reason; check_pin answers any typed text (scrypt: few examples)."""
    db = tmp_path_factory.mktemp("pin") / "kiosk.db"
    shutil.copyfile(seed_db_path, db)
    c = connect(db)
    try:
        try:
            auth.set_pin(c, new, now=NOW)
        except auth.PinRejected as exc:
            clear_message(exc)
            auth.set_pin(c, "258013", now=NOW)
            new = "258013"
        moment = NOW
        for typed in attempts:
            assume(len(typed) < 10_000)
            result = auth.check_pin(c, typed, now=moment)
            assert result.status in ("ok", "wrong", "locked")
            assert (result.status == "ok") == (typed == new)
            moment += timedelta(seconds=1)
    finally:
        c.close()


def test_fuzz_module_uses_synthetic_data_only() -> None:
    """Sanity: the fuzzed listings are marked as test data (测试) and never touch data/."""
    assert Listing(category_id="elderly", name="测试x").name.startswith("测试")
    assert isinstance(Config(), Config)
