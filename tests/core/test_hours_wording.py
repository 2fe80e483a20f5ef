"""Hours written in Chinese: to_osm reads notice-board forms, describe says OSM hours in zh and en.

All dates used for the holiday behaviour are real 2026 arrangements from chinese-calendar: Saturday
28 February 2026 is a make-up working day (调休上班) after the Spring Festival, Thursday 1 October 2026
is National Day, Sunday 4 October 2026 is inside the National Day holiday.
"""

from __future__ import annotations

from datetime import datetime

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.hours.holidays import HolidayCalendar
from kiosk.core.hours.opening import InvalidHoursError, check_hours, hours_state
from kiosk.core.hours.wording import EXAMPLE_ZH, describe, to_osm

CAL = HolidayCalendar()
MAKEUP_SATURDAY = datetime(2026, 2, 28, 10, 0)
HOLIDAY_THURSDAY = datetime(2026, 10, 1, 10, 0)
HOLIDAY_SUNDAY = datetime(2026, 10, 4, 10, 0)
ORDINARY_THURSDAY = datetime(2026, 5, 14, 10, 0)

FORMS = [
    ("周一至周五 8:30-12:00 14:30-17:30", "Mo-Fr 08:30-12:00,14:30-17:30"),
    ("周一至周五8：30—17：30", "Mo-Fr 08:30-17:30"),
    ("周一至周五 ８：３０－１７：３０", "Mo-Fr 08:30-17:30"),
    ("周一至周五\u30008:30~17:30", "Mo-Fr 08:30-17:30"),
    ("周一到周五 8:30至17:30", "Mo-Fr 08:30-17:30"),
    ("周一至周五 8:30到17:30", "Mo-Fr 08:30-17:30"),
    ("周一至周五 8:30－17:30", "Mo-Fr 08:30-17:30"),
    ("周一至周五 8:30-12:00，14:30-17:30", "Mo-Fr 08:30-12:00,14:30-17:30"),
    ("周一至周六 上午8:00-11:30 下午14:00-17:00", "Mo-Sa 08:00-11:30,14:00-17:00"),
    ("周一至周六 上午8:00-11:30 下午2:00-5:00", "Mo-Sa 08:00-11:30,14:00-17:00"),
    ("每天 8:00-18:00", "Mo-Su 08:00-18:00"),
    ("工作日 9:00-17:00，节假日休息", "Mo-Fr 09:00-17:00; PH off"),
    ("工作日 9:00-17:00", "Mo-Fr 09:00-17:00; PH off"),
    ("周二至周日 9:00-17:00，周一闭馆", "Tu-Su 09:00-17:00; Mo off"),
    ("全天", "24/7"),
    ("24小时", "24/7"),
    ("24小时开放", "24/7"),
    ("周末 9:00-12:00", "Sa,Su 09:00-12:00"),
    ("周一至周五 8:30-17:30（节假日照常）", "PH off; Mo-Fr 08:30-17:30"),
    ("周一至周五 8:30-17:30，节假日照常开放", "PH off; Mo-Fr 08:30-17:30"),
    ("星期一至星期五 9:00-17:00", "Mo-Fr 09:00-17:00"),
    ("礼拜一至礼拜五 9:00-17:00", "Mo-Fr 09:00-17:00"),
    ("周日 9:00-12:00", "Su 09:00-12:00"),
    ("周天 9:00-12:00", "Su 09:00-12:00"),
    ("星期天 9:00-12:00", "Su 09:00-12:00"),
    ("礼拜日 9:00-12:00", "Su 09:00-12:00"),
    ("周一、周三、周五 9:00-11:00", "Mo,We,Fr 09:00-11:00"),
    ("周一至周五 8:30-17:30；周六 9:00-12:00；周日休息", "Mo-Fr 08:30-17:30; Sa 09:00-12:00; Su off"),
    ("周一至五 8:00-17:00", "Mo-Fr 08:00-17:00"),
    ("周六、周日及节假日 9:00-12:00", "PH,Sa,Su 09:00-12:00"),
    ("周一至周五 全天", "Mo-Fr 00:00-24:00"),
    ("每天 22:00-次日6:00", "Mo-Su 22:00-06:00"),
    ("每天 晚上10:00-凌晨2:00", "Mo-Su 22:00-02:00"),
    ("每天 8:00-次日6:00", "Mo-Su 08:00-30:00"),
    ("营业时间：周一至周五 9:00-17:00", "Mo-Fr 09:00-17:00"),
    ("周一至周五 8点-17点半", "Mo-Fr 08:00-17:30"),
    ("8:00-17:00（周一至周五）", "Mo-Fr 08:00-17:00"),
    ("每天 9:00-17:00，周一除外", "Mo-Su 09:00-17:00; Mo off"),
    ("周一至周五 9:00-17:00，周末及节假日休息", "Mo-Fr 09:00-17:00; PH,Sa,Su off"),
    ("Mo-Fr 8:30-17:30，节假日休息", "Mo-Fr 08:30-17:30; PH off"),
    ("周一至周五上午8:30-11:30，下午2:30-5:30 周六上午8:30-11:30", "Mo-Fr 08:30-11:30,14:30-17:30; Sa 08:30-11:30"),
    ("周六日 9:00-12:00", "Sa,Su 09:00-12:00"),
]


