"""The scans search skips or narrows (pinyin pairs, initials trigrams, first and rarest syllables) change no
result: every query gives the same hits with them turned off, on the seed data plus generated places."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from kiosk.core.search import ranking
from kiosk.core.search.typos import one_key_variants
from tests.core.test_search_places import PLACES, give_places

WORDS = ["yanglao", "weisheng", "tushu", "jianshen", "bianmin", "pingpangqiu", "shequ", "fuwu", "zhongxin",
         "laonian", "shitang", "yiyuan", "wenhua", "tiyu", "zhengwu", "shebao", "cuihu", "fengqiaolu", "ceshi",
         "ylfw", "wsfwz", "tss", "chllz", "sq", "yl", "yanglfw", "library", "clinic", "gongyuan", "xiaoqu"]


def queries() -> list[str]:
    typos = [v for w in WORDS for v in list(one_key_variants(w))[:8]]
    return [*WORDS, *typos, "养lao", "wei生", "翠湖", "枫桥路", "y", "ya", "yan", "yang", "yangl", "yangla"]


def test_narrowed_scans_find_what_full_scans_find(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    give_places(conn, PLACES)
    ranking.warm_up(conn)
    narrowed = {q: ranking.search(conn, q) for q in queries()}
    assert sum(1 for hits in narrowed.values() if hits) > len(narrowed) // 2  # the queries find things
    index: Any = ranking._MemoryIndex
    monkeypatch.setattr(index, "_may_occur", lambda self, pieces: True)
    monkeypatch.setattr(index, "_initials_may_occur", lambda self, letters: True)
    monkeypatch.setattr(index, "_line_starts", lambda self, needle: None)
    monkeypatch.setattr(index, "_token_docs", lambda self, needle: None)
    assert {q: ranking.search(conn, q) for q in queries()} == narrowed


def test_pinyin_pairs_say_what_can_occur(conn: sqlite3.Connection) -> None:
    ranking.warm_up(conn)
    index = ranking._index_for(conn)
    assert index._may_occur(("yang", "lao")) and index._may_occur(("yang", "l"))
    assert not index._may_occur(("yang", "yang", "yang", "yang"))
    assert index._initials_may_occur("ylfw") and not index._initials_may_occur("qqqq")
