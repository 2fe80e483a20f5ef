"""Search on the seed database: every query class, ranking, the five categories, safety."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.db.connection import connect
from kiosk.core.search.ranking import SCORES, SearchHit, search

TOP = 10
""""Findable" means: among the first ten hits, i.e. on the resident's first screen of results."""


def ids(hits: list[SearchHit]) -> list[str]:
    """The service ids among the hits (figures may share an id with a service)."""
    return [h.id for h in hits if h.kind == "service"]


# Every service of the five home categories, with a 2-character Chinese word from its name, pinyin
# initials a resident might type, and an everyday word that is not in its name (via synonyms).
FIVE_CATEGORIES = [
    ("elderly-care-facilities", "设施", "ylfw", "老人"),
    ("smart-elderly-care-12349", "智慧", "zhyl", "助餐"),
    ("community-health-centres", "卫生", "wsfwzx", "看病"),
    ("community-health-stations", "卫生", "wsfwz", "医院"),
    ("zhengpin-smart-reading-rooms", "书房", "zpss", "借书"),
    ("library-branches", "图书", "tsfg", "看书"),
    ("culture-branches", "分馆", "whfg", "阅读"),
    ("cultural-service-centres", "综合", "zhx", "文化"),
    ("art-training", "艺术", "yspx", "文化"),
    ("fangdingyi-culture-tourism", "旅游", "fdy", "文化"),
    ("fitness-venues", "健身", "jscs", "锻炼"),
    ("public-football-pitches", "足球", "zqc", "踢球"),
    ("wuyunshan-leisure", "休闲", "wys", "运动"),
    ("online-government-services", "网上", "zwfw", "办事"),
    ("one-thing-bundles", "集成", "yjs", "办证"),
    ("no-visit-approval", "审批", "bjm", "办事"),
    ("business-registration", "工商", "gtgsh", "开店"),
]


def test_table_covers_every_service_of_the_five_categories(seed_conn: sqlite3.Connection) -> None:
    """The table below really lists every active service of the five primary categories."""
    expected = {r[0] for r in seed_conn.execute(
        "SELECT s.id FROM services s JOIN categories c ON c.id = s.category_id "
        "WHERE c.is_primary = 1 AND s.status = 'active'")}
    assert {row[0] for row in FIVE_CATEGORIES} == expected


@pytest.mark.parametrize(("service_id", "word", "initials", "everyday"), FIVE_CATEGORIES)
def test_every_service_findable_three_ways(seed_conn: sqlite3.Connection, service_id: str, word: str,
                                           initials: str, everyday: str) -> None:
    """Each service is on the first screen for a 2-character word, its initials and an everyday word."""
    assert len(word) == 2
    for query in (word, initials, everyday):
        found = ids(search(seed_conn, query, limit=TOP))
        assert service_id in found, (query, found)


@pytest.mark.parametrize(("query", "expected_id", "score"), [
    # Chinese substrings of any length
    ("书", "library-branches", SCORES["contains"]),
    ("馆", "culture-branches", SCORES["contains"]),
    ("卫生", "community-health-centres", SCORES["contains"]),
    ("社区卫生服务中心", "community-health-centres", SCORES["exact"]),
    ("图书分馆", "library-branches", SCORES["exact"]),
    ("健身", "fitness-venues", SCORES["prefix"]),
    # pinyin: full, initials, mixed, case and tone free
    ("yanglao", "elderly-care-facilities", SCORES["pinyin_contains"]),
    ("YangLao", "elderly-care-facilities", SCORES["pinyin_contains"]),
    ("tushufenguan", "library-branches", SCORES["pinyin_prefix"]),
    ("tushuf", "library-branches", SCORES["pinyin_prefix"]),
    ("jianshen", "fitness-venues", SCORES["pinyin_prefix"]),
    ("ylfw", "elderly-care-facilities", SCORES["initials_contains"]),
    ("JSCS", "fitness-venues", SCORES["initials_prefix"]),
    ("养lao", "elderly-care-facilities", SCORES["pinyin_contains"]),
    ("wei生", "community-health-centres", SCORES["pinyin_contains"]),
    ("zu球", "public-football-pitches", SCORES["pinyin_contains"]),
    # English
    ("library", "library-branches", SCORES["prefix"]),
    ("Football", "public-football-pitches", SCORES["contains"]),
    ("clinic", "community-health-centres", SCORES["synonym"]),
    # everyday words (synonyms)
    ("看病", "community-health-stations", SCORES["synonym"]),
    ("kanbing", "community-health-centres", SCORES["synonym"]),
    ("我想看病", "community-health-centres", SCORES["synonym_partial"]),
    ("吃饭", "elderly-care-facilities", SCORES["synonym"]),
    ("踢球", "public-football-pitches", SCORES["synonym"]),
    # numbers, full-width too
    ("12349", "smart-elderly-care-12349", SCORES["prefix"]),
    ("１２３４９", "smart-elderly-care-12349", SCORES["prefix"]),
    # description text
    ("日间照料", "elderly-care-facilities", SCORES["synonym"]),
    ("秒批秒办", "business-registration", SCORES["description"]),
])
def test_query_classes(seed_conn: sqlite3.Connection, query: str, expected_id: str, score: float) -> None:
    """Each kind of query finds the expected service, at the expected rank tier."""
    hits = {h.id: h for h in search(seed_conn, query) if h.kind == "service"}
    assert expected_id in hits, (query, list(hits))
    assert hits[expected_id].score == score


