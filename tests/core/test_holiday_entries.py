"""Holiday dates workers enter: the notice format, the partial-year rule, surviving updates, the
doctor's warning and the calendar cache that follows the database.

Every notice here is synthetic test data shaped like a State Council notice (the 2027 notice is not
published); it is written in the test and never goes into seeds/ or data/.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.db.runtime import merge_content, open_runtime_database
from kiosk.core.hours import holiday_store
from kiosk.core.hours.holiday_notice import NoticeError, parse_notice
from kiosk.core.hours.holiday_store import HolidayEntryError
from kiosk.core.hours.holidays import CalendarCache, load_calendar
from kiosk.core.hours.opening import SHANGHAI, hours_state
from kiosk.core.terminal.health import OK, WARN, check_holiday_schedule

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"
TEST_NOTICE_2027 = """\
# synthetic 2027 notice for tests (not the real one)
2027-01-01 元旦 放假
2027-02-05 至 2027-02-11 春节 放假
2027-02-13 春节 上班
2027-04-05,清明节,放假
2027-05-01~2027-05-05 劳动节 放假
2027-06-09 端午节 放假
2027-09-15 中秋节 放假
2027年10月1日 至 2027年10月7日 国庆节 放假
2027-09-26 国庆节 上班
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- the notice format ------------------------------------------------------------------------


def test_notice_lines_ranges_and_csv_are_read() -> None:
    """Ranges (至, ~), commas and 年月日 dates all read; kinds and names land on each date."""
    days = parse_notice(TEST_NOTICE_2027)
    by_date = {d.date: d for d in days}
    assert len(by_date) == 1 + 7 + 1 + 1 + 5 + 1 + 1 + 7 + 1
    assert by_date[date(2027, 2, 8)].kind == "holiday" and by_date[date(2027, 2, 8)].name == "春节"
    assert by_date[date(2027, 2, 13)].kind == "workday" and by_date[date(2027, 2, 13)].line == 4
    assert by_date[date(2027, 10, 7)].name == "国庆节"
    csv = parse_notice("date,kind,name\n2027-10-01,holiday,国庆节\n")
    assert [(d.date, d.kind, d.name) for d in csv] == [(date(2027, 10, 1), "holiday", "国庆节")]


@pytest.mark.parametrize(("text", "words"), [
    ("2027-02-30 放假", ["line 1", "2027-02-30", "YYYY-MM-DD"]),
    ("2027-10-01 国庆节", ["line 1", "放假", "上班"]),
    ("2027-10-07 至 2027-10-01 放假", ["line 1", "before it starts"]),
    ("2027-10-02 放假\n2027-10-02 上班", ["line 2", "already on line 1"]),
    ("2027-10-11 上班", ["line 1", "weekday", "Saturday or Sunday"]),
    ("2027-01-01 至 2027-03-01 放假", ["line 1", "longer than any holiday"]),
    ("# only a comment\n", ["no dates"]),
])
def test_bad_notice_lines_give_one_line_errors(text: str, words: list[str]) -> None:
    """Each kind of slip names the line and what to write instead, on one line."""
    with pytest.raises(NoticeError) as info:
        parse_notice(text)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


# -- entering dates ---------------------------------------------------------------------------


def test_single_date_refused_for_an_unpublished_year_without_partial(conn: sqlite3.Connection) -> None:
    """add in 2027 without --partial is refused and writes nothing."""
    with pytest.raises(HolidayEntryError) as info:
        holiday_store.add_day(conn, date(2027, 10, 5), "holiday", actor="test", now=NOW)
    assert "--partial" in str(info.value) and "kiosk holidays import" in str(info.value)
    assert holiday_store.worker_days(conn) == []


def test_partial_year_uses_entered_dates_and_estimates_the_rest(conn: sqlite3.Connection) -> None:
    """With --partial the entered date decides; other 2027 dates keep the estimate; the year stays partial."""
    holiday_store.add_day(conn, date(2027, 10, 5), "holiday", name="国庆节", partial=True, actor="test", now=NOW)
    calendar = load_calendar(conn)
    assert calendar.year_status(2027) == "partial"
    entered = hours_state(OFFICE, at("2027-10-05T10:00"), calendar)
    assert entered.state == "closed" and entered.label("zh") == "国庆节休息" and not entered.holiday_expected
    assert hours_state(OFFICE, at("2027-10-06T10:00"), calendar).state == "unknown"  # still estimated
    assert hours_state(OFFICE, at("2027-10-01T10:00"), calendar).label("zh") == "国庆节预计休息"
    assert hours_state(OFFICE, at("2027-03-09T10:00"), calendar).state == "open"  # an ordinary Tuesday
    doctor = check_holiday_schedule(Path(conn.execute("PRAGMA database_list").fetchone()[2]), NOW)
    assert doctor.status == WARN  # partial is not published


def test_import_marks_the_year_complete(conn: sqlite3.Connection) -> None:
    """A whole notice makes 2027 published: its dates decide, every other date is an ordinary day."""
    year = holiday_store.import_notice(conn, parse_notice(TEST_NOTICE_2027), actor="test", now=NOW)
    calendar = load_calendar(conn)
    assert year == 2027 and calendar.year_status(2027) == "published"
    assert hours_state(OFFICE, at("2027-10-06T10:00"), calendar).label("zh") == "国庆节休息"
    assert hours_state(OFFICE, at("2027-10-08T10:00"), calendar).state == "open"  # a Friday after the holiday
    saturday = hours_state(OFFICE, at("2027-09-26T10:00"), calendar)
    assert saturday.state == "open" and saturday.makeup_day
    assert hours_state(OFFICE, at("2027-05-08T10:00"), calendar).state == "closed"  # an ordinary Saturday
    # a correction in a complete year needs no --partial
    holiday_store.add_day(conn, date(2027, 10, 8), "holiday", name="国庆节", actor="test", now=NOW)
    assert load_calendar(conn).day(date(2027, 10, 8)).kind == "holiday"


