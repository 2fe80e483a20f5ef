"""Checking what a community worker typed: phone numbers, opening hours, required fields.

Every check returns ``None`` when the value is fine, or a message in plain Chinese that says what
is wrong and shows an example. :class:`FieldProblem` ties such a message to the field it is about
(a :data:`~kiosk.core.listings.fields.FieldPath`), named in plain words from the field declarations
(``电话 2``, ``营业时间 1``), so the editor and the import report can say exactly where the problem is.

Phone numbers accepted (spaces, hyphens, brackets and full-width digits are tolerated and
normalised away):

* Chinese mobile numbers: 11 digits starting ``13``–``19`` (``+86`` / ``86`` prefix allowed);
  stored as ``13812345678``;
* landlines with their area code: ``0371-68123456``, ``(0371)68123456``, ``037168123456``;
  an extension after ``-``/``转``/``ext`` is kept: ``0371-68123456-801``;
* short service numbers: ``110``, ``119``, ``120``, ``122``, ``12345``, ``12349`` and other
  ``1xxxx`` numbers, ``95xxx``/``96xxx`` service numbers, ``400``/``800`` numbers;
* international numbers written with ``+`` and the country code (``+44 1234 234567``), so that
  outside data (the HSDS example) can be read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kiosk.core.limits import COUNT_MAX
from kiosk.core.listings.fields import FieldPath, label_of


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field.

    ``path`` is where (:data:`kiosk.core.listings.fields.FieldPath`: ``("name",)``,
    ``("phones", 2, "number")``), ``label`` the field in plain words (``电话 2``), ``message`` what is
    wrong and how to write it.
    """

    path: FieldPath
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


def problem(path: FieldPath, message: str) -> FieldProblem:
    """A :class:`FieldProblem` at ``path``, labelled from the field declarations."""
    return FieldProblem(path, label_of(path), message)


def clean_text(value: str | None) -> str | None:
    """Strip white space; empty text becomes None."""
    if value is None:
        return None
    value = value.encode("utf-8", "replace").decode("utf-8").strip()  # a lone surrogate cannot be stored
    return value or None


# ------------------------------------------------------------------------------ phone numbers

