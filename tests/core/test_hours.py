"""Opening hours at frozen moments: weekdays, holidays, make-up days (调休), midnight, unknown years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.core.hours.holidays import HolidayCalendar, HolidayOverride
from kiosk.core.hours.opening import (
    SHANGHAI,
    InvalidHoursError,
    any_open_now,
    badge_for,
    hours_state,
    is_open_now,
)

OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"
OFFICE_NO_PH = "Mo-Fr 08:30-12:00,14:30-17:30"
CAL = HolidayCalendar()


def at(text: str) -> datetime:
    """A frozen moment, Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# (expression, moment, state, next change or None, label zh, label en)
TABLE = [
    # an ordinary Thursday: morning, lunch break, afternoon, closing soon, evening
    (OFFICE, "2026-05-14T09:00", "open", "2026-05-14T12:00", "营业中 · 12:00 关门", "Open · closes 12:00"),
    (OFFICE, "2026-05-14T12:10", "closed", "2026-05-14T14:30", "已休息 · 14:30 开门", "Closed · opens 14:30"),
    (OFFICE, "2026-05-14T15:00", "open", "2026-05-14T17:30", "营业中 · 17:30 关门", "Open · closes 17:30"),
    (OFFICE, "2026-05-14T17:10", "open", "2026-05-14T17:30", "即将关门 · 17:30", "Closing soon · 17:30"),
    (OFFICE, "2026-05-14T20:00", "closed", "2026-05-15T08:30",
     "已休息 · 明天 08:30 开门", "Closed · opens tomorrow 08:30"),
    # boundaries: opening minute is open, closing minute is closed
    (OFFICE, "2026-05-14T08:30", "open", "2026-05-14T12:00", "营业中 · 12:00 关门", "Open · closes 12:00"),
    (OFFICE, "2026-05-14T17:30", "closed", "2026-05-15T08:30",
     "已休息 · 明天 08:30 开门", "Closed · opens tomorrow 08:30"),
    # Friday evening and an ordinary Saturday: opens Monday
    (OFFICE, "2026-05-15T18:00", "closed", "2026-05-18T08:30", "已休息 · 周一 08:30 开门", "Closed · opens Mon 08:30"),
    (OFFICE, "2026-05-16T10:00", "closed", "2026-05-18T08:30", "已休息 · 周一 08:30 开门", "Closed · opens Mon 08:30"),
    # National Day 2026 (Oct 1–7): closed, reopens Thursday Oct 8
    (OFFICE, "2026-10-01T10:00", "closed", "2026-10-08T08:30", "国庆节休息", "Closed for National Day"),
    (OFFICE, "2026-10-05T10:00", "closed", "2026-10-08T08:30", "国庆节休息", "Closed for National Day"),
    (OFFICE, "2026-09-30T17:45", "closed", "2026-10-08T08:30",
     "已休息 · 10月8日 08:30 开门", "Closed · opens 8 Oct 08:30"),
    # Spring Festival 2026 (Feb 15–23)
    (OFFICE, "2026-02-17T10:00", "closed", "2026-02-24T08:30", "春节休息", "Closed for Spring Festival"),
    (OFFICE, "2026-02-23T09:00", "closed", "2026-02-24T08:30", "春节休息", "Closed for Spring Festival"),
    (OFFICE, "2026-02-24T09:00", "open", "2026-02-24T12:00", "营业中 · 12:00 关门", "Open · closes 12:00"),
    # make-up working days (调休上班) of 2026: Saturday 2026-02-14, Saturday 2026-10-10, Sunday 2026-09-20
    (OFFICE, "2026-02-14T08:00", "closed", "2026-02-14T08:30",
     "调休上班 · 08:30 开门", "Make-up working day · opens 08:30"),
    (OFFICE, "2026-02-14T10:00", "open", "2026-02-14T12:00",
     "调休上班 · 12:00 关门", "Make-up working day · closes 12:00"),
    (OFFICE, "2026-02-14T18:00", "closed", "2026-02-24T08:30",
     "已休息 · 2月24日 08:30 开门", "Closed · opens 24 Feb 08:30"),
    (OFFICE, "2026-10-10T15:00", "open", "2026-10-10T17:30",
     "调休上班 · 17:30 关门", "Make-up working day · closes 17:30"),
    (OFFICE, "2026-09-20T09:00", "open", "2026-09-20T12:00",
     "调休上班 · 12:00 关门", "Make-up working day · closes 12:00"),
    (OFFICE, "2026-10-09T18:00", "closed", "2026-10-10T08:30",
     "已休息 · 明天 08:30 开门", "Closed · opens tomorrow 08:30"),
    # no PH rule: a work-week office is still closed on public holidays and works make-up days
    (OFFICE_NO_PH, "2026-10-01T10:00", "closed", "2026-10-08T08:30", "国庆节休息", "Closed for National Day"),
    (OFFICE_NO_PH, "2026-10-10T10:00", "open", "2026-10-10T12:00",
     "调休上班 · 12:00 关门", "Make-up working day · closes 12:00"),
    # a Mo–Sa office follows the work week too
    ("Mo-Fr 08:30-17:30; Sa 09:00-12:00", "2026-10-03T10:00", "closed", "2026-10-08T08:30",
     "国庆节休息", "Closed for National Day"),
    ("Mo-Fr 08:30-17:30; Sa 09:00-12:00", "2026-10-10T15:00", "open", "2026-10-10T17:30",
     "调休上班 · 17:30 关门", "Make-up working day · closes 17:30"),
    # PH with its own hours
    ("Mo-Fr 08:30-17:30; PH 09:00-12:00", "2026-10-02T10:00", "open", "2026-10-02T12:00",
     "营业中 · 12:00 关门", "Open · closes 12:00"),
    ("Mo-Fr 08:30-17:30; PH 09:00-12:00", "2026-10-02T13:00", "closed", "2026-10-03T09:00",
     "已休息 · 明天 09:00 开门", "Closed · opens tomorrow 09:00"),
    # a venue open at weekends keeps its hours on holidays and its own Saturday hours on make-up days
    ("Tu-Su 09:00-17:00", "2026-10-01T10:00", "open", "2026-10-01T17:00", "营业中 · 17:00 关门", "Open · closes 17:00"),
    ("Tu-Su 09:00-17:00; Sa 10:00-16:00", "2026-10-10T09:30", "closed", "2026-10-10T10:00",
     "已休息 · 10:00 开门", "Closed · opens 10:00"),
    ("Tu-Su 09:00-17:00; PH off", "2026-10-01T10:00", "closed", "2026-10-08T09:00",
     "国庆节休息", "Closed for National Day"),
    # hours across midnight
    ("Fr-Sa 20:00-02:00", "2026-05-15T23:00", "open", "2026-05-16T02:00",
     "营业中 · 明天 02:00 关门", "Open · closes tomorrow 02:00"),
    ("Fr-Sa 20:00-02:00", "2026-05-16T01:45", "open", "2026-05-16T02:00", "即将关门 · 02:00", "Closing soon · 02:00"),
    ("Fr-Sa 20:00-02:00", "2026-05-16T03:00", "closed", "2026-05-16T20:00",
     "已休息 · 20:00 开门", "Closed · opens 20:00"),
    ("Mo-Su 18:00-24:00", "2026-05-14T19:00", "open", "2026-05-15T00:00", "营业中 · 24:00 关门", "Open · closes 24:00"),
    # 24/7 and off
    ("24/7", "2026-05-14T03:00", "open", None, "24小时营业", "Open 24 hours"),
    ("24/7", "2026-10-01T03:00", "open", None, "24小时营业", "Open 24 hours"),
    ("24/7", "2027-03-03T03:00", "open", None, "24小时营业", "Open 24 hours"),
    ("off", "2026-05-14T10:00", "closed", None, "已休息", "Closed"),
    ("closed", "2027-05-14T10:00", "closed", None, "已休息", "Closed"),
    # 24/7 except public holidays: closes at midnight before the holiday
    ("24/7; PH off", "2026-09-30T20:00", "open", "2026-10-01T00:00", "营业中 · 24:00 关门", "Open · closes 24:00"),
    ("24/7; PH off", "2026-10-03T20:00", "closed", "2026-10-08T00:00", "国庆节休息", "Closed for National Day"),
    # a year no published source covers (2027): ordinary days by the weekly hours, statutory holidays
    # "expected", honest "unknown" only on days where a make-up arrangement is plausible
    (OFFICE, "2027-03-03T10:00", "open", "2027-03-03T12:00", "营业中 · 12:00 关门", "Open · closes 12:00"),
    (OFFICE_NO_PH, "2027-10-01T10:00", "closed", "2027-10-04T00:00", "国庆节预计休息",
     "Expected closed (National Day)"),
    (OFFICE, "2027-10-05T10:00", "unknown", "2027-10-08T00:00", "节假日安排尚未公布",
     "Holiday hours not yet published"),
    ("Mo-Su 08:00-20:00", "2027-10-01T10:00", "open", "2027-10-01T20:00", "营业中 · 20:00 关门", "Open · closes 20:00"),
    (OFFICE, "2026-12-31T20:00", "closed", "2027-01-04T08:30", "已休息 · 周一 08:30 开门", "Closed · opens Mon 08:30"),
    # the expression's own unknown
    ("Mo-Fr 09:00-17:00 unknown", "2026-05-14T10:00", "unknown", "2026-05-14T17:00", "营业时间待确认",
     "Hours not confirmed"),
]


