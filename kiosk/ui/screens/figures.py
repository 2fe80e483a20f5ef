"""District figures: the article's numbers as charts and big-number tiles, each with its source.

Figures sharing a ``chart`` group are drawn together: a group whose series each hold several
figures is a stacked 100 % chart (industry structure 2015 vs 2020); two figures with two series are
a before → after pair (population 13.7万 → 19.7万); other groups are bar charts. Single figures are
tiles (a ring for a percentage). Topic chips split the page into what residents look for first.

Each card says the year its numbers are of ("2021年数据"; see :attr:`kiosk.core.models.Figure.data_year`).
Opened with ``figure_id`` (a search result), the page shows that figure's topic, scrolls to its
card and outlines it for a moment (:data:`HIGHLIGHT_MS`).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.models import Figure
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.charts import Bar, BarChart, Chart, PairChart, RingGauge, Segment, StackedChart
from kiosk.ui.widgets.chips import ChipBar
from kiosk.ui.widgets.kinetic import enable_kinetic, scroll_to_top
from kiosk.ui.widgets.text import TextBlock, label

#: chip → figure topics, in the order residents look for them
TOPIC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("services", ("elderly", "health", "culture", "sports", "livelihood", "government")),
    ("city", ("city", "environment")),
    ("economy", ("economy", "industry", "investment", "innovation")),
    ("party", ("party",)),
)
HIGHLIGHT_MS = 2500
"""How long the card of the figure a search result opened stays outlined."""

_PAREN = re.compile(r"\s*[（(]([^（()）]*)[)）]\s*$")


def split_label(text: str) -> tuple[str, str]:
    """'常住人口（此前）' → ('常住人口', '此前'); 'Resident population (before)' → (…, 'before')."""
    m = _PAREN.search(text)
    if not m:
        return text, ""
    return text[: m.start()].strip(), m.group(1).strip()


def split_prefix(text: str) -> tuple[str, str]:
    """'奥克斯小微企业园：空调供应链企业' → ('奥克斯小微企业园', '空调供应链企业')."""
    for sep in ("：", ": "):
        if sep in text:
            head, tail = text.split(sep, 1)
            return head.strip(), tail.strip()
    return "", text


def group_figures(figures: list[Figure]) -> tuple[OrderedDict[str, list[Figure]], list[Figure]]:
    """Chart groups in the order of their first figure, and the single figures."""
    groups: OrderedDict[str, list[Figure]] = OrderedDict()
    singles: list[Figure] = []
    for f in figures:
        if f.chart:
            groups.setdefault(f.chart, []).append(f)
        else:
            singles.append(f)
    # a "group" of one is just a single figure
    for key in [k for k, v in groups.items() if len(v) == 1]:
        singles.append(groups.pop(key)[0])
    return groups, singles


def chart_kind(figures: list[Figure]) -> str:
    """'stacked', 'pair' or 'bars'."""
    series = [f.series for f in figures]
    if all(series):
        distinct = list(dict.fromkeys(series))
        if len(distinct) >= 2 and len(figures) > len(distinct):
            return "stacked"
        if len(distinct) == 2 and len(figures) == 2:
            return "pair"
    return "bars"


class ChartCard(QFrame):
    """Title, the year the numbers are of ("2021年数据", when known), a chart (or a tile body), and the source line."""

    def __init__(self, title: str, body: QWidget, source: str, parent: QWidget | None = None, *,
                 year: str = "") -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.title = label(title, "heading", wrap=True)
        self.year = label(year, "muted")
        self.year.setObjectName("figureYear")
        self.year.setVisible(bool(year))
        self.body = body
        self.source = TextBlock(source, "muted")
        self.box = QVBoxLayout(self)
        self.box.addWidget(self.title)
        self.box.addWidget(self.year)
        self.box.addWidget(body)
        self.box.addWidget(self.source)
        self.box.addStretch(1)


class FiguresScreen(Screen):
    name = "figures"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.figures = queries.list_figures(ctx.conn)
        self.topic = TOPIC_GROUPS[0][0]
        self.chips = ChipBar()
        for key, _topics in TOPIC_GROUPS:
            self.chips.add_chip(key)
        self.chips.chipSelected.connect(self.set_topic)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        enable_kinetic(self.scroll_area)
        self.page = QVBoxLayout(self)
        self.page.addWidget(self.chips)
        self.page.addWidget(self.scroll_area, 1)
        self.cards: list[ChartCard] = []
        self.card_for: dict[str, ChartCard] = {}
        """Figure id → the card that shows it (a chart card shows several)."""
        self.highlighted: ChartCard | None = None
        self._unhighlight = QTimer(self)
        self._unhighlight.setSingleShot(True)
        self._unhighlight.setInterval(HIGHLIGHT_MS)
        self._unhighlight.timeout.connect(self.clear_highlight)
        self.charts: list[Chart] = []
        self._dirty = True
        self._built_for: tuple[object, ...] | None = None
        self._outer: QVBoxLayout | None = None
        self._grids: tuple[QGridLayout, ...] = ()
        self.retranslate()
        self.apply_theme(ctx.theme)

    # -- screen protocol ----------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("区情数字")

    def on_enter(self, **params: Any) -> None:
        figure_id = params.get("figure_id")
        if isinstance(figure_id, str) and self.show_figure(figure_id):
            return
        if self._dirty and self._page_state() != self._built_for:
            self.rebuild()

    def topic_of(self, figure_id: str) -> str | None:
        """The chip whose page shows the figure (None: no such figure)."""
        figure = next((f for f in self.figures if f.id == figure_id), None)
        if figure is None:
            return None
        return next((key for key, topics in TOPIC_GROUPS if figure.topic in topics), TOPIC_GROUPS[-1][0])

    def show_figure(self, figure_id: str) -> bool:
        """Show the figure's topic, scroll to its card and outline it briefly; False if there is no such figure."""
        topic = self.topic_of(figure_id)
        if topic is None:
            return False
        self.clear_highlight()
        self.topic = topic
        self.chips.select(topic)
        if self._page_state() != self._built_for or figure_id not in self.card_for:
            self.rebuild()
        card = self.card_for.get(figure_id)
        if card is None:
            return False
        self.highlighted = card
        self._outline(card)
        self._unhighlight.start()
        self._scroll_to(card)
        QTimer.singleShot(0, lambda: self._scroll_to(card))  # again once the new page is laid out
        return True

    def _scroll_to(self, card: ChartCard) -> None:
        content = self.scroll_area.widget()
        if content is None or card not in self.cards:
            return
        layout = content.layout()
        if layout is not None:
            layout.activate()
        top = card.mapTo(content, card.rect().topLeft()).y()
        self.scroll_area.verticalScrollBar().setValue(max(0, top - self.ctx.theme.spacing))

    def _outline(self, card: ChartCard) -> None:
        """The accent outline of the card a search result opened, in the current theme."""
        theme = self.ctx.theme
        card.setStyleSheet(f"QFrame#{card.objectName()} {{ border: {max(4, theme.spacing // 3)}px solid "
                           f"{theme.colors.accent}; border-radius: {theme.radius}px; }}")

    def clear_highlight(self) -> None:
        """Take the outline off the card a search result opened."""
        self._unhighlight.stop()
        if self.highlighted is not None and self.highlighted in self.cards:
            self.highlighted.setStyleSheet("")
        self.highlighted = None

    def prepare(self) -> None:
        # once the stack has given this hidden page its size (a posted layout request), so that the
        # first visit finds the charts built for the right orientation
        QTimer.singleShot(0, lambda: self.on_enter() if not self.isVisible() else None)

    def reset(self) -> None:
        self.clear_highlight()
        self.topic = TOPIC_GROUPS[0][0]
        self.chips.select(self.topic)
        self.request_rebuild()
        scroll_to_top(self.scroll_area)

    def retranslate(self) -> None:
        names = {"services": self.tr("民生服务"), "city": self.tr("城区环境"), "economy": self.tr("经济发展"),
                 "party": self.tr("党建")}
        for key, chip in self.chips.chips.items():
            chip.setText(names.get(key, key))
        self.request_rebuild()

    def apply_theme(self, theme: Theme) -> None:
        """Restyle the built page in place (the screen's style sheet does the labels; the charts take the
        new theme and repaint) — rebuilding the cards would cost a tap's worth of time; a page built for
        another topic, language or orientation is rebuilt as before."""
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, 0)
        self.page.setSpacing(s)
        self.chips.set_spacing(s)
        if self._built_for is not None and self._built_for[0] == self._content_state():
            self._restyle_page(theme)
        else:
            self.request_rebuild()

    def _restyle_page(self, theme: Theme) -> None:
        s = theme.spacing
        if self._outer is not None:
            self._outer.setContentsMargins(0, 0, s, s)
            self._outer.setSpacing(s)
        for grid in self._grids:
            grid.setSpacing(s)
        for card in self.cards:
            self._style_card(card, theme)
        for chart in self.charts:
            chart.set_theme(theme)
        if self.highlighted is not None:
            self._outline(self.highlighted)
        self._built_for = self._page_state()

    def orientation_changed(self, portrait: bool) -> None:
        self.request_rebuild()

    def set_topic(self, key: str) -> None:
        self.topic = key
        self.chips.select(key)
        self.rebuild()
        scroll_to_top(self.scroll_area)

    # -- building the page -------------------------------------------------------------------
    def request_rebuild(self) -> None:
        """Rebuild now when showing; otherwise on the next visit, if what the page shows changed
        (topic, language, theme, orientation — the idle reset usually changes nothing, so the next
        resident's first visit does not wait for the charts to be built again)."""
        self._dirty = True
        if self.isVisible() and self._page_state() != self._built_for:
            self.rebuild()

    def _content_state(self) -> tuple[object, ...]:
        """What the page's cards depend on (a theme change restyles them in place)."""
        return (self.topic, self.ctx.language, self.portrait)

    def _page_state(self) -> tuple[object, ...]:
        """What the built page depends on: its cards, and the theme they are styled in."""
        return (self._content_state(), self.ctx.theme.name)

    def topic_figures(self) -> list[Figure]:
        topics = dict(TOPIC_GROUPS).get(self.topic, ())
        known = {t for _, ts in TOPIC_GROUPS for t in ts}
        if self.topic == TOPIC_GROUPS[-1][0]:  # the last chip also takes topics nobody named
            return [f for f in self.figures if f.topic in topics or f.topic not in known]
        return [f for f in self.figures if f.topic in topics]

    def rebuild(self) -> None:
        self._dirty = False
        self._built_for = self._page_state()
        theme = self.ctx.theme
        lang = self.ctx.language
        shown = self.topic_figures()
        groups, singles = group_figures(shown)
        order = {t: i for i, t in enumerate(t for _, ts in TOPIC_GROUPS for t in ts)}
        singles.sort(key=lambda f: order.get(f.topic, len(order)))  # stable: seed order within a topic
        content = QWidget()
        content.setObjectName("figuresContent")
        outer = QVBoxLayout(content)
        s = theme.spacing
        outer.setContentsMargins(0, 0, s, s)
        outer.setSpacing(s)
        chart_grid, tile_grid = QGridLayout(), QGridLayout()
        chart_grid.setSpacing(s)
        tile_grid.setSpacing(s)
        outer.addLayout(chart_grid)
        outer.addLayout(tile_grid)
        self._outer, self._grids = outer, (chart_grid, tile_grid)
        self.footer = TextBlock(self._footer(shown), "muted")
        outer.addWidget(self.footer)
        outer.addStretch(1)
        self.cards, self.charts = [], []
        self.card_for = {}
        self.highlighted = None
        portrait = self.portrait
        chart_cols = 1 if portrait else 2
        tile_cols = 2 if portrait else 3
        for i, figures in enumerate(groups.values()):
            card = self.chart_card(figures, theme, lang)
            last_alone = i == len(groups) - 1 and i % chart_cols == 0
            chart_grid.addWidget(card, i // chart_cols, i % chart_cols, 1, chart_cols if last_alone else 1)
        for i, figure in enumerate(singles):
            card = self.tile_card(figure, theme, lang)
            tile_grid.addWidget(card, i // tile_cols, i % tile_cols)
        for grid, cols in ((chart_grid, chart_cols), (tile_grid, tile_cols)):
            for c in range(cols):
                grid.setColumnStretch(c, 1)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll_area.setWidget(content)

    def _source(self, figures: list[Figure]) -> str:
        """来源：the passages (the article's title is said once, at the foot of the page)."""
        quotes = list(dict.fromkeys(f.source.quote for f in figures))
        return self.tr("来源：") + " …… ".join(quotes)

    def year_text(self, figures: list[Figure]) -> str:
        """"2021年数据" / "2021 data" when all the figures are of one known year, else ""."""
        years = {f.data_year for f in figures}
        year = years.pop() if len(years) == 1 else None
        return self.tr("%1年数据").replace("%1", str(year)) if year else ""

    def _footer(self, figures: list[Figure]) -> str:
        titles = list(dict.fromkeys(
            f"《{f.source.title}》" + (f" {f.source.year}" if f.source.year else "") for f in figures))
        return self.tr("以上数字均摘自%1。").replace("%1", "、".join(titles)) if titles else ""

    def chart_card(self, figures: list[Figure], theme: Theme, lang: str) -> ChartCard:
        text = self.ctx.text
        labels = [text(f.label, f.label_en) for f in figures]
        kind = chart_kind(figures)
        chart: Chart
        if kind == "stacked":
            rows: OrderedDict[str, list[Segment]] = OrderedDict()
            title = ""
            for f, lab in zip(figures, labels, strict=True):
                head, rest = split_prefix(lab)
                name, _ = split_label(rest)
                title = head or title
                year = str(f.year) if f.year else (f.series or "")
                rows.setdefault(year, []).append(Segment(name, f.value))
            chart = StackedChart(theme, list(rows.items()))
        elif kind == "pair":
            bars = []
            for f, lab in zip(figures, labels, strict=True):
                title, sub = split_label(lab)
                bars.append(Bar(sub or (f.series or ""), f.value, f.display(lang)))
            chart = PairChart(theme, bars[0], bars[1])
        else:
            heads = {split_prefix(lab)[0] for lab in labels}
            common = heads.pop() if len(heads) == 1 else ""
            bars = [Bar(split_prefix(lab)[1] if common else lab, f.value, f.display(lang))
                    for f, lab in zip(figures, labels, strict=True)]
            percent = all((f.unit or "") == "%" for f in figures)
            title = common or self.group_title(figures[0].chart or "")
            chart = BarChart(theme, bars, percent=percent)
        card = ChartCard(title, chart, self._source(figures), year=self.year_text(figures))
        card.setObjectName(f"chart-{figures[0].chart}")
        self.card_for.update((f.id, card) for f in figures)
        self._style_card(card, theme)
        self.charts.append(chart)
        self.cards.append(card)
        return card

    def group_title(self, chart: str) -> str:
        titles = {
            "city-upgrades": self.tr("城区生活改善"),
            "air-quality": self.tr("空气质量（较2017年）"),
            "culture-facilities": self.tr("文化设施"),
            "investment-growth": self.tr("引进资金较“十二五”增加"),
        }
        return titles.get(chart, chart)

    def tile_card(self, f: Figure, theme: Theme, lang: str) -> ChartCard:
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        if (f.unit or "") == "%" and 0 <= f.value <= 100:
            ring = RingGauge(theme, f.value, f.display(lang))
            self.charts.append(ring)
            row.addWidget(ring, 0, Qt.AlignmentFlag.AlignLeft)
            row.addStretch(1)
        else:
            number, unit = f.parts(lang)
            value = label(number, "big", wrap=True)
            unit_label = label(unit, "heading", wrap=True)
            row.addWidget(value, 0, Qt.AlignmentFlag.AlignBottom)
            row.addWidget(unit_label, 1, Qt.AlignmentFlag.AlignBottom)
        card = ChartCard(self.ctx.text(f.label, f.label_en), body, self._source([f]), year=self.year_text([f]))
        card.setObjectName(f"figure-{f.id}")
        self.card_for[f.id] = card
        self._style_card(card, theme)
        self.cards.append(card)
        return card

    def _style_card(self, card: ChartCard, theme: Theme) -> None:
        s = theme.spacing
        card.box.setContentsMargins(s, s, s, s)
        card.box.setSpacing(s // 2)

    def visible_cards(self) -> list[Any]:
        return list(self.cards)
