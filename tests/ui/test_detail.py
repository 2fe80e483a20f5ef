"""Service detail: the residents' order of sections, the source once, a QR code that decodes to the
listing, what 朗读 reads, and reports."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.screens.detail import source_text
from kiosk.ui.widgets.qr import qr_matrix
from tests.helpers.qrdecode import decode
from tests.ui.conftest import FIXED_NOW


def open_detail(window: Any, service_id: str) -> Any:
    window.nav.home()
    window.nav.push("detail", service_id=service_id)
    return window.nav.current()


def top(detail: Any, widget: Any) -> int:
    """Where ``widget`` is on the page (y in the scrolling content)."""
    return widget.mapTo(detail.scroll_area.widget(), QPoint(0, 0)).y()


def test_sections_come_in_the_residents_order(window: Any) -> None:
    """能办什么, 在哪里, 几点开门, 打谁电话 top to bottom; what is not recorded says so with 12345;
    带什么 only when documents are recorded; the phone is a large button."""
    detail = open_detail(window, "smart-elderly-care-12349")
    sections = [detail.sections["what"], detail.places, detail.sections["hours"], detail.sections["call"]]
    assert [s.isVisible() for s in sections] == [True] * 4
    assert [top(detail, s) for s in sections] == sorted(top(detail, s) for s in sections)
    captions = [detail.sections[k].caption.text() for k in ("what", "hours", "call")]
    assert captions == ["能办什么", "几点开门", "打谁电话"]
    assert detail.places.heading.text() == "在哪里"
    assert detail.places.none.text() == "暂未收录 — 请拨打 12345 咨询"
    assert detail.hours_text.plain_text() == "暂未收录 — 请拨打 12345 咨询"
    assert not detail.sections["bring"].isVisible()  # no documents recorded: no empty 带什么
    phones = [b for b in detail.phone_buttons if b.isVisible()]
    assert [b.text() for b in phones] == ["12349"]
    assert phones[0].height() >= int(window.ctx.theme.min_target * 1.3)
    assert not detail.phones_none.isVisible()
    facilities = open_detail(window, "elderly-care-facilities")
    assert facilities.what_lines["count"].plain_text() == "数量：28个"
    assert facilities.phones_none.plain_text() == "暂未收录 — 请拨打 12345 咨询"
    window.ctx.set_language("en")
    assert [facilities.sections[k].caption.text() for k in ("what", "hours", "call", "bring")] == [
        "What you can do", "Opening hours", "Whom to call", "What to bring"]
    assert facilities.places.heading.text() == "Where"


def test_source_is_shown_once_and_collapsed(window: Any) -> None:
    """The seed passage hides behind "资料来源"; opened, it names the article and never repeats the
    description (here the passage is the description word for word)."""
    detail = open_detail(window, "smart-elderly-care-12349")
    assert detail.source_toggle.isVisible() and detail.source_toggle.text().startswith("资料来源")
    assert not detail.source.isVisible()
    detail.source_toggle.click()
    assert detail.source.isVisible()
    text = detail.source.plain_text()
    assert text.startswith("来源：《上街：打造")
    sentence = detail.service.source.quote
    page = "\n".join(w.plain_text() if hasattr(w, "plain_text") else w.text()
                     for w in detail.scroll_area.widget().findChildren(QLabel) if w.isVisible())
    assert page.count(sentence) == 1
    assert source_text(detail.service.source, "来源：", "").endswith(sentence)  # a different description: quoted
    window.nav.home()
    detail = open_detail(window, "elderly-care-facilities")
    assert not detail.source.isVisible()  # every listing starts collapsed


def test_qr_code_decodes_to_the_listing(window: Any) -> None:
    """The service's QR code, decoded from the screen as a phone would: name, 暂未收录 for the address
    and hours, the phone as a tel: line, no URL (it works offline); in English too."""
    detail = open_detail(window, "smart-elderly-care-12349")
    expected = ("“12349”智慧养老服务平台\n地址：暂未收录\n开放时间：暂未收录\ntel:12349\n"
                "暂未收录的信息请拨打 12345 咨询\n上街社区服务终端")
    assert detail.qr.text == expected
    assert decode(detail.qr.grab()) == [expected]
    assert "http" not in expected
    assert detail.qr.matrix == qr_matrix(expected)
    window.ctx.set_language("en")
    english = detail.qr.text
    assert english.splitlines()[:4] == ["12349 smart elderly-care platform", "Address: not recorded yet",
                                        "Hours: not recorded yet", "tel:12349"]
    assert decode(detail.qr.grab()) == [english]


def test_speech_text_reads_the_page_in_order(window: Any) -> None:
    """speech_text: the name, 能办什么, 在哪里, 几点开门, 打谁电话, numbers digit by digit; no 朗读 button
    on the page itself (the window has the one 朗读 button)."""
    detail = open_detail(window, "smart-elderly-care-12349")
    text = detail.speech_text()
    lines = text.splitlines()
    assert [line.split("：")[0] for line in lines[1:]] == ["能办什么", "在哪里", "几点开门", "打谁电话"]
    assert lines[-1] == "打谁电话：1 2 3 4 9 智慧养老服务平台"
    assert "暂未收录 — 请拨打 1 2 3 4 5 咨询" in lines[2]
    assert not hasattr(detail, "read_button")
    assert not [b for b in detail.findChildren(QPushButton) if b.text() in ("朗读", "Read aloud")]
    window.ctx.set_language("en")
    assert detail.speech_text().splitlines()[-1] == "Whom to call: 1 2 3 4 9 Smart elderly-care platform"


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
