"""Errand words: what a resident types for an errand, and which category of this terminal serves it.

Residents search for the errand, not for the name of the office: 身份证, 社保, 看病, 借书, 药店. This
table says, for each such word, which category of listings to look in — or that this terminal lists
nothing for it (药店, 派出所, 公交 …), so the search screen says so plainly and offers 12345 instead of
a page of unrelated listings. It is vocabulary, not facts: no name, address, phone or opening hours
is in it, only category ids of ``seeds/categories.toml``.

Each entry also says which listings of the category to show with the suggestion:

- ``whole=True``: every listing of the category serves the errand (看病 → every clinic);
- ``names=(…)``: only listings whose name contains one of these words (借书 → names with 书);
- neither: the category is the right place to look, but no listing is *about* the errand
  (身份证 → 政务服务), so none is claimed to be — the resident gets the category, not, say,
  个体工商户开办 just because it is a government service.

A word never points to a category without listings: :func:`find_errand` is given the categories
that have listings and turns any other into "nothing here" (``category_id=None``).

    errand = find_errand("我要办身份证", "", listed={"government", "health"})
    errand.word, errand.category_id   # ("身份证", "government")
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

__all__ = ["ERRANDS", "ERRANDS_EN", "Errand", "ErrandEntry", "find_errand"]


@dataclass(frozen=True)
class ErrandEntry:
    """Where one errand word leads: a category id (None: nothing on this terminal), and which listings."""

    category_id: str | None
    whole: bool = False
    names: tuple[str, ...] = ()


_GOV = ErrandEntry("government")          # the government services category; no listing is about it
_HEALTH = ErrandEntry("health", whole=True)
_BOOKS = ErrandEntry("culture", names=("书", "图书"))
_SPORTS = ErrandEntry("sports", whole=True)
_ELDERLY = ErrandEntry("elderly")
_NOTHING = ErrandEntry(None)

ERRANDS: dict[str, ErrandEntry] = {
    # papers and benefits: the government services category
    "身份证": _GOV, "办身份证": _GOV, "户口": _GOV, "户籍": _GOV, "社保": _GOV, "社保卡": _GOV, "医保": _GOV,
    "医保卡": _GOV, "养老金": _GOV, "退休金": _GOV, "低保": _GOV, "残疾证": _GOV, "残疾人证": _GOV,
    "营业执照": ErrandEntry("government", names=("工商户",)),
    # elderly residents' cards: the elderly-care category
    "老年卡": _ELDERLY, "老年证": _ELDERLY, "老年优待证": _ELDERLY, "敬老卡": _ELDERLY,
    # seeing a doctor: every health listing
    "看病": _HEALTH, "看医生": _HEALTH, "挂号": _HEALTH, "打疫苗": _HEALTH, "打针": _HEALTH, "体检": _HEALTH,
    "量血压": _HEALTH,
    # books: the listings named for books
    "借书": _BOOKS, "还书": _BOOKS, "看书": _BOOKS, "读书": _BOOKS,
    # exercise: every sports listing
    "健身": _SPORTS, "锻炼": _SPORTS, "运动": _SPORTS,
    # nothing on this terminal: say so, offer 12345
    "药店": _NOTHING, "药房": _NOTHING, "派出所": _NOTHING, "警察": _NOTHING, "公交": _NOTHING,
    "公交车": _NOTHING, "坐公交": _NOTHING, "地铁": _NOTHING, "居委会": _NOTHING, "银行": _NOTHING,
    "邮局": _NOTHING, "超市": _NOTHING, "菜市场": _NOTHING,
}
"""Chinese errand words (compared in :func:`kiosk.core.search.index.name_key` form)."""

ERRANDS_EN: dict[str, ErrandEntry] = {
    "id card": _GOV, "identity card": _GOV, "social security": _GOV, "medical insurance": _GOV,
    "pension": _GOV, "hukou": _GOV, "disability card": _GOV, "business license": ErrandEntry(
        "government", names=("工商户",)),
    "senior card": _ELDERLY,
    "doctor": _HEALTH, "see a doctor": _HEALTH, "vaccine": _HEALTH, "vaccination": _HEALTH,
    "borrow books": _BOOKS,
    "exercise": _SPORTS, "fitness": _SPORTS,
    "pharmacy": _NOTHING, "drugstore": _NOTHING, "police": _NOTHING, "police station": _NOTHING, "bus": _NOTHING,
    "metro": _NOTHING, "bank": _NOTHING, "post office": _NOTHING, "supermarket": _NOTHING,
}
"""English errand words (compared in :func:`kiosk.core.search.index.english_key` form)."""


@dataclass(frozen=True)
class Errand:
    """The errand word found in a query, and where it leads on this terminal."""

    word: str
    category_id: str | None
    """The category to suggest; None when this terminal lists nothing for the errand."""
    exact: bool
    """The query is the errand word itself (not a sentence containing it)."""
    whole: bool = False
    names: tuple[str, ...] = ()


def find_errand(key: str, en: str, listed: Container[str]) -> Errand | None:
    """The errand of a query (``key``: its name_key form, ``en``: its english_key form), or None.

    The whole query first, then the longest errand word it contains (我要办身份证 → 身份证; "where
    is the bus" → bus). ``listed`` holds the ids of categories that have at least one listing; an
    entry whose category is not among them is "nothing here".
    """
    found: tuple[str, ErrandEntry, bool] | None = None
    if key in ERRANDS:
        found = (key, ERRANDS[key], True)
    elif en in ERRANDS_EN:
        found = (en, ERRANDS_EN[en], True)
    elif key and not key.isascii():
        words = [w for w in ERRANDS if len(w) >= 2 and w in key]
        if words:
            word = max(words, key=len)
            found = (word, ERRANDS[word], False)
    elif en and " " in en.strip():
        padded = f" {en} "
        words = [w for w in ERRANDS_EN if f" {w} " in padded]
        if words:
            word = max(words, key=len)
            found = (word, ERRANDS_EN[word], False)
    if found is None:
        return None
    word, entry, exact = found
    category = entry.category_id if entry.category_id is not None and entry.category_id in listed else None
    return Errand(word, category, exact, entry.whole if category else False, entry.names if category else ())