_EXAMPLES = "手机号为 11 位、以 1 开头（如 13812345678）；座机请带区号（如 0371-68123456）；热线如 12349、12345、110"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－()（）.·]+")
_EXTENSION = re.compile(r"^(?P<main>.+?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SHORT = re.compile(r"^(?:1\d{2}|1\d{4}|9[56]\d{3,4})$")
_TOLL_FREE = re.compile(r"^[48]00\d{7}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_INTERNATIONAL = re.compile(r"^\+[1-9][\d\s\-()]{5,20}$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
_FLOAT_FORM = re.compile(r"^\d{7,}\.0$")
_SEVERAL = re.compile(r"\s*[、，,;；/]\s*|\s+或\s*|\s+and\s+")


def _ascii_digits(text: str) -> str:
    """Full-width digits and signs (１２３４５, ＋) become ASCII; quotes around the number go."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.strip("\"'“”‘’ ")


def _split_landline(digits: str) -> tuple[str, str]:
    """Split an all-digit landline into area code and local number."""
    # Area codes: 010 and 02x are three digits; all others four (0371 Zhengzhou).
    area_len = 3 if digits[1] in "12" else 4
    return digits[:area_len], digits[area_len:]


def normalize_phone(raw: str) -> str:
    """The stored form of a valid number (see the module docstring); unchanged when invalid."""
    number, problem = _parse_phone(raw)
    return number if problem is None else raw.strip()


def check_phone(raw: str) -> str | None:
    """None when ``raw`` is a valid phone number, else a plain-Chinese message with examples."""
    return _parse_phone(raw)[1]


def _parse_phone(raw: str) -> tuple[str, str | None]:
    """(stored form, None) for a valid number, else (raw, message)."""
    shown = (raw or "").strip()
    text = _ascii_digits(raw or "")
    if not text:
        return "", f"没有填写号码。{_EXAMPLES}。"
    if _SCIENTIFIC.match(text):
        return shown, (f"“{shown}”是 Excel 把号码当成数字后显示的科学计数法，后几位已经丢了。请在 Excel/WPS 里把这一列"
                       "设为“文本”格式（右键 → 设置单元格格式 → 文本），重新输入完整号码后再导入 (Excel turned the "
                       "number into scientific notation and lost digits: format the column as Text and type it again)")
    if _FLOAT_FORM.match(text):
        digits = text[:-2]
        return shown, (f"“{shown}”末尾多了“.0”：Excel 把号码当成了数字。请把这一列设为“文本”格式，写成 {digits} "
                       f"(Excel stored the number as a decimal: format the column as Text and write {digits})")
    if len(_SEVERAL.split(text)) > 1 and all(re.search(r"\d{3,}", part) for part in _SEVERAL.split(text)):
        return shown, (f"“{shown}”里有几个号码：一个格子只写一个号码，其余的写到下一个电话列（电话2、电话3……）"
                       "(several numbers in one cell: put each in its own phone column)")
    if text.startswith("+") and not re.match(r"^\+\s*86", text):
        digits = re.sub(r"\D", "", text)
        if _INTERNATIONAL.match(text) and 7 <= len(digits) <= 15:
            return " ".join(text.split()), None
        return shown, f"“{shown}”不是有效的国际号码（应为 + 国家代码 + 号码，如 +44 1234 234567）。"
    extension = ""
    match = _EXTENSION.match(text)
    if match:
        text, extension = match.group("main"), match.group("ext")
    groups = [g for g in _SEPARATORS.split(text) if g]
    if groups and groups[0].startswith("+"):
        groups[0] = groups[0][1:]
        if groups[0] == "86":
            groups = groups[1:]
        elif groups[0].startswith("86"):
            groups[0] = groups[0][2:]
    if not groups or not all(g.isdigit() for g in groups):
        return shown, f"“{shown}”里有不是数字的字符。{_EXAMPLES}。"
    if not extension and len(groups) == 3 and groups[0].startswith("0") and len(groups[0]) in (3, 4) \
            and len(groups[1]) in (7, 8):
        extension = groups.pop()  # 0371-68123456-801 (but 0371 6899 1234 is one grouped number)
    digits = "".join(groups)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("0"):
        if not _LANDLINE.match(digits):
            return shown, f"座机号码“{shown}”位数不对：区号（如 0371）加 7–8 位号码。示例：0371-68123456。"
        if len(groups) > 1 and len(groups[0]) in (3, 4):
            area, local = groups[0], "".join(groups[1:])
        else:
            area, local = _split_landline(digits)
        if not (7 <= len(local) <= 8) or local[0] in "01":
            return shown, (f"座机号码“{shown}”的区号或号码不对：区号（如 0371）加 7–8 位、"
                           "不以 0 或 1 开头的号码。示例：0371-68123456。")
        number = f"{area}-{local}"
        return (f"{number}-{extension}" if extension else number), None
    if extension:
        return shown, f"只有座机号码可以带分机号：“{shown}”。示例：0371-68123456 转 801。"
    if _MOBILE.match(digits) or _SHORT.match(digits):
        return digits, None
    if _TOLL_FREE.match(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", None
    if digits.startswith("1") and len(digits) >= 8:
        return shown, f"手机号应为 11 位数字、第二位是 3–9，“{shown}”有 {len(digits)} 位。{_EXAMPLES}。"
    if len(digits) in (7, 8) and digits[0] not in "01":
        return shown, f"座机号码“{shown}”缺少区号，请写成 0371-{digits}（郑州区号 0371）。"
    return shown, f"“{shown}”不是有效的电话号码。{_EXAMPLES}。"


# ------------------------------------------------------------------------------ opening hours

HOURS_EXAMPLE = "周一至周五 8:30-12:00 14:30-17:30"


def hours_message(expr: str) -> str | None:
    """None when ``expr`` is opening hours the kiosk understands — written as on a notice board
    (``周一至周五 8:30-17:30，节假日休息``) or in OpenStreetMap syntax — else a message for a worker.

    The message is :func:`kiosk.core.hours.wording.to_osm`'s: it quotes the part it did not understand
    and shows an example.
    """
    from kiosk.core.hours.opening import InvalidHoursError
    from kiosk.core.hours.wording import to_osm

    if not (expr or "").strip():
        return f"没有填写营业时间。示例：{HOURS_EXAMPLE}（也可以写 工作日 9:00-17:00，节假日休息）。"
    try:
        to_osm(expr)
    except InvalidHoursError as exc:
        return str(exc)
    return None


def stored_hours(expr: str) -> str:
    """The stored (OpenStreetMap) form of hours that :func:`hours_message` accepts; other text unchanged."""
    from kiosk.core.hours.opening import InvalidHoursError
    from kiosk.core.hours.wording import to_osm

    try:
        return to_osm(expr)
    except InvalidHoursError:
        return expr


def hours_in_words(osm: str) -> str:
    """Stored hours as a worker writes them (``周一至周五 8:30–17:30``) where the words read back to
    exactly the same hours; else the stored form itself, so an export or the editor never changes them."""
    from kiosk.core.hours.opening import InvalidHoursError
    from kiosk.core.hours.wording import describe, to_osm

    words = describe(osm, "zh")
    try:
        return words if to_osm(words) == to_osm(osm) else osm
    except InvalidHoursError:
        return osm


# ------------------------------------------------------------------------------ other fields

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(https?://)?[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)


def check_email(value: str) -> str | None:
    if _EMAIL.match(value.strip()):
        return None
    return f"“{value.strip()}”不像电子邮箱地址（应像 name@example.com）。"


def check_url(value: str) -> str | None:
    if _URL.match(value.strip()):
        return None
    return f"“{value.strip()}”不像网址（应像 https://www.example.cn）。"


def check_count(value: str) -> tuple[int | None, str | None]:
    """Parse a count (a whole number ≥ 0); empty text is None."""
    text = _ascii_digits(value)
    if not text:
        return None, None
    if text.isascii() and text.isdigit():  # not str.isdigit() alone: "፩" and "²" are digits int() refuses
        if len(text) > len(str(COUNT_MAX)) or int(text) > COUNT_MAX:
            return None, f"“{_quoted(value)}”太大：数量最多 {COUNT_MAX} (at most {COUNT_MAX})。"
        return int(text), None
    return None, f"“{_quoted(value)}”应是一个整数（如 28），或者空着。"


def _quoted(value: str) -> str:
    """A cell fit to quote in a message: stripped, at most 40 characters."""
    text = value.strip()
    return text if len(text) <= 40 else text[:37] + "…"


def check_coordinate(value: str, *, latitude: bool) -> tuple[float | None, str | None]:
    """Parse a latitude (−90…90) or longitude (−180…180); empty text is None."""
    text = _ascii_digits(value)
    if not text:
        return None, None
    try:
        number = float(text)
    except ValueError:
        return None, f"“{value.strip()}”应是一个数字（如 34.8）。"
    limit = 90.0 if latitude else 180.0
    if not -limit <= number <= limit:
        return None, f"{number:g} 超出范围（应在 −{limit:g} 到 {limit:g} 之间）。"
    return number, None
