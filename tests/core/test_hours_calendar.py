"""The holiday calendar: chinese-calendar, the overrides table, the seed file and seed validation."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.core.content.build import build_database
from kiosk.core.db.connection import connect
from kiosk.core.errors import SeedError
from kiosk.core.hours.holidays import HolidayCalendar, HolidayOverride, load_calendar
from kiosk.core.hours.opening import SHANGHAI, hours_state
from kiosk.core.terminal.paths import seeds_dir

OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"
FIRST_SERVICE_SOURCE = (
    "上街区完善社区养老服务，建成投用养老服务设施28个，覆盖全区88%的社区，基本实现“一刻钟”居家养老服务圈，处于郑州市前列。"
)


def test_library_knows_2026_holidays_and_makeup_days() -> None:
    """chinese-calendar's 2026: Spring Festival and National Day rest days, and the 调休 weekends."""
    cal = HolidayCalendar()
    assert cal.day(date(2026, 2, 17)).kind == "holiday" and cal.day(date(2026, 2, 17)).name == "春节"
    assert cal.day(date(2026, 10, 3)).kind == "holiday" and cal.day(date(2026, 10, 3)).name_en == "National Day"
    for makeup in (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                   date(2026, 9, 20), date(2026, 10, 10)):
        assert cal.day(makeup).kind == "workday", makeup
        assert makeup.weekday() >= 5
    assert cal.day(date(2026, 5, 16)).kind == "ordinary"  # an ordinary Saturday
    assert cal.day(date(2026, 5, 14)).kind == "ordinary"


def test_unpublished_year_is_estimated_from_the_law() -> None:
    """2027 is not published: statutory holidays are expected, days near them unknown, the rest ordinary."""
    cal = HolidayCalendar()
    national = cal.day(date(2027, 10, 1))
    assert national.kind == "holiday" and national.expected and national.name == "国庆节"
    assert cal.day(date(2027, 2, 5)).name == "春节" and cal.day(date(2027, 2, 5)).expected  # 除夕
    assert cal.day(date(2027, 10, 5)).kind == "unknown"  # a plausible extension of National Day
    assert cal.day(date(2027, 9, 26)).kind == "unknown"  # a Sunday that may become a make-up day
    assert cal.day(date(2027, 3, 9)).kind == "ordinary"  # an ordinary Tuesday
    assert cal.day(date(2027, 6, 15)).kind == "ordinary"
    assert cal.year_status(2027) == "expected" and not cal.knows_year(2027) and cal.knows_year(2026)


def test_bridge_days_are_unknown() -> None:
    """A weekday between a one-day holiday and the weekend is unknown; a Wednesday holiday has none."""
    cal = HolidayCalendar()
    assert cal.day(date(2027, 12, 31)).kind == "unknown"  # Friday before New Year's Day 2028 (a Saturday)
    assert cal.day(date(2028, 1, 3)).kind == "unknown"  # and the Monday after it
    assert cal.day(date(2027, 6, 9)).kind == "holiday"  # 端午节 on a Wednesday
    assert cal.day(date(2027, 6, 8)).kind == "ordinary" and cal.day(date(2027, 6, 10)).kind == "ordinary"


def test_one_seed_row_makes_a_year_partial_not_known() -> None:
    """One override row in 2027 is used on its date; the year stays partial and the rest is estimated."""
    cal = HolidayCalendar([HolidayOverride(date(2027, 1, 1), "holiday", "元旦", "New Year's Day")])
    assert cal.year_status(2027) == "partial" and not cal.knows_year(2027)
    assert cal.day(date(2027, 1, 1)).kind == "holiday" and cal.day(date(2027, 1, 1)).source == "override"
    assert not cal.day(date(2027, 1, 1)).expected
    assert cal.day(date(2027, 10, 1)).expected
    assert cal.day(date(2027, 3, 3)).kind == "ordinary"


def test_seed_rows_naming_every_statutory_holiday_publish_the_year() -> None:
    """Seed rows covering all of 2027's statutory holidays make 2027 published: other dates ordinary."""
    from kiosk.core.hours.holidays import statutory_holidays

    rows = [HolidayOverride(d, "holiday", n[0], n[1]) for d, n in statutory_holidays(2027).items()]
    cal = HolidayCalendar(rows)
    assert cal.year_status(2027) == "published"
    assert cal.day(date(2027, 10, 5)).kind == "ordinary" and not cal.day(date(2027, 10, 1)).expected


def test_worker_row_wins_over_seed_row() -> None:
    """On the same date a worker's row beats the bundled seed row."""
    cal = HolidayCalendar([HolidayOverride(date(2027, 10, 9), "workday", origin="worker"),
                           HolidayOverride(date(2027, 10, 9), "holiday", "国庆节")], complete_years=[2027])
    assert cal.day(date(2027, 10, 9)).kind == "workday" and cal.day(date(2027, 10, 9)).source == "worker"
    assert cal.knows_year(2027) and cal.day(date(2027, 10, 5)).kind == "ordinary"


