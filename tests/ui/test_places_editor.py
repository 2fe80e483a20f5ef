"""A worker adds, edits, reorders and retires a service's places on the screen; hours are tapped
together from chips; a bad value is shown in the box of its place, naming the place."""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.core.listings.editing import get_listing
from kiosk.ui.admin.editor import ListingEditor
from tests.ui.test_admin import kiosk, unlock

__all__ = ["kiosk"]  # the fixture
SERVICE = "elderly-care-facilities"


def open_editor(kiosk: Any, conn: sqlite3.Connection) -> ListingEditor:
    window = kiosk()
    panel = unlock(window, conn)
    assert panel.tools is not None
    editor: ListingEditor = panel.tools.show_section("listings").open_editor(SERVICE)  # type: ignore[attr-defined]
    return editor


def tap(qtbot: Any, widget: Any) -> None:
    """Press a button of the form (the kinetic scroll area takes real mouse presses as scrolling)."""
    assert widget.isEnabled()
    widget.click()


def test_two_places_added_by_taps_are_saved_in_order(kiosk: Any, conn: sqlite3.Connection, qtbot: Any) -> None:
    """＋ 添加地点 twice, fields typed, hours from the day and time chips: both places are stored, in order."""
    editor = open_editor(kiosk, conn)
    assert editor.places.boxes == []
    tap(qtbot, editor.places.add_button)
    tap(qtbot, editor.places.add_button)
    first, second = editor.places.boxes
    first.edits["name"].setText("测试养老服务站甲")
    first.edits["address"].setText("测试路 1 号")
    first.edits["phones"].setText("0371-68900001、13812345678")
    tap(qtbot, first.findChild(type(editor.save_button), "hours-chip-周一至周五"))
    tap(qtbot, first.findChild(type(editor.save_button), "hours-chip-8:30-12:00 14:30-17:30"))
    tap(qtbot, first.findChild(type(editor.save_button), "hours-chip-＋节假日休息"))
    assert first.edits["hours"].text() == "周一至周五 8:30-12:00 14:30-17:30，节假日休息"
    second.edits["name"].setText("测试养老服务站乙")
    second.edits["hours"].setText("每天 8:00-18:00")
    assert editor.save(), editor.message.text()
    stored = get_listing(conn, SERVICE)
    assert stored is not None
    assert [(p.name, p.hours, p.phones) for p in stored.locations] == [
        ("测试养老服务站甲", "Mo-Fr 08:30-12:00,14:30-17:30; PH off", ["0371-68900001", "13812345678"]),
        ("测试养老服务站乙", "Mo-Su 08:00-18:00", [])]
    editor.places.boxes[1].down.click()  # the last one cannot go further down
    editor.places.boxes[1].up.click()
    assert editor.save()
    stored = get_listing(conn, SERVICE)
    assert stored is not None and [p.name for p in stored.locations] == ["测试养老服务站乙", "测试养老服务站甲"]


def test_a_stored_place_is_retired_not_deleted(kiosk: Any, conn: sqlite3.Connection, qtbot: Any) -> None:
    """停用 on a saved place keeps it (status retired); 删除 on an unsaved one removes the box."""
    editor = open_editor(kiosk, conn)
    tap(qtbot, editor.places.add_button)
    editor.places.boxes[0].edits["name"].setText("测试养老服务站丙")
    assert editor.save()
    box = editor.places.boxes[0]
    assert box.remove.text() == "停用"
    tap(qtbot, box.remove)
    tap(qtbot, editor.places.add_button)
    new = editor.places.boxes[1]
    assert new.remove.text() == "删除"
    tap(qtbot, new.remove)
    assert len(editor.places.boxes) == 1
    assert editor.save()
    stored = get_listing(conn, SERVICE)
    assert stored is not None and [(p.name, p.status) for p in stored.locations] == [("测试养老服务站丙", "retired")]


def test_a_bad_value_is_shown_in_its_place_naming_it(kiosk: Any, conn: sqlite3.Connection, qtbot: Any) -> None:
    """Hours that cannot be read: nothing is saved, and the message sits under that place's hours."""
    editor = open_editor(kiosk, conn)
    tap(qtbot, editor.places.add_button)
    tap(qtbot, editor.places.add_button)
    editor.places.boxes[0].edits["name"].setText("测试站一")
    editor.places.boxes[1].edits["name"].setText("测试站二")
    editor.places.boxes[1].edits["hours"].setText("周八 9:00-17:00")
    assert not editor.save()
    error = editor.places.boxes[1].errors["hours"]
    assert not error.isHidden() and "地点 2（测试站二）" in error.text() and "周八" in error.text()
    assert editor.places.boxes[0].errors["hours"].isHidden()
    stored = get_listing(conn, SERVICE)
    assert stored is not None and stored.locations == []
