"""Opening hours in words: notice-board Chinese in (``to_osm``), readable Chinese and English out (``describe``).

Community workers write hours the way a notice board does (``周一至周五 8:30-12:00 14:30-17:30，节假日休息``);
the database keeps OpenStreetMap ``opening_hours`` (evaluated by :mod:`kiosk.core.hours.opening`,
which knows China's holidays and make-up working days); residents read the hours back in plain words.

Choices (docs/hours.md, "Hours written in Chinese"):

* ``工作日`` means China's official working days: ``Mo-Fr …`` plus ``PH off`` (added when the text says
  nothing else about holidays). opening.py opens such a listing on a make-up Saturday with its weekday
  hours and closes it on a public holiday.
* ``节假日照常`` (open as usual on holidays) is written ``PH off; <weekly rules>``: the weekly rules come
  later and so win on every holiday that falls on one of their days, in OSM's own rule order and in
  opening.py (which evaluates ``PH`` as "this weekday"); a holiday on a day the weekly rules close stays
  closed, as usual. A plain ``; PH`` would mean "open all day on holidays", which is not "as usual".
* Days closed by the text (``周一闭馆``) come after the opening rules, and holiday rules last, so an
  exception always wins over the weekly hours, as a reader of the notice expects.
* An end before the start is refused unless the text says the next day (``22:00-次日6:00``, ``凌晨2:00``).

Nothing here imports Qt; both functions are pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from kiosk.core.hours.opening import MAX_LENGTH, InvalidHoursError, check_hours

__all__ = ["EXAMPLE_ZH", "describe", "to_osm"]

EXAMPLE_ZH = "周一至周五 8:30-12:00 14:30-17:30"
"""The Chinese example every refusal shows."""
_EXAMPLE_OSM = "Mo-Fr 08:30-12:00,14:30-17:30"
_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NUMERALS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_LONG_DAY = 18 * 60
"""A span past midnight this long is written with extended hours (``08:00-30:00``), as opening.py wants."""


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


def _shown(part: str) -> str:
    """A quoted part of the input, short and printable."""
    part = "".join(c if c.isprintable() else "\ufffd" for c in part.strip())
    return part if len(part) <= 24 else part[:23] + "…"


def _refuse(part: str, zh: str = "", en: str = "") -> InvalidHoursError:
    """The one-line refusal: quotes ``part``, says why (when known) and shows the right form."""
    quoted = _shown(part)
    zh_why = f"：{zh}" if zh else ""
    en_why = f" ({en})" if en else ""
    return InvalidHoursError(f"看不懂“{quoted}”{zh_why}。示例：{EXAMPLE_ZH} / "
                             f"Opening hours: “{quoted}” not understood{en_why}. Example: {EXAMPLE_ZH} "
                             f"or {_EXAMPLE_OSM}")


# --------------------------------------------------------------------------------------------
# Normalising the text
# --------------------------------------------------------------------------------------------

_EXTRA = {"—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "~": "-", "〜": "-", "～": "-",
          "、": ",", "，": ",", "；": ";", "。": ";", "：": ":", "（": "(", "）": ")", "【": "(", "】": ")",
          "〔": "(", "〕": ")", "［": "(", "］": ")"}


def _normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with full-width forms made ASCII (NFKC) and dashes unified, and each character's origin."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        mapped = _EXTRA.get(ch) or unicodedata.normalize("NFKC", ch)
        mapped = "".join(_EXTRA.get(c, c) for c in mapped)
        for c in mapped:
            out.append(c)
            origin.append(i)
    return "".join(out), origin


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------

TokenKind = Literal["day", "range", "time", "period", "nextday", "off", "usual", "allday", "around"]


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    start: int
    end: int
    days: frozenset[int] = frozenset()
    """Weekdays (0 = Monday) named by a ``day`` token."""
    holiday: bool = False
    """A ``day`` token naming public holidays (``PH``)."""
    workweek: bool = False
    """A ``day`` token that is ``工作日``: official working days."""
    hour: int = 0
    minute: int = 0
    period: str = ""


_ALL = frozenset(range(7))
_DAY_WORDS: list[tuple[str, frozenset[int], bool, bool]] = [
    (r"法定节假日|法定假日|国家法定节假日|节假日期间|节假日|公休日|节日|假日|公众假期|PH", frozenset(), True, False),
    (r"工作日", frozenset(range(5)), False, True),
    (r"周末|双休日", frozenset({5, 6}), False, False),
    (r"每天|每日|天天|全周", _ALL, False, False),
]
_DAY_RE = [(re.compile(pattern), days, holiday, workweek) for pattern, days, holiday, workweek in _DAY_WORDS]
_WEEKDAY = re.compile(r"(?:每周|每星期|周|星期|礼拜)([一二三四五六日天1-7])")
_CODE = re.compile(r"(Mo|Tu|We|Th|Fr|Sa|Su)(?![A-Za-z])")
_NUMERAL = re.compile(r"[一二三四五六日天]")
_RANGE = re.compile(r"-+|至|到")
_ALLDAY = re.compile(r"全天候|全天|24\s*小时|24/7")
_TIME = re.compile(r"(\d{1,2})(?::(\d{1,2})|\s*[点时](?:(半)|(\d{1,2})分?)?)(?!\d)")
_BAD_NUMBER = re.compile(r"\d[\d:.\-]*")
_PERIOD = re.compile(r"上午|早上|早晨|清晨|中午|下午|晚上|傍晚|夜间|晚间")
_NEXTDAY = re.compile(r"次日|第二天|翌日|凌晨")
_USUAL = re.compile(r"照常(?:开放|营业|办公|服务|上班|接诊)?|正常(?:开放|营业|办公|服务|上班)?"
                    r"|不休息|不休|无休|全年无休")
_OFF = re.compile(r"休息|闭馆|休馆|不营业|不开放|不办公|关闭|关门|停业|停诊|公休|除外|休|闭|off|closed")
_FILLER = re.compile(r"(?:营业|开放|办公|服务|工作|接待|接诊|门诊)时间|营业|开放|办公|服务|接待|开门|时间"
                     r"|均|为|及|和|与|以及|每周")
_WORDS: tuple[tuple[TokenKind, re.Pattern[str]], ...] = (
    ("range", _RANGE), ("period", _PERIOD), ("nextday", _NEXTDAY), ("usual", _USUAL), ("off", _OFF),
    ("around", _FILLER))
_SEPARATORS = " \t\r\n,;:()[]/|\"'“”‘’·"


def _tokens(text: str) -> list[_Token]:
    """The words of normalised ``text``; raises the refusal at the first part that is not understood."""
    out: list[_Token] = []
    pos = 0
    n = len(text)
    word: _Token | None = None
    """The last token if it is a word (营业) right before ``pos``: quoted with what follows (营业中)."""
    while pos < n:
        ch = text[pos]
        if ch in _SEPARATORS:
            pos += 1
            word = None
            continue
        token = _token_at(text, pos, out[-1] if out else None)
        if token is None:
            part = _unknown_part(text, pos)
            number = _BAD_NUMBER.match(part) is not None
            if word is not None and not number:
                part = text[word.start:pos] + part
            if number:
                if ":" in part:
                    raise _refuse(part, "没有这个时间（小时 0–24，分钟 00–59）",
                                  "no such time: hours 0-24, minutes 00-59")
                raise _refuse(part, "时间请写成 9:00-17:00（小时:分钟）", "write times as hours:minutes, 9:00-17:00")
            if part[0] in "周星礼":
                raise _refuse(part, "星期请写成 周一、周二……周日", "write days as 周一 … 周日")
            raise _refuse(part)
        if token.kind != "around":
            out.append(token)
        word = token if token.kind in ("around", "off", "usual", "period", "nextday") else None
        pos = token.end
    return out


def _token_at(text: str, pos: int, last: _Token | None) -> _Token | None:
    found = _ALLDAY.match(text, pos)
    if found:
        return _Token("allday", pos, found.end())
    found = _WEEKDAY.match(text, pos)
    if found:
        return _Token("day", pos, found.end(), days=frozenset({_NUMERALS[found.group(1)]}))
    for pattern, days, holiday, workweek in _DAY_RE:
        found = pattern.match(text, pos)
        if found:
            return _Token("day", pos, found.end(), days=days, holiday=holiday, workweek=workweek)
    found = _CODE.match(text, pos)
    if found:
        return _Token("day", pos, found.end(), days=frozenset({_CODES.index(found.group(1))}))
    if last is not None and last.kind in ("day", "range"):
        found = _NUMERAL.match(text, pos)
        if found:  # 周一至五, 周一、三、五
            return _Token("day", pos, found.end(), days=frozenset({_NUMERALS[found.group(0)]}))
    found = _TIME.match(text, pos)
    if found:
        hour = int(found.group(1))
        minute = 30 if found.group(3) else int(found.group(2) or found.group(4) or 0)
        if found.group(2) is not None and len(found.group(2)) != 2:
            return None
        return _Token("time", pos, found.end(), hour=hour, minute=minute)
    for kind, pattern in _WORDS:
        found = pattern.match(text, pos)
        if found:
            return _Token(kind, pos, found.end(), period=found.group(0))
    return None


def _unknown_part(text: str, pos: int) -> str:
    """The run of text from ``pos`` that is not understood: up to a separator or a known word."""
    found = _BAD_NUMBER.match(text, pos)
    if found:
        return found.group(0)
    end = pos + 1
    while end < len(text) and text[end] not in _SEPARATORS and _token_at(text, end, None) is None:
        end += 1
    return text[pos:end]


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


@dataclass
class _Rule:
    days: set[int] = field(default_factory=set)
    holiday: bool = False
    workweek: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) in minutes from midnight; ``end`` past 24:00 for a long span into the next day."""
    status: str = ""
    """``off``, ``usual`` or ``allday`` when the rule says so instead of times."""
    start: int = 0
    end: int = 0

    @property
    def has_days(self) -> bool:
        return bool(self.days) or self.holiday

    @property
    def has_body(self) -> bool:
        return bool(self.spans) or bool(self.status)


