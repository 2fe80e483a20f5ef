"""Listing text is shown as text on every resident screen, never as markup (issue #20).

A private copy of the seed database gets SYNTHETIC markup appended to every shown text field of
categories, services, locations, phones, figures, news and hotlines; then every resident screen
is visited and no label may render that markup as rich text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.core.db.connection import connect
from kiosk.ui.app import build_kiosk
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import FIXED_NOW

MARKUP = " <b>X</b><img src=x>"
FIELDS = {
    "categories": ("name", "name_en", "description", "description_en"),
    "services": ("name", "name_en", "alternate_name", "description", "description_en", "application_process",
                 "application_process_en", "eligibility_description", "eligibility_description_en",
                 "fees_description", "fees_description_en", "count_unit", "count_unit_en", "url", "email"),
    "locations": ("name", "name_en", "address", "address_en", "transportation"),
    "phones": ("description", "description_en"),
    "figures": ("label", "label_en", "unit", "unit_en", "qualifier"),
    "news": ("title", "title_en", "summary_en", "body", "credit"),
    "hotlines": ("name", "name_en", "note", "note_en"),
}


def renders_rich(widget: QLabel) -> bool:
    fmt = widget.textFormat()
    return fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText
                                              and QtGui_Qt.mightBeRichText(widget.text()))


@pytest.fixture
def marked_window(qtbot: Any, writable_db: Path) -> Iterator[KioskWindow]:
    conn = connect(writable_db)
    for table, columns in FIELDS.items():
        existing = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            assert column in existing, (table, column)
            conn.execute(f"UPDATE {table} SET {column} = COALESCE({column}, '') || ?", (MARKUP,))
    conn.execute("UPDATE news SET captions = ?", (json.dumps(["照片" + MARKUP]),))
    # The seed has no locations: one made-up test location on the listing that has a phone.
    conn.execute("INSERT INTO locations (id, name, address, transportation) VALUES (?, ?, ?, ?)",
                 ("test-location", "测试地点" + MARKUP, "测试地址" + MARKUP, "测试交通" + MARKUP))
    conn.execute("INSERT INTO service_at_location (id, service_id, location_id) "
                 "SELECT 'test-sal', service_id, 'test-location' FROM phones WHERE service_id IS NOT NULL LIMIT 1")
    conn.commit()
    window = build_kiosk(conn, clock=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.ctx.release()
    window.idle.stop()
    window.allow_close = True
    conn.close()


def visits(window: KioskWindow) -> Iterator[str]:
    """Every resident screen with data on it, in both languages; yields a name for each."""
    conn = window.ctx.conn
    category = conn.execute("SELECT id FROM categories ORDER BY sort_order LIMIT 1").fetchone()[0]
    service = conn.execute("SELECT service_id FROM phones WHERE service_id IS NOT NULL LIMIT 1").fetchone()[0]
    news = conn.execute("SELECT id FROM news ORDER BY sort_order LIMIT 1").fetchone()[0]
    nav = window.nav
    for language in ("zh", "en"):
        window.ctx.set_language(language)
        nav.home()
        yield f"home {language}"
        nav.push("category", category_id=category)
        yield f"category {language}"
        nav.home()
        nav.push("detail", service_id=service)
        yield f"detail {language}"
        nav.home()
        nav.push("search")
        nav.current().set_query("X")
        yield f"search {language}"
        for name, params in (("hotlines", {}), ("figures", {}), ("news", {}), ("news", {"item_id": news})):
            nav.home()
            nav.push(name, **params)
            yield f"{name} {params} {language}"
    nav.home()
    window.idle.fire()
    yield "attract"


def test_no_label_renders_markup_from_the_database(qtbot: Any, marked_window: KioskWindow) -> None:
    """On every resident screen, no label renders the data's <b>/<img> as rich text, and the markup
    is visible as literal text (the title bar, headings, buttons)."""
    literal_seen: set[str] = set()
    for name in visits(marked_window):
        qtbot.wait(1)
        for widget in marked_window.findChildren(QLabel):
            if not widget.isVisible():
                continue
            text = widget.text()
            if renders_rich(widget):
                assert "<b>" not in text and "<img" not in text, (name, widget.objectName(), text[:120])
            elif "<b>X</b>" in text:
                literal_seen.add(name)
        for button in marked_window.findChildren(QAbstractButton):
            if button.isVisible() and "<b>X</b>" in button.text():
                literal_seen.add(name)
        if name.startswith(("category", "detail")):
            assert marked_window.nav_bar.title.textFormat() == Qt.TextFormat.PlainText
            assert "<b>X</b>" in marked_window.nav_bar.title.full_text(), name
    assert any(n.startswith("detail") for n in literal_seen) and any(n.startswith("home") for n in literal_seen)