@pytest.mark.parametrize(("text", "osm"), FORMS)
def test_chinese_form_becomes_the_osm(text: str, osm: str) -> None:
    """Each notice-board form gives the normalised OSM, and that OSM is valid for opening.py."""
    assert to_osm(text) == osm
    assert check_hours(osm) is None


@pytest.mark.parametrize("osm", ["Mo-Fr 08:30-12:00,14:30-17:30; PH off", "24/7", 'Mo-Fr 08:30-17:30 "周末请预约"',
                                 "Mo-Fr 09:00-17:00; Jul-Aug off", "  Tu-Su 09:00-17:00  "])
def test_valid_osm_is_returned_as_given_stripped(osm: str) -> None:
    """OSM syntax is accepted unchanged (only the surrounding spaces go)."""
    assert to_osm(osm) == osm.strip()


def test_osm_with_full_width_signs_is_made_ascii() -> None:
    """OSM typed with a full-width ；and ：is accepted in its ASCII form."""
    assert to_osm("Mo-Fr 08:30-12:00；PH off") == "Mo-Fr 08:30-12:00; PH off"


@pytest.mark.parametrize(
    ("text", "quoted", "why"),
    [
        ("周八", "周八", "星期"),
        ("周一至周八 9:00-17:00", "周八", "星期"),
        ("周一至周五 25:00-26:00", "25:00", "没有这个时间"),
        ("周一至周五 8:70-17:00", "8:70", "没有这个时间"),
        ("周一至周五 8:30-5:30", "8:30-5:30", "24小时制"),
        ("周一至周五 9-17", "9-17", "小时:分钟"),
        ("周一至周五", "周一至周五", "缺少时间"),
        ("周一至周五 9:00", "9:00", "缺少结束时间"),
        ("周一至周五 9:00-9:00", "9:00-9:00", "同一时间"),
        ("周一至周五 9:00-17:00 foo", "foo", ""),
        ("9:00-17:00 营业中", "营业中", ""),
        ("周一至周五 9:00-17:00，中午休息", "中午休息", "时间"),
        ("节假日休息", "节假日休息", "平日"),
        ("周一休息 9:00-12:00", "周一休息 9:00", "休息和时间"),
        ("周一至周五 9:00-17:00，节假日休息，节假日照常", "节假日照常", "两种"),
        ("周一照常", "周一照常", "节假日"),
        ("每天 9:00-次日10:00", "9:00-次日10:00", "24小时"),
    ],
)
def test_what_is_not_understood_is_quoted_with_an_example(text: str, quoted: str, why: str) -> None:
    """A refusal is one line that quotes the part not understood, says why and shows a correct example."""
    with pytest.raises(InvalidHoursError) as caught:
        to_osm(text)
    message = str(caught.value)
    assert "\n" not in message
    assert f"“{quoted}”" in message and why in message
    assert f"示例：{EXAMPLE_ZH}" in message and "Example:" in message


@pytest.mark.parametrize("text", ["2:00至", "每天 8:00-下午", "\U00010a40", "0\n0", "周一\x07 9:00-17:00", "x" * 600])
def test_odd_text_found_by_fuzzing_is_refused_on_one_line(text: str) -> None:
    """A range cut short, a digit of another script, control characters, too long: one printable line."""
    with pytest.raises(InvalidHoursError) as caught:
        to_osm(text)
    message = str(caught.value)
    assert message.isprintable() and ("示例" in message or "例如" in message or "太长" in message)


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_text_is_refused(text: str) -> None:
    """Empty (or only spaces, full-width too): refused, saying nothing was given."""
    with pytest.raises(InvalidHoursError, match="没有填写营业时间"):
        to_osm(text)


def test_plain_ascii_that_is_not_osm_keeps_the_osm_message() -> None:
    """ASCII input is OSM: its refusal is check_hours's message (days take two letters)."""
    with pytest.raises(InvalidHoursError, match="两个字母"):
        to_osm("Mon-Fri 9-5")


