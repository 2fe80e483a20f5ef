"""Pinyin readings kept in the database, so that the resident screens never load :mod:`pypinyin`.

Importing pypinyin costs about 55 MB of memory (its phrase and character tables), more than a
third of the kiosk's memory budget. The resident screens need readings in two places: the pinyin
candidate bar of the touch keyboard (:mod:`kiosk.core.search.candidates`) and mixed queries such
as ``养lao`` (:mod:`kiosk.core.search.ranking`). Both look readings up here instead. They are written
where pypinyin is loaded anyway — :func:`kiosk.core.search.index.reindex`, run by ``kiosk
build-db``, by the worker tools after an edit and by imports — into two tables (schema step 3):

``pinyin_chars(ch, readings)``
    every toneless reading of one Chinese character, most common first, space-separated
    (``行`` → ``"xing hang heng"``); ``""`` when pypinyin knows none. Stored for the 3 755 common
    characters (GB 2312 level 1) and every character of the kiosk's texts.
``pinyin_words(word, syllables)``
    one syllable per character of a run of Chinese characters in a name, read in context
    (``银行`` → ``"yin hang"``); ``?`` for a character pypinyin cannot read. Stored for the runs
    in the names of active services and categories and in the everyday words (synonyms).

What is not stored (a database written by an older version, an edit made without re-indexing) is
worked out with pypinyin on the spot, so a lookup is never wrong — only, then, not free.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from typing import Any

# kiosk.core.search.pinyin (its syllable tables and character-class patterns) is imported where it is
# used: every start opens the runtime database through this module (:func:`missing`), and start-up
# needs none of it.

UNKNOWN = "?"
"""The syllable stored for a character of a word that has no reading."""

WORD_SOURCES = (
    "SELECT name FROM services WHERE status = 'active'",
    "SELECT name FROM categories",
    "SELECT word FROM synonyms",
)
"""The names whose runs of characters are stored in ``pinyin_words`` (the candidate bar's words)."""

CHAR_SOURCES = (
    "SELECT name || ' ' || coalesce(description, '') FROM services WHERE status = 'active'",
    "SELECT name || ' ' || coalesce(description, '') FROM categories",
    "SELECT word FROM synonyms",
    "SELECT title || ' ' || body FROM news",
    "SELECT label FROM figures",
    "SELECT name FROM hotlines",
)
"""The texts whose characters are stored in ``pinyin_chars`` (with the common characters)."""

_BATCH = 500


def common_chars() -> list[str]:
    """The 3 755 level-1 characters of GB 2312, in the standard's (pinyin) order."""
    chars: list[str] = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


# --------------------------------------------------------------------------------------------
# Working readings out (pypinyin)


def word_syllables(word: str) -> tuple[str, ...]:
    """One toneless syllable per character of ``word``, read in context; :data:`UNKNOWN` where none."""
    from pypinyin import Style, lazy_pinyin

    def unknown(chars: str) -> Any:  # pypinyin takes a list here (its type hints say str)
        return [UNKNOWN] * len(chars)

    syllables = lazy_pinyin(word, style=Style.NORMAL, errors=unknown)
    if len(syllables) != len(word):  # never misalign characters and readings
        return (UNKNOWN,) * len(word)
    return tuple(s if s.isascii() and s.isalpha() else UNKNOWN for s in syllables)


# --------------------------------------------------------------------------------------------
# Writing


def _stored(conn: sqlite3.Connection, table: str, key: str, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _BATCH):
        batch = json.dumps(list(keys[start:start + _BATCH]), ensure_ascii=False)
        found.update(r[0] for r in conn.execute(
            f"SELECT {key} FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))", (batch,)))
    return found


def store(conn: sqlite3.Connection, *, words_from: Iterable[str | None] = (),
          chars_from: Iterable[str | None] = (), common: bool = False) -> tuple[int, int]:
    """Store the readings of the runs of ``words_from`` and the characters of ``chars_from`` (and,
    with ``common``, of the common characters) that are not stored yet. Returns (words, chars) added.

    Needs pypinyin. Rows are inserted in sorted order, so a build is byte-for-byte reproducible.
    """
    from kiosk.core.search.pinyin import char_readings, han_runs

    words = sorted({run for text in words_from for run in han_runs(text) if len(run) >= 2})
    chars = {ch for text in chars_from for run in han_runs(text) for ch in run}
    if common:
        chars.update(common_chars())
    have_words = _stored(conn, "pinyin_words", "word", words)
    new_words = [w for w in words if w not in have_words]
    char_list = sorted(chars)
    have_chars = _stored(conn, "pinyin_chars", "ch", char_list)
    new_chars = [c for c in char_list if c not in have_chars]
    conn.executemany("INSERT OR IGNORE INTO pinyin_words(word, syllables) VALUES (?, ?)",
                     ((w, " ".join(word_syllables(w))) for w in new_words))
    conn.executemany("INSERT OR IGNORE INTO pinyin_chars(ch, readings) VALUES (?, ?)",
                     ((c, " ".join(char_readings(c))) for c in new_chars))
    return len(new_words), len(new_chars)


def store_all(conn: sqlite3.Connection) -> tuple[int, int]:
    """Store what the kiosk's current texts need (see :data:`WORD_SOURCES`, :data:`CHAR_SOURCES`)."""
    words = [text for sql in WORD_SOURCES for (text,) in conn.execute(sql)]
    chars = [text for sql in CHAR_SOURCES for (text,) in conn.execute(sql)]
    return store(conn, words_from=words, chars_from=chars, common=True)


def store_services(conn: sqlite3.Connection, service_ids: Sequence[str]) -> tuple[int, int]:
    """Store what the given services' names and descriptions need (after an edit)."""
    rows = conn.execute(
        "SELECT name, coalesce(description, '') FROM services WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(service_ids)),)).fetchall()
    return store(conn, words_from=[r[0] for r in rows], chars_from=[f"{r[0]} {r[1]}" for r in rows])


def unload_pypinyin() -> bool:
    """Forget pypinyin's modules so that their tables (≈ 55 MB) are freed; True if it was loaded.

    A running kiosk loads pypinyin only when something is re-indexed in its process (a worker saves a
    listing in the worker tools); the idle reset calls this afterwards (kiosk.ui.memory), so the kiosk
    goes back to its resident-screens footprint. Nothing keeps pypinyin objects: it is imported
    inside the functions that use it, so the next use imports it again (≈ 0.3 s). Call it from the
    thread that re-indexes (the UI thread), never while a re-index runs.
    """
    names = [name for name in sys.modules if name == "pypinyin" or name.startswith("pypinyin.")]
    for name in names:
        del sys.modules[name]
    return bool(names)


def missing(conn: sqlite3.Connection) -> bool:
    """True when the character table is absent or empty (a database from before schema step 3)."""
    try:
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM pinyin_chars)").fetchone()
    except sqlite3.OperationalError:
        return True
    return not row[0]


# --------------------------------------------------------------------------------------------
# Reading


def _lookup(conn: sqlite3.Connection, table: str, key: str, value: str, keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for start in range(0, len(keys), _BATCH):
            batch = json.dumps(list(keys[start:start + _BATCH]), ensure_ascii=False)
            found.update((r[0], r[1]) for r in conn.execute(
                f"SELECT {key}, {value} FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))", (batch,)))
    except sqlite3.OperationalError:  # a database from before these tables
        return {}
    return found


def chars_readings(conn: sqlite3.Connection, chars: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Readings of each Chinese character (most common first; ``()`` when it has none)."""
    from kiosk.core.search.pinyin import char_readings, is_han

    wanted = sorted({ch for ch in chars if is_han(ch)})
    stored = _lookup(conn, "pinyin_chars", "ch", "readings", wanted)
    return {ch: tuple(stored[ch].split()) if ch in stored else char_readings(ch) for ch in wanted}


def words_syllables(conn: sqlite3.Connection, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """One syllable per character of each run of Chinese characters, read in context."""
    wanted = sorted(set(words))
    stored = _lookup(conn, "pinyin_words", "word", "syllables", wanted)
    out: dict[str, tuple[str, ...]] = {}
    for word in wanted:
        syllables = tuple(stored[word].split()) if word in stored else ()
        out[word] = syllables if len(syllables) == len(word) else word_syllables(word)
    return out