@pytest.mark.parametrize(("expr", "moment", "state", "change", "zh", "en"), TABLE)
def test_frozen_time_table(expr: str, moment: str, state: str, change: str | None, zh: str, en: str) -> None:
    """Each row: the state, the next change and both labels at that moment."""
    result = hours_state(expr, at(moment), CAL)
    assert result.state == state
    assert result.next_change == (at(change) if change else None)
    assert result.label("zh") == zh
    assert result.label("en") == en


def test_holiday_names_in_both_languages() -> None:
    """Every 2026 holiday period carries its Chinese and English name."""
    cases = {
        "2026-01-01": ("元旦", "New Year's Day"),
        "2026-02-17": ("春节", "Spring Festival"),
        "2026-04-05": ("清明节", "Qingming Festival"),
        "2026-05-01": ("劳动节", "Labour Day"),
        "2026-06-19": ("端午节", "Dragon Boat Festival"),
        "2026-09-25": ("中秋节", "Mid-Autumn Festival"),
        "2026-10-01": ("国庆节", "National Day"),
    }
    for day, (zh, en) in cases.items():
        result = hours_state(OFFICE, at(f"{day}T10:00"), CAL)
        assert (result.holiday, result.holiday_en) == (zh, en), day
        assert result.closed_for_holiday and result.label("zh") == f"{zh}休息"


