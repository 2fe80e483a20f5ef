"""Stands in for a screen whose module is not there yet (e.g. search before it lands)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import label


class PlaceholderScreen(Screen):
    """A calm page saying the function is coming, with back/home above it as everywhere."""

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None, *,
                 screen_name: str = "placeholder") -> None:
        super().__init__(ctx, nav, parent)
        self.screen_name = screen_name
        self.message = label("", "title", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("", "hint", wrap=True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page = QVBoxLayout(self)
        self.page.addStretch(1)
        self.page.addWidget(self.message)
        self.page.addWidget(self.hint)
        self.page.addStretch(2)
        self.retranslate()
        self.apply_theme(ctx.theme)

    def title(self) -> str:
        return self.tr("搜索") if self.screen_name == "search" else ""

    def retranslate(self) -> None:
        self.message.setText(self.tr("这项功能即将推出"))
        self.hint.setText(self.tr("请点“首页”，从分类里找服务；或拨打便民热线。"))

    def apply_theme(self, theme: Theme) -> None:
        m = theme.spacing * 2
        self.page.setContentsMargins(m, m, m, m)
