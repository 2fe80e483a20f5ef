"""QR payloads a listing's content makes too long (issue #20) still give a page with a readable code.

The long names and phone numbers are SYNTHETIC test data written into a private copy of the seed
database (the 555 numbers are not real).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import segno

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.widgets.qr import MAX_BYTES, MAX_VERSION, QrCode, cut, fit_text, qr_matrix, utf8_size
from tests.ui.conftest import FIXED_NOW

SERVICE = "smart-elderly-care-12349"


def version_of(text: str) -> int:
    return int(segno.make(text, error="m", micro=False, boost_error=False).version)


def test_max_bytes_is_what_the_largest_version_holds() -> None:
    """MAX_BYTES bytes encode in version MAX_VERSION at level M; one byte more needs a larger version."""
    assert version_of("x" * MAX_BYTES) == MAX_VERSION
    assert version_of("x" * (MAX_BYTES + 1)) > MAX_VERSION


def test_cut_keeps_whole_characters_and_marks_the_cut() -> None:
    """Cutting Chinese text never splits a character and ends with …; short text is unchanged."""
    assert cut("卫生服务") == "卫生服务"
    long = cut("测" * 760)
    assert long.endswith("…") and set(long[:-1]) == {"测"} and utf8_size(long) <= MAX_BYTES


def test_fit_text_takes_the_first_payload_that_fits() -> None:
    """The longest payload that fits wins; when none fits, the last is cut."""
    assert fit_text(["x" * 500, "x" * 300, "x"]) == "x" * 300
    assert fit_text(["x" * 900, "y" * 800]).startswith("y")
    assert fit_text([]) == ""


def test_qr_widget_never_raises_on_text_too_long(qapp: Any) -> None:
    """10,000 characters: the widget shows a cut text's code instead of raising DataOverflowError."""
    qr = QrCode()
    qr.set_text("电话" * 5000)
    assert utf8_size(qr.text) <= MAX_BYTES and qr.matrix == qr_matrix(qr.text)


@pytest.fixture
def hostile_window(qtbot: Any, writable_db: Path) -> Iterator[Any]:
    conn = connect(writable_db)
    conn.execute("UPDATE services SET name = ? WHERE id = ?", ("测" * 760, SERVICE))
    conn.executemany(
        "INSERT INTO phones (id, service_id, number, description, sort_order) VALUES (?, ?, ?, ?, ?)",
        [(f"test-phone-{i}", SERVICE, f"0371-555{i:05d}", "测试号码（合成数据）", 100 + i) for i in range(40)],
    )
    conn.commit()
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    yield window
    window.ctx.release()
    window.idle.stop()
    window.allow_close = True
    conn.close()


def test_listing_with_a_760_character_name_and_40_phones_opens_with_a_qr(hostile_window: Any) -> None:
    """The detail page opens (twice, and in English), its QR holds the (cut) name and fits version 15."""
    nav = hostile_window.nav
    for language in ("zh", "en", "zh"):
        hostile_window.ctx.set_language(language)
        nav.home()
        nav.push("detail", service_id=SERVICE)
        detail = nav.current()
        assert detail.service is not None and detail.service.id == SERVICE  # not sent home
        payload = detail.qr.text
        if language == "zh":
            assert payload.startswith("测" * 50) and payload.endswith("…")
        else:  # the English name fits with the first phone; the Chinese name (2,280 bytes) does not
            assert payload.splitlines()[0] == "12349 smart elderly-care platform"
            assert payload.splitlines()[-1].startswith("tel:")
        assert utf8_size(payload) <= MAX_BYTES
        assert detail.qr.matrix and detail.qr.matrix == qr_matrix(payload)
        assert len(detail.qr.matrix) <= 17 + 4 * MAX_VERSION + 8  # modules of version 15 and the quiet zone
        assert "0371-55500039" in [b.text() for b in detail.phone_buttons]


def test_forty_phones_fall_back_to_name_and_phones(qtbot: Any, writable_db: Path) -> None:
    """With a normal name, 40 phones are too many: the QR keeps the name, address and hours lines and
    the first phone."""
    conn = connect(writable_db)
    conn.executemany(
        "INSERT INTO phones (id, service_id, number, description, sort_order) VALUES (?, ?, ?, ?, ?)",
        [(f"test-phone-{i}", SERVICE, f"0371-555{i:05d}", "测试号码（合成数据）", 100 + i) for i in range(40)],
    )
    conn.commit()
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.show()
    try:
        window.nav.push("detail", service_id=SERVICE)
        lines = window.nav.current().qr.text.splitlines()
        assert lines == ["“12349”智慧养老服务平台", "地址：暂未收录", "开放时间：暂未收录", "tel:12349"]
    finally:
        window.ctx.release()
        window.idle.stop()
        window.allow_close = True
        conn.close()
