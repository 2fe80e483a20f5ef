"""District figures: grouped into the right charts, every figure shown with its source."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.core.queries import list_figures
from kiosk.ui.screens.figures import TOPIC_GROUPS, chart_kind, group_figures, split_label, split_prefix
from kiosk.ui.widgets.charts import BarChart, PairChart, RingGauge, StackedChart


def test_chart_groups_get_the_right_kind(seed_conn: Any) -> None:
    """Industry structure is stacked 2015 vs 2020, population is a before → after pair, city upgrades bars."""
    groups, _singles = group_figures(list_figures(seed_conn))
    assert chart_kind(groups["industry-structure"]) == "stacked"
    assert chart_kind(groups["population"]) == "pair"
    assert chart_kind(groups["high-tech-enterprises"]) == "pair"
    assert chart_kind(groups["city-upgrades"]) == "bars"


def test_labels_split_into_title_and_series() -> None:
    """The label's bracket and prefix give the chart title and the bar's name, in both languages."""
    assert split_label("常住人口（此前）") == ("常住人口", "此前")
    assert split_label("Resident population (before)") == ("Resident population", "before")
    assert split_prefix("三次产业结构：第一产业（2015年）") == ("三次产业结构", "第一产业（2015年）")


def test_every_figure_appears_under_one_topic_chip(qtbot: Any, window: Any, seed_conn: Any) -> None:
    """Across the chips every figure of the data is drawn exactly once, each card with a 来源 line."""
    window.nav.home()
    window.nav.push("figures")
    screen = window.nav.current()
    seen: list[str] = []
    kinds: set[type] = set()
    for key, _topics in TOPIC_GROUPS:
        qtbot.mouseClick(screen.chips.chips[key], Qt.MouseButton.LeftButton)
        assert screen.topic == key
        seen += [f.id for f in screen.topic_figures()]
        kinds |= {type(c) for c in screen.charts}
        for card in screen.cards:
            assert card.source.plain_text().startswith("来源："), card.objectName()
        assert "摘自《上街：打造" in screen.footer.plain_text()
    assert sorted(seen) == sorted(f.id for f in list_figures(seed_conn))
    assert {BarChart, PairChart, StackedChart, RingGauge} <= kinds


def test_population_chart_shows_both_numbers(window: Any) -> None:
    """13.7万 → 19.7万 as two bars with their values (English: 137,000 → 197,000 people)."""
    window.nav.home()
    window.nav.push("figures")
    screen = window.nav.current()
    screen.set_topic("city")
    pair = next(c for c in screen.charts if isinstance(c, PairChart))
    assert (pair.before.text, pair.after.text) == ("13.7万人", "19.7万人")
    window.ctx.set_language("en")
    pair = next(c for c in screen.charts if isinstance(c, PairChart))
    assert (pair.before.text, pair.after.text) == ("137,000 people", "197,000 people")


def test_idle_reset_keeps_the_built_charts_unless_something_changed(qtbot: Any, window: Any) -> None:
    """The next resident's first visit does not wait for the charts to be built again; another topic
    or language does rebuild them (a theme restyles them in place: tests/ui/test_theme_switch.py)."""
    from kiosk.ui.app import idle_reset

    window.nav.home()
    window.nav.push("figures")
    screen = window.nav.current()
    first_cards = list(screen.cards)
    assert first_cards
    idle_reset(window)
    window.nav.home()
    window.nav.push("figures")
    assert screen.cards == first_cards  # same widgets: not rebuilt
    screen.set_topic(TOPIC_GROUPS[1][0])
    idle_reset(window)  # back to the first topic: rebuilt on the next visit
    window.nav.home()
    window.nav.push("figures")
    assert screen.topic == TOPIC_GROUPS[0][0] and screen.cards != first_cards
    built = list(screen.cards)
    window.ctx.toggle_language()
    assert screen.cards != built  # showing: rebuilt at once in English