def test_import_missing_a_statutory_holiday_changes_nothing(conn: sqlite3.Connection) -> None:
    """A notice without 国庆节 is refused as a whole: earlier rows stay, nothing is half-applied."""
    holiday_store.add_day(conn, date(2027, 6, 9), "holiday", name="端午节", partial=True, actor="test", now=NOW)
    short = "\n".join(line for line in TEST_NOTICE_2027.splitlines() if "国庆" not in line)
    with pytest.raises(HolidayEntryError) as info:
        holiday_store.import_notice(conn, parse_notice(short), actor="test", now=NOW)
    assert "2027-10-01" in str(info.value) and "--partial" in str(info.value)
    assert [d.date for d in holiday_store.worker_days(conn)] == [date(2027, 6, 9)]
    assert load_calendar(conn).year_status(2027) == "partial"


def test_remove_takes_a_date_back(conn: sqlite3.Connection) -> None:
    """remove deletes a worker's date (the estimate answers again); an unknown date is a clear error."""
    holiday_store.add_day(conn, date(2027, 10, 5), "holiday", partial=True, actor="test", now=NOW)
    holiday_store.remove_day(conn, date(2027, 10, 5), actor="test", now=NOW)
    assert load_calendar(conn).day(date(2027, 10, 5)).kind == "unknown"
    with pytest.raises(HolidayEntryError, match="not entered by a worker"):
        holiday_store.remove_day(conn, date(2027, 10, 5), actor="test", now=NOW)


# -- updates keep worker rows -------------------------------------------------------------------


def _newer_build(seed_db_path: Path, target: Path) -> Path:
    """A synthetic next release of the bundled database whose holiday_overrides changed."""
    shutil.copyfile(seed_db_path, target)
    c = sqlite3.connect(target, isolation_level=None)
    c.execute("INSERT INTO holiday_overrides (date, kind, name, name_en) "
              "VALUES ('2027-06-09', 'holiday', '端午节', 'Dragon Boat Festival')")
    c.execute("UPDATE meta SET value = 'synthetic-newer-build' WHERE key = 'content_hash'")
    c.close()
    return target


def test_worker_rows_survive_an_update_of_the_bundled_content(seed_db_path: Path, tmp_path: Path) -> None:
    """A program update (new bundled database at start) and a content merge keep the imported notice."""
    data = tmp_path / "data"
    conn = open_runtime_database(data, seed_db_path)
    holiday_store.import_notice(conn, parse_notice(TEST_NOTICE_2027), actor="test", now=NOW)
    before = holiday_store.worker_days(conn)
    conn.close()
    newer = _newer_build(seed_db_path, tmp_path / "newer.db")
    conn = open_runtime_database(data, newer, now=NOW)  # the start after a program update
    try:
        assert holiday_store.worker_days(conn) == before
        assert load_calendar(conn).year_status(2027) == "published"
        assert conn.execute("SELECT count(*) FROM holiday_overrides").fetchone()[0] == 1  # seed rows: new build
        merge_content(conn, newer, now=NOW, backup=False)  # a content update merges the same way
        assert holiday_store.worker_days(conn) == before
    finally:
        conn.close()


# -- kiosk doctor -----------------------------------------------------------------------------


def test_doctor_warns_sixty_days_before_an_unentered_year(writable_db: Path) -> None:
    """On 2026-11-02 the missing 2027 schedule is a WARN naming the fix; on 2026-10-01 it is too early."""
    early = check_holiday_schedule(writable_db, datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI))
    assert early.status == OK
    late = check_holiday_schedule(writable_db, datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    assert late.status == WARN and "2027 节假日安排未录入" in late.detail
    assert "kiosk holidays import" in late.fix
    conn = connect(writable_db)
    holiday_store.import_notice(conn, parse_notice(TEST_NOTICE_2027), actor="test", now=NOW)
    conn.close()
    assert check_holiday_schedule(writable_db, datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)).status == OK


def test_doctor_warns_inside_an_unentered_year(writable_db: Path) -> None:
    """Once 2027 has begun without its schedule, the warning stays."""
    assert check_holiday_schedule(writable_db, datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI)).status == WARN


# -- the calendar follows the database ----------------------------------------------------------


def test_calendar_cache_refreshes_after_own_and_other_writes(writable_db: Path) -> None:
    """The cached calendar changes after a write on the same connection and after another connection's."""
    cache = CalendarCache()
    kiosk = connect(writable_db)
    worker = connect(writable_db)
    try:
        first = cache.get(kiosk)
        assert first.day(date(2027, 10, 5)).kind == "unknown"
        assert cache.get(kiosk) is first  # nothing changed: the same calendar
        kiosk.execute("INSERT INTO usage_counts (day, kind, key, count) VALUES ('2026-12-02', 'search', 'x', 1)")
        assert cache.get(kiosk) is first  # a write that is not about holidays keeps it
        holiday_store.add_day(worker, date(2027, 10, 5), "holiday", partial=True, actor="test", now=NOW)
        assert cache.get(kiosk).day(date(2027, 10, 5)).kind == "holiday"  # another connection's write
        holiday_store.remove_day(kiosk, date(2027, 10, 5), actor="test", now=NOW)
        assert cache.get(kiosk).day(date(2027, 10, 5)).kind == "unknown"  # its own write
    finally:
        kiosk.close()
        worker.close()