def test_hotline_number_is_an_exact_hit(seed_conn: sqlite3.Connection) -> None:
    """12349 brings the hotline first (exact number), then the platform whose name starts with it."""
    hits = search(seed_conn, "12349")
    assert (hits[0].kind, hits[0].id, hits[0].score) == ("hotline", "12349", SCORES["exact"])
    assert hits[1].id == "smart-elderly-care-12349"


def test_everyday_word_brings_category_then_its_services(seed_conn: sqlite3.Connection) -> None:
    """看病 (not in any name) gives the health category, then every health service."""
    hits = search(seed_conn, "看病")
    assert [(h.kind, h.id) for h in hits[:3]] == [
        ("category", "health"), ("service", "community-health-centres"), ("service", "community-health-stations")]


def test_exact_name_beats_prefix_beats_contains(seed_conn: sqlite3.Connection) -> None:
    """图书分馆: the service with that exact name is first; names starting with 社区 come before names containing it."""
    assert search(seed_conn, "图书分馆")[0].id == "library-branches"
    hits = search(seed_conn, "社区")
    scores = [h.score for h in hits]
    assert SCORES["prefix"] in scores and SCORES["contains"] in scores
    assert scores.index(SCORES["prefix"]) < scores.index(SCORES["contains"])


def test_name_match_beats_synonym_beats_description(seed_conn: sqlite3.Connection) -> None:
    """办事 is in a figure's name (contains), is an everyday word for 政务服务, and is in descriptions:
    the government category and its services lead; the figure heads the information group below."""
    hits = search(seed_conn, "办事")
    kinds = [(h.kind, h.score) for h in hits]
    assert kinds[0] == ("category", SCORES["synonym"])
    info = [h for h in hits if h.group == "info"]
    assert (info[0].kind, info[0].score) == ("figure", SCORES["contains"])
    main = [h for h in hits if h.group == "main"]
    assert all(h.score == SCORES["synonym"] for h in main)
    first_description = next(n for n, h in enumerate(info) if h.score == SCORES["description"])
    assert all(h.score > SCORES["description"] for h in info[:first_description])


@pytest.mark.parametrize("query", ["书", "卫生", "yanglao", "ylfw", "看病", "办事", "社区", "library", "12349", "s"])
def test_scores_never_rise_down_the_list(seed_conn: sqlite3.Connection, query: str) -> None:
    """Services, categories and hotlines come first, then figures and news; best first in each; each thing once."""
    hits = search(seed_conn, query)
    assert hits
    groups = [h.group for h in hits]
    assert groups == sorted(groups, key=lambda g: g != "main")
    for group in ("main", "info"):
        scores = [h.score for h in hits if h.group == group]
        assert scores == sorted(scores, reverse=True)
    assert len({(h.kind, h.id) for h in hits}) == len(hits)


