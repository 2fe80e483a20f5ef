"""Opening hours: OpenStreetMap ``opening_hours`` strings that know Chinese holidays and 调休.

The expression is parsed by ``opening-hours-py`` (import name ``opening_hours``). That library's own
public-holiday calendars are *not* used: the kiosk decides each calendar day itself from
:class:`~kiosk.core.hours.holidays.HolidayCalendar` (overrides table first, then ``chinese-calendar``):

* **ordinary day** — the expression's weekly hours;
* **public holiday** — the expression's ``PH`` rules when it has any (``PH off``,
  ``PH 09:00-12:00``); otherwise a listing that *follows the work week* is closed all day and every
  other listing keeps its weekly hours;
* **make-up working day** (调休上班, a Saturday or Sunday) — a listing that follows the work week
  opens with its Monday–Friday hours (those of the first weekday it opens, in the same week); every
  other listing keeps its hours for that weekday;
* **an expected holiday** — a statutory holiday of a year whose schedule is not published yet
  (:func:`kiosk.core.hours.holidays.estimated_days`): treated as a public holiday, and said so: "国庆节预计休息" /
  "Expected closed (National Day)";
* **a date whose arrangements are not published** (a day near a holiday of such a year where a
  make-up arrangement is plausible) — state ``unknown`` ("节假日安排尚未公布") for listings whose
  hours depend on the calendar (a ``PH`` rule, or following the work week); others keep their
  weekly hours. Every other day of such a year is an ordinary day.

A listing *follows the work week* when, in the week being looked at, it opens on at least one day
Monday–Friday and is closed all day on Saturday or on Sunday (``Mo-Fr …``, ``Mo-Sa …``). Listings
open every day (``24/7``, ``Mo-Su 08:00-20:00``) or on both weekend days (a library ``Tu-Su …``)
do not: they keep their hours unless the expression says ``PH …``.

Time is always Asia/Shanghai: an aware ``now`` is converted; a naive ``now`` is taken as Shanghai
wall-clock time. ``now`` is a parameter of every function here, never read from the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours

from kiosk.core.errors import KioskError
from kiosk.core.hours.holidays import DayInfo, HolidayCalendar, load_calendar

__all__ = [
    "EXAMPLE",
    "SHANGHAI",
    "HolidayCalendar",
    "HoursProblem",
    "HoursState",
    "InvalidHoursError",
    "any_open_now",
    "badge_for",
    "check_hours",
    "hours_state",
    "is_open_now",
    "load_calendar",
    "validate_hours",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"
"""The example every validation message shows."""
CLOSING_SOON = timedelta(minutes=30)
HORIZON_DAYS = 35
"""How far ahead the next change is looked for; beyond it ``next_change`` is None."""
MAX_LENGTH = 500

State = Literal["open", "closed", "unknown"]
_WEEKDAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)
_ParserError: type[Exception] = getattr(opening_hours, "ParserError", SyntaxError)
"""The parser's syntax error (present at run time, missing from the library's type stub)."""
_UNNAMED_ZH = "节假日"
_UNNAMED_EN = "public holiday"


class InvalidHoursError(KioskError):
    """An opening-hours expression the kiosk cannot use; the message says why and shows an example."""

    exit_code = 2


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursProblem:
    """Why an expression is not usable, for a community worker: Chinese, English, where."""

    zh: str
    en: str
    position: int | None = None
    """1-based character position of the problem in the (stripped) expression, when known."""

    @property
    def message(self) -> str:
        """One line, Chinese then English, each with the example of the right form."""
        return (f"营业时间写法有误：{self.zh}。正确写法例如：{EXAMPLE} / "
                f"Opening hours not understood: {self.en}. Example: {EXAMPLE}")


_FULL_WIDTH = {"；": ";", "：": ":", "，": ",", "－": "-", "—": "-", "～": "-", "（": "(", "）": ")",
               "　": " ", "“": '"', "”": '"', "、": ","}
_PH = re.compile(r"(?<![A-Za-z])PH(?![A-Za-z])")
_SH = re.compile(r"(?<![A-Za-z])SH(?![A-Za-z])")
_PH_OFFSET = re.compile(r"(?<![A-Za-z])PH\s*[+-]\s*\d+\s*days?", re.IGNORECASE)
_SUN_EVENT = re.compile(r"(?i)(sunrise|sunset|dawn|dusk)")
_EASTER = re.compile(r"(?i)easter")
_SPAN = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?![\d:])")
_ERROR_AT = re.compile(r"-->\s*(\d+):(\d+)")
_MONTHS = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MONTHDAY = re.compile(
    rf"(?<![A-Za-z])(?:(\d{{4}})\s*)?{_MONTHS}\s*(\d{{1,2}})(?![\d:])"
    rf"(?:\s*-\s*(?:(\d{{4}})\s*)?(?:{_MONTHS}\s*)?(\d{{1,2}})(?![\d:]))?")
"""A month-day date or range (``Feb 30``, ``2026 Feb 29``, ``Feb 28-30``, ``Feb 30-Mar 02``)."""
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _outside_quotes(text: str) -> str:
    """``text`` with every character inside "comments" replaced by a space (same length)."""
    out: list[str] = []
    inside = False
    for ch in text:
        if ch == '"':
            inside = not inside
            out.append(ch)
        else:
            out.append(" " if inside else ch)
    return "".join(out)


def _replace_ph(text: str, code: str) -> str:
    """Replace each ``PH`` selector outside comments by the weekday ``code`` (e.g. ``Th``)."""
    mask = _outside_quotes(text)
    pieces: list[str] = []
    last = 0
    for match in _PH.finditer(mask):
        pieces.append(text[last:match.start()])
        pieces.append(code)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _parse_problem(text: str, exc: Exception) -> HoursProblem:
    """Turn the parser's error into a message naming the wrong part."""
    found = _ERROR_AT.search(str(exc))
    col = int(found.group(2)) if found else None
    if col is None:
        return HoursProblem("看不懂这段写法", "the text is not in opening-hours form")
    idx = col - 1
    if idx >= len(text):
        tail = text.rstrip()[-1:]
        if tail in (";", ",", "|"):
            return HoursProblem(f"结尾多了“{tail}”，请删去", f"remove the “{tail}” at the end", col)
        return HoursProblem("写到结尾还不完整", "it stops before the rule is complete", col)
    ch = text[idx]
    rest = text[idx:]
    start = idx
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        start -= 1
    end = idx
    while end < len(text) and text[end].isascii() and text[end].isalpha():
        end += 1
    token = text[start:end]
    if ch in _FULL_WIDTH:
        ascii_ch = _FULL_WIDTH[ch]
        return HoursProblem(f"第 {col} 个字符“{ch}”是全角符号，请改用半角“{ascii_ch}”",
                            f"character {col} “{ch}” is a full-width sign; type “{ascii_ch}” instead", col)
    if not ch.isascii():
        return HoursProblem(
            f"第 {col} 个字符“{ch}”：星期请写成 Mo Tu We Th Fr Sa Su，中文说明请放在英文双引号 \"…\" 里",
            f"character {col} “{ch}”: write days as Mo Tu We Th Fr Sa Su, and put Chinese notes in \"double quotes\"",
            col)
    if ch in "\t\r\n":
        return HoursProblem(f"第 {col} 个字符是制表符或换行，请写在一行、用空格隔开",
                            f"character {col} is a tab or line break; write one line with spaces", col)
    if len(token) >= 3 and token[:2].title() in _WEEKDAY_CODES:
        return HoursProblem(f"“{token}”：星期只用两个字母 Mo Tu We Th Fr Sa Su",
                            f"“{token}”: days take two letters, Mo Tu We Th Fr Sa Su", start + 1)
    if ch == "~":
        return HoursProblem(f"第 {col} 个字符“~”：时间段请用“-”连接", f"character {col} “~”: join times with “-”", col)
    bad_time = re.match(r"(\d{1,2}):(\d{2})", rest)
    if bad_time and (int(bad_time.group(1)) > 48 or int(bad_time.group(2)) > 59):
        return HoursProblem(f"时间“{bad_time.group(0)}”不存在", f"there is no time “{bad_time.group(0)}”", col)
    if re.match(r"\d{3,4}(?![\d:])", rest):
        return HoursProblem(f"第 {col} 个字符起的时间请写成 08:30 这样（小时:分钟）",
                            f"write the time at character {col} as hours:minutes, like 08:30", col)
    before = text[:idx].rstrip()
    if ch.isalpha() and before[-1:].isdigit():
        return HoursProblem(f"第 {col} 个字符“{token}”前缺少分号：两条规则之间用“;”隔开",
                            f"a “;” is missing before “{token}” (character {col}): separate rules with “;”", col)
    snippet = text[idx:idx + 8]
    return HoursProblem(f"第 {col} 个字符“{snippet}”处看不懂", f"not understood at character {col} “{snippet}”", col)


