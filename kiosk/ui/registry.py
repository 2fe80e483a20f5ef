"""Which screens the kiosk has, by name; each is imported and built on its first visit.

A screen another part of the program provides (``search``: kiosk/ui/screens/search.py) is used
when its module imports; until then a placeholder stands in, so the home screen's button always
leads somewhere. Such a module exposes a Screen subclass (``SearchScreen``) or a function
``create_screen(ctx, nav) -> Screen``.
"""

from __future__ import annotations

import importlib
import logging

from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator, ScreenFactory
from kiosk.ui.screens.base import Screen

log = logging.getLogger(__name__)

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

#: screens provided by other modules that may not exist yet: a placeholder stands in
OPTIONAL = frozenset({"search"})


def lazy_factory(name: str, module: str, cls: str) -> ScreenFactory:
    """A factory importing ``module`` only when the screen is first shown."""

    def factory(ctx: AppContext, nav: Navigator) -> Screen:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            if name not in OPTIONAL:
                raise
            return _placeholder(ctx, nav, name)
        create = getattr(mod, "create_screen", None)
        if create is not None:
            screen: Screen = create(ctx, nav)
            return screen
        screen_class = getattr(mod, cls, None)
        if screen_class is None:
            if name not in OPTIONAL:
                raise ImportError(f"{module} has no {cls}")
            return _placeholder(ctx, nav, name)
        built: Screen = screen_class(ctx, nav)
        return built

    return factory


def _placeholder(ctx: AppContext, nav: Navigator, name: str) -> Screen:
    from kiosk.ui.screens.placeholder import PlaceholderScreen

    log.info("screen %r is not available yet; showing a placeholder", name)
    return PlaceholderScreen(ctx, nav, screen_name=name)


def register_resident_screens(nav: Navigator) -> None:
    for name, (module, cls) in RESIDENT_SCREENS.items():
        nav.register(name, lazy_factory(name, module, cls))