def test_open_venue_on_holiday_still_names_the_holiday() -> None:
    """A venue open on National Day is open, and the state still says which holiday it is."""
    result = hours_state("Mo-Su 08:00-20:00", at("2026-10-02T10:00"), CAL)
    assert result.state == "open" and result.holiday == "国庆节" and not result.closed_for_holiday


def test_makeup_day_flag_only_for_work_week_listings() -> None:
    """调休 changes a Mo–Fr office's Saturday, not a seven-day venue's."""
    assert hours_state(OFFICE, at("2026-10-10T10:00"), CAL).makeup_day
    assert not hours_state("Mo-Su 08:00-20:00", at("2026-10-10T10:00"), CAL).makeup_day
    assert hours_state("Mo-Fr 09:00-17:00", at("2026-10-17T10:00"), CAL).state == "closed"  # next Saturday


def test_makeup_day_uses_monday_hours_when_days_differ() -> None:
    """A make-up Saturday follows the first working weekday's hours (Monday here, not short Friday)."""
    expr = "Mo-Th 08:30-17:30; Fr 08:30-12:00"
    result = hours_state(expr, at("2026-10-10T15:00"), CAL)
    assert result.state == "open" and result.next_change == at("2026-10-10T17:30")


def test_override_rows_decide_their_dates_in_a_partial_year() -> None:
    """Rows entered for part of 2027 decide their dates; the rest of 2027 stays estimated."""
    cal = HolidayCalendar([
        HolidayOverride(date(2027, 10, 1), "holiday", "国庆节", "National Day"),
        HolidayOverride(date(2027, 10, 9), "workday", "国庆节", "National Day"),
    ])
    assert hours_state(OFFICE, at("2027-03-03T10:00"), cal).state == "open"  # ordinary Wednesday
    holiday = hours_state(OFFICE, at("2027-10-01T10:00"), cal)
    assert holiday.state == "closed" and holiday.label("en") == "Closed for National Day"
    makeup = hours_state(OFFICE, at("2027-10-09T10:00"), cal)  # a Saturday
    assert makeup.state == "open" and makeup.makeup_day
    assert cal.year_status(2027) == "partial"
    assert hours_state(OFFICE, at("2027-10-05T10:00"), cal).state == "unknown"  # not entered, estimated
    assert hours_state(OFFICE, at("2028-03-01T10:00"), cal).state == "open"  # an ordinary Wednesday of 2028


