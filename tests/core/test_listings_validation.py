"""Phone number and field checks: what is accepted, how it is stored, what the message says."""

from __future__ import annotations

import pytest

from kiosk.core.listings.validation import check_coordinate, check_phone, hours_message, normalize_phone


@pytest.mark.parametrize(("raw", "stored"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0371-68123456", "0371-68123456"),
    ("(0371)68123456", "0371-68123456"),
    ("（0371）68123456", "0371-68123456"),
    ("037168123456", "0371-68123456"),
    ("010-62345678", "010-62345678"),
    ("0371-68123456-801", "0371-68123456-801"),
    ("0371-68123456转801", "0371-68123456-801"),
    ("12349", "12349"),
    ("12345", "12345"),
    ("110", "110"),
    ("１２３４９", "12349"),
    ("95588", "95588"),
    ("4008108888", "400-810-8888"),
    ('"+44 1234 234567"', "+44 1234 234567"),
])
def test_valid_numbers_and_their_stored_form(raw: str, stored: str) -> None:
    """Mobile, landline with area code, hotlines and international numbers pass and are normalised."""
    assert check_phone(raw) is None
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize(("raw", "hint"), [
    ("1381234567", "11 位"),
    ("68123456", "缺少区号"),
    ("0371-0812345", "区号或号码不对"),
    ("abc", "不是数字"),
    ("12", "不是有效的电话号码"),
    ("", "没有填写"),
    ("13812345678转8", "只有座机"),
])
def test_invalid_numbers_say_why(raw: str, hint: str) -> None:
    """Each kind of wrong number gets a message that says what is wrong and shows an example."""
    message = check_phone(raw)
    assert message is not None and hint in message


def test_hours_message_comes_from_the_hours_checker() -> None:
    """Bad opening hours give the hours module's message with an example; good ones pass."""
    assert hours_message("Mo-Fr 08:30-12:00,14:30-17:30") is None
    message = hours_message("Mo-Fr 25:00-26:00")
    assert message is not None and "Mo-Fr" in message


def test_coordinates_are_range_checked() -> None:
    """Latitude beyond 90 is refused; an empty cell is simply no value."""
    assert check_coordinate("100", latitude=True)[1] is not None
    assert check_coordinate("113.3", latitude=False) == (113.3, None)
    assert check_coordinate("", latitude=True) == (None, None)


@pytest.mark.parametrize(("typed", "stored"), [
    ("0371 6899 1234", "0371-68991234"),  # a landline grouped as people write it
    ("0371-6812-3456", "0371-68123456"),
    ("0371-68991234 转 123", "0371-68991234-123"),
    ("(0371)68991234", "0371-68991234"),
    ("（0371）6899 1234", "0371-68991234"),
    ("138 1234 5678", "13812345678"),
])
def test_phones_as_people_write_them(typed: str, stored: str) -> None:
    """Grouped landlines, brackets, extensions and spaced mobiles are all one valid number."""
    assert check_phone(typed) is None and normalize_phone(typed) == stored


@pytest.mark.parametrize(("typed", "says"), [
    ("1.38123E+10", "科学计数法"),
    ("13812345678.0", "写成 13812345678"),
    ("0371-68123456、13812345678", "一个格子只写一个号码"),
])
def test_spreadsheet_mangled_phones_say_how_to_fix_them(typed: str, says: str) -> None:
    """Excel's scientific and decimal forms, and two numbers in one cell, get a message that says what to do."""
    message = check_phone(typed)
    assert message is not None and says in message
