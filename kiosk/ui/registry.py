"""Which screens the kiosk has, by name; each is imported and built on its first visit (or ahead of time).

Importing a screen's module only when it is first needed keeps start-up fast
(:func:`kiosk.ui.app.prebuild_screens` builds the rest while the attract screen waits).
"""

from __future__ import annotations

import importlib

from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator, ScreenFactory
from kiosk.ui.screens.base import Screen

#: name → (module, class) of the resident screens, in the order a resident meets them
RESIDENT_SCREENS: dict[str, tuple[str, str]] = {
    "attract": ("kiosk.ui.screens.attract", "AttractScreen"),
    "home": ("kiosk.ui.screens.home", "HomeScreen"),
    "category": ("kiosk.ui.screens.category", "CategoryScreen"),
    "detail": ("kiosk.ui.screens.detail", "DetailScreen"),
    "search": ("kiosk.ui.screens.search", "SearchScreen"),
    "hotlines": ("kiosk.ui.screens.hotlines", "HotlinesScreen"),
    "figures": ("kiosk.ui.screens.figures", "FiguresScreen"),
    "news": ("kiosk.ui.screens.news", "NewsScreen"),
}


def lazy_factory(module: str, cls: str) -> ScreenFactory:
    """A factory importing ``module`` only when the screen is first built."""

    def factory(ctx: AppContext, nav: Navigator) -> Screen:
        screen_class: type[Screen] = getattr(importlib.import_module(module), cls)
        return screen_class(ctx, nav)

    return factory


def register_resident_screens(nav: Navigator) -> None:
    for name, (module, cls) in RESIDENT_SCREENS.items():
        nav.register(name, lazy_factory(module, cls))
