"""The 信息有误 dialog offers only answers that fit what the page shows (issue #19, item 9)."""

from __future__ import annotations

from kiosk.core.workers import feedback
from kiosk.ui.widgets.report_choices import CHOICES, Shown, report_choices, report_kinds


def keys(shown: Shown) -> list[str]:
    return [k for k, _ in report_choices(shown)]


def test_no_address_no_wrong_address() -> None:
    assert keys(Shown()) == ["missing_info", "closed", "other"]
    assert keys(Shown(phone=True)) == ["wrong_phone", "missing_info", "closed", "other"]
    assert "wrong_address" not in keys(Shown(phone=True, hours=True))


def test_hours_shown_offers_wrong_hours_and_missing_info_always() -> None:
    assert keys(Shown(address=True, phone=True, hours=True)) == [
        "wrong_phone", "wrong_address", "wrong_hours", "missing_info", "closed", "other"]


def test_labels_follow_the_language() -> None:
    english = dict(report_choices(Shown(hours=True), lambda _zh, en: en))
    assert english["wrong_hours"] == "Wrong opening hours" and english["missing_info"] == "Information missing"
    assert dict(report_choices(Shown(hours=True)))["wrong_hours"] == "开放时间不对"


def test_every_answer_is_a_feedback_kind_the_core_stores() -> None:
    assert set(report_kinds()) <= set(feedback.KINDS)
    assert len({zh for _, zh, _, _ in CHOICES}) == len(CHOICES)