def _semantic_problem(text: str) -> HoursProblem | None:
    """Valid OSM syntax the kiosk still cannot use, or an obvious slip (5:30 meaning 17:30)."""
    mask = _outside_quotes(text)
    found = _PH_OFFSET.search(mask)
    if found:
        return HoursProblem(f"“{found.group(0)}”（节假日前后几天）本终端不支持，请直接写日期或 PH 规则",
                            f"“{found.group(0)}” (days around a holiday) is not supported; write dates or a PH rule",
                            found.start() + 1)
    found = _SH.search(mask)
    if found:
        return HoursProblem("SH（学校假期）本终端不知道具体日期，请写明月份或日期",
                            "SH (school holidays) is not known to the kiosk; write the months or dates instead",
                            found.start() + 1)
    found = _EASTER.search(mask)
    if found:
        return HoursProblem("easter（复活节）不适用，请写明日期", "easter does not apply here; write the dates",
                            found.start() + 1)
    found = _SUN_EVENT.search(mask)
    if found:
        return HoursProblem(f"“{found.group(0)}”（日出日落）请改为具体时间，如 06:00-19:00",
                            f"“{found.group(0)}”: write clock times, like 06:00-19:00", found.start() + 1)
    impossible = _impossible_date(mask)
    if impossible is not None:
        return impossible
    for span in _SPAN.finditer(mask):
        h1, m1, h2, m2 = (int(g) for g in span.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end < start and end + 24 * 60 - start >= 18 * 60:
            return HoursProblem(
                f"“{span.group(0)}”关门时间早于开门时间：请用24小时制（17:30 而不是 5:30）；"
                "如确实营业到次日，请写成 08:00-26:00",
                f"“{span.group(0)}” closes before it opens: use the 24-hour clock (17:30, not 5:30); "
                "if it really runs past midnight, write e.g. 08:00-26:00",
                span.start() + 1)
    return None


def _impossible_date(mask: str) -> HoursProblem | None:
    """A date that no calendar has (``Feb 30``, ``Apr 31``, ``2026 Feb 29``), which the parser reads silently."""
    for found in _MONTHDAY.finditer(mask):
        year1, month1, day1, year2, month2, day2 = found.groups()
        parts = [(year1, month1, day1)]
        if day2 is not None:
            parts.append((year2 or year1, month2 or month1, day2))
        for year, month, day in parts:
            index = _MONTH_EN.index(month.title())
            most = _MONTH_DAYS[index]
            if index == 1 and year is not None and not _is_leap(int(year)):
                most = 28
            if int(day) > most:
                shown = f"{year} {month} {day}" if year else f"{month} {day}"
                return HoursProblem(
                    f"日期“{shown}”不存在（{index + 1}月只有 {most} 天）",
                    f"there is no date “{shown}” ({_MONTH_EN[index]} has {most} days)", found.start() + 1)
    return None


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def check_hours(expr: object) -> HoursProblem | None:
    """None when ``expr`` is a usable opening-hours expression, else what is wrong.

    Never raises, whatever ``expr`` is. Leading and trailing spaces are ignored.
    """
    if not isinstance(expr, str):
        return HoursProblem("营业时间必须是文字", "opening hours must be text")
    text = expr.strip()
    if not text:
        return HoursProblem("没有填写营业时间", "no opening hours were given")
    if len(text) > MAX_LENGTH:
        return HoursProblem(f"太长了（超过 {MAX_LENGTH} 个字符）", f"too long (over {MAX_LENGTH} characters)")
    try:
        OpeningHours(text)
    except _ParserError as exc:
        return _parse_problem(text, exc)
    except Exception:
        return HoursProblem("看不懂这段写法", "the text is not in opening-hours form")
    except BaseException as exc:  # a panic inside the Rust parser surfaces as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        return HoursProblem("看不懂这段写法", "the text is not in opening-hours form")
    problem = _semantic_problem(text)
    if problem is not None:
        return problem
    if _PH.search(_outside_quotes(text)):
        for code in _WEEKDAY_CODES:
            try:
                OpeningHours(_replace_ph(text, code))
            except Exception:
                return HoursProblem("节假日规则 PH 的写法看不懂，请写成 PH off 或 PH 09:00-12:00",
                                    "the PH (public holiday) rule is not understood; write PH off or PH 09:00-12:00")
    return None


def validate_hours(expr: str) -> str | None:
    """None when ``expr`` is valid, else a one-line message (Chinese / English) with an example."""
    problem = check_hours(expr)
    return None if problem is None else problem.message


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    text: str
    plain: OpeningHours
    has_ph: bool
    by_weekday: tuple[OpeningHours, ...]
    """The expression with ``PH`` replaced by each weekday: how a holiday on that weekday is evaluated."""


@lru_cache(maxsize=1024)
def _compile(expr: str) -> _Compiled:
    problem = check_hours(expr)
    if problem is not None:
        raise InvalidHoursError(problem.message)
    text = expr.strip()
    plain = OpeningHours(text)
    has_ph = _PH.search(_outside_quotes(text)) is not None
    variants = tuple(OpeningHours(_replace_ph(text, code)) for code in _WEEKDAY_CODES) if has_ph else ()
    return _Compiled(text, plain, has_ph, variants)


Segment = tuple[datetime, datetime, str, str]
"""(start, end, state, comment) in naive Asia/Shanghai wall-clock time."""


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def _intervals(oh: OpeningHours, day: date) -> list[Segment]:
    start = _day_start(day)
    end = start + _ONE_DAY
    out: list[Segment] = []
    for a, b, state, comment in oh.intervals(start, end):
        a, b = max(a.replace(tzinfo=None), start), min(b.replace(tzinfo=None), end)
        if a < b:
            out.append((a, b, str(state), comment or ""))
    return out or [(start, end, "closed", "")]


def _reference_monday(day: date) -> date:
    """Monday of ``day``'s week, or of the next week when that Monday falls in another month."""
    monday = day - timedelta(days=day.weekday())
    if monday.month != day.month:
        monday += timedelta(days=7)
    return monday


@lru_cache(maxsize=4096)
def _open_weekdays(expr: str, monday: date) -> frozenset[int]:
    """Weekdays (0 = Monday) of the week starting ``monday`` on which the weekly hours open at all."""
    plain = _compile(expr).plain
    return frozenset(
        i for i in range(7)
        if any(seg[2] != "closed" for seg in _intervals(plain, monday + timedelta(days=i)))
    )


def _follows_work_week(open_days: frozenset[int]) -> bool:
    return bool(open_days & {0, 1, 2, 3, 4}) and not {5, 6} <= open_days


@dataclass(frozen=True)
class _DayPlan:
    segments: tuple[Segment, ...]
    info: DayInfo
    makeup: bool
    closed_for_holiday: bool
    calendar_unknown: bool
    expected: bool = False


@lru_cache(maxsize=8192)
def _day_plan(expr: str, day: date, calendar: HolidayCalendar) -> _DayPlan:
    compiled = _compile(expr)
    info = calendar.day(day)
    monday = _reference_monday(day)
    open_days = _open_weekdays(expr, monday)
    office = _follows_work_week(open_days)
    depends = compiled.has_ph or office
    start = _day_start(day)
    if info.kind == "unknown" and depends:
        return _DayPlan(((start, start + _ONE_DAY, "unknown", ""),), info, False, False, True)
    if info.kind == "holiday" and depends:
        if compiled.has_ph:
            segments = _intervals(compiled.by_weekday[day.weekday()], day)
        else:
            segments = [(start, start + _ONE_DAY, "closed", "")]
        closed = all(seg[2] == "closed" for seg in segments)
        return _DayPlan(tuple(segments), info, False, closed, False, info.expected)
    if info.kind == "workday" and office:
        weekday = min((d for d in open_days if d < 5), default=0)
        reference = monday + timedelta(days=weekday)
        shift = day - reference
        segments = [(a + shift, b + shift, s, c) for a, b, s, c in _intervals(compiled.plain, reference)]
        return _DayPlan(tuple(segments), info, True, False, False)
    return _DayPlan(tuple(_intervals(compiled.plain, day)), info, False, False, False)


def _to_local(now: datetime) -> datetime:
    """``now`` as naive Asia/Shanghai wall-clock time (naive input is taken as Shanghai time)."""
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, got {type(now).__name__}")
    local = now if now.tzinfo is None else now.astimezone(SHANGHAI).replace(tzinfo=None)
    if not 1901 <= local.year <= 9990:
        raise ValueError(f"now is out of the supported range (years 1901–9990): {now!r}")
    return local


@dataclass(frozen=True)
class HoursState:
    """Whether a listing is open at ``now``, and what to tell the resident."""

    state: State
    now: datetime
    """The moment asked about, aware, Asia/Shanghai."""
    next_change: datetime | None
    """When ``state`` next changes (aware, Asia/Shanghai), or None: not within :data:`HORIZON_DAYS`."""
    next_state: State | None
    holiday: str | None = None
    """Chinese name of today's public holiday (国庆节), or None."""
    holiday_en: str | None = None
    makeup_day: bool = False
    """Today is a make-up working day (调休上班) and this listing works it."""
    closed_for_holiday: bool = False
    """Closed all day today because of the public holiday."""
    calendar_unknown: bool = False
    """Unknown because the holiday arrangements of this date are not published yet."""
    holiday_expected: bool = False
    """Today's holiday is an estimate from the law: the year's schedule is not published yet (预计)."""
    closing_soon: bool = False
    """Open, and closing within 30 minutes."""
    comment: str | None = None
    """The expression's comment for this time ("预约"), if any."""

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def label(self, lang: str = "zh") -> str:
        """The badge text: "营业中 · 17:30 关门" (``lang="zh"``) or "Open · closes 17:30" (``"en"``)."""
        en = lang == "en"
        if self.state == "unknown":
            if self.calendar_unknown:
                return "Holiday hours not yet published" if en else "节假日安排尚未公布"
            return "Hours not confirmed" if en else "营业时间待确认"
        if self.state == "open":
            if self.next_change is None or self.next_change - self.now > _ONE_DAY:
                return "Open 24 hours" if en else "24小时营业"
            if self.closing_soon:
                return f"Closing soon · {self._when(True, en)}" if en else f"即将关门 · {self._when(True, en)}"
            if self.next_state == "unknown":
                return "Open" if en else "营业中"
            when = self._when(True, en)
            if self.makeup_day:
                return f"Make-up working day · closes {when}" if en else f"调休上班 · {when} 关门"
            return f"Open · closes {when}" if en else f"营业中 · {when} 关门"
        if self.closed_for_holiday and self.holiday_expected:
            if en:
                name = self.holiday_en if self.holiday_en and self.holiday_en != _UNNAMED_EN else "holiday"
                return f"Expected closed ({name})"
            return f"{self.holiday or ''}预计休息"
        if self.closed_for_holiday:
            if en:
                if not self.holiday_en or self.holiday_en == _UNNAMED_EN:
                    return "Closed for the public holiday"
                return f"Closed for {self.holiday_en}"
            return f"{self.holiday or _UNNAMED_ZH}休息"
        if self.next_change is None or self.next_state != "open":
            return "Closed" if en else "已休息"
        when = self._when(False, en)
        if self.makeup_day and self.next_change.date() == self.now.date():
            return f"Make-up working day · opens {when}" if en else f"调休上班 · {when} 开门"
        return f"Closed · opens {when}" if en else f"已休息 · {when} 开门"

    def _when(self, closing: bool, en: bool) -> str:
        """``next_change`` said relative to ``now``: 17:30, 明天 08:30, 周一 08:30, 10月8日 08:30."""
        assert self.next_change is not None
        at = self.next_change
        days = (at.date() - self.now.date()).days
        if closing and days == 1 and at.time() == time(0, 0):
            days, clock = 0, "24:00"
        else:
            clock = at.strftime("%H:%M")
        if days <= 0:
            return clock
        if days == 1:
            return f"tomorrow {clock}" if en else f"明天 {clock}"
        if days < 7:
            weekday = at.weekday()
            return f"{_WEEKDAY_EN[weekday]} {clock}" if en else f"{_WEEKDAY_ZH[weekday]} {clock}"
        return f"{at.day} {_MONTH_EN[at.month - 1]} {clock}" if en else f"{at.month}月{at.day}日 {clock}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kiosk hours --json``)."""
        return {
            "state": self.state,
            "at": self.now.isoformat(),
            "next_change": self.next_change.isoformat() if self.next_change else None,
            "next_state": self.next_state,
            "holiday": self.holiday,
            "holiday_en": self.holiday_en,
            "makeup_day": self.makeup_day,
            "closed_for_holiday": self.closed_for_holiday,
            "calendar_unknown": self.calendar_unknown,
            "holiday_expected": self.holiday_expected,
            "closing_soon": self.closing_soon,
            "comment": self.comment,
            "label_zh": self.label("zh"),
            "label_en": self.label("en"),
        }


def hours_state(expr: str, now: datetime, calendar: HolidayCalendar) -> HoursState:
    """The state of ``expr`` at ``now`` under ``calendar``.

    Raises :class:`InvalidHoursError` (message from :func:`validate_hours`) for an unusable
    expression; ``ValueError`` for a ``now`` outside years 1901–9990.
    """
    local = _to_local(now)
    if not isinstance(expr, str):
        raise InvalidHoursError(HoursProblem("营业时间必须是文字", "opening hours must be text").message)
    expr = expr.strip()
    _compile(expr)
    today = local.date()
    plan = _day_plan(expr, today, calendar)
    current = next((seg for seg in plan.segments if seg[0] <= local < seg[1]), (local, local, "closed", ""))
    state = current[2]
    next_change: datetime | None = None
    next_state: str | None = None
    day = today
    segments: tuple[Segment, ...] = plan.segments
    last = min(today + timedelta(days=HORIZON_DAYS), date(9999, 12, 30))
    while next_change is None:
        for seg in segments:
            if seg[0] > local and seg[2] != state:
                next_change, next_state = seg[0], seg[2]
                break
        if next_change is not None or day >= last:
            break
        day += _ONE_DAY
        segments = _day_plan(expr, day, calendar).segments
    info = plan.info
    is_holiday = info.kind == "holiday"
    closing_soon = (state == "open" and next_change is not None and next_state != "open"
                    and next_change - local <= CLOSING_SOON)
    return HoursState(
        state=_as_state(state),
        now=local.replace(tzinfo=SHANGHAI),
        next_change=next_change.replace(tzinfo=SHANGHAI) if next_change else None,
        next_state=_as_state(next_state) if next_state else None,
        holiday=(info.name or _UNNAMED_ZH) if is_holiday else None,
        holiday_en=(info.name_en or _UNNAMED_EN) if is_holiday else None,
        makeup_day=plan.makeup,
        closed_for_holiday=plan.closed_for_holiday,
        calendar_unknown=plan.calendar_unknown,
        holiday_expected=is_holiday and info.expected,
        closing_soon=closing_soon,
        comment=current[3] or None,
    )


def _as_state(value: str) -> State:
    if value == "open":
        return "open"
    if value == "closed":
        return "closed"
    return "unknown"


def is_open_now(expr: str, now: datetime, calendar: HolidayCalendar) -> bool:
    """True when ``expr`` is open at ``now``; False when closed, unknown or the expression is invalid."""
    try:
        return hours_state(expr, now, calendar).state == "open"
    except InvalidHoursError:
        return False


def badge_for(schedules: list[str], now: datetime, calendar: HolidayCalendar) -> HoursState | None:
    """The one state to show on a listing's card, from all its schedules; None = show no badge.

    Blank and invalid expressions are skipped (no hours known). Of several schedules (one per
    location, say): an open one wins (the one open longest); else an unknown one (honest: it might
    be open); else the closed one that opens soonest.
    """
    states: list[HoursState] = []
    for expr in schedules:
        if not isinstance(expr, str) or not expr.strip():
            continue
        try:
            states.append(hours_state(expr, now, calendar))
        except InvalidHoursError:
            continue
    if not states:
        return None
    far = datetime.max.replace(tzinfo=SHANGHAI)
    open_ = [s for s in states if s.state == "open"]
    if open_:
        return max(open_, key=lambda s: s.next_change or far)
    unknown = [s for s in states if s.state == "unknown"]
    if unknown:
        return unknown[0]
    return min(states, key=lambda s: s.next_change if s.next_change and s.next_state == "open" else far)


def any_open_now(schedules: list[str], now: datetime, calendar: HolidayCalendar) -> bool:
    """The "open now" filter for a listing with several schedules: True when any of them is open."""
    badge = badge_for(schedules, now, calendar)
    return badge is not None and badge.state == "open"