def test_override_beats_the_library() -> None:
    """An override row wins over chinese-calendar for the same date."""
    cal = HolidayCalendar([HolidayOverride(date(2026, 10, 5), "workday", None, None)])  # a Monday
    assert hours_state(OFFICE, at("2026-10-05T10:00"), cal).state == "open"
    assert hours_state(OFFICE, at("2026-10-05T10:00"), CAL).state == "closed"
    extra = HolidayCalendar([HolidayOverride(date(2026, 5, 14), "holiday", None, None)])
    result = hours_state(OFFICE, at("2026-05-14T10:00"), extra)
    assert result.state == "closed" and result.label("zh") == "节假日休息"
    assert result.label("en") == "Closed for the public holiday"


def test_time_zone_is_always_shanghai() -> None:
    """The same instant in UTC gives the Shanghai answer; naive times are Shanghai wall-clock time."""
    utc = datetime(2026, 5, 14, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    result = hours_state(OFFICE, utc, CAL)
    assert result.state == "open" and result.now == at("2026-05-14T09:00")
    assert result.now.utcoffset() == timedelta(hours=8)
    assert hours_state(OFFICE, datetime(2026, 5, 14, 9, 0), CAL).state == "open"
    evening_utc = datetime(2026, 5, 14, 13, 0, tzinfo=UTC)  # 21:00 Shanghai
    assert hours_state(OFFICE, evening_utc, CAL).state == "closed"


def test_time_zone_does_not_depend_on_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing TZ of the process does not change the answer."""
    import time as time_module

    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    try:
        assert hours_state(OFFICE, datetime(2026, 5, 14, 9, 0), CAL).state == "open"
        assert hours_state(OFFICE, at("2026-05-14T20:00"), CAL).next_change == at("2026-05-15T08:30")
    finally:
        monkeypatch.undo()
        time_module.tzset()


def test_invalid_expression_raises_with_exit_code_2() -> None:
    """hours_state refuses an invalid string with the worker's message; is_open_now says False."""
    with pytest.raises(InvalidHoursError) as info:
        hours_state("Mon-Fri 9-5", at("2026-05-14T10:00"), CAL)
    assert info.value.exit_code == 2 and "Mo-Fr 08:30-12:00,14:30-17:30; PH off" in str(info.value)
    assert is_open_now("Mon-Fri 9-5", at("2026-05-14T10:00"), CAL) is False
    assert is_open_now(OFFICE, at("2026-05-14T10:00"), CAL) is True


def test_as_dict_is_json_ready() -> None:
    """as_dict carries state, next change (ISO), holiday and both labels."""
    data = hours_state(OFFICE, at("2026-10-01T10:00"), CAL).as_dict()
    assert data["state"] == "closed" and data["next_change"] == "2026-10-08T08:30:00+08:00"
    assert data["holiday"] == "国庆节" and data["label_en"] == "Closed for National Day"


def test_badge_for_no_hours_is_none() -> None:
    """No schedules, blank or invalid ones: no badge."""
    now = at("2026-05-14T10:00")
    assert badge_for([], now, CAL) is None
    assert badge_for(["", "  ", "not hours"], now, CAL) is None


def test_badge_for_prefers_open_then_unknown_then_soonest_opening() -> None:
    """Of several schedules the card shows: an open one, else unknown, else the one opening soonest."""
    now = at("2026-05-14T12:30")  # lunch break for the office
    badge = badge_for([OFFICE, "Mo-Su 12:00-13:00"], now, CAL)
    assert badge is not None and badge.state == "open"
    badge = badge_for(["Mo-Fr 15:00-18:00", OFFICE], now, CAL)
    assert badge is not None and badge.state == "closed" and badge.next_change == at("2026-05-14T14:30")
    unknown = badge_for([OFFICE, "Mo-Fr 09:00-17:00 unknown"], at("2026-05-14T12:30"), CAL)
    assert unknown is not None and unknown.state == "unknown"
    assert any_open_now([OFFICE, "Mo-Su 12:00-13:00"], now, CAL)
    assert not any_open_now([OFFICE], now, CAL)
    assert not any_open_now([], now, CAL)


def test_next_change_is_none_beyond_the_horizon() -> None:
    """A closure longer than the look-ahead gives no reopening time rather than a wrong one."""
    result = hours_state("Mo-Fr 09:00-17:00; Jan-Feb off", at("2026-01-05T10:00"), CAL)
    assert result.state == "closed" and result.next_change is None and result.label("en") == "Closed"