def test_real_2026_dates_are_what_the_tests_assume() -> None:
    """chinese-calendar agrees: 28 Feb 2026 is a make-up working Saturday, 1 and 4 Oct 2026 are holidays."""
    assert MAKEUP_SATURDAY.weekday() == 5 and chinese_calendar.is_workday(MAKEUP_SATURDAY.date())
    assert HOLIDAY_THURSDAY.weekday() == 3 and chinese_calendar.is_holiday(HOLIDAY_THURSDAY.date())
    assert HOLIDAY_SUNDAY.weekday() == 6 and chinese_calendar.is_holiday(HOLIDAY_SUNDAY.date())


def test_working_days_open_on_a_makeup_saturday() -> None:
    """工作日 9:00-17:00 is open on Saturday 28 Feb 2026 (调休上班) with its weekday hours."""
    state = hours_state(to_osm("工作日 9:00-17:00"), MAKEUP_SATURDAY, CAL)
    assert state.state == "open" and state.makeup_day
    assert state.next_change is not None and state.next_change.hour == 17


def test_working_days_are_closed_on_a_statutory_holiday() -> None:
    """工作日 9:00-17:00 is closed on Thursday 1 Oct 2026 (National Day), open on an ordinary Thursday."""
    osm = to_osm("工作日 9:00-17:00")
    assert hours_state(osm, HOLIDAY_THURSDAY, CAL).closed_for_holiday
    assert hours_state(osm, ORDINARY_THURSDAY, CAL).state == "open"


def test_open_as_usual_on_holidays_keeps_the_weekly_hours() -> None:
    """节假日照常: open on a Thursday holiday with the weekday hours; a Sunday holiday stays closed as usual."""
    osm = to_osm("周一至周五 9:00-17:00（节假日照常）")
    on_thursday = hours_state(osm, HOLIDAY_THURSDAY, CAL)
    assert on_thursday.state == "open" and on_thursday.next_change is not None
    assert on_thursday.next_change.hour == 17
    assert hours_state(osm, HOLIDAY_SUNDAY, CAL).state == "closed"
    assert hours_state(to_osm("周一至周五 9:00-17:00"), HOLIDAY_THURSDAY, CAL).state == "closed"


def test_holiday_hours_apply_on_a_holiday() -> None:
    """周六、周日及节假日 9:00-12:00 opens on the Thursday holiday in the morning only."""
    osm = to_osm("周一至周五 8:00-17:00，周六、周日及节假日 9:00-12:00")
    assert osm == "Mo-Fr 08:00-17:00; PH,Sa,Su 09:00-12:00"
    state = hours_state(osm, HOLIDAY_THURSDAY, CAL)
    assert state.state == "open" and state.next_change is not None and state.next_change.hour == 12


@pytest.mark.parametrize(
    ("osm", "zh", "en"),
    [
        ("Mo-Fr 08:30-12:00,14:30-17:30; PH off", "周一至周五 8:30–12:00、14:30–17:30；法定节假日休息",
         "Mon–Fri 8:30–12:00, 14:30–17:30; closed on public holidays"),
        ("24/7", "全天开放", "Open 24 hours"),
        ("Tu-Su 09:00-17:00; Mo off", "周二至周日 9:00–17:00；周一休息", "Tue–Sun 9:00–17:00; closed on Mon"),
        ("Mo-Su 08:00-18:00", "每天 8:00–18:00", "Daily 8:00–18:00"),
        ("Sa,Su 09:00-12:00", "周末 9:00–12:00", "Sat, Sun 9:00–12:00"),
        ("Mo,We,Fr 09:00-11:00", "周一、周三、周五 9:00–11:00", "Mon, Wed, Fri 9:00–11:00"),
        ("PH off; Mo-Fr 08:30-17:30", "周一至周五 8:30–17:30；节假日照常开放",
         "Mon–Fri 8:30–17:30; open as usual on public holidays"),
        ("Mo-Fr 08:30-17:30; PH 09:00-12:00", "周一至周五 8:30–17:30；法定节假日 9:00–12:00",
         "Mon–Fri 8:30–17:30; public holidays 9:00–12:00"),
        ("Mo-Su 22:00-06:00", "每天 22:00–次日6:00", "Daily 22:00–6:00 next day"),
        ("Mo-Su 08:00-30:00", "每天 8:00–次日6:00", "Daily 8:00–6:00 next day"),
        ("Mo-Fr 00:00-24:00", "周一至周五 全天", "Mon–Fri all day"),
        ("Mo-Fr 08:30-12:00, 14:30-17:30", "周一至周五 8:30–12:00、14:30–17:30", "Mon–Fri 8:30–12:00, 14:30–17:30"),
        ('Mo-Fr 08:30-17:30 "周末请预约"', "周一至周五 8:30–17:30（周末请预约）", "Mon–Fri 8:30–17:30 (周末请预约)"),
        ("off", "不开放", "Closed"),
    ],
)
def test_describe_in_both_languages(osm: str, zh: str, en: str) -> None:
    """describe gives the readable line residents see, in Chinese and in English."""
    assert describe(osm, "zh") == zh
    assert describe(osm, "en") == en