def test_ties_are_stable(seed_conn: sqlite3.Connection) -> None:
    """Equal scores keep a fixed order: categories, services (display order), hotlines, figures, news."""
    first = search(seed_conn, "服务")
    assert first == search(seed_conn, "服务")
    order = {"category": 0, "service": 1, "hotline": 2, "figure": 3, "news": 4}
    for a, b in itertools.pairwise(first):
        if a.score == b.score:
            assert order[a.kind] <= order[b.kind], (a, b)
    services = [h.id for h in first if h.kind == "service" and h.score == SCORES["contains"]]
    display_order = [r[0] for r in seed_conn.execute(
        "SELECT s.id FROM services s JOIN categories c ON c.id = s.category_id "
        "ORDER BY c.sort_order, s.sort_order, s.id")]
    assert len(services) >= 3
    assert services == [i for i in display_order if i in services]


def test_limit_is_respected(seed_conn: sqlite3.Connection) -> None:
    """limit caps the hits; 0 or less gives none."""
    assert len(search(seed_conn, "服务", limit=3)) == 3
    assert search(seed_conn, "服务", limit=0) == []
    assert search(seed_conn, "服务", limit=-5) == []


def test_description_hit_has_a_snippet(seed_conn: sqlite3.Connection) -> None:
    """A hit found only in the description carries the passage around the match."""
    hit = next(h for h in search(seed_conn, "秒批秒办") if h.id == "business-registration")
    assert hit.snippet is not None and "秒批秒办" in hit.snippet


def test_english_word_must_start_a_word_in_descriptions(seed_conn: sqlite3.Connection) -> None:
    """'ts' does not match inside 'facilities' (English descriptions match at word starts)."""
    assert all(h.score > SCORES["description"] for h in search(seed_conn, "ts"))


def test_retired_service_is_not_found(writable_db: Path) -> None:
    """A listing retired by another connection is not shown by a newly opened one, even unindexed."""
    writer = connect(writable_db)
    writer.execute("UPDATE services SET status = 'retired' WHERE id = 'library-branches'")
    writer.close()
    reader = connect(writable_db, readonly=True)
    assert "library-branches" not in ids(search(reader, "图书分馆"))
    reader.close()


@pytest.mark.parametrize("query", [
    "", " ", "\t\n  ", "'", '"', "''", "*", "**", "NEAR(", "NEAR(卫生 书", "卫生 NEAR/2 书", "' OR 1=1 --",
    "\"; DROP TABLE services; --", "%", "_", "%卫生%", "\\", "\x00", "卫生\x00书", "😀", "👨‍👩‍👧", "🏥看病",
    "a" * 1000, "养" * 1000, "yanglao" * 150, "nanananananananananananananana", "^$.*+?()[]{}|",
    "\u200b", "\ufeff卫生", "ｙａｎｇｌａｏ", "ℌ", "İ", "ß" * 50, "\ud800", "卫\u0301生",
])
def test_any_input_is_safe(seed_conn: sqlite3.Connection, query: str) -> None:
    """Odd, hostile or huge input returns a list (maybe empty) and never touches the tables."""
    before = seed_conn.execute("SELECT COUNT(*) FROM services").fetchone()[0]
    hits = search(seed_conn, query)
    assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)
    assert seed_conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] == before


@pytest.mark.parametrize("query", ["", "   ", "*", "' OR 1=1 --", "NEAR(", "😀", "魑魅魍魉", "xyzzyq"])
def test_nonsense_gives_a_sensible_empty_result(seed_conn: sqlite3.Connection, query: str) -> None:
    """Blank input, operators and unknown words give no hits rather than everything."""
    assert search(seed_conn, query) == []


def test_sqlite_trigram_cannot_do_short_chinese_queries() -> None:
    """Why search has its own index: FTS5 trigram misses 2-character Chinese queries on this SQLite."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    conn.execute("INSERT INTO t VALUES ('社区卫生服务中心')")
    assert conn.execute("SELECT COUNT(*) FROM t WHERE t MATCH '卫生服'").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM t WHERE t MATCH '卫生'").fetchone()[0] == 0
    like = conn.execute("SELECT COUNT(*) FROM t WHERE x LIKE '%卫生%'").fetchone()[0]
    assert like in (0, 1)  # 0 on SQLite 3.40 (the reason for this design), 1 where fixed
