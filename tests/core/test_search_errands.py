"""Search that finds errands: services before figures, errand words, one-key typos, the page the screen shows."""

from __future__ import annotations

import sqlite3
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core import queries
from kiosk.core.hours.opening import SHANGHAI
from kiosk.core.search import ranking
from kiosk.core.search.errands import ERRANDS, ERRANDS_EN, find_errand
from kiosk.core.search.index import reindex
from kiosk.core.search.ranking import INFO_LIMIT, SCORES, TYPO_LIMIT, find, search
from kiosk.core.search.results import search_page
from kiosk.core.search.typos import KEYBOARD_ROWS, NEIGHBOURS, one_key_variants

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)


def add_test_service(conn: sqlite3.Connection, service_id: str, name: str, category_id: str = "culture") -> None:
    """TEST DATA, not a fact: a made-up listing (名字带“测试”) in this test's database copy, indexed."""
    conn.execute("INSERT INTO services (id, category_id, name, description) VALUES (?, ?, ?, '合成测试数据')",
                 (service_id, category_id, name))
    reindex(conn, [service_id])
    conn.commit()


# -- grouping ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["y", "养老", "办事", "s", "服务", "人口", "jianshen"])
def test_services_come_before_figures_and_news(seed_conn: sqlite3.Connection, query: str) -> None:
    """Categories, services and hotlines first, then figures and news (at most INFO_LIMIT of them)."""
    hits = search(seed_conn, query)
    groups = [h.group for h in hits]
    assert groups == sorted(groups, key=lambda g: g != "main"), groups
    assert sum(g == "info" for g in groups) <= INFO_LIMIT


def test_y_is_led_by_services_not_a_gdp_figure(seed_conn: sqlite3.Connection) -> None:
    """"y" used to give 50 hits led by figures; now every main hit comes first and figures are capped."""
    hits = search(seed_conn, "y")
    assert hits[0].kind in {"category", "service", "hotline"}
    assert {h.kind for h in hits[:10]} <= {"category", "service", "hotline"}
    assert 0 < sum(h.kind in {"figure", "news"} for h in hits) <= INFO_LIMIT


def test_yanglao_services_first_then_the_figures(seed_conn: sqlite3.Connection) -> None:
    """养老: 4 of 8 hits are figures or news, but they all follow the category, services and hotline."""
    kinds = [h.kind for h in search(seed_conn, "养老")]
    assert kinds[:4] == ["category", "service", "service", "hotline"]
    assert set(kinds[4:]) <= {"figure", "news"} and kinds[4:]


def test_a_full_services_group_leaves_room_for_figures(seed_conn: sqlite3.Connection) -> None:
    """find caps each group on its own: a small services limit still leaves the figures their place."""
    hits = find(seed_conn, "养老", limit=3, info_limit=2).hits
    assert [h.group for h in hits] == ["main", "main", "main", "info", "info"]


# -- errand words -----------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["身份证", "社保", "医保", "养老金", "户口", "低保", "残疾证"])
def test_paper_errands_lead_to_government_not_business_registration(seed_conn: sqlite3.Connection,
                                                                    word: str) -> None:
    """These used to list every government service, 个体工商户开办 among them (the synonym expanded to the
    whole category); now they give the government category and the errand suggestion, nothing claimed."""
    outcome = find(seed_conn, word)
    assert "business-registration" not in [h.id for h in outcome.hits]
    assert outcome.hits and (outcome.hits[0].kind, outcome.hits[0].id) == ("category", "government")
    assert outcome.errand is not None and outcome.errand.category_id == "government"


def test_pension_is_not_elderly_care(seed_conn: sqlite3.Connection) -> None:
    """养老金 contains 养老 (an everyday word for elderly care); the errand table sends it to 政务服务."""
    hits = search(seed_conn, "养老金")
    assert "elderly" not in {h.category_id for h in hits}


@pytest.mark.parametrize(("word", "expected"), [
    ("看病", {"community-health-centres", "community-health-stations"}),
    ("挂号", {"community-health-centres", "community-health-stations"}),
    ("打疫苗", {"community-health-centres", "community-health-stations"}),
    ("借书", {"zhengpin-smart-reading-rooms", "library-branches"}),
    ("营业执照", {"business-registration"}),
])
def test_errands_list_the_listings_that_serve_them(seed_conn: sqlite3.Connection, word: str,
                                                   expected: set[str]) -> None:
    """A whole-category errand lists the category's services; a named one only the listings named for it."""
    services = {h.id for h in search(seed_conn, word) if h.kind == "service"}
    assert services == expected


