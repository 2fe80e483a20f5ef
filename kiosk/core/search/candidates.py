"""Pinyin → Chinese candidates for the kiosk's touch keyboard, drawn from what the kiosk knows.

The kiosk has no general-purpose input method. A resident types pinyin on the touch keyboard to
*find something here*, so the candidates come from this database: pieces of the names of services
and categories, the everyday words of the synonym table (看病, 借书 …), then single characters — those
of the kiosk's own texts first, then the 3 755 common characters of GB 2312 level 1 (so a street or
a name that the listings do not contain can still be typed).

    vocab = PinyinVocabulary.from_connection(conn)     # once; readings from kiosk.core.search.pinyin_store
    vocab.candidates("yanglao")   # [Candidate("养老", 7), …, Candidate("养", 4), …]
    vocab.candidates("ylfw")      # initials: [Candidate("养老服务", 4), …]
    vocab.candidates("yanglfw")   # mixed full + initials work too

``Candidate.letters`` says how many typed letters the candidate uses up: choosing 养 for
``yanglao`` leaves ``lao`` to type on, as every pinyin input method does.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from kiosk.core.search.pinyin import SYLLABLE_PREFIXES, SYLLABLES, han_runs, is_han
from kiosk.core.search.pinyin_store import CHAR_SOURCES, chars_readings, common_chars, words_syllables

MAX_WORD = 6
"""Longest piece of a name offered as one candidate."""

MAX_NAMES = 5000
"""At most this many distinct names feed the word list (a kiosk has far fewer)."""

SYNONYM_BOOST = 1000
CATEGORY_BOOST = 100


@dataclass(frozen=True)
class Candidate:
    text: str
    letters: int  # typed letters this candidate uses up


def split_letters(letters: str) -> list[str]:
    """Split typed letters into pinyin pieces greedily, the way an input method shows them.

    Each piece is the longest whole syllable there, else the longest start of one (an initial):
    ``yanglao`` → ``yang lao``; ``ylfw`` → ``y l f w``; ``yanglfw`` → ``yang l f w``. Letters that
    start no syllable (``v`` alone, ``i``) become pieces of their own.
    """
    pieces: list[str] = []
    i = 0
    letters = letters.lower()
    while i < len(letters):
        for length in range(min(6, len(letters) - i), 0, -1):
            if letters[i:i + length] in SYLLABLES:
                break
        else:
            length = next((n for n in range(min(6, len(letters) - i), 0, -1)
                           if letters[i:i + n] in SYLLABLE_PREFIXES), 1)
        pieces.append(letters[i:i + length])
        i += length
    return pieces


def _piece_matches(piece: str, syllable: str) -> bool:
    """A whole syllable must match exactly; an initial or unfinished syllable matches its start."""
    if piece in SYLLABLES:
        return syllable == piece or (len(piece) == 1 and syllable.startswith(piece))
    return syllable.startswith(piece)


class PinyinVocabulary:
    """Words and characters with their readings, ranked by how often the kiosk's texts use them."""

    def __init__(self, words: Counter[str], char_counts: Counter[str], *,
                 word_readings: dict[str, tuple[str, ...]],
                 char_readings: dict[str, tuple[str, ...]]) -> None:
        """``word_readings``: a syllable per character of each word (in context); ``char_readings``:
        every reading of each character, most common first (both from :mod:`kiosk.core.search.pinyin_store`)."""
        self._words: dict[str, tuple[tuple[str, ...], int]] = {}
        self._by_first: dict[str, list[str]] = {}  # first letter → words
        for word, count in words.items():
            syllables = word_readings.get(word, ())
            if len(syllables) != len(word) or not all(s.isascii() and s.isalpha() for s in syllables):
                continue
            self._words[word] = (syllables, count)
            self._by_first.setdefault(syllables[0][0], []).append(word)
        for first, group in self._by_first.items():
            group.sort(key=lambda w: (-self._words[w][1], len(w), w))
            self._by_first[first] = group
        self._chars_by_syllable: dict[str, list[str]] = {}
        order = {ch: n for n, ch in enumerate(common_chars())}
        ranked = sorted(set(order) | set(char_counts),
                        key=lambda ch: (-char_counts.get(ch, 0), order.get(ch, len(order)), ch))
        self._char_rank = {ch: n for n, ch in enumerate(ranked)}
        self._primary: dict[str, str] = {}
        for secondary in (False, True):  # 养 under yang before 映 (whose usual reading is ying)
            for ch in ranked:
                readings = char_readings.get(ch, ())
                if readings and not secondary:
                    self._primary[ch] = readings[0]
                for reading in readings[1:] if secondary else readings[:1]:
                    self._chars_by_syllable.setdefault(reading, []).append(ch)
        self.chars = frozenset(char_counts)
        """The Chinese characters of the kiosk's own texts (the handwriting pad prefers them)."""

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> PinyinVocabulary:
        """Build the vocabulary from the names, synonyms and texts of a kiosk database.

        Readings come from the database (:mod:`kiosk.core.search.pinyin_store`); a word is read as part
        of the name it comes from (长 of 长者 is *zhang*), so its syllables are a slice of the
        syllables of that name's run of characters.
        """
        names = [r[0] for r in conn.execute(
            f"SELECT DISTINCT name FROM services WHERE status = 'active' LIMIT {MAX_NAMES}")]
        categories = [r[0] for r in conn.execute("SELECT name FROM categories")]
        synonyms = [r[0] for r in conn.execute("SELECT word FROM synonyms") if all(is_han(ch) for ch in r[0])]
        words: Counter[str] = Counter()
        for name in names:
            words.update(_pieces(name))
        for name in categories:
            for word in _pieces(name):
                words[word] += CATEGORY_BOOST if word == name else 1
        for word in synonyms:
            words[word] += SYNONYM_BOOST
        chars: Counter[str] = Counter()
        for sql in CHAR_SOURCES:
            for (text,) in conn.execute(sql + f" LIMIT {MAX_NAMES}"):
                chars.update(ch for ch in text or "" if is_han(ch))
        run_syllables = words_syllables(conn, [run for text in (*names, *categories, *synonyms)
                                               for run in han_runs(text) if len(run) >= 2])
        word_readings: dict[str, tuple[str, ...]] = {}
        for run, syllables in run_syllables.items():
            for start, end in _spans(len(run)):
                word_readings.setdefault(run[start:end], syllables[start:end])
        return cls(words, chars, word_readings=word_readings,
                   char_readings=chars_readings(conn, [*common_chars(), *chars]))

    def candidates(self, letters: str, *, limit: int = 40) -> list[Candidate]:
        """Candidates for the typed ``letters`` (a–z), best first.

        Words that use up all the letters come first (most used first), then words that use up a
        part, longest part first, then single characters for the first syllable.
        """
        letters = "".join(ch for ch in letters.lower() if "a" <= ch <= "z")
        if not letters or limit <= 0:
            return []
        pieces = split_letters(letters)
        offsets = [0]
        for piece in pieces:
            offsets.append(offsets[-1] + len(piece))
        full: list[tuple[int, int, str]] = []
        partial: list[tuple[int, int, str]] = []
        for word in self._by_first.get(pieces[0][0], ()):
            syllables, count = self._words[word]
            if len(syllables) > len(pieces):
                continue
            if all(_piece_matches(p, s) for p, s in zip(pieces, syllables, strict=False)):
                n = len(syllables)
                if n == len(pieces):
                    full.append((-count, len(word), word))
                elif n >= 2:
                    partial.append((-n, -count, word))
        out: list[Candidate] = [Candidate(w, len(letters)) for *_k, w in sorted(full)]
        out.extend(Candidate(w, offsets[len(w)]) for *_k, w in sorted(partial))
        first = pieces[0]
        seen = {c.text for c in out}
        readings = [first] if first in SYLLABLES else sorted(s for s in SYLLABLES if s.startswith(first))
        singles: list[str] = []
        for reading in readings:
            singles.extend(self._chars_by_syllable.get(reading, ()))
        if len(readings) > 1:  # an initial: usual readings first, then by rank
            singles.sort(key=lambda ch: (not self._primary.get(ch, "").startswith(first),
                                         self._char_rank.get(ch, len(self._char_rank))))
        for ch in singles:
            if ch not in seen:
                seen.add(ch)
                out.append(Candidate(ch, len(first)))
            if len(out) >= limit:
                break
        return out[:limit]

def _spans(length: int) -> list[tuple[int, int]]:
    """(start, end) of every piece of 2–:data:`MAX_WORD` characters of a run of ``length``."""
    return [(start, end) for start in range(length) for end in range(start + 2, min(length, start + MAX_WORD) + 1)]


def _pieces(name: str) -> list[str]:
    """The pieces of 2–6 Chinese characters of a name (every substring of each run of characters)."""
    return [run[start:end] for run in han_runs(name) for start, end in _spans(len(run))]
