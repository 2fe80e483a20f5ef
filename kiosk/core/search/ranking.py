"""Search over services, their places, categories, hotlines, figures and news — Chinese, pinyin, English,
everyday words.

Usage::

    hits = search(conn, "养老")        # → [SearchHit(kind="category", id="elderly", ...), ...]
    hits = search(conn, "ylfw")        # pinyin initials
    hits = search(conn, "看病")        # everyday word → 医疗卫生 and its services
    if not hits:
        record_miss(conn, "看病", today)

How it works. The rows of the ``search_index`` table (see :mod:`kiosk.core.search.index`) are
loaded once per connection into a few large strings — names, English names, pinyin, initials,
descriptions — one segment per searchable thing, in a fixed order. A query is a handful of
``str.find`` calls on those strings (C speed, any query length, Chinese of one character
included), which stop as soon as enough hits are found. The in-memory copy reloads when
:func:`kiosk.core.search.index.reindex` has bumped the generation counter in ``meta``.

Ranking, best first (``SearchHit.score``): exact name 100 > name prefix 90 > name contains 80 >
pinyin prefix 70 > pinyin contains 65 > initials prefix 60 > initials contains 55 > everyday word
(synonym) 50/45 > description 20 > one-key typo 10. Ties keep a fixed order: kind (category, service,
hotline, figure, news), then display order. A thing appears once, at its best rank.

Places. Each active place of an active service is a result of its own (kind ``place``, named
"地点名 — 服务名"), found by its name and address; it ranks with services (right after its service on
ties) and opens the service's page at that place. A service is listed once: as itself, or as the first
of its places that matches — whichever ranks higher (its page shows all its places).

Two groups. What a resident comes for — categories, services and places, hotlines (``group == "main"``) — is
listed first; the district's figures and news (``"info"``) follow in a group of their own with a
small cap (:data:`INFO_LIMIT`), so "y" or "养老" can no longer fill the page with GDP figures.

Errand words (:mod:`kiosk.core.search.errands`): when the query *is* one (身份证, 药店), the
everyday-word tier uses that table instead of the synonyms — the category, and only the listings
the table says serve the errand; or nothing at all for an errand this terminal has no listing for.
:func:`find` returns the errand with the hits, for the screen's "去看：政务服务" / "本机暂无" line.

One-key typos (:mod:`kiosk.core.search.typos`): when letters as typed find fewer than
:data:`TYPO_BELOW` main hits, the words one neighbouring key away are tried (only those whose
syllables or English word occur in the index, at most :data:`TYPO_TRIES` searches); the first that
finds something adds at most :data:`TYPO_LIMIT` hits after the others, and :func:`find` says which
word it was ("您是不是要找：yanglao").

Scans that cannot match are skipped, and some look only where the needle can be (exactly the same
hits): pinyin whose syllables never follow each other in the index (:meth:`_MemoryIndex._may_occur`),
initials with three letters no line has, prefix scans among the names starting with the first syllable,
contains scans among the documents with the needle's rarest syllable. That keeps misses and the
typo variants (each a search of its own) cheap.

No user text ever reaches SQL, so quotes, ``*``, ``NEAR(``, ``' OR 1=1 --`` are just characters.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import accumulate

from kiosk.core.masking import mask_digits
from kiosk.core.search.errands import Errand, find_errand
from kiosk.core.search.index import (
    KIND_RANK,
    PLACE_SEP,
    IndexRow,
    body_key,
    body_text,
    content_generation,
    english_key,
    missing_rows,
    name_key,
)
from kiosk.core.search.index import reindex as reindex
from kiosk.core.search.pinyin import SYLLABLES, is_han, segmentations
from kiosk.core.search.pinyin_store import chars_readings
from kiosk.core.search.typos import one_key_variants

__all__ = ["INFO_LIMIT", "MAX_QUERY_CHARS", "SCORES", "SearchHit", "SearchOutcome", "find", "record_miss",
           "reindex", "result_group", "search", "warm_up"]

MAX_QUERY_CHARS = 100
"""Only the first 100 characters of a query are used (names are far shorter)."""

MAX_MISS_CHARS = 100
"""Recorded zero-result queries are cut to this length."""

SCORES = {
    "exact": 100.0, "prefix": 90.0, "contains": 80.0, "pinyin_prefix": 70.0, "pinyin_contains": 65.0,
    "initials_prefix": 60.0, "initials_contains": 55.0, "synonym": 50.0, "synonym_partial": 45.0,
    "description": 20.0, "typo": 10.0,
}

MAIN_KINDS = frozenset({"category", "service", "place", "hotline"})
"""Kinds listed first (what residents come for); every other kind is district information."""

INFO_LIMIT = 8
"""At most this many figures and news sections per search, below the services."""

TYPO_BELOW = 3
"""One-key typo variants are tried when the query finds fewer main hits than this."""

TYPO_LIMIT = 8
"""At most this many hits come from a typo variant."""

TYPO_TRIES = 3
"""At most this many typo variants are searched (each a full search, so this bounds the cost)."""

TYPO_MIN_LETTERS = 3
"""Shorter letter queries are not corrected (every two letters are one slip from many words)."""


def result_group(kind: str) -> str:
    """``"main"`` for categories, services and hotlines; ``"info"`` for figures and news."""
    return "main" if kind in MAIN_KINDS else "info"

_PAIR = re.compile(r"(?=([A-Z][a-z]*)([A-Z][a-z]*))")
"""Two syllables side by side in the pinyin haystack (each starts with a capital, see :func:`_pinyin_segment`)."""

_TOKEN = re.compile(r"[A-Z][a-z]*")
"""One syllable of the pinyin haystack."""

_NO_DOCS: array[int] = array("i")

_FIRST = re.compile(r"\n([A-Z][a-z]*)")
"""The first syllable of a name line of the pinyin haystack."""

_FEW_DOCS = 3000
"""A prefix scan looks only in the documents with a line starting with its first syllable when there are
at most this many (else one pass over the whole text is as quick)."""

_DOC = "\x00"   # starts every segment of a haystack
_LINE = "\n"    # starts every name / reading line inside a segment
_FRAGMENT = "\r"  # starts a fragment line (other readings of a character): matches, but never as a prefix


@dataclass(frozen=True)
class SearchHit:
    """One search result. ``kind`` says which screen opens it (service → detail, category → list…)."""

    kind: str            # "service" | "place" | "category" | "hotline" | "figure" | "news"
    id: str              # service/category/figure/news id, the hotline number, "<service>\x1f<place>"
    name: str
    name_en: str | None
    category_id: str | None
    score: float
    snippet: str | None = None   # the matching part of the description, for description hits

    @property
    def group(self) -> str:
        """See :func:`result_group`."""
        return result_group(self.kind)

    @property
    def service_id(self) -> str | None:
        """The service a service or place hit opens (None for other kinds)."""
        if self.kind == "service":
            return self.id
        if self.kind == "place":
            return self.id.partition(PLACE_SEP)[0]
        return None

    @property
    def place_id(self) -> str | None:
        """The place (location id) of a place hit; None for other kinds."""
        return self.id.partition(PLACE_SEP)[2] if self.kind == "place" else None


@dataclass(frozen=True)
class SearchOutcome:
    """What :func:`find` gives: the hits (main group, typo hits, then the info group) and why."""

    hits: list[SearchHit]
    errand: Errand | None = None
    """The errand word in the query and where it leads (None: no errand word)."""
    corrected: str | None = None
    """The one-key variant of the query whose hits were added (None: no typo correction)."""


# --------------------------------------------------------------------------------------------
# The query


@dataclass(frozen=True)
class _Query:
    key: str                  # name_key form: letters, digits, characters only
    en: str                   # english_key form: words separated by single spaces
    body: str                 # lower-cased text as typed (white space collapsed)
    letters: str              # key when it is only a–z, else ""
    han: tuple[str, ...]      # the Chinese characters of a mixed query (养lao → 养)
    mixed: bool               # Chinese characters and a–z letters, nothing else
    readings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # of the characters of a mixed query


def _analyse(query: str) -> _Query:
    text = unicodedata.normalize("NFKC", query)[: MAX_QUERY_CHARS * 2]
    key = name_key(text)[:MAX_QUERY_CHARS]
    en = english_key(text)[:MAX_QUERY_CHARS].strip()
    body = body_key(body_text(text))[:MAX_QUERY_CHARS]
    letters = key if key.isascii() and key.isalpha() else ""
    han = tuple(ch for ch in key if is_han(ch))
    mixed = bool(han) and len(han) < len(key) and all(is_han(ch) or (ch.isascii() and ch.isalpha()) for ch in key)
    return _Query(key, en, body, letters, han if mixed else (), mixed)


def _pinyin_needles(q: _Query) -> tuple[list[tuple[str, ...]], list[str]]:
    """Syllable splits and initials strings to look for (empty when the query is not pinyin-like)."""
    if q.letters:
        return segmentations(q.letters), ([q.letters] if len(q.letters) >= 2 else [])
    if not q.mixed:
        return [], []
    pieces: list[list[tuple[str, str]]] = []  # per character or letter run: (full reading, initial)
    for han, group in itertools.groupby(q.key, key=is_han):
        if han:
            pieces.extend([(r, r[:1]) for r in q.readings.get(ch, ())[:4]] or [("", "")] for ch in group)
        else:
            run = "".join(group)
            pieces.append([(run, run)])
    splits: list[tuple[str, ...]] = []
    initials: list[str] = []
    for combo in itertools.islice(itertools.product(*pieces), 8):
        splits.extend(segmentations("".join(full for full, _ in combo), limit=4))
        initials.append("".join(initial for _, initial in combo))
    return list(dict.fromkeys(splits)), list(dict.fromkeys(i for i in initials if len(i) >= 2))


# --------------------------------------------------------------------------------------------
# The in-memory index


class _Haystack:
    """One big string made of one segment per document, and where each segment starts."""

    __slots__ = ("_ends", "starts", "text")

    def __init__(self, segments: Iterable[str]) -> None:
        parts = [_DOC + s for s in segments]
        self.text = "".join(parts)
        self.starts = [0, *accumulate(len(p) for p in parts)]  # starts[d] … starts[d + 1] is doc d
        self._ends = len(self.text)

    def segment(self, doc: int) -> str:
        return self.text[self.starts[doc]:self.starts[doc + 1]]

    def scan(self, needle: str, need: int, seen: Container[int],
             accept: Callable[[int], bool] | None = None, docs: tuple[int, int] | None = None) -> list[int]:
        """The first ``need`` documents (in order) containing ``needle``, skipping those in ``seen``;
        only documents ``docs[0] <= d < docs[1]`` when given."""
        found: list[int] = []
        text, starts = self.text, self.starts
        lo, hi = (starts[docs[0]], starts[docs[1]]) if docs is not None else (0, len(text))
        pos = text.find(needle, lo, hi)
        while pos != -1:
            doc = bisect_right(starts, pos) - 1
            if doc not in seen and (accept is None or accept(doc)):
                found.append(doc)
                if len(found) >= need:
                    break
            pos = text.find(needle, starts[doc + 1], hi)
        return found

    def scan_docs(self, needle: str, docs: Sequence[int], need: int, seen: Container[int],
                  accept: Callable[[int], bool] | None, span: tuple[int, int]) -> list[int]:
        """:meth:`scan` for ``needle`` in these documents only (in order): the same answer when every
        document containing ``needle`` is among ``docs``."""
        found: list[int] = []
        text, starts = self.text, self.starts
        for doc in docs[bisect_left(docs, span[0]):bisect_left(docs, span[1])]:
            if doc not in seen and text.find(needle, starts[doc], starts[doc + 1]) != -1 and (
                    accept is None or accept(doc)):
                found.append(doc)
                if len(found) >= need:
                    break
        return found


class _Seen(Container[int]):
    """What the scans of one search skip: its hits so far, and the places of services listed already."""

    __slots__ = ("hits", "listed", "owner")

    def __init__(self, hits: Container[int], owner: Sequence[int], listed: Container[int]) -> None:
        self.hits, self.owner, self.listed = hits, owner, listed

    def __contains__(self, doc: object) -> bool:
        return doc in self.hits or (isinstance(doc, int) and self.owner[doc] in self.listed)


@dataclass(frozen=True)
class _Synonym:
    key: str
    en: str
    pinyin: str        # "\nKanBing" lines
    full: frozenset[str]   # whole readings without separators ("kanbing")
    initials: frozenset[str]
    category_id: str


class _MemoryIndex:
    """Everything :func:`search` needs, built from the index rows of one database."""

    def __init__(self, rows: Sequence[IndexRow]) -> None:
        docs = sorted((r for r in rows if r.kind != "synonym"),
                      key=lambda r: (_rank(r.kind), r.group_order, r.sort_order, r.id))
        self.kinds = [r.kind for r in docs]
        self.ids = [r.id for r in docs]
        self.names = [r.name for r in docs]
        self.names_en = [r.name_en for r in docs]
        self.category_ids = [r.category_id for r in docs]
        self.bodies = [r.body for r in docs]
        self.exact: dict[str, list[int]] = {}
        for n, r in enumerate(docs):
            for key in itertools.chain(r.names.split(_LINE), r.names_en.split(_LINE)):
                if key and n not in self.exact.setdefault(key, []):
                    self.exact[key].append(n)
        self.name_hay = _Haystack(
            "".join(_LINE + line for line in r.names.split(_LINE)) if r.names else "" for r in docs)
        self.en_hay = _Haystack(
            "".join(_LINE + line for line in r.names_en.split(_LINE)) if r.names_en else "" for r in docs)
        self.pinyin_hay = _Haystack(_pinyin_segment(r.pinyin) for r in docs)
        self.initials_hay = _Haystack(_initials_segment(r.initials) for r in docs)
        self.body_hay = _Haystack(" " + body_key(r.body).replace(_LINE, " ") for r in docs)
        self.category_doc: dict[str, int] = {}
        self.category_services: dict[str, list[int]] = {}
        for n, r in enumerate(docs):
            if r.kind == "category":
                self.category_doc[r.id] = n
            elif r.kind == "service" and r.category_id:
                self.category_services.setdefault(r.category_id, []).append(n)
        self.category_order = {cid: n for n, cid in enumerate(self.category_doc)}
        self.info = [result_group(r.kind) == "info" for r in docs]
        # a service and its places share one number: a service is listed once, as itself or as one place
        owners: dict[str, int] = {}
        self.owner = [owners.setdefault(r.id.partition(PLACE_SEP)[0], len(owners))
                      if r.kind in ("service", "place") else -1 for r in docs]
        # docs are in kind order, so the info group is one run at the end: once a group is full, scans skip it
        self.first_info = next((n for n, info in enumerate(self.info) if info), len(docs))
        assert not any(self.info[: self.first_info]) and all(self.info[self.first_info:])
        self._rows = rows
        self._lower: dict[int, str] = {}
        self.synonyms = [
            _Synonym(r.names, r.names_en, _pinyin_segment(r.pinyin),
                     frozenset(line.replace(" ", "") for line in r.pinyin.split(_LINE) if line[:1] != "~"),
                     frozenset(line for line in r.initials.split(_LINE) if line[:1] != "~"), r.category_id or "")
            for r in rows if r.kind == "synonym" and r.category_id
        ]

    # ---- the search itself ------------------------------------------------------------------

    def search(self, q: _Query, limit: int, info_limit: int = INFO_LIMIT, *, typo: bool = False) -> list[SearchHit]:
        """Main hits (at most ``limit``), then info hits (at most ``info_limit``), each best first.

        ``typo``: the query is a one-key variant, matched as a word only — names, pinyin, everyday
        words — not as initials or in descriptions (the two costliest scans, and a slip is not meant
        as either)."""
        hits: dict[int, tuple[float, str | None]] = {}  # doc → (score, snippet); insertion order = rank
        caps = (limit, max(0, info_limit))
        counts = [0, 0]  # main, info
        info, owner = self.info, self.owner
        listed: set[int] = set()  # services listed already (as themselves or as one of their places)

        def add(doc: int, score: float, snippet: str | None = None) -> bool:
            """Add ``doc`` if its group has room; True when both groups are full."""
            if doc not in hits and counts[info[doc]] < caps[info[doc]] and owner[doc] not in listed:
                hits[doc] = (score, snippet)
                counts[info[doc]] += 1
                if owner[doc] >= 0:
                    listed.add(owner[doc])
            return counts[0] >= caps[0] and counts[1] >= caps[1]

        seen = _Seen(hits, owner, listed)

        def tier(score: float, found: Iterable[int]) -> bool:
            return any(add(doc, score) for doc in found)

        def scans(hay: _Haystack, needles: Iterable[str], accept: Callable[[int], bool] | None = None,
                  within: Callable[[str], Sequence[int] | None] | None = None) -> list[int]:
            """``within``: the documents a needle can be in (None: any), to look only there."""
            merged: set[int] = set()
            groups = ((caps[0] - counts[0], (0, self.first_info)), (caps[1] - counts[1], (self.first_info, len(info))))
            for needle in needles:
                docs = within(needle) if within is not None else None
                for need, span in groups:  # each group in its own run of documents, up to its own room
                    if need > 0 and span[0] < span[1]:
                        merged.update(hay.scan(needle, need, seen, accept, span) if docs is None
                                      else hay.scan_docs(needle, docs, need, seen, accept, span))
            return sorted(merged)

        key, en = q.key, q.en
        exact = sorted({*self.exact.get(key, ()), *self.exact.get(en, ())})
        if tier(SCORES["exact"], exact):
            return self._hits(hits)
        prefix_needles_en = [_LINE + en] if en else []
        name_key_ = key if key and not typo else ""  # a variant is letters: English names and pinyin only
        if tier(SCORES["prefix"], sorted({*scans(self.name_hay, [_LINE + name_key_] if name_key_ else []),
                                          *scans(self.en_hay, prefix_needles_en)})):
            return self._hits(hits)
        if tier(SCORES["contains"], sorted({*scans(self.name_hay, [name_key_] if name_key_ else []),
                                            *scans(self.en_hay, [" " + en] if en else [])})):
            return self._hits(hits)

        splits, initials = _pinyin_needles(q)
        accept = self._has_chars(q.han) if q.mixed else None
        syllables = [_syllable_needle(s) for s in splits if self._may_occur(s)]
        if syllables:
            if tier(SCORES["pinyin_prefix"], scans(self.pinyin_hay, [_LINE + s for s in syllables], accept,
                                                     self._line_starts)):
                return self._hits(hits)
            if tier(SCORES["pinyin_contains"], scans(self.pinyin_hay, syllables, accept, self._token_docs)):
                return self._hits(hits)
        initials = [i for i in initials if self._initials_may_occur(i)] if initials and not typo else []
        if initials:
            if tier(SCORES["initials_prefix"], scans(self.initials_hay, [_LINE + i for i in initials], accept)):
                return self._hits(hits)
            if tier(SCORES["initials_contains"], scans(self.initials_hay, initials, accept)):
                return self._hits(hits)

        errand = self.errand(q)
        if counts[0] >= caps[0]:
            pass  # everyday words and errands give categories and services only: no room left for them
        elif errand is not None and errand.exact:  # the errand table, not the synonyms (see kiosk.core.search.errands)
            if errand.category_id is not None and tier(SCORES["synonym"],
                                                          self._errand_docs(errand, caps[0] - counts[0])):
                return self._hits(hits)
        else:
            for score, category_id in self._synonym_categories(q, splits):
                found = [self.category_doc[category_id]] if category_id in self.category_doc else []
                found.extend(self.category_services.get(category_id, ())[: limit * 2])
                if tier(score, found):
                    return self._hits(hits)

        text = "" if typo else q.body.strip()
        if text and (not text.isascii() or len(text) >= 2):
            # Latin text must start a word (so "ts" does not match "facilities"); Chinese matches anywhere.
            needle = " " + text if text.isascii() and text[:1].isalpha() else text
            for doc in scans(self.body_hay, [needle]):
                add(doc, SCORES["description"], self._snippet(doc, text))
        return self._hits(hits)

    def errand(self, q: _Query) -> Errand | None:
        """The errand word of the query, pointing only to categories with active listings."""
        return find_errand(q.key, q.en, self.category_services)

    def _errand_docs(self, errand: Errand, need: int) -> list[int]:
        """The category of an errand, then the listings the errand table says serve it (at most ``need``)."""
        cid = errand.category_id or ""
        docs = [self.category_doc[cid]] if cid in self.category_doc else []
        services = self.category_services.get(cid, ())
        if errand.whole:
            docs.extend(services[: need * 2])
        elif errand.names:
            docs.extend(itertools.islice(
                (d for d in services if any(word in self.names[d] for word in errand.names)), need * 2))
        return docs

    def typo_variant(self, letters: str) -> tuple[str, list[SearchHit]] | None:
        """The first one-key variant of ``letters`` that finds main hits, with its hits (capped)."""
        tries = 0
        for variant in one_key_variants(letters):
            if not self._plausible(variant):
                continue
            found = self.search(_analyse(variant), TYPO_LIMIT, 0, typo=True)
            if found:
                return variant, found
            tries += 1
            if tries >= TYPO_TRIES:
                break
        return None

    @cached_property
    def typo_vocabulary(self) -> tuple[frozenset[str], frozenset[tuple[str, str]], frozenset[str]]:
        """The syllables, the pairs of syllables that follow each other, and the English words of the
        names (readings in context; made on the first typo, or by :func:`warm_up`)."""
        syllables: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        words: set[str] = set()
        for r in self._rows:
            for line in r.pinyin.split(_LINE):
                if line[:1] != "~":
                    pieces = line.split()
                    syllables.update(pieces)
                    pairs.update(itertools.pairwise(pieces))
            for line in r.names_en.split(_LINE):
                words.update(w for w in line.split() if len(w) >= TYPO_MIN_LETTERS and w.isalpha())
        return frozenset(syllables), frozenset(pairs), frozenset(words)

    @cached_property
    def pinyin_next(self) -> dict[str, frozenset[str]]:
        """Syllable → the syllables that follow it somewhere in the pinyin haystack, as written there
        (``"Yang"`` → ``{"Lao", …}``); made on the first pinyin search, or by :func:`warm_up`."""
        nexts: dict[str, set[str]] = {}
        for first, second in set(_PAIR.findall(self.pinyin_hay.text)):
            nexts.setdefault(first, set()).add(second)
        return {first: frozenset(seconds) for first, seconds in nexts.items()}

    @cached_property
    def pinyin_starts(self) -> dict[str, list[int]]:
        """First syllable of a name line → the documents (in order) with a line starting so (``"Yang"`` →
        the documents with a name read yang…); made like :attr:`pinyin_next`."""
        firsts: dict[str, list[int]] = {}
        text, starts = self.pinyin_hay.text, self.pinyin_hay.starts
        for doc in range(len(starts) - 1):
            for first in set(_FIRST.findall(text, starts[doc], starts[doc + 1])):
                firsts.setdefault(first, []).append(doc)
        return firsts

    @cached_property
    def pinyin_tokens(self) -> dict[str, array[int]]:
        """Syllable → the documents (in order) whose pinyin has it as a whole syllable somewhere; made like
        :attr:`pinyin_next`."""
        tokens: dict[str, array[int]] = {}
        text, starts = self.pinyin_hay.text, self.pinyin_hay.starts
        for doc in range(len(starts) - 1):
            for token in set(_TOKEN.findall(text, starts[doc], starts[doc + 1])):
                docs = tokens.get(token)
                if docs is None:
                    docs = tokens[token] = array("i")
                docs.append(doc)
        return tokens

    def _token_docs(self, needle: str) -> Sequence[int] | None:
        """The documents a pinyin needle of two or more syllables (``"YangLao"``) can be in: those with its
        rarest whole syllable (all but the last, which may be unfinished); None when too many."""
        whole = _TOKEN.findall(needle)[:-1]
        if not whole:
            return None
        tokens = self.pinyin_tokens
        docs = min((tokens.get(t, _NO_DOCS) for t in whole), key=len)
        return docs if len(docs) <= _FEW_DOCS else None

    def _line_starts(self, needle: str) -> list[int] | None:
        """The documents a prefix needle (``"\nYangLao"``) can be in; None when too many to be worth it."""
        match = _FIRST.match(needle)
        if match is None or match.end() == len(needle):  # one piece: it may be the start of a longer syllable
            return None
        docs = self.pinyin_starts.get(match.group(1), [])
        return docs if len(docs) <= _FEW_DOCS else None

    @cached_property
    def initials_trigrams(self) -> frozenset[str]:
        """Every three letters side by side in a line of the initials haystack (made like :attr:`pinyin_next`)."""
        grams: set[str] = set()
        for line in self.initials_hay.text.replace(_DOC, _LINE).replace(_FRAGMENT, _LINE).split(_LINE):
            grams.update(line[i:i + 3] for i in range(len(line) - 2))
        return frozenset(grams)

    def _initials_may_occur(self, letters: str) -> bool:
        """False when ``letters`` occur in no line of the initials haystack (some three of them never do)."""
        grams = self.initials_trigrams
        return all(letters[i:i + 3] in grams for i in range(len(letters) - 2))

    def _may_occur(self, pieces: tuple[str, ...]) -> bool:
        """False when the syllables ``pieces`` occur nowhere in the pinyin haystack (so scanning for them is
        no use): some two of them never follow each other. Exact: True whenever they do occur (the last
        piece may be the start of a syllable)."""
        if len(pieces) < 2:
            return True
        caps = [p.capitalize() for p in pieces]
        nexts = self.pinyin_next
        if any(second not in nexts.get(first, ()) for first, second in itertools.pairwise(caps[:-1])):
            return False
        last, after = caps[-1], nexts.get(caps[-2], frozenset())
        return last in after or any(s.startswith(last) for s in after)

    def _plausible(self, word: str) -> bool:
        """Whether ``word`` can match at all: an English word of the names, or syllables that occur together."""
        syllables, pairs, words = self.typo_vocabulary
        if word in words:
            return True
        for pieces in segmentations(word, limit=2):  # whole syllables only: a slip is not an unfinished word
            if pieces[-1] in SYLLABLES and all(s in syllables for s in pieces) and all(
                    pair in pairs for pair in itertools.pairwise(pieces)):
                return True
        return False

    def _has_chars(self, chars: tuple[str, ...]) -> Callable[[int], bool]:
        def accept(doc: int) -> bool:
            names = self.name_hay.segment(doc)
            return all(ch in names for ch in chars)
        return accept

    def _synonym_categories(self, q: _Query, splits: list[tuple[str, ...]]) -> list[tuple[float, str]]:
        """Categories whose everyday words match the query, best match first."""
        best: dict[str, tuple[int, float]] = {}
        needles = [_LINE + _syllable_needle(s) for s in splits]
        for syn in self.synonyms:
            score = _synonym_score(syn, q, needles)
            if score is None:
                continue
            order = self.category_order.get(syn.category_id, len(self.category_order))
            if syn.category_id not in best or (-score, order) < (-best[syn.category_id][1], order):
                best[syn.category_id] = (order, score)
        ranked = sorted(best.items(), key=lambda item: (-item[1][1], item[1][0], item[0]))
        return [(score, cid) for cid, (_order, score) in ranked]

    def _snippet(self, doc: int, needle: str) -> str:
        body = self.bodies[doc].replace(_LINE, " ")
        lower = self._lower.get(doc)
        if lower is None:  # news sections are long: normalise each once
            lower = self._lower[doc] = body_key(body)
        source = body if len(lower) == len(body) else lower
        at = lower.find(needle)
        if at < 0:
            return source[:40]
        start, end = max(0, at - 12), min(len(source), at + len(needle) + 24)
        return ("…" if start > 0 else "") + source[start:end] + ("…" if end < len(source) else "")

    def _hits(self, hits: dict[int, tuple[float, str | None]]) -> list[SearchHit]:
        """The hits in rank order, the main group before the info group."""
        ordered = sorted(hits.items(), key=lambda item: self.info[item[0]])  # stable: rank within a group
        return [SearchHit(self.kinds[d], self.ids[d], self.names[d], self.names_en[d], self.category_ids[d],
                          score, snippet) for d, (score, snippet) in ordered]


def _synonym_score(syn: _Synonym, q: _Query, needles: list[str]) -> float | None:
    """How well an everyday word matches the query (None: not at all)."""
    if (syn.key and syn.key == q.key) or (syn.en and syn.en == q.en):
        return SCORES["synonym"]
    if q.letters and (q.letters in syn.full or (len(q.letters) >= 2 and q.letters in syn.initials)):
        return SCORES["synonym"]                               # kanbing, kb → 看病
    if len(syn.key) >= 2 and syn.key in q.key:
        return SCORES["synonym_partial"]                       # 我要看病 contains 看病
    if syn.en and len(q.en) >= 3 and f" {syn.en} " in f" {q.en} ":
        return SCORES["synonym_partial"]                       # "a doctor please"
    if ((q.han and not q.mixed) or len(q.key) >= 3) and len(q.key) >= 2 and syn.key.startswith(q.key):
        return SCORES["synonym_partial"]                       # still typing: 日间 → 日间照料, doc → doctor
    if q.letters and len(q.letters) >= 3 and any(n in syn.pinyin for n in needles):
        return SCORES["synonym_partial"]                       # kanbi… → 看病
    return None


def _rank(kind: str) -> int:
    return KIND_RANK.get(kind, 8)


def _pinyin_segment(pinyin: str) -> str:
    """``"yang lao\n~ she ou"`` → ``"\nYangLao\rSheOu"``: a capital starts every syllable, so a needle
    built the same way can only match at syllable starts; ``\r`` starts a fragment line (no prefix)."""
    if not pinyin:
        return ""
    return (_LINE + pinyin).title().replace(" ", "").replace(_LINE + "~", _FRAGMENT)


def _initials_segment(initials: str) -> str:
    if not initials:
        return ""
    return (_LINE + initials).replace(_LINE + "~", _FRAGMENT)


def _syllable_needle(pieces: tuple[str, ...]) -> str:
    return "".join(p.capitalize() for p in pieces)


# --------------------------------------------------------------------------------------------
# Loading, caching, the public functions

_CACHE_SIZE = 4
_cache: OrderedDict[int, tuple[sqlite3.Connection, str, _MemoryIndex]] = OrderedDict()


def _generation(conn: sqlite3.Connection) -> str:
    return content_generation(conn)


def _load(conn: sqlite3.Connection) -> _MemoryIndex:
    rows = [
        IndexRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11])
        for r in conn.execute(
            """SELECT i.kind, i.id, i.group_order, i.sort_order, i.category_id, i.name, i.name_en, i.names,
                      i.names_en, i.pinyin, i.initials, i.body
               FROM search_index i
               WHERE i.kind NOT IN ('service', 'place')
                  OR EXISTS (SELECT 1 FROM services s WHERE s.status = 'active' AND s.id =
                             CASE i.kind WHEN 'place' THEN substr(i.id, 1, instr(i.id, char(31)) - 1)
                                         ELSE i.id END)""")
    ]
    rows.extend(missing_rows(conn))
    return _MemoryIndex(rows)


def _index_for(conn: sqlite3.Connection) -> _MemoryIndex:
    generation = _generation(conn)
    cached = _cache.get(id(conn))
    if cached is not None and cached[0] is conn and cached[1] == generation:
        _cache.move_to_end(id(conn))
        return cached[2]
    index = _load(conn)
    _cache[id(conn)] = (conn, generation, index)  # holding conn keeps its id from being reused
    _cache.move_to_end(id(conn))
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return index


def warm_up(conn: sqlite3.Connection) -> None:
    """Load the in-memory index now (e.g. while the attract screen shows) rather than on the first search,
    with what one-key typo correction needs."""
    index = _index_for(conn)
    _ = index.typo_vocabulary, index.pinyin_next, index.pinyin_starts, index.pinyin_tokens, index.initials_trigrams


def search(conn: sqlite3.Connection, query: str, *, limit: int = 50, info_limit: int = INFO_LIMIT) -> list[SearchHit]:
    """Ranked hits for ``query``: :attr:`SearchOutcome.hits` of :func:`find`, at most ``limit`` in all
    (services first, so the figures and news are the ones left out); ``[]`` for none.

    Never raises for any query text. See the module docstring for what matches and how it ranks.
    """
    return find(conn, query, limit=limit, info_limit=info_limit).hits[: max(0, limit)]


def find(conn: sqlite3.Connection, query: str, *, limit: int = 50, info_limit: int = INFO_LIMIT) -> SearchOutcome:
    """Hits for ``query`` — at most ``limit`` categories, services and hotlines, then at most
    :data:`TYPO_LIMIT` hits of a one-key variant when those were few, then at most ``info_limit``
    figures and news — with the query's errand word and the variant used, if any.
    """
    if limit <= 0 or not isinstance(query, str):
        return SearchOutcome([])
    q = _analyse(query)
    if not q.key and not q.en:
        return SearchOutcome([])
    index = _index_for(conn)
    if q.mixed:  # 养lao: the readings of 养, from the database (kiosk.core.search.pinyin_store)
        q = replace(q, readings=chars_readings(conn, q.han))
    hits = index.search(q, limit, min(info_limit, limit))
    errand = index.errand(q)
    main = [h for h in hits if h.group == "main"]
    corrected = None
    if errand is None and len(main) < TYPO_BELOW and len(q.letters) >= TYPO_MIN_LETTERS:
        found = index.typo_variant(q.letters)
        if found is not None:
            corrected, typo_hits = found
            seen = {(h.kind, h.id) for h in hits} | {("service", h.service_id) for h in hits if h.service_id}
            extra = [replace(h, score=SCORES["typo"]) for h in typo_hits
                     if (h.kind, h.id) not in seen and ("service", h.service_id) not in seen]
            hits = [*main, *extra[: max(0, limit - len(main))], *(h for h in hits if h.group != "main")]
    return SearchOutcome(hits, errand, corrected)


def normalise_miss(query: str) -> str:
    """The form a zero-result query is recorded in: white space collapsed, every run of 3+ digits (a phone
    or ID number) masked as ``•••`` (:func:`kiosk.core.masking.mask_digits`), at most 100 characters."""
    text = query.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be stored
    return mask_digits(body_text(text))[:MAX_MISS_CHARS].strip()


def record_miss(conn: sqlite3.Connection, query: str, day: date) -> bool:
    """Count one search with no result: (day, query text, count) — nothing about the person; digit runs
    are masked before anything is stored, so a phone or ID number typed into the search never is.

    Returns False when nothing was recorded: an empty query, or a read-only database (the
    bundled fallback), which is not an error for the resident.
    """
    text = normalise_miss(query)
    if not text:
        return False
    try:
        conn.execute(
            """INSERT INTO search_misses(day, query, count) VALUES (?, ?, 1)
               ON CONFLICT(day, query) DO UPDATE SET count = count + 1""",
            (day.isoformat(), text))
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            return False
        raise
    return True