def test_load_calendar_reads_holiday_overrides(writable_db: Path) -> None:
    """Rows added to holiday_overrides change the answer: 2027-10-05 goes from unknown to a holiday."""
    conn = connect(writable_db)
    try:
        moment = datetime(2027, 10, 5, 10, 0, tzinfo=SHANGHAI)
        assert hours_state(OFFICE, moment, load_calendar(conn)).state == "unknown"
        conn.executemany(
            "INSERT INTO holiday_overrides (date, kind, name, name_en) VALUES (?, ?, ?, ?)",
            [("2027-10-05", "holiday", "国庆节", "National Day"), ("2027-10-09", "workday", None, None)],
        )
        calendar = load_calendar(conn)
    finally:
        conn.close()
    result = hours_state(OFFICE, moment, calendar)
    assert result.state == "closed" and result.label("zh") == "国庆节休息"
    saturday = hours_state(OFFICE, datetime(2027, 10, 9, 10, 0, tzinfo=SHANGHAI), calendar)
    assert saturday.state == "open" and saturday.label("zh") == "调休上班 · 12:00 关门"


def test_seed_database_calendar_loads(seed_conn: sqlite3.Connection) -> None:
    """The bundled seed database has the overrides table and load_calendar reads it."""
    calendar = load_calendar(seed_conn)
    assert calendar.day(date(2026, 10, 1)).kind == "holiday"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), target)
    return target


def _add_schedule(seeds: Path, hours: str) -> None:
    """Give the first seed service a schedule (synthetic test data, never committed to seeds/)."""
    path = seeds / "services.toml"
    text = path.read_text(encoding="utf-8")
    anchor = f'source = "{FIRST_SERVICE_SOURCE}"\n'
    assert anchor in text
    block = f'\n[[service.schedules]]\nopening_hours = "{hours}"\nsource = "{FIRST_SERVICE_SOURCE}"\n'
    path.write_text(text.replace(anchor, anchor + block, 1), encoding="utf-8")


def test_seed_build_rejects_invalid_opening_hours(seeds_copy: Path, tmp_path: Path) -> None:
    """An invalid opening_hours in services.toml stops the build, naming the record and the problem."""
    _add_schedule(seeds_copy, "Mon-Fri 08:30-17:30")
    with pytest.raises(SeedError) as info:
        build_database(seeds_copy, tmp_path / "out.db")
    text = str(info.value)
    assert "elderly-care-facilities" in text and "Mon-Fri 08:30-17:30" in text and "two letters" in text
    assert not (tmp_path / "out.db").exists()


def test_seed_build_accepts_valid_opening_hours(seeds_copy: Path, tmp_path: Path) -> None:
    """A valid opening_hours builds and lands in the schedules table."""
    _add_schedule(seeds_copy, OFFICE)
    build_database(seeds_copy, tmp_path / "out.db")
    conn = connect(tmp_path / "out.db", readonly=True)
    try:
        rows = conn.execute("SELECT opening_hours FROM schedules WHERE service_id = 'elderly-care-facilities'")
        assert [r[0] for r in rows] == [OFFICE]
    finally:
        conn.close()


def test_seed_holidays_reject_impossible_dates(seeds_copy: Path, tmp_path: Path) -> None:
    """holidays.toml: a date that does not exist and a non-text name are named in the error."""
    (seeds_copy / "holidays.toml").write_text(
        '[[day]]\ndate = "2027-02-30"\nkind = "holiday"\n\n[[day]]\ndate = "2027-10-01"\nkind = "holiday"\nname = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as info:
        build_database(seeds_copy, tmp_path / "out.db")
    assert "2027-02-30" in str(info.value) and "not a day of the calendar" in str(info.value)
    assert "field 'name' must be text" in str(info.value)


def test_seed_holidays_become_overrides(seeds_copy: Path, tmp_path: Path) -> None:
    """A year entered in holidays.toml reaches the database and the calendar."""
    (seeds_copy / "holidays.toml").write_text(
        '[[day]]\ndate = "2027-10-01"\nkind = "holiday"\nname = "国庆节"\nname_en = "National Day"\n',
        encoding="utf-8",
    )
    build_database(seeds_copy, tmp_path / "out.db")
    conn = connect(tmp_path / "out.db", readonly=True)
    try:
        calendar = load_calendar(conn)
    finally:
        conn.close()
    assert calendar.day(date(2027, 10, 1)).name == "国庆节" and not calendar.day(date(2027, 10, 1)).expected
    assert calendar.year_status(2027) == "partial" and calendar.day(date(2027, 10, 8)).kind == "ordinary"


def test_statutory_holidays_are_the_law_only() -> None:
    """The law's days: 除夕 and 春节 count, the package's substituted days off of 2026 do not."""
    from kiosk.core.hours.holidays import statutory_holidays

    law_2026 = statutory_holidays(2026)
    assert date(2026, 2, 16) in law_2026 and law_2026[date(2026, 2, 16)][0] == "春节"  # 除夕
    assert date(2026, 1, 2) not in law_2026 and date(2026, 10, 6) not in law_2026  # 调休 rest days
    assert len(law_2026) == 13 and len(statutory_holidays(2027)) == 13
