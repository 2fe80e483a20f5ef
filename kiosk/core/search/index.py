"""The search index: one row per searchable thing, kept in the ``search_index`` table.

Why a table of its own: SQLite's FTS5 ``trigram`` tokenizer cannot match Chinese queries of one or
two characters (and on SQLite 3.40 ``LIKE`` on a trigram table returns nothing for them), and pinyin
has to be worked out with :mod:`pypinyin`, which is too slow to run over every listing at start-up.
So :func:`reindex` writes, per service / category / hotline / figure / news section (and per
synonym word), the normalised names, their full pinyin and initials (all readings) and the
description text. ``kiosk build-db`` fills it; the worker tools call :func:`reindex` after a change.

:mod:`kiosk.core.search.ranking` loads the rows once per connection into large strings and searches them
with ``str.find`` (see that module). Rows of the table::

    kind         service | place | category | hotline | figure | news | synonym
    id           the thing's id (the word itself for a synonym; "<service>\x1f<place>" for a place)
    kind_rank, group_order, sort_order   the stable order ties are broken by
    category_id  the category a hit belongs to (services, categories, synonyms; hotlines of a service)
    name, name_en                        display names ("地点名 — 服务名" for a place)
    names        normalised names, one per line (name, alternate name, hotline number; a place's
                 name and address)
    names_en     normalised English names, one per line
    pinyin       one line per name, syllables separated by spaces (the reading in context), then
                 lines "~ …" with short fragments holding the other readings of characters
    initials     the same lines as initials ("sqylfwss", "~sou")
    body         description text (Chinese, then English), white space collapsed
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kiosk.core.search import pinyin_store
from kiosk.core.search.pinyin import initials_of, readings

KIND_RANK = {"category": 0, "service": 1, "place": 1, "hotline": 2, "figure": 3, "news": 4, "synonym": 9}
"""Ties between equally good hits are broken by kind (in this order), then by display order. A place
ranks with services: in the service's display order, right after the service itself."""

PLACE_SEP = "\x1f"
"""Joins the service id and the place (location) id in a place row's id: ``"<service>\\x1f<place>"``
(a place may serve several services; each pair is a result of its own)."""

GENERATION_KEY = "search_index_generation"
"""``meta`` key bumped by every :func:`reindex`, so cached in-memory indexes know to reload."""

_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def name_key(text: str | None) -> str:
    """Canonical form for matching names: NFKC, case-folded, letters/digits/characters only.

    ``“12349”智慧养老`` → ``12349智慧养老``; ``Ｌｉｂｒａｒｙ`` → ``library``.
    """
    if not text:
        return ""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def english_key(text: str | None) -> str:
    """Canonical form for English words: NFKC, case-folded, punctuation → single spaces."""
    if not text:
        return ""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def body_text(text: str | None) -> str:
    """Description text as stored and shown in snippets: white space collapsed to single spaces."""
    if not text:
        return ""
    return _SPACES.sub(" ", text).strip()


