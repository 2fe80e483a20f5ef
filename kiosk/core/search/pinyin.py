"""Pinyin for search: readings of indexed text, and splitting typed letters into syllables.

Two directions:

* **Indexing** (needs :mod:`pypinyin`, imported lazily): :func:`readings` turns a name into its
  syllables as pypinyin reads them in context (so 银行 is *yin hang*), plus short fragments in
  which every other reading of every multi-reading character appears (区 *qu*/*ou*, 长
  *chang*/*zhang*), capped at :data:`MAX_VARIANTS`.
* **Querying** (pure Python, no pypinyin): :func:`segmentations` splits typed letters such as
  ``yanglao`` into syllables (``yang lao``). Every piece must be a whole syllable except the last,
  which may be the start of one, because residents type a syllable at a time (``yangl`` already
  finds 养老). Mixed input such as ``养lao`` needs the readings of its Chinese characters:
  :func:`char_readings` (pypinyin again, imported on first use).

Tones are ignored; ü is written ``v`` as on every pinyin keyboard (绿 → ``lv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_VARIANTS = 24
"""At most this many fragments with other readings are indexed per name."""

MAX_QUERY_LETTERS = 48
"""Longer letter runs are not split into syllables (no name is that long in pinyin)."""

MAX_SEGMENTATIONS = 12
"""At most this many ways of splitting a query are tried (fewest syllables first)."""

# Standard toneless Mandarin syllables (from pypinyin's dictionary; the interjections m, n, ng,
# hm, hng and ê are left out so that they do not split ordinary input in odd places).
_SYLLABLE_LIST = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai can cang cao
ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun
chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die din ding diu
dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei
gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke
kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang
liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie
min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu
nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian
qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting
tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong
xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen
zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi
zong zou zu zuan zui zun zuo
"""
SYLLABLES: frozenset[str] = frozenset(_SYLLABLE_LIST.split())

SYLLABLE_PREFIXES: frozenset[str] = frozenset(s[:n] for s in SYLLABLES for n in range(1, len(s) + 1))
"""Every non-empty start of a syllable (``z``, ``zh``, ``zha``, ``zhan``, ``zhang`` …)."""

_LONGEST = max(len(s) for s in SYLLABLES)

_HAN_CLASS = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
_HAN = re.compile(_HAN_CLASS)
_HAN_RUNS = re.compile(f"({_HAN_CLASS}+)")
_ALNUM_TOKENS = re.compile(r"[^\W_]+")


def is_han(ch: str) -> bool:
    """True for a Chinese character (CJK unified ideographs, extension A/B…, compatibility)."""
    return bool(_HAN.fullmatch(ch))


def han_runs(text: str | None) -> list[str]:
    """The runs of Chinese characters in ``text`` (``"12349智慧养老 平台"`` → ``["智慧养老", "平台"]``)."""
    return _HAN_RUNS.findall(text or "")


def segmentations(letters: str, *, limit: int = MAX_SEGMENTATIONS) -> list[tuple[str, ...]]:
    """Ways to read ``letters`` as pinyin syllables with the fewest pieces, as an input method does.

    Every piece but the last is a whole syllable; the last is a whole syllable or the start
    of one (``"yangl"`` → ``[("yang", "l")]``). Only the splits with the fewest pieces are kept:
    ``"xian"`` → ``[("xian",)]``, not also 西安's ``xi an`` — each extra split is one more scan of
    the index on every keystroke, and residents type initials (``xa``) for such names anyway.
    Returns ``[]`` when the letters cannot be pinyin (``"library"``), are empty, are not all a–z,
    or are longer than :data:`MAX_QUERY_LETTERS`.
    """
    if not letters or len(letters) > MAX_QUERY_LETTERS or not letters.isascii() or not letters.isalpha():
        return []
    letters = letters.lower()
    found: list[tuple[str, ...]] = []
    budget = [2000]  # bound on the search itself, whatever the input

    def walk(start: int, pieces: tuple[str, ...]) -> None:
        if budget[0] <= 0 or len(found) >= limit * 4:
            return
        budget[0] -= 1
        rest = letters[start:]
        if rest in SYLLABLE_PREFIXES:
            found.append((*pieces, rest))
        for end in range(min(len(letters), start + _LONGEST), start, -1):
            piece = letters[start:end]
            if end < len(letters) and piece in SYLLABLES:
                walk(end, (*pieces, piece))

    walk(0, ())
    unique = list(dict.fromkeys(found))
    if not unique:
        return []
    fewest = min(len(u) for u in unique)
    return [u for u in unique if len(u) == fewest][:limit]


@lru_cache(maxsize=8192)
def char_readings(ch: str) -> tuple[str, ...]:
    """All toneless readings of one Chinese character, most common first (``()`` if none)."""
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(r for r in (readings[0] if readings else []) if r.isascii() and r.isalpha()))


def _segments(text: str) -> list[list[str]]:
    """Readings per piece of ``text``: one list per Chinese character, one per letter/digit token."""
    from pypinyin import Style, pinyin

    out: list[list[str]] = []
    for n, run in enumerate(_HAN_RUNS.split(text)):
        if not run:
            continue
        if n % 2:  # a run of Chinese characters
            in_context = pinyin(run, style=Style.NORMAL, heteronym=True, errors="ignore")
            if len(in_context) != len(run):  # defensive: never misalign characters and readings
                in_context = [[] for _ in run]
            for ch, context in zip(run, in_context, strict=True):
                readings = list(dict.fromkeys([*(r for r in context if r.isascii() and r.isalpha()),
                                               *char_readings(ch)]))
                if readings:
                    out.append(readings)
        else:
            out.extend([token.lower()] for token in _ALNUM_TOKENS.findall(run))
    return out


@dataclass(frozen=True)
class Readings:
    """The readings of one name: the reading in context, and short fragments with other readings.

    ``default`` is the whole name as pypinyin reads it in context. Each of ``fragments`` is a
    window of up to :data:`WINDOW` syllables either side of one character read another way
    (社区 → ``she ou`` beside ``she qu``), so typing any reading of any character finds the name
    without indexing every combination of readings of a long name.
    """

    default: tuple[str, ...]
    fragments: tuple[tuple[str, ...], ...]


WINDOW = 2
"""Syllables kept either side of an alternative reading in a fragment."""


def readings(text: str, *, limit: int = MAX_VARIANTS) -> Readings | None:
    """The :class:`Readings` of ``text`` (``None`` when it has no letters, digits or characters).

    Letters and digits in the text are kept as their own lower-case tokens (``“12349”平台`` →
    ``12349 ping tai``).
    """
    segments = _segments(text)
    if not segments:
        return None
    default = tuple(options[0] for options in segments)
    fragments: dict[tuple[str, ...], None] = {}
    for i, options in enumerate(segments):
        for alternative in options[1:]:
            if len(fragments) >= limit:
                break
            lo, hi = max(0, i - WINDOW), min(len(default), i + WINDOW + 1)
            fragments[(*default[lo:i], alternative, *default[i + 1:hi])] = None
    return Readings(default, tuple(fragments))


def initials_of(syllables: tuple[str, ...] | list[str]) -> str:
    """First letters of the syllables; digit tokens are kept whole (``12349 zhi hui`` → ``12349zh``)."""
    return "".join(s if s.isdigit() else s[:1] for s in syllables)
