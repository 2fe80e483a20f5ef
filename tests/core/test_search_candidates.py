"""Pinyin → candidates for the touch keyboard, from the kiosk's own words."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.core.search.candidates import Candidate, PinyinVocabulary, split_letters


@pytest.mark.parametrize(("letters", "pieces"), [
    ("yanglao", ["yang", "lao"]),
    ("ylfw", ["y", "l", "f", "w"]),
    ("yanglfw", ["yang", "l", "f", "w"]),
    ("zhongx", ["zhong", "x"]),
    ("xian", ["xian"]),
    ("v", ["v"]),
    ("", []),
])
def test_split_letters(letters: str, pieces: list[str]) -> None:
    """Typed letters split greedily into whole syllables and initials, as an input method shows them."""
    assert split_letters(letters) == pieces


@pytest.fixture(scope="module")
def vocab(seed_db_path: object) -> PinyinVocabulary:
    from kiosk.core.db.connection import connect

    conn = connect(seed_db_path, readonly=True)  # type: ignore[arg-type]
    try:
        return PinyinVocabulary.from_connection(conn)
    finally:
        conn.close()


@pytest.mark.parametrize(("letters", "first"), [
    ("yanglao", Candidate("养老", 7)),
    ("ylfw", Candidate("养老服务", 4)),
    ("yanglfw", Candidate("养老服务", 7)),
    ("kanbing", Candidate("看病", 7)),
    ("jieshu", Candidate("借书", 6)),
    ("shequweisheng", Candidate("社区卫生", 13)),
    ("zuq", Candidate("足球", 3)),
])
def test_first_candidate_is_the_kiosks_word(vocab: PinyinVocabulary, letters: str, first: Candidate) -> None:
    """Names of listings and everyday words come first, using up all the letters typed."""
    assert vocab.candidates(letters)[0] == first


def test_characters_follow_words_and_use_up_one_syllable(vocab: PinyinVocabulary) -> None:
    """After the words, single characters for the first syllable; the usual reading before rare ones."""
    found = vocab.candidates("yangl", limit=60)
    singles = [c for c in found if len(c.text) == 1]
    assert singles and all(c.letters == 4 for c in singles)
    assert singles[0].text == "养"  # in the kiosk's texts, and read yang
    texts = [c.text for c in singles]
    # 映 can be read yang, but is usually ying: it comes after every character usually read yang
    assert texts.index("映") > max(texts.index(ch) for ch in "羊洋阳杨扬样")


def test_any_common_character_can_be_typed(vocab: PinyinVocabulary) -> None:
    """Characters the listings never use (GB 2312 level 1) are still offered: 峡 for xia."""
    assert "峡" in [c.text for c in vocab.candidates("xia", limit=200)]


def test_limit_and_junk(vocab: PinyinVocabulary) -> None:
    """limit caps the list; non-letters give nothing."""
    assert len(vocab.candidates("s", limit=5)) == 5
    assert vocab.candidates("123") == [] and vocab.candidates("", limit=5) == []
    assert vocab.candidates("y", limit=0) == []


def test_vocabulary_knows_the_kiosks_characters(seed_conn: sqlite3.Connection) -> None:
    """.chars holds the characters of the kiosk's texts (for the handwriting pad's preference)."""
    vocab = PinyinVocabulary.from_connection(seed_conn)
    assert {"养", "老", "卫", "生"} <= vocab.chars