@pytest.mark.parametrize("word", ["药店", "派出所", "公交", "居委会", "pharmacy", "police"])
def test_errands_this_kiosk_has_nothing_for(seed_conn: sqlite3.Connection, word: str) -> None:
    """No listing: the errand is reported with no category (the screen says 本机暂无 … 12345), and no
    category is pulled in by a loose synonym (pharmacy used to be an everyday word for 医疗卫生)."""
    outcome = find(seed_conn, word)
    assert outcome.errand is not None and outcome.errand.word == word and outcome.errand.category_id is None
    assert not [h for h in outcome.hits if h.kind == "category"]


def test_errand_inside_a_sentence(seed_conn: sqlite3.Connection) -> None:
    """我要办身份证 contains 身份证: the suggestion still comes; "where is the bus" finds the bus errand."""
    errand = find(seed_conn, "我要办身份证").errand
    assert errand is not None and (errand.word, errand.category_id, errand.exact) == ("办身份证", "government", False)
    errand = find(seed_conn, "where is the bus").errand
    assert errand is not None and (errand.word, errand.category_id) == ("bus", None)


def test_every_errand_category_exists() -> None:
    """The table names only category ids of seeds/categories.toml."""
    with (ROOT / "seeds" / "categories.toml").open("rb") as fh:
        data = tomllib.load(fh)
    ids = {c["id"] for c in data["category"]}
    assert len(ids) >= 5
    named = {e.category_id for e in [*ERRANDS.values(), *ERRANDS_EN.values()] if e.category_id}
    assert named <= ids, named - ids


def test_no_errand_points_to_a_category_without_listings(conn: sqlite3.Connection) -> None:
    """With every government listing retired, 身份证 is "nothing here", not a way to an empty category."""
    ids = [r[0] for r in conn.execute("SELECT id FROM services WHERE category_id = 'government'")]
    conn.execute("UPDATE services SET status = 'retired' WHERE category_id = 'government'")
    reindex(conn, ids)
    conn.commit()
    outcome = find(conn, "身份证")
    assert outcome.errand is not None and outcome.errand.category_id is None
    assert not [h for h in outcome.hits if h.kind == "category" and h.id == "government"]
    page = search_page(conn, "身份证", now=NOW)
    assert page.nothing_here and page.errand_category is None


def test_find_errand_only_trusts_listed_categories() -> None:
    """The lookup itself: a listed category is kept, an unlisted one becomes None."""
    found = find_errand("身份证", "", {"government"})
    assert found is not None and found.category_id == "government"
    unlisted = find_errand("身份证", "", set())
    assert unlisted is not None and unlisted.category_id is None
    assert find_errand("卫生", "", {"health"}) is None


# -- one-key typos ----------------------------------------------------------------------------------

def test_neighbours_follow_the_touch_keyboard() -> None:
    """o touches i, p (its row) and k, l (below); a touches q, w, s; the relation is symmetric."""
    assert set(NEIGHBOURS["o"]) == set("ipkl")
    assert set(NEIGHBOURS["a"]) == set("qws")
    assert set(NEIGHBOURS) == set("".join(KEYBOARD_ROWS))
    for key, near in NEIGHBOURS.items():
        for other in near:
            assert key in NEIGHBOURS[other], (key, other)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_variants_differ_by_one_neighbouring_key(word: str) -> None:
    """Every variant has the same length and differs in exactly one place, by a neighbour."""
    for variant in one_key_variants(word):
        diffs = [(a, b) for a, b in zip(word, variant, strict=True) if a != b]
        assert len(diffs) == 1 and diffs[0][1] in NEIGHBOURS[diffs[0][0]]


def test_one_mistyped_key_is_forgiven_and_said(seed_conn: sqlite3.Connection) -> None:
    """yanglai (i next to o) finds what yanglao finds, ranked as typo hits, and says "yanglao"."""
    outcome = find(seed_conn, "yanglai")
    assert outcome.corrected == "yanglao"
    assert "elderly-care-facilities" in [h.id for h in outcome.hits]
    assert {h.score for h in outcome.hits} == {SCORES["typo"]}
    assert find(seed_conn, "librsry").corrected == "library"


