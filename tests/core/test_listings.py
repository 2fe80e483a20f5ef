"""Listing editor core: create, edit, validate, retire/restore, preview, provenance kept."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.core import queries
from kiosk.core.listings.editing import (
    DocumentEntry,
    HoursEntry,
    ListingInvalid,
    PhoneEntry,
    get_listing,
    list_listings,
    listing_history,
    preview,
    restore_listing,
    retire_listing,
    save_listing,
    snapshot,
    validate_listing,
)
from tests.helpers.worker import NOW, synthetic_listing


def test_create_listing_appears_for_residents(conn: sqlite3.Connection) -> None:
    """A new listing gets a pinyin id, origin 'worker', and shows on the resident card with its phone."""
    result = save_listing(conn, synthetic_listing(), actor="admin-test", now=NOW)
    assert result.service_id == "ce-shi-lao-nian-shi-tang" and result.changed
    detail = queries.get_service(conn, result.service_id)
    assert detail is not None and detail.origin == "worker"
    assert [p.number for p in detail.phones] == ["0371-68000001"]
    assert detail.schedules[0].opening_hours == "Mo-Fr 11:00-13:00"
    assert detail.locations[0].address == "测试路 1 号" and detail.locations[0].accessibility == ("无障碍坡道",)
    assert result.service_id in [s.id for s in queries.list_services(conn, "elderly")]


def test_same_name_gets_a_distinct_id(conn: sqlite3.Connection) -> None:
    """Two listings with the same name get different ids."""
    a = save_listing(conn, synthetic_listing(), actor="t", now=NOW).service_id
    b = save_listing(conn, synthetic_listing(), actor="t", now=NOW).service_id
    assert a != b and b.startswith(a)


def test_edit_keeps_provenance_of_untouched_phone(conn: sqlite3.Connection) -> None:
    """Adding hours to a seed listing keeps its seed phone row (id and source passage) as it was."""
    before = snapshot(conn, "smart-elderly-care-12349")
    assert before is not None
    listing = get_listing(conn, "smart-elderly-care-12349")
    assert listing is not None
    listing.hours.append(HoursEntry("Mo-Su 00:00-24:00"))
    save_listing(conn, listing, actor="t", now=NOW)
    after = snapshot(conn, "smart-elderly-care-12349")
    assert after is not None
    assert after["phones"] == before["phones"]
    assert after["services"][0]["updated_at"] == "2026-03-02T09:30:00+08:00"
    assert after["services"][0]["origin"] == "seed"


def test_saving_unchanged_listing_records_nothing(conn: sqlite3.Connection) -> None:
    """Saving a listing without a change writes no audit entry and leaves updated_at empty."""
    listing = get_listing(conn, "library-branches")
    assert listing is not None
    result = save_listing(conn, listing, actor="t", now=NOW)
    assert not result.changed
    assert listing_history(conn, "library-branches") == []
    row = snapshot(conn, "library-branches")
    assert row is not None and row["services"][0]["updated_at"] is None


def test_phone_is_normalised_on_save(conn: sqlite3.Connection) -> None:
    """A mobile typed with spaces and a landline without hyphen are stored in one canonical form."""
    listing = synthetic_listing(phones=[PhoneEntry("138 1234 5678"), PhoneEntry("(0371)68123456")])
    sid = save_listing(conn, listing, actor="t", now=NOW).service_id
    stored = get_listing(conn, sid)
    assert stored is not None and [p.number for p in stored.phones] == ["13812345678", "0371-68123456"]


def test_validation_names_each_bad_field(conn: sqlite3.Connection) -> None:
    """Missing name, unknown category, bad phone and bad hours each give a problem naming the field."""
    listing = synthetic_listing(name="", category_id="nope",
                                phones=[PhoneEntry("0371-68000001"), PhoneEntry("12")],
                                hours=[HoursEntry("Mo-Fr 25:00-26:00")])
    with pytest.raises(ListingInvalid) as info:
        save_listing(conn, listing, actor="t", now=NOW)
    labels = {p.label: p.message for p in info.value.problems}
    assert set(labels) == {"名称", "类别", "电话 2", "营业时间 1"}
    assert "必填" in labels["名称"] and "nope" in labels["类别"]
    assert "0371-68123456" in labels["电话 2"]  # the message shows how to write it
    assert "Mo-Fr" in labels["营业时间 1"]
    assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 0


def test_empty_form_rows_are_dropped(conn: sqlite3.Connection) -> None:
    """Blank phone/hours/document rows an editor form leaves are ignored, not errors."""
    listing = synthetic_listing(phones=[PhoneEntry(""), PhoneEntry("12349")], hours=[HoursEntry("  ")],
                                documents=[DocumentEntry("")])
    assert validate_listing(conn, listing) != []  # raw: the blank phone is a problem
    sid = save_listing(conn, listing, actor="t", now=NOW).service_id
    stored = get_listing(conn, sid)
    assert stored is not None and [p.number for p in stored.phones] == ["12349"] and stored.hours == []


def test_retire_hides_and_restore_brings_back(conn: sqlite3.Connection) -> None:
    """Retire is a soft delete: hidden from residents, still in the database; restore shows it again."""
    retire_listing(conn, "library-branches", actor="t", now=NOW)
    assert "library-branches" not in [s.id for s in queries.list_services(conn)]
    assert conn.execute("SELECT status FROM services WHERE id = 'library-branches'").fetchone()[0] == "retired"
    restore_listing(conn, "library-branches", actor="t", now=NOW)
    assert "library-branches" in [s.id for s in queries.list_services(conn)]
    assert [e.action for e in listing_history(conn, "library-branches")] == ["restore", "retire"]


def test_list_listings_filters(conn: sqlite3.Connection) -> None:
    """The admin list finds listings by text and category and can leave retired ones out."""
    retire_listing(conn, "library-branches", actor="t", now=NOW)
    assert [s.id for s in list_listings(conn, text="图书分馆")] == ["library-branches"]
    assert "library-branches" not in [s.id for s in list_listings(conn, include_retired=False)]
    assert {s.category_id for s in list_listings(conn, category_id="health")} == {"health"}


def test_preview_shows_unsaved_draft(conn: sqlite3.Connection) -> None:
    """The live preview builds the resident card data from a draft without writing anything."""
    draft = synthetic_listing(phones=[PhoneEntry("13812345678")])
    detail = preview(conn, draft)
    assert detail.name == "测试老年食堂" and detail.category.name == "养老服务"
    assert detail.phones[0].number == "13812345678"
    assert conn.execute("SELECT COUNT(*) FROM services WHERE origin = 'worker'").fetchone()[0] == 0
