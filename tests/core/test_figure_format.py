"""Figure.parts/display: numbers written the way readers of each language write them."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.core.models import Figure, SourceRef
from kiosk.core.queries import list_figures

SRC = SourceRef("s", "t", 2021, "q")


def fig(value: float, unit: str, unit_en: str, qualifier: str | None = None) -> Figure:
    return Figure("x", "t", "l", "l", value, unit, unit_en, qualifier, None, None, None, None, SRC)


@pytest.mark.parametrize(("figure", "zh", "en"), [
    (fig(13.7, "万人", "×10,000 people"), "13.7万人", "137,000 people"),
    (fig(165.5, "亿元", "×100 million yuan"), "165.5亿元", "16.55 billion yuan"),
    (fig(120, "万元", "×10,000 yuan", "近"), "近120万元", "nearly 1.2 million yuan"),
    (fig(50, "家", "enterprises", "多"), "50多家", "over 50 enterprises"),
    (fig(2500, "万吨", "×10,000 tonnes", "以上"), "2500万吨以上", "over 25 million tonnes"),
    (fig(88, "%", "%"), "88%", "88%"),
    (fig(0.4, "", ""), "0.4", "0.4"),
])
def test_display_in_both_languages(figure: Figure, zh: str, en: str) -> None:
    """Chinese keeps 万/亿 and the qualifier's place; English spells the multiple out."""
    assert figure.display("zh") == zh
    assert figure.display("en") == en


def test_every_seed_figure_has_a_display_in_both_languages(seed_conn: Any) -> None:
    """No figure of the data formats to an empty string or leaks a ×10,000 unit into English."""
    for f in list_figures(seed_conn):
        assert f.display("zh") and f.display("en"), f.id
        assert "×" not in f.display("en"), f.id