def body_key(text: str) -> str:
    """Description text as matched: NFKC (full-width digits and letters → ASCII), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class IndexRow:
    kind: str
    id: str
    group_order: int
    sort_order: int
    category_id: str | None
    name: str
    name_en: str | None
    names: str
    names_en: str
    pinyin: str
    initials: str
    body: str

    def values(self) -> tuple[object, ...]:
        return (self.kind, self.id, KIND_RANK[self.kind], self.group_order, self.sort_order, self.category_id,
                self.name, self.name_en, self.names, self.names_en, self.pinyin, self.initials, self.body)


COLUMNS = ("kind", "id", "kind_rank", "group_order", "sort_order", "category_id", "name", "name_en", "names",
           "names_en", "pinyin", "initials", "body")


def make_row(kind: str, ident: str, *, names: Sequence[str | None], names_en: Sequence[str | None],
             bodies: Sequence[str | None], category_id: str | None = None, group_order: int = 0,
             sort_order: int = 0) -> IndexRow:
    """Build one index row; ``names[0]`` is the display name (needs :mod:`pypinyin`)."""
    keys = list(dict.fromkeys(k for k in (name_key(n) for n in names) if k))
    en_keys = list(dict.fromkeys(k for k in (english_key(n) for n in names_en) if k))
    pinyin_lines: list[str] = []
    initial_lines: list[str] = []
    fragment_lines: list[str] = []
    fragment_initials: list[str] = []
    for name in names:
        if not name:
            continue
        found = readings(unicodedata.normalize("NFKC", name))
        if found is None:
            continue
        pinyin_lines.append(" ".join(found.default))
        initial_lines.append(initials_of(found.default))
        fragment_lines.extend("~ " + " ".join(fragment) for fragment in found.fragments)
        fragment_initials.extend("~" + initials_of(fragment) for fragment in found.fragments)
    body = "\n".join(b for b in (body_text(x) for x in bodies) if b)
    return IndexRow(
        kind=kind, id=ident, group_order=group_order, sort_order=sort_order, category_id=category_id,
        name=names[0] or "", name_en=names_en[0] if names_en else None,
        names="\n".join(keys), names_en="\n".join(en_keys),
        pinyin="\n".join(dict.fromkeys([*pinyin_lines, *fragment_lines])),
        initials="\n".join(dict.fromkeys([*initial_lines, *fragment_initials])),
        body=body,
    )


def _in(ids: Sequence[str] | None, column: str) -> tuple[str, list[str]]:
    if ids is None:
        return "", []
    return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]


def service_rows(conn: sqlite3.Connection, ids: Sequence[str] | None = None) -> Iterable[IndexRow]:
    """Index rows of active services (all, or those with the given ids)."""
    where, params = _in(ids, "s.id")
    for r in conn.execute(
        f"""SELECT s.id, s.category_id, s.name, s.name_en, s.alternate_name, s.description, s.description_en,
                   s.sort_order, c.sort_order AS category_order
            FROM services s JOIN categories c ON c.id = s.category_id
            WHERE s.status = 'active'{where}""", params):
        yield make_row("service", r["id"], names=[r["name"], r["alternate_name"]], names_en=[r["name_en"]],
                       bodies=[r["description"], r["description_en"], *_place_texts(conn, r["id"])],
                       category_id=r["category_id"], group_order=r["category_order"], sort_order=r["sort_order"])


def place_id(service_id: str, location_id: str) -> str:
    """The index id of one place of one service."""
    return f"{service_id}{PLACE_SEP}{location_id}"


def split_place_id(ident: str) -> tuple[str, str]:
    """(service id, place id) of a place row's id."""
    service_id, _sep, location_id = ident.partition(PLACE_SEP)
    return service_id, location_id


def place_title(place: str, service: str) -> str:
    """How a place result is named: ``"测试邻里驿站 — 社区养老服务设施"``."""
    return f"{place} — {service}" if service and place != service else place


def place_rows(conn: sqlite3.Connection, ids: Sequence[str] | None = None) -> Iterable[IndexRow]:
    """Index rows of the active places of active services (all, or those of the given service ids).

    A place is found by its name and address (Chinese, pinyin, initials; English name and address),
    not by its description: that is the service's. Retired places have no row."""
    where, params = _in(ids, "s.id")
    for r in conn.execute(
        f"""SELECT s.id AS service_id, s.category_id, s.name AS service_name, s.name_en AS service_name_en,
                   s.sort_order, c.sort_order AS category_order,
                   l.id AS location_id, l.name, l.name_en, l.address, l.address_en
            FROM services s JOIN categories c ON c.id = s.category_id
            JOIN service_at_location sl ON sl.service_id = s.id
            JOIN locations l ON l.id = sl.location_id
            WHERE s.status = 'active' AND l.status = 'active'{where}""", params):
        name = r["name"] or r["address"] or ""
        if not name:
            continue
        row = make_row("place", place_id(r["service_id"], r["location_id"]),
                       names=[name, r["address"]], names_en=[r["name_en"], r["address_en"]], bodies=[],
                       category_id=r["category_id"], group_order=r["category_order"], sort_order=r["sort_order"])
        place_en = r["name_en"] or r["address_en"] or name
        yield replace(row, name=place_title(name, r["service_name"]),
                      name_en=place_title(place_en, r["service_name_en"] or r["service_name"]))


def _place_texts(conn: sqlite3.Connection, service_id: str) -> list[str]:
    """What residents search a service's places by: names, addresses and communities (``济源路``, ``峡窝镇``)."""
    texts: list[str] = []
    for loc in conn.execute(
            """SELECT l.name, l.name_en, l.address, l.address_en, l.community FROM locations l
               JOIN service_at_location sl ON sl.location_id = l.id
               WHERE sl.service_id = ? AND l.status = 'active'""", (service_id,)):
        texts.extend(t for t in loc if t)
    return texts


