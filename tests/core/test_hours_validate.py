"""validate_hours: invalid strings get a worker-readable message; nothing ever raises."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.hours.holidays import HolidayCalendar
from kiosk.core.hours.opening import (
    EXAMPLE,
    SHANGHAI,
    InvalidHoursError,
    check_hours,
    hours_state,
    validate_hours,
)

CAL = HolidayCalendar()

VALID = [
    "Mo-Fr 08:30-12:00,14:30-17:30; PH off",
    "Mo-Fr 08:30-12:00, 14:30-17:30",
    "Mo-Fr 08:30-17:30; Sa 09:00-12:00; PH off",
    "Mo-Fr 08:30-17:30; PH 09:00-12:00",
    "Tu-Su 09:00-17:00",
    "24/7",
    "off",
    "closed",
    "Mo-Fr 22:00-06:00",
    "Mo-Fr 08:00-26:00",
    'Mo-Fr 08:30-17:30 "周末请预约"',
    "Mo-Fr 09:00-17:00; Jul-Aug off",
    "  Mo-Fr 09:00-17:00  ",
]

# (expression, a fragment the Chinese part must contain, a fragment of the English part, position)
INVALID = [
    ("", "没有填写", "no opening hours", None),
    ("Mon-Fri 08:30-17:30", "两个字母", "two letters", 1),
    ("Mo-Fr 08:30-12:00；PH off", "全角", "full-width", 18),
    ("周一至周五 08:30-17:30", "Mo Tu We Th Fr Sa Su", "write days as", 1),
    ("Mo-Fr 08:30-17:30;", "结尾多了", "at the end", 19),
    ("Mo-Fr 0830-1730", "08:30", "hours:minutes", 7),
    ("Mo-Fr 08:30~17:30", "“-”", "join times", 12),
    ("Mo-Fr 08:30-17:30 PH off", "分号", "separate rules", 19),
    ("Mo-Fr 09:00-60:00", "60:00", "no time", 13),
    ("Mo-Fr 8:30-5:30", "24小时制", "24-hour clock", 7),
    ("Mo-Fr 08:30-17:30; SH off", "学校假期", "school holidays", 20),
    ("Mo-Fr 08:30-17:30; PH +1 day off", "不支持", "not supported", 20),
    ("sunrise-sunset", "具体时间", "clock times", 1),
    ("easter off", "复活节", "easter", 1),
    ("Mo-Fr\t08:30-17:30", "一行", "one line", 6),
    ("Mo-Fr 08:30-", "不完整", "stops", 13),
    ("x" * 600, "太长", "too long", None),
    ("foo", "看不懂", "not understood", 1),
]


@pytest.mark.parametrize("expr", VALID)
def test_valid_expressions_pass(expr: str) -> None:
    """Everyday and edge forms are accepted."""
    assert validate_hours(expr) is None


@pytest.mark.parametrize(("expr", "zh", "en", "position"), INVALID)
def test_invalid_expressions_say_what_and_where(expr: str, zh: str, en: str, position: int | None) -> None:
    """Each invalid form names the wrong part (zh + en), its position, and the message has an example."""
    problem = check_hours(expr)
    assert problem is not None
    assert zh in problem.zh and en in problem.en
    assert problem.position == position
    message = validate_hours(expr)
    assert message is not None and EXAMPLE in message and "\n" not in message
    assert message.startswith("营业时间写法有误") and "Opening hours not understood" in message


def test_non_text_is_a_problem_not_a_crash() -> None:
    """A non-string (a number from a spreadsheet, None) gives a message."""
    assert check_hours(None) is not None
    assert check_hours(830) is not None


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_any_string_gives_a_result_or_a_clear_error(expr: str) -> None:
    """Any text: validate_hours returns None or a message; hours_state then answers or raises InvalidHoursError."""
    message = validate_hours(expr)
    now = datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)
    if message is None:
        result = hours_state(expr, now, CAL)
        assert result.state in ("open", "closed", "unknown")
        assert result.label("zh") and result.label("en")
    else:
        assert isinstance(message, str) and EXAMPLE in message
        with pytest.raises(InvalidHoursError):
            hours_state(expr, now, CAL)


_TOKENS = ["Mo", "Tu", "Fr", "Sa", "Su", "-", ",", "; ", " ", "PH", "off", "closed", "unknown", "24/7",
           "08:30", "12:00", "14:30", "17:30", "22:00", "02:00", "24:00", "26:00", "Jan", "Oct", "2026",
           "2027", "week", "01", "/", "2", '"预约"', "|| ", "+"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=9).map("".join),
    st.datetimes(min_value=datetime(2003, 1, 1), max_value=datetime(2028, 12, 31)),
)
def test_grammar_like_strings_at_any_moment(expr: str, moment: datetime) -> None:
    """Strings built from real tokens, at any moment 2003–2028 (known and unknown years): never an exception."""
    if validate_hours(expr) is not None:
        return
    result = hours_state(expr, moment.replace(tzinfo=SHANGHAI), CAL)
    assert result.state in ("open", "closed", "unknown")
    if result.next_change is not None:
        assert result.next_change > result.now
    assert result.label("zh") and result.label("en")
    if result.closing_soon:
        assert result.state == "open"


@pytest.mark.parametrize(
    ("expr", "shown", "position"),
    [
        ("Feb 30", "Feb 30", 1),
        ("Apr 31", "Apr 31", 1),
        ("Feb 30-Mar 02", "Feb 30", 1),
        ("Feb 28-30", "Feb 30", 1),
        ("Jan 01-Feb 30 off", "Feb 30", 1),
        ("Mo-Fr 09:00-17:00; Feb 30 off", "Feb 30", 20),
        ("2026 Feb 29", "2026 Feb 29", 1),
        ("Sep 31 10:00-12:00", "Sep 31", 1),
    ],
)
def test_impossible_dates_are_refused(expr: str, shown: str, position: int) -> None:
    """A date no calendar has (the parser reads Feb 30 as always open or never open): refused, named."""
    problem = check_hours(expr)
    assert problem is not None and problem.position == position
    assert f"“{shown}”不存在" in problem.zh and f"no date “{shown}”" in problem.en
    with pytest.raises(InvalidHoursError, match="不存在"):
        hours_state(expr, datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI), CAL)


@pytest.mark.parametrize("expr", ["Feb 29", "2028 Feb 29", "Jan 31", "Apr 30", "Feb 28-Mar 01", "Dec 25 off",
                                  "Jan 10:00-12:00", "Jan-Mar 10:00-12:00", 'Mo-Fr 08:00-12:00 "Feb 30"'])
def test_real_dates_and_month_times_are_still_accepted(expr: str) -> None:
    """Feb 29 (leap years), month ends, a month followed by a time, and dates inside comments stay valid."""
    assert check_hours(expr) is None