def test_typo_hits_rank_below_what_the_query_found(conn: sqlite3.Connection) -> None:
    """A query that finds one thing as typed keeps it first; the variant's hits follow it."""
    add_test_service(conn, "test-yanglai", "测试杨来站")  # reads yang lai zhan
    outcome = find(conn, "yanglai")
    assert outcome.corrected == "yanglao"
    assert outcome.hits[0].id == "test-yanglai" and outcome.hits[0].score > SCORES["typo"]
    assert all(h.score == SCORES["typo"] for h in outcome.hits[1:] if h.group == "main")


def test_no_correction_when_the_query_finds_enough(seed_conn: sqlite3.Connection) -> None:
    """yanglao finds plenty: no variant is tried; two letters are never corrected; Chinese neither."""
    assert find(seed_conn, "yanglao").corrected is None
    assert find(seed_conn, "yx").corrected is None
    assert find(seed_conn, "养老").corrected is None


def test_typo_hits_are_capped(seed_conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """A variant adds at most TYPO_LIMIT hits (here lowered to 2), so a slip never floods the page."""
    assert len([h for h in find(seed_conn, "tushi").hits if h.score == SCORES["typo"]]) <= TYPO_LIMIT
    monkeypatch.setattr(ranking, "TYPO_LIMIT", 2)
    typo = [h for h in find(seed_conn, "tushi").hits if h.score == SCORES["typo"]]
    assert len(typo) == 2


def test_typo_search_is_bounded(seed_conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Letters no variant can match try at most TYPO_TRIES searches (plausible variants only)."""
    calls: list[str] = []
    original = ranking._MemoryIndex.search

    def counting(self: ranking._MemoryIndex, q: ranking._Query, limit: int, info_limit: int = INFO_LIMIT
                 ) -> list[ranking.SearchHit]:
        calls.append(q.key)
        return original(self, q, limit, info_limit)

    monkeypatch.setattr(ranking._MemoryIndex, "search", counting)
    find(seed_conn, "xiuxian")   # one hit as typed; no variant finds anything
    find(seed_conn, "qwrtplkz")  # not pinyin at all
    assert len(calls) <= 2 + 2 * ranking.TYPO_TRIES


# -- the page the screen shows ----------------------------------------------------------------------

def test_search_page_groups_and_flags(seed_conn: sqlite3.Connection) -> None:
    """养老: services group, info group, no errand, no correction, no hours in the seed."""
    page = search_page(seed_conn, "养老", now=NOW)
    assert [r.kind for r in page.results] == ["category", "service", "service", "hotline"]
    assert page.info and {r.kind for r in page.info} <= {"figure", "news"}
    assert page.errand is None and page.corrected is None and not page.has_hours
    assert search_page(seed_conn, "  ", now=NOW).rows == []


def test_search_page_has_hours_only_when_a_listing_found_has_them(conn: sqlite3.Connection) -> None:
    """现在开放 is offered (has_hours) only when some service found has readable opening hours."""
    assert not search_page(conn, "养老", now=NOW).has_hours
    conn.execute("INSERT INTO schedules (id, service_id, opening_hours) VALUES "
                 "('test-hours', 'elderly-care-facilities', 'Mo-Fr 08:00-18:00')")  # TEST DATA, not a fact
    conn.commit()
    assert search_page(conn, "养老", now=NOW).has_hours
    assert not search_page(conn, "图书", now=NOW).has_hours
    open_page = search_page(conn, "养老", now=NOW, open_only=True)
    assert [r.hit.id for r in open_page.rows] == ["elderly-care-facilities"] and open_page.has_hours


def test_search_page_errand_category(seed_conn: sqlite3.Connection) -> None:
    """身份证: the suggestion's category with its name; 药店: nothing here."""
    page = search_page(seed_conn, "身份证", now=NOW)
    assert page.errand_category is not None and page.errand_category.name == "政务服务"
    assert search_page(seed_conn, "药店", now=NOW).nothing_here


def test_figure_data_year(seed_conn: sqlite3.Connection) -> None:
    """A figure's year; else its source's (the 2021 article) when no period is named; else unknown."""
    figures = {f.id: f for f in queries.list_figures(seed_conn)}
    assert figures["gdp-2020"].data_year == 2020
    assert figures["elderly-facilities"].data_year == 2021
    assert figures["covid-cadres"].data_year == 2021
    assert figures["high-tech-enterprises-before"].data_year is None  # "十二五末", not 2021
