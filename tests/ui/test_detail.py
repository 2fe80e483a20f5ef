"""Service detail: known fields only, the source passage, a QR code with the listing, and reports."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import Qt

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.widgets.qr import qr_matrix
from tests.ui.conftest import FIXED_NOW


def open_detail(window: Any, service_id: str) -> Any:
    window.nav.home()
    window.nav.push("detail", service_id=service_id)
    return window.nav.current()


def test_only_known_fields_are_shown(window: Any) -> None:
    """The 12349 platform has a description and a phone; address, hours, fees… are hidden, not blank."""
    detail = open_detail(window, "smart-elderly-care-12349")
    visible = {key for key, field in detail.fields.items() if field.isVisible()}
    assert visible == {"description", "phones"}
    assert "12349" in detail.fields["phones"].value.plain_text()
    facilities = open_detail(window, "elderly-care-facilities")
    assert facilities.fields["count"].isVisible()
    assert facilities.fields["count"].value.plain_text() == "28个"
    assert not facilities.fields["phones"].isVisible()


def test_source_line_quotes_the_seed_passage(window: Any) -> None:
    """The small 来源 line names the article and quotes the passage the listing comes from."""
    detail = open_detail(window, "smart-elderly-care-12349")
    text = detail.source.plain_text()
    assert text.startswith("来源：《上街：打造")
    assert detail.service.source.quote in text


def test_qr_code_carries_the_listing_text(window: Any) -> None:
    """The QR payload has the name and phone (no URL: it works offline) and is painted as a matrix."""
    detail = open_detail(window, "smart-elderly-care-12349")
    payload = detail.qr.text
    assert payload.splitlines()[0] == "“12349”智慧养老服务平台"
    assert "电话：12349" in payload
    assert "http" not in payload
    assert detail.qr.matrix == qr_matrix(payload)
    assert len(detail.qr.matrix) >= 21 + 8  # version 1 or larger, with the quiet zone
    window.ctx.set_language("en")
    assert detail.qr.text.splitlines()[:2] == ["12349 smart elderly-care platform", "“12349”智慧养老服务平台"]


def test_report_button_records_feedback_with_taps_only(qtbot: Any, writable_db: Any) -> None:
    """信息有误 → a choice → kiosk.core.workers.feedback stores it; the panel thanks the resident."""
    conn = connect(writable_db)
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    try:
        detail = open_detail(window, "smart-elderly-care-12349")
        assert detail.report_button.isVisible()
        qtbot.mouseClick(detail.report_button, Qt.MouseButton.LeftButton)
        assert detail.overlay.isVisible()
        choice = next(b for b in detail.overlay.buttons if b.objectName() == "choice-wrong_phone")
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton)
        rows = conn.execute("SELECT service_id, kind FROM feedback").fetchall()
        assert [tuple(r) for r in rows] == [("smart-elderly-care-12349", "wrong_phone")]
        assert "谢谢" in detail.overlay.question.text()
        qtbot.mouseClick(detail.overlay.cancel, Qt.MouseButton.LeftButton)
        assert not detail.overlay.isVisible()
    finally:
        window.idle.stop()
        window.allow_close = True
        conn.close()


def test_report_on_a_read_only_database_says_sorry_instead_of_failing(qtbot: Any, window: Any) -> None:
    """When the report cannot be stored, the resident gets a calm message and the kiosk goes on."""
    detail = open_detail(window, "smart-elderly-care-12349")
    detail.ask_report()
    detail.report("closed")
    assert "12345" in detail.overlay.question.text()
    assert window.nav.current_name == "detail"
    assert isinstance(window.ctx.conn, sqlite3.Connection)


def test_visits_are_counted_anonymously_for_the_workers_report(qtbot: Any, writable_db: Any) -> None:
    """Opening a category and a listing adds to usage_counts (day, kind, key: nothing about the person)."""
    conn = connect(writable_db)
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    try:
        window.nav.home()
        window.nav.push("category", category_id="health")
        window.nav.push("detail", service_id="community-health-centres")
        window.nav.back()  # going back is not a new visit
        rows = {(r["kind"], r["key"]): r["count"] for r in conn.execute("SELECT * FROM usage_counts")}
        assert rows[("category", "health")] == 1
        assert rows[("service", "community-health-centres")] == 1
        assert rows[("screen", "home")] == 1
        assert {r["day"] for r in conn.execute("SELECT day FROM usage_counts")} == {"2021-09-15"}
    finally:
        window.idle.stop()
        window.allow_close = True
        conn.close()
