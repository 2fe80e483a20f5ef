"""kiosk.core.slip: the QR text and the printed lines of a listing or place (no Qt)."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.models import Location
from kiosk.core.places import PlaceView
from kiosk.core.qrtext import MAX_BYTES, utf8_size
from kiosk.core.slip import Slip, place_slip, word


def place(**kw: object) -> Location:
    base: dict[str, object] = dict(id="测试-1", name="测试日间照料中心", name_en=None, address="测试路 2 号",
                                   address_en=None, community="测试西社区", transportation=None, latitude=None,
                                   longitude=None, hours="Mo-Fr 08:30-17:30", phones=("0371-60000002",))
    base.update(kw)
    return Location(**base)  # type: ignore[arg-type]


def test_place_slip_has_name_address_hours_in_words_and_tel() -> None:
    slip = place_slip("社区养老服务设施", PlaceView(place(), None), "zh")
    assert slip.qr_text().splitlines() == ["社区养老服务设施", "测试日间照料中心", "地址：测试路 2 号",
                                           "开放时间：周一至周五 8:30–17:30", "tel:0371-60000002", "上街社区服务终端"]


def test_what_is_not_recorded_says_so_and_offers_12345() -> None:
    slip = place_slip("社区养老服务设施", PlaceView(place(address=None, hours=None, phones=()), None), "zh")
    lines = slip.qr_text().splitlines()
    assert lines[2:7] == ["地址：暂未收录", "开放时间：暂未收录", "电话：暂未收录", "tel:12345",
                          "暂未收录的信息请拨打 12345 咨询"]
    english = place_slip("Elderly care", PlaceView(place(address=None), None), "en").qr_text()
    assert "Address: not recorded yet" in english and "For what is not recorded, call 12345" in english


def test_too_many_phones_fall_back_within_the_qr_size() -> None:
    slip = Slip(lang="zh", title="测试服务", address="测试路 1 号", hours=("周一至周五 8:30–17:30",),
                phones=tuple(f"0371-6{i:07d}" for i in range(40)))
    text = slip.qr_text()
    assert utf8_size(text) <= MAX_BYTES
    assert text.splitlines()[-1] == "tel:0371-60000000"  # the first phone stays


def test_print_lines_end_with_the_terminal_and_time() -> None:
    slip = Slip(lang="zh", title="测试服务", place="测试站一", address="测试路 1 号", hours=(), phones=("12349",))
    lines = slip.print_lines(datetime(2021, 9, 15, 10, 30))
    assert lines[:2] == [("title", "测试服务"), ("place", "测试站一")]
    assert ("field", "开放时间：暂未收录") in lines and ("field", "电话：12349") in lines
    assert lines[-1] == ("footer", "上街区社区服务终端 打印于 2021-09-15 10:30")
    assert word("printing", "zh") == "正在打印，请在下方取纸"
    assert word("print_failed", "zh") == "打印机暂时不能用，请拍照或记下电话"
