"""The search screen's one table of result kinds: every kind search gives shows with its tag and opens its screen."""

from __future__ import annotations

from typing import Any

from kiosk.core.search.index import KIND_RANK
from kiosk.ui.screens.search import RESULT_KINDS, SearchScreen
from kiosk.ui.window import KioskWindow
from tests.ui.test_search_screen import open_search

OPENS = {"service": "detail", "place": "detail", "category": "category", "hotline": "hotlines", "figure": "figures",
         "news": "news"}


def test_every_kind_the_index_holds_has_one_entry() -> None:
    """Each kind of index row is in RESULT_KINDS, except synonyms, which are found as their category."""
    assert set(RESULT_KINDS) == set(KIND_RANK) - {"synonym"} == set(OPENS)


def first_row_of_kind(screen: SearchScreen, kind: str) -> int:
    return next(n for n, r in enumerate(screen.model.rows()) if r.hit.kind == kind)


def test_each_kind_shows_its_tag_and_opens_its_screen(qtbot: Any, window: KioskWindow) -> None:
    """养老 and 人口 between them give every kind; each card has its tag and text and opens its screen."""
    for query, kinds in (("养老", ("category", "service", "hotline", "figure")), ("人口", ("news",))):
        for kind in kinds:
            screen = open_search(window)
            screen.set_query(query)
            n = first_row_of_kind(screen, kind)
            row = screen.model.rows()[n]
            assert row.tag == screen.tr(RESULT_KINDS[kind].tag) and row.title and row.detail
            screen.open_index(screen.model.index(n, 0))  # what the view's clicked signal calls
            qtbot.waitUntil(lambda k=kind: window.nav.current_name == OPENS[k])
