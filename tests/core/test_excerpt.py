"""News card excerpts: English cut at a word boundary with "…", Chinese at the limit (kiosk.core.content.excerpt)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.content.excerpt import excerpt

TEXT = "Shangjie district built 28 elderly-care facilities covering eighty-eight percent of communities"


def test_english_is_cut_between_words() -> None:
    short = excerpt(TEXT, 60)
    assert short.endswith("…") and len(short) <= 60
    head = short.removesuffix("…")
    assert TEXT.startswith(head) and TEXT[len(head)] == " "  # the next character is a space: no word cut


def test_short_text_is_left_alone_and_chinese_is_cut_at_the_limit() -> None:
    assert excerpt("Open now", 90) == "Open now"
    chinese = "九月的郑州天高云淡秋意渐浓走进位于上街区奥克斯小微企业园的郑州凯思达机械有限公司"
    assert excerpt(chinese, 10) == chinese[:9] + "…"


@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=30),
       st.integers(min_value=2, max_value=200))
def test_never_longer_than_the_limit_and_never_mid_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    short = excerpt(text, limit)
    assert len(short) <= max(limit, 2)
    if short != text:
        head = short.removesuffix("…")
        assert text.startswith(head)
        assert head == "" or len(head) == len(text) or text[len(head)] == " " or " " not in text[:limit]
