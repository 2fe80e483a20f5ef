"""Home: the five big category tiles, the other categories, search, hotlines, news and figures."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core import queries
from kiosk.core.models import Category
from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import button
from kiosk.ui.widgets.tile import Tile

FEATURES = (
    # (screen name, icon, colour in the standard theme)
    ("hotlines", "fa5s.phone-alt", "#0A5A9C"),
    ("news", "fa5s.newspaper", "#3F4650"),
    ("figures", "fa5s.chart-bar", "#0B6E4F"),
)


class HomeScreen(Screen):
    name = "home"
    is_home = True

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        theme = ctx.theme
        self.categories: list[Category] = queries.list_categories(ctx.conn)
        self.hotlines = queries.list_hotlines(ctx.conn)
        self.search_button = button("", "search")
        self.search_button.setObjectName("searchButton")
        self.search_button.clicked.connect(lambda: nav.push("search"))
        self.primary_tiles: dict[str, Tile] = {}
        self.secondary_tiles: dict[str, Tile] = {}
        for cat in self.categories:
            tile = Tile(theme, icon_name=cat.icon, color=cat.color, vertical=cat.is_primary,
                        outlined=not cat.is_primary)
            tile.setObjectName(f"tile-{cat.id}")
            tile.clicked.connect(lambda _=False, cid=cat.id: nav.push("category", category_id=cid))
            (self.primary_tiles if cat.is_primary else self.secondary_tiles)[cat.id] = tile
        self.feature_tiles: dict[str, Tile] = {}
        for name, icon_name, color in FEATURES:
            tile = Tile(theme, icon_name=icon_name, color=color, vertical=False)
            tile.setObjectName(f"feature-{name}")
            tile.clicked.connect(lambda _=False, n=name: nav.push(n))
            self.feature_tiles[name] = tile

        self.primary_grid = QGridLayout()
        self.secondary_row = QHBoxLayout()
        for tile in self.secondary_tiles.values():
            self.secondary_row.addWidget(tile)
        self.feature_grid = QGridLayout()
        self.page = QVBoxLayout(self)
        self.page.addWidget(self.search_button)
        self.page.addLayout(self.primary_grid, 5)
        self.page.addLayout(self.secondary_row, 1)
        self.page.addLayout(self.feature_grid, 1)
        self.retranslate()
        self.apply_theme(theme)

    def on_enter(self, **params: Any) -> None:
        """Counts as they are now: a worker may have added or retired a listing since (one small query)."""
        fresh = {c.id: c for c in queries.list_categories(self.ctx.conn)}
        updated = [fresh.get(c.id, c) for c in self.categories]
        if updated != self.categories:
            self.categories = updated
            self.retranslate()

    def retranslate(self) -> None:
        self.search_button.setText(self.tr("搜索服务：拼音、手写、文字……"))
        for cat in self.categories:
            tile = self.primary_tiles.get(cat.id) or self.secondary_tiles[cat.id]
            tile.set_texts(self.ctx.text(cat.name, cat.name_en), self._count_text(cat.service_count))
        numbers = " · ".join(h.number for h in self.hotlines[:3])
        self.feature_tiles["hotlines"].set_texts(self.tr("便民热线"), numbers)
        self.feature_tiles["news"].set_texts(self.tr("上街新闻"), self.tr("区里的发展和变化"))
        self.feature_tiles["figures"].set_texts(self.tr("区情数字"), self.tr("图表看上街"))

    def speech_text(self) -> str:
        """The search hint, then every tile with its subtitle ("养老服务，2 项服务"), in the order they show
        (the tiles are painted, so the default reading of labels would find none)."""
        comma = "，" if self.ctx.language == "zh" else ", "
        lines = [self.search_button.text().rstrip("…")]
        for tile in self.all_tiles():
            lines.append(f"{tile.text()}{comma}{tile.subtitle}" if tile.subtitle else tile.text())
        from kiosk.ui.speech import readable_text, speakable

        return readable_text(speakable("\n".join(lines)), self.ctx.language)

    def _count_text(self, n: int) -> str:
        return self.tr("%n 项服务", "", n)

    def apply_theme(self, theme: Theme) -> None:
        s = theme.spacing
        self.page.setContentsMargins(s, s, s, s)
        self.page.setSpacing(s)
        for grid in (self.primary_grid, self.feature_grid):
            grid.setSpacing(s)
        self.secondary_row.setSpacing(s)
        self.search_button.setMinimumHeight(int(theme.min_target * 1.25))
        self.search_button.setIcon(icons.icon("fa5s.search", theme.colors.accent))
        self.search_button.setIconSize(QSize(theme.heading_px, theme.heading_px))
        for tile in self.all_tiles():
            tile.apply_theme(theme)

    def all_tiles(self) -> list[Tile]:
        return [*self.primary_tiles.values(), *self.secondary_tiles.values(), *self.feature_tiles.values()]

    def orientation_changed(self, portrait: bool) -> None:
        tiles = list(self.primary_tiles.values())
        for tile in tiles:
            self.primary_grid.removeWidget(tile)
        columns = 2 if portrait else max(1, len(tiles))
        for i, tile in enumerate(tiles):
            row, col = divmod(i, columns)
            last_alone = i == len(tiles) - 1 and col == 0 and columns > 1
            self.primary_grid.addWidget(tile, row, col, 1, columns if last_alone else 1)
        features = list(self.feature_tiles.values())
        for tile in features:
            self.feature_grid.removeWidget(tile)
        for i, tile in enumerate(features):
            self.feature_grid.addWidget(tile, 0, i)
