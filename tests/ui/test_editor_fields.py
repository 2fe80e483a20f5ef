"""The worker's editor is built from the field declarations: every declared editable field has its
widget, shows the stored value, and a save without changes changes nothing."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from kiosk.core.listings.editing import get_listing, save_listing
from kiosk.core.listings.fields import Listing, LocationEntry, declared, group_of
from kiosk.ui.admin.editor import ListingEditor, as_text, editable
from tests.core.test_listing_fields import NOW, ORG, full_listing
from tests.ui.test_admin import kiosk, unlock

__all__ = ["kiosk"]  # the fixture


def test_every_editable_field_has_a_widget_with_its_value(kiosk: Any, conn: sqlite3.Connection) -> None:
    """A listing with every field filled: each declared field is on the form, and the draft is the listing."""
    conn.execute("INSERT INTO organizations (id, name) VALUES (?, '测试机构')", (ORG,))
    conn.commit()
    listing = full_listing()
    sid = save_listing(conn, listing, actor="test", now=NOW).service_id
    stored = get_listing(conn, sid)
    assert stored is not None
    window = kiosk()
    panel = unlock(window, conn)
    assert panel.tools is not None
    editor: ListingEditor = panel.tools.show_section("listings").open_editor(sid)  # type: ignore[attr-defined]
    for d in editable(Listing):
        if d.spec is not None and d.spec.editor == "choice":
            continue
        widget = editor.fields[d.name]
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()  # type: ignore[union-attr]
        assert text == as_text(d, getattr(stored, d.name)) and text, d.name
    assert editor.category.currentData() == stored.category_id
    assert editor.status.currentData() == stored.status
    for d in declared(Listing):
        if d.group is None or d.name == "locations":
            continue
        rows = editor.rows[d.name]
        parts = editable(group_of(d.name).entry)
        assert len(rows.rows) == len(getattr(stored, d.name)) == 2
        for (_row, edits, _error, _payload), entry in zip(rows.rows, getattr(stored, d.name), strict=True):
            assert [e.text() for e in edits] == [as_text(p, getattr(entry, p.name)) for p in parts], d.name
    assert len(editor.places.boxes) == len(stored.locations) == 2
    for box, place in zip(editor.places.boxes, stored.locations, strict=True):
        for part in editable(LocationEntry):
            if part.name == "status":
                assert box.status.currentData() == place.status
                continue
            edit: QLineEdit = box.edits[part.name]
            assert edit.text() == as_text(part, getattr(place, part.name)) and edit.text(), part.name
    assert editor.draft() == stored
    assert editor.save() and editor.message.text() == "没有改动。"
