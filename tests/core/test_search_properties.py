"""Property tests: whatever a resident (or a cat on the keyboard) types, search returns a sane list."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.db.connection import connect
from kiosk.core.search.ranking import SearchHit, search


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    from kiosk.core.content.build import build_database
    from kiosk.core.terminal.paths import seeds_dir

    path: Path = tmp_path_factory.mktemp("search-props") / "kiosk.db"
    build_database(seeds_dir(), path)
    c = connect(path, readonly=True)
    yield c
    c.close()


KIOSKISH = st.text(
    alphabet=st.sampled_from([*"养老卫生图书健身办事社区服务中心站馆书", *"yanglowishet", *" '\"*()-:^"]),
    max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200), limit=st.integers(min_value=-3, max_value=60))
def test_arbitrary_text_returns_a_list(conn: sqlite3.Connection, query: str, limit: int) -> None:
    """Any Unicode text and any limit give a list of hits, at most `limit`, services before figures and
    news, best first within each group, no repeats."""
    hits = search(conn, query, limit=limit)
    assert isinstance(hits, list)
    assert len(hits) <= max(limit, 0)
    assert all(isinstance(h, SearchHit) for h in hits)
    groups = [h.group for h in hits]
    assert groups == sorted(groups, key=lambda g: g != "main")
    for group in ("main", "info"):
        scores = [h.score for h in hits if h.group == group]
        assert scores == sorted(scores, reverse=True)
    assert len({(h.kind, h.id) for h in hits}) == len(hits)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=KIOSKISH)
def test_mixed_chinese_pinyin_punctuation_is_safe(conn: sqlite3.Connection, query: str) -> None:
    """Chinese, pinyin letters and FTS/SQL operators mixed together never raise, and repeat identically."""
    first = search(conn, query)
    assert first == search(conn, query)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["社区养老服务设施", "社区卫生服务中心", "图书分馆", "健身场所", "政务服务网上办理"]),
       data=st.data())
def test_every_substring_of_a_name_finds_it(conn: sqlite3.Connection, name: str, data: st.DataObject) -> None:
    """Any 1..n-character piece of a service name finds that service (limit large enough for 1 char)."""
    start = data.draw(st.integers(min_value=0, max_value=len(name) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(name)))
    names = {h.name for h in search(conn, name[start:end], limit=200)}
    assert name in names