@pytest.mark.parametrize(
    ("osm", "zh", "en"),
    [
        ("Mo-Fr 09:00-17:00; Jul-Aug off", "周一至周五 9:00–17:00；7月至8月 休息",
         "Mon–Fri 9:00–17:00; Jul–Aug closed"),
        ("Mo-Fr 09:00-17:00 || \"预约\"", "周一至周五 9:00–17:00", "Mon–Fri 9:00–17:00"),
        ("week 01-10 Mo 08:00-09:00", "week 01–10 周一 8:00–9:00", "week 01–10 Mon 8:00–9:00"),
    ],
)
def test_describe_falls_back_to_translated_codes(osm: str, zh: str, en: str) -> None:
    """OSM it cannot put into words comes back with weekday codes, months and off translated."""
    assert describe(osm, "zh").startswith(zh) and "Mo" not in describe(osm, "zh")
    assert describe(osm, "en").startswith(en)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["zh", "en"]))
def test_describe_never_raises(osm: str, lang: str) -> None:
    """Any text at all: describe returns a string, never an exception."""
    assert isinstance(describe(osm, lang), str)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_to_osm_gives_valid_osm_or_the_one_line_refusal(text: str) -> None:
    """Any text: to_osm returns OSM that check_hours accepts, or raises InvalidHoursError (one line)."""
    try:
        osm = to_osm(text)
    except InvalidHoursError as exc:
        assert str(exc).strip()
    else:
        assert check_hours(osm) is None


@pytest.mark.parametrize("text", [text for text, _osm in FORMS])
def test_round_trip_of_every_chinese_form(text: str) -> None:
    """to_osm(describe(to_osm(x), "zh")) == to_osm(x) for every Chinese example."""
    osm = to_osm(text)
    assert to_osm(describe(osm, "zh")) == osm


_DAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
_DAY_GROUP = st.one_of(
    st.tuples(st.integers(0, 6), st.integers(0, 6)).map(lambda ab: f"{_DAY_NAMES[ab[0]]}至{_DAY_NAMES[ab[1]]}"),
    st.lists(st.sampled_from(_DAY_NAMES), min_size=1, max_size=3, unique=True).map("、".join),
    st.sampled_from(["每天", "工作日", "周末", "星期一至星期五", "礼拜六"]),
)


@st.composite
def _spans(draw: st.DrawFn) -> str:
    """One to three ordered time ranges within a day, some written with 上午/下午."""
    count = draw(st.integers(1, 3))
    points = sorted(draw(st.lists(st.integers(0, 47), min_size=2 * count, max_size=2 * count, unique=True)))
    spans = []
    for i in range(count):
        a, b = points[2 * i] * 30, points[2 * i + 1] * 30
        if a >= 12 * 60 and a // 60 - 12 >= 1 and draw(st.booleans()):
            spans.append(f"下午{a // 60 - 12}:{a % 60:02d}-{b // 60 - 12}:{b % 60:02d}")
        else:
            spans.append(f"{a // 60}:{a % 60:02d}-{b // 60}:{b % 60:02d}")
    return " ".join(spans)


@settings(max_examples=60, deadline=None)
@given(first=st.tuples(_DAY_GROUP, _spans()),
       more=st.lists(st.tuples(_DAY_GROUP, st.one_of(_spans(), st.just("休息"))), max_size=2),
       holiday=st.sampled_from(["", "，节假日休息", "（节假日照常）", "；法定节假日 9:00-12:00"]))
def test_round_trip_of_generated_day_and_time_ranges(first: tuple[str, str], more: list[tuple[str, str]],
                                                     holiday: str) -> None:
    """Generated day groups and time ranges: to_osm accepts them, and reads describe's words back the same."""
    groups = [first, *more]
    text = "；".join(f"{days}{body}" if body == "休息" else f"{days} {body}" for days, body in groups) + holiday
    osm = to_osm(text)
    assert check_hours(osm) is None
    assert to_osm(describe(osm, "zh")) == osm
    assert "Mo" not in describe(osm, "zh") and "PH" not in describe(osm, "en")