def other_rows(conn: sqlite3.Connection) -> Iterable[IndexRow]:
    """Index rows of categories, hotlines, figures, news sections and synonym words."""
    for r in conn.execute("SELECT * FROM categories"):
        yield make_row("category", r["id"], names=[r["name"]], names_en=[r["name_en"]],
                       bodies=[r["description"], r["description_en"]], category_id=r["id"],
                       sort_order=r["sort_order"])
    for r in conn.execute(
            "SELECT h.*, s.category_id FROM hotlines h LEFT JOIN services s ON s.id = h.service_id"):
        yield make_row("hotline", r["number"], names=[r["name"], r["number"]], names_en=[r["name_en"]],
                       bodies=[r["note"], r["note_en"]], category_id=r["category_id"], sort_order=r["sort_order"])
    for r in conn.execute("SELECT * FROM figures"):
        value = f"{r['value']:.10g}"
        yield make_row("figure", r["id"], names=[r["label"]], names_en=[r["label_en"]],
                       bodies=[r["topic"], f"{value}{r['unit'] or ''}", r["qualifier"], r["unit_en"]],
                       sort_order=r["sort_order"])
    for r in conn.execute("SELECT * FROM news"):
        yield make_row("news", r["id"], names=[r["title"]], names_en=[r["title_en"]],
                       bodies=[r["body"], r["summary_en"]], sort_order=r["sort_order"])
    for r in conn.execute("SELECT word, category_id FROM synonyms"):
        yield make_row("synonym", r["word"], names=[r["word"]], names_en=[r["word"]], bodies=[],
                       category_id=r["category_id"])


def content_generation(conn: sqlite3.Connection) -> str:
    """A counter that changes whenever the searchable content changes (every re-index: a worker's save,
    an import, a content update). What is derived from the content — the search index in memory, the
    search screen's categories and hotlines — is kept until this changes, then made again."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (GENERATION_KEY,)).fetchone()
    return str(row[0]) if row else "0"


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute(
        """INSERT INTO meta(key, value) VALUES (?, '1')
           ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)""",
        (GENERATION_KEY,))


def _insert(conn: sqlite3.Connection, rows: Iterable[IndexRow]) -> None:
    marks = ", ".join("?" * len(COLUMNS))
    conn.executemany(f"INSERT OR REPLACE INTO search_index ({', '.join(COLUMNS)}) VALUES ({marks})",
                     (row.values() for row in rows))


def reindex(conn: sqlite3.Connection, service_ids: Sequence[str] | None = None) -> None:
    """Bring the search index in step with the tables.

    ``service_ids=None`` rebuilds everything (``kiosk build-db`` does this). With a list of ids,
    only those services are re-indexed: a new or edited listing gets its fresh row, a retired,
    inactive or deleted one loses its row. The generation counter in ``meta`` goes up, so every
    connection's in-memory copy reloads on its next search. Runs in a savepoint, so it works inside or outside the
    caller's transaction and leaves nothing half-done.
    """
    conn.execute("SAVEPOINT search_reindex")
    try:
        if service_ids is None:
            conn.execute("DELETE FROM search_index")
            _insert(conn, other_rows(conn))
            _insert(conn, service_rows(conn))
            _insert(conn, place_rows(conn))
            pinyin_store.store_all(conn)
        else:
            ids = list(dict.fromkeys(service_ids))
            conn.execute("DELETE FROM search_index WHERE kind = 'service' AND id IN (SELECT value FROM json_each(?))",
                         (json.dumps(ids),))
            conn.execute(f"""DELETE FROM search_index WHERE kind = 'place'
                             AND substr(id, 1, instr(id, '{PLACE_SEP}') - 1) IN (SELECT value FROM json_each(?))""",
                         (json.dumps(ids),))
            _insert(conn, service_rows(conn, ids))
            _insert(conn, place_rows(conn, ids))
            pinyin_store.store_services(conn, ids)
        _bump_generation(conn)
    except BaseException:
        conn.execute("ROLLBACK TO search_reindex")
        conn.execute("RELEASE search_reindex")
        raise
    conn.execute("RELEASE search_reindex")


def missing_rows(conn: sqlite3.Connection) -> list[IndexRow]:
    """Rows for things that have no index row yet (added without :func:`reindex`): made in memory."""
    rows: list[IndexRow] = []
    missing = [r[0] for r in conn.execute(
        """SELECT s.id FROM services s
           WHERE s.status = 'active'
             AND NOT EXISTS (SELECT 1 FROM search_index i WHERE i.kind = 'service' AND i.id = s.id)""")]
    if missing:
        rows.extend(service_rows(conn, missing))
        rows.extend(place_rows(conn, missing))
    if not conn.execute("SELECT 1 FROM search_index WHERE kind = 'place' LIMIT 1").fetchone():
        indexed = [r[0] for r in conn.execute("SELECT id FROM search_index WHERE kind = 'service'")]
        rows.extend(place_rows(conn, indexed))  # an index written before places were indexed
    indexed_other = conn.execute("SELECT COUNT(*) FROM search_index WHERE kind != 'service'").fetchone()[0]
    if indexed_other == 0:
        rows.extend(other_rows(conn))
    return rows