def _clock(hour: int, minute: int, period: str) -> int:
    evening = period in ("下午", "晚上", "傍晚", "夜间", "晚间") and hour < 12
    if evening or (period == "中午" and 1 <= hour <= 5):
        hour += 12
    return hour * 60 + minute


class _Parser:
    def __init__(self, text: str, original: str, origin: list[int]) -> None:
        self.text = text
        self.original = original
        self.origin = origin
        self.tokens = _tokens(text)
        self.i = 0

    def part(self, start: int, end: int) -> str:
        """The original text of normalised positions ``start``–``end``."""
        if not self.origin:
            return ""
        a = self.origin[min(start, len(self.origin) - 1)]
        b = self.origin[min(max(end, 1), len(self.origin)) - 1] + 1
        return self.original[a:b]

    def peek(self, offset: int = 0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def rules(self) -> list[_Rule]:
        rules: list[_Rule] = []
        rule = _Rule()
        while (token := self.peek()) is not None:
            if token.kind == "day":
                if rule.has_body and not rule.has_days and rule.spans:
                    self.day_item(rule)  # times first, then the days: 8:00-17:00（周一至周五）
                    rule.end = self.tokens[self.i - 1].end
                    continue
                if rule.has_body:
                    rules.append(rule)
                    rule = _Rule()
                if not rule.has_days:
                    rule.start = token.start
                self.day_item(rule)
            elif token.kind in ("time", "period", "nextday"):
                if rule.status:
                    raise _refuse(self.part(rule.start, token.end), "休息和时间写在了一起", "closed and times together")
                if not rule.has_days and not rule.spans:
                    rule.start = token.start
                rule.spans.append(self.span())
            elif token.kind in ("off", "usual", "allday"):
                self.i += 1
                if rule.has_body:
                    raise _refuse(self.part(rule.start, token.end), "同一天写了两种安排",
                                  "two answers for the same days")
                if not rule.has_days:
                    rule.start = token.start
                rule.status = token.kind
            else:
                raise _refuse(self.part(token.start, token.end), "“至”“-”要写在两个星期或两个时间之间",
                              "a range mark needs a day or a time on each side")
            rule.end = self.tokens[self.i - 1].end
        if rule.has_days or rule.has_body:
            rules.append(rule)
        return rules

    def day_item(self, rule: _Rule) -> None:
        first = self.tokens[self.i]
        self.i += 1
        after = self.peek()
        if after is not None and after.kind == "range":
            last = self.peek(1)
            if last is None or last.kind != "day" or len(first.days) != 1 or len(last.days) != 1 \
                    or first.holiday or last.holiday:
                stop = last.end if last is not None else after.end
                raise _refuse(self.part(first.start, stop), "星期范围请写成 周一至周五",
                              "write a day range as 周一至周五")
            self.i += 2
            a, b = min(first.days), min(last.days)
            rule.days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
            return
        rule.days.update(first.days)
        rule.holiday = rule.holiday or first.holiday
        rule.workweek = rule.workweek or first.workweek

    def span(self) -> tuple[int, int]:
        begin = self.tokens[self.i].start
        period_start, start_tok, _ = self.clock_item(begin)
        dash = self.peek()
        if dash is None or dash.kind != "range":
            raise _refuse(self.part(begin, start_tok.end), "缺少结束时间，请写成 8:30-12:00",
                          "the closing time is missing, write 8:30-12:00")
        self.i += 1
        period_end, end_tok, next_day = self.clock_item(begin, default_period=period_start)
        whole = self.part(begin, end_tok.end)
        for tok in (start_tok, end_tok):
            if tok.hour > 24 or tok.minute > 59 or (tok.hour == 24 and tok.minute):
                raise _refuse(self.part(tok.start, tok.end), "没有这个时间（小时 0–24，分钟 0–59）",
                              "no such time: hours 0-24, minutes 0-59")
        start = _clock(start_tok.hour, start_tok.minute, period_start)
        end = _clock(end_tok.hour, end_tok.minute, period_end)
        if start >= 24 * 60:
            raise _refuse(whole, "开始时间不能是 24:00", "a span cannot start at 24:00")
        if next_day:
            end = end % (24 * 60)
            if end >= start:
                raise _refuse(whole, "超过了24小时", "longer than 24 hours")
            if end + 24 * 60 - start >= _LONG_DAY:
                end += 24 * 60  # opening.py wants a long day past midnight as 08:00-30:00
        elif end == start:
            raise _refuse(whole, "开门和关门是同一时间", "opens and closes at the same time")
        elif end < start:
            raise _refuse(whole, "关门时间早于开门时间：请用24小时制（17:30 而不是 5:30），"
                                 "营业到次日请写 22:00-次日6:00",
                          "closes before it opens: use the 24-hour clock, or write 22:00-次日6:00 for the next day")
        return start, end

    def clock_item(self, begin: int, default_period: str = "") -> tuple[str, _Token, bool]:
        """An optional 上午/下午 and 次日/凌晨, then a time: (period, time token, next day).

        ``begin`` is where the time range started (quoted when the time is missing).
        """
        period = default_period
        next_day = False
        while (token := self.peek()) is not None and token.kind in ("period", "nextday"):
            self.i += 1
            if token.kind == "period":
                period = token.period
            else:  # 次日, 凌晨: the next morning
                next_day, period = True, ""
        token = self.peek()
        if token is None or token.kind != "time":
            stop = token.end if token is not None else self.tokens[self.i - 1].end
            raise _refuse(self.part(begin, stop), "这里应是时间，如 8:30", "a time like 8:30 belongs here")
        self.i += 1
        return period, token, next_day


def _osm_days(days: set[int], holiday: bool) -> str:
    """Weekdays and PH as OSM: runs of three or more as ranges (``Mo-Fr``), else listed (``Sa,Su``)."""
    parts: list[str] = []
    for first, last in _runs(days):
        if last - first >= 2:
            parts.append(f"{_CODES[first]}-{_CODES[last]}")
        else:
            parts.extend(_CODES[d] for d in range(first, last + 1))
    if holiday:
        parts.insert(0, "PH")
    return ",".join(parts)


def _runs(days: set[int] | frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for d in sorted(days):
        if out and out[-1][1] == d - 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _osm_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _osm_body(rule: _Rule) -> str:
    if rule.status == "off":
        return "off"
    if rule.status == "allday":
        return "00:00-24:00"
    return ",".join(f"{_osm_time(a)}-{_osm_time(b if b != 0 else 24 * 60)}" for a, b in rule.spans)


def _from_chinese(original: str) -> str:
    text, origin = _normalise(original)
    parser = _Parser(text, original, origin)
    rules = parser.rules()
    if not rules:
        raise _refuse(original, "没有写营业时间", "no opening hours in it")
    opening: list[str] = []
    closing: list[str] = []
    holidays: list[str] = []
    usual = False
    usual_part = ""
    workweek = False
    weekly = False
    for rule in rules:
        whole = parser.part(rule.start, rule.end)
        if not rule.has_body:
            raise _refuse(whole, "后面缺少时间，如 8:30-17:30", "the times are missing, e.g. 8:30-17:30")
        if rule.status == "usual":
            if not rule.holiday or rule.days:
                raise _refuse(whole, "“照常”只用于节假日，如 节假日照常开放", "“as usual” is said of holidays only")
            usual = True
            usual_part = whole
            continue
        workweek = workweek or rule.workweek
        if not rule.has_days:
            if rule.status == "allday":
                opening.append("24/7")
                weekly = True
                continue
            raise _refuse(whole, "请写明哪几天，如 每天 8:00-18:00", "say which days, e.g. 每天 8:00-18:00")
        line = f"{_osm_days(rule.days, rule.holiday)} {_osm_body(rule)}"
        weekly = weekly or (bool(rule.days) and rule.status != "off")
        if rule.holiday:
            holidays.append(line)
        elif rule.status == "off":
            closing.append(line)
        else:
            opening.append(line)
    if usual and holidays:
        raise _refuse(usual_part, "节假日写了两种安排（照常，又有另外的时间或休息）", "holidays are given two answers")
    if not weekly:
        raise _refuse(original, "没有写平日哪几天几点开放", "no weekly opening hours in it")
    if workweek and not usual and not holidays:
        holidays.append("PH off")  # 工作日: official working days, so not public holidays
    rules_out = (["PH off"] if usual else []) + opening + closing + holidays
    return "; ".join(rules_out)


# --------------------------------------------------------------------------------------------
# to_osm
# --------------------------------------------------------------------------------------------


def to_osm(text: str) -> str:
    """The OSM ``opening_hours`` for ``text``: valid OSM (returned stripped) or the Chinese forms.

    Raises :class:`~kiosk.core.hours.opening.InvalidHoursError` with one line quoting what was not
    understood and showing a correct example.
    """
    if not isinstance(text, str):
        raise InvalidHoursError("营业时间必须是文字 / opening hours must be text")
    stripped = text.strip()
    if not stripped:
        raise InvalidHoursError(f"没有填写营业时间。示例：{EXAMPLE_ZH} / No opening hours were given. "
                                f"Example: {EXAMPLE_ZH} or {_EXAMPLE_OSM}")
    if len(stripped) > MAX_LENGTH:
        raise InvalidHoursError(f"营业时间太长了（超过 {MAX_LENGTH} 个字）/ opening hours are too long "
                                f"(over {MAX_LENGTH} characters)")
    problem = check_hours(stripped)
    if problem is None:
        return stripped
    if stripped.isascii():
        raise InvalidHoursError("".join(c if c.isprintable() else repr(c)[1:-1] for c in problem.message))
    normalised, _ = _normalise(stripped)
    normalised = re.sub(r"\s*;\s*", "; ", normalised.strip())
    if normalised.isascii() and check_hours(normalised) is None:
        return normalised  # OSM typed with full-width signs
    osm = _from_chinese(stripped)
    if check_hours(osm) is not None:  # a safety net: what the rules above write is always valid
        raise _refuse(stripped)
    return osm


# --------------------------------------------------------------------------------------------
# describe
# --------------------------------------------------------------------------------------------

Lang = Literal["zh", "en"]
_OSM_DAYS = re.compile(r"^(?:PH|Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
                       r"(?:,(?:PH|Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*$")
_OSM_SPANS = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}(?:,\d{1,2}:\d{2}-\d{1,2}:\d{2})*$")
_COMMENT = re.compile(r'^(.*?)\s*"([^"]*)"$')
_MONTH_CODES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _Unworded(Exception):
    """The expression has a part :func:`describe` does not put into words."""


def _parse_days(text: str) -> tuple[frozenset[int], bool]:
    days: set[int] = set()
    holiday = False
    for item in text.split(","):
        if item == "PH":
            holiday = True
        elif "-" in item:
            a, b = (_CODES.index(x) for x in item.split("-"))
            days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
        else:
            days.add(_CODES.index(item))
    return frozenset(days), holiday


def _days_words(days: frozenset[int], holiday: bool, lang: Lang) -> str:
    parts: list[str] = []
    if days == _ALL:
        parts.append("每天" if lang == "zh" else "Daily")
    elif days == {5, 6}:
        parts.append("周末" if lang == "zh" else "Sat, Sun")
    else:
        names = _ZH_DAYS if lang == "zh" else _EN_DAYS
        for first, last in _runs(days):
            if last - first >= 2:
                parts.append(f"{names[first]}至{names[last]}" if lang == "zh" else f"{names[first]}–{names[last]}")
            else:
                parts.extend(names[d] for d in range(first, last + 1))
    if lang == "zh":
        text = "、".join(parts)
        return f"{text}及法定节假日" if holiday and text else ("法定节假日" if holiday else text)
    text = ", ".join(parts)
    return f"{text} and public holidays" if holiday and text else ("public holidays" if holiday else text)


def _time_words(minutes: int, start: int, lang: Lang) -> str:
    """A clock time for residents: 8:30; an end past midnight is 次日6:00 / 6:00 next day."""
    if minutes == 24 * 60 or (start < minutes < 24 * 60):
        return f"{minutes // 60}:{minutes % 60:02d}"
    minutes %= 24 * 60
    clock = f"{minutes // 60}:{minutes % 60:02d}"
    return f"次日{clock}" if lang == "zh" else f"{clock} next day"


def _spans_words(body: str, lang: Lang) -> str:
    if body == "00:00-24:00":
        return "全天" if lang == "zh" else "all day"
    words: list[str] = []
    for span in body.split(","):
        a, b = (int(h) * 60 + int(m) for h, m in (part.split(":") for part in span.split("-")))
        if a >= 24 * 60 or b > 48 * 60 or a == b:
            raise _Unworded(span)
        words.append(f"{_time_words(a, -1, lang)}–{_time_words(b, a, lang)}")
    return ("、" if lang == "zh" else ", ").join(words)


def _rule_words(rule: str, lang: Lang) -> str:
    comment = ""
    found = _COMMENT.match(rule)
    if found:
        rule, comment = found.group(1).strip(), found.group(2).strip()
    if rule == "24/7":
        text = "全天开放" if lang == "zh" else "Open 24 hours"
    elif rule in ("off", "closed"):
        text = "不开放" if lang == "zh" else "Closed"
    else:
        head, _, body = rule.partition(" ")
        if not _OSM_DAYS.match(head):
            head, body = "", rule
        body = re.sub(r"\s*,\s*", ",", body.strip())
        days, holiday = _parse_days(head) if head else (_ALL, False)
        who = _days_words(days, holiday, lang)
        if body in ("off", "closed"):
            text = f"{who}休息" if lang == "zh" else f"closed on {who}"
        elif body in ("", "open"):
            text = f"{who} 全天" if lang == "zh" else f"{who} all day"
        elif _OSM_SPANS.match(body):
            text = f"{who} {_spans_words(body, lang)}"
        else:
            raise _Unworded(rule)
    if comment:
        text += f"（{comment}）" if lang == "zh" else f" ({comment})"
    return text


def _describe(osm: str, lang: Lang) -> str:
    if osm.count('"') not in (0, 2) or "||" in osm or check_hours(osm) is not None:
        raise _Unworded(osm)
    rules = [rule.strip() for rule in osm.strip().split(";") if rule.strip()]
    usual = len(rules) > 1 and rules[0] == "PH off" and not any("PH" in r for r in rules[1:])
    if usual:
        rules = rules[1:]
    words = [_rule_words(rule, lang) for rule in rules]
    if usual:
        words.append("节假日照常开放" if lang == "zh" else "open as usual on public holidays")
    return ("；" if lang == "zh" else "; ").join(words)


_FALLBACK = re.compile(r"(?<![A-Za-z])(Mo|Tu|We|Th|Fr|Sa|Su|PH|off|closed|open|"
                       r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?![A-Za-z])")


def _fallback(osm: str, lang: Lang) -> str:
    """The expression with its words translated: weekday codes, PH, off, months."""
    def word(found: re.Match[str]) -> str:
        code = found.group(1)
        if code in _CODES:
            return (_ZH_DAYS if lang == "zh" else _EN_DAYS)[_CODES.index(code)]
        if code in _MONTH_CODES:
            return f"{_MONTH_CODES.index(code) + 1}月" if lang == "zh" else code
        zh = {"PH": "法定节假日", "off": "休息", "closed": "休息", "open": "开放"}
        en = {"PH": "public holidays", "off": "closed", "closed": "closed", "open": "open"}
        return (zh if lang == "zh" else en)[code]

    text = _FALLBACK.sub(word, osm.strip())
    text = re.sub(r"\s*;\s*", "；" if lang == "zh" else "; ", text)
    text = re.sub(r"(?<!\d)0(\d):(\d\d)", r"\1:\2", text).replace("-", "–")  # 09:00 → 9:00
    if lang == "zh":
        text = re.sub(r"(周.|\d+月)–(周.|\d+月)", r"\1至\2", text)
    return text


def describe(osm: str, lang: Lang) -> str:
    """Readable hours for residents (``lang`` ``"zh"`` or ``"en"``); never raises.

    What it cannot put into words (months, weeks, fallbacks) comes back with its weekday codes,
    ``PH`` and ``off`` translated.
    """
    language: Lang = "en" if lang == "en" else "zh"
    if not isinstance(osm, str):
        return ""
    try:
        return _describe(osm, language)
    except Exception:
        try:
            return _fallback(osm, language)
        except Exception:
            return ""
