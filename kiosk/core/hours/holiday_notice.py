"""Read the State Council's holiday notice as a community worker types it: one line per arrangement.

The format (docs/hours.md, "Entering a year's holidays"), one arrangement a line::

    # 2027 年节假日安排（国务院办公厅通知）
    2027-01-01 元旦 放假
    2027-02-05 至 2027-02-12 春节 放假
    2027-02-14 春节 上班

* a date ``YYYY-MM-DD`` (also ``2027/2/5`` or ``2027年2月5日``), or a range ``A 至 B`` (also
  ``到``, ``~``, ``to``);
* the kind: ``放假`` / ``休息`` / ``holiday`` (rest days) or ``上班`` / ``补班`` / ``workday``
  (a make-up working day, 调休上班);
* optionally the holiday's name (for a make-up day: the holiday it makes up for).

Words may be separated by spaces, tabs or commas, so a CSV ``date,kind,name`` (a header line
``date,kind,name`` is skipped) reads the same. ``#`` starts a comment. Reading is all-or-nothing:
the first bad line stops it with a one-line message naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from kiosk.core.errors import KioskError

Kind = Literal["holiday", "workday"]

HOLIDAY_WORDS = frozenset({"放假", "休息", "休", "假", "holiday", "off"})
WORKDAY_WORDS = frozenset({"上班", "补班", "调休上班", "班", "workday", "work"})
RANGE_WORDS = frozenset({"至", "到", "~", "～", "-", "—", "to"})
HEADER_WORDS = frozenset({"date", "日期"})
MAX_RANGE_DAYS = 15
"""No holiday period is longer; a longer range is a typing slip."""
DATE_HELP = "write dates as YYYY-MM-DD, e.g. 2027-10-01"

_SEPARATORS = re.compile(r"[\s,，、;；]+")
_DATE = re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?$")
_JOINED_RANGE = re.compile(r"^(.+?)(?:至|到|~|～|—)(.+)$")


class NoticeError(KioskError):
    """A line of a holiday notice file cannot be read; nothing was entered."""

    exit_code = 2


@dataclass(frozen=True)
class NoticeDay:
    """One date of the notice."""

    date: date
    kind: Kind
    name: str | None
    line: int


def parse_date(text: str) -> date | None:
    """``2027-10-01``, ``2027/10/1``, ``2027.10.1`` or ``2027年10月1日`` → a date; None when not a date."""
    found = _DATE.match(text.strip())
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def _date_or_error(text: str, where: str) -> date:
    day = parse_date(text)
    if day is None:
        raise NoticeError(f"{where}: '{text}' is not a date of the calendar; {DATE_HELP}")
    return day


def parse_kind(text: str) -> Kind | None:
    word = text.strip().lower()
    if word in HOLIDAY_WORDS:
        return "holiday"
    if word in WORKDAY_WORDS:
        return "workday"
    return None


def _tokens(line: str) -> list[str]:
    out: list[str] = []
    for token in _SEPARATORS.split(line.strip()):
        if not token:
            continue
        joined = _JOINED_RANGE.match(token)
        if joined and parse_date(joined.group(1)) and parse_date(joined.group(2)):
            out += [joined.group(1), "至", joined.group(2)]
        else:
            out.append(token)
    return out


def parse_line(line: str, number: int) -> list[NoticeDay]:
    """The dates of one line (empty for a blank line, a comment or the CSV header)."""
    text = line.split("#", 1)[0].strip().lstrip("\ufeff")
    if not text:
        return []
    where = f"line {number}"
    tokens = _tokens(text)
    if tokens[0].lower() in HEADER_WORDS:
        return []
    start = _date_or_error(tokens[0], where)
    end = start
    rest = tokens[1:]
    if len(rest) >= 2 and rest[0].lower() in RANGE_WORDS:
        end = _date_or_error(rest[1], where)
        rest = rest[2:]
    if end < start:
        raise NoticeError(f"{where}: the range ends ({end}) before it starts ({start}); write the earlier date first")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise NoticeError(f"{where}: {start} 至 {end} is {(end - start).days + 1} days, longer than any holiday; "
                          "check the dates")
    kinds = [k for k in (parse_kind(t) for t in rest) if k is not None]
    names = [t for t in rest if parse_kind(t) is None]
    if len(kinds) != 1:
        raise NoticeError(f"{where}: say 放假 (rest days) or 上班 (a make-up working day) once: '{text}'")
    stray = next((t for t in names if parse_date(t) is not None or re.fullmatch(r"[\d/.:-]+", t)), None)
    if stray is not None:
        raise NoticeError(f"{where}: '{stray}' is not understood; a range is written 'A 至 B': '{text}'")
    name = " ".join(names) or None
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if kinds[0] == "workday":
        weekday = next((d for d in days if d.weekday() < 5), None)
        if weekday is not None:
            raise NoticeError(f"{where}: {weekday} is a weekday; a make-up working day (上班) is a Saturday or "
                              "Sunday — check the date")
    return [NoticeDay(d, kinds[0], name, number) for d in days]


def parse_notice(text: str) -> list[NoticeDay]:
    """Every date of a notice file, in file order; :class:`NoticeError` on the first bad line.

    A date listed twice is an error (even with the same kind): the notice names each date once.
    """
    seen: dict[date, int] = {}
    out: list[NoticeDay] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for day in parse_line(line, number):
            if day.date in seen:
                raise NoticeError(f"line {number}: {day.date} is already on line {seen[day.date]}; "
                                  "list each date once")
            seen[day.date] = number
            out.append(day)
    if not out:
        raise NoticeError("the file lists no dates; write lines like '2027-10-01 至 2027-10-07 国庆节 放假'")
    return out
