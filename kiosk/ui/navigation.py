"""One navigator owns the screen stack: push, back, home, and the idle reset to the attract screen.

Screens are registered by name with a factory ``factory(ctx, nav) -> Screen`` (a Screen subclass is
such a factory) and built when first asked for — shown, or built ahead of time while the kiosk is
idle (kiosk.ui.app.prebuild_screens) — which keeps start-up fast. The history is a
list of ``(name, params)``; ``back`` shows the previous entry again with its parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.ui.context import AppContext
from kiosk.ui.screens.base import Screen

ScreenFactory = Callable[[AppContext, "Navigator"], Screen]

ATTRACT = "attract"
HOME = "home"


class Navigator(QObject):
    """Owns the QStackedWidget of screens and the history of the current resident."""

    #: the current screen changed: (name, screen)
    screenChanged = Signal(str, object)
    #: the resident went forward to a screen (push or home, not back or the idle reset): (name, params)
    visited = Signal(str, dict)

    def __init__(self, ctx: AppContext, stack: QStackedWidget | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stack = stack if stack is not None else QStackedWidget()
        self._factories: dict[str, ScreenFactory] = {}
        self._screens: dict[str, Screen] = {}
        self._history: list[tuple[str, dict[str, Any]]] = []

    # -- registry -----------------------------------------------------------------------------
    def register(self, name: str, factory: ScreenFactory) -> None:
        """Make ``name`` reachable; the screen is built on its first visit."""
        self._factories[name] = factory

    def has(self, name: str) -> bool:
        return name in self._factories

    def names(self) -> list[str]:
        """Registered screen names in registration order."""
        return list(self._factories)

    def screen(self, name: str) -> Screen:
        """The screen called ``name``, built now if it was not yet."""
        screen = self._screens.get(name)
        if screen is None:
            factory = self._factories.get(name)
            if factory is None:
                raise KeyError(f"no screen registered as {name!r}")
            screen = factory(self.ctx, self)
            self._screens[name] = screen
            self.stack.addWidget(screen)
            # the stack's size now, not at its next layout pass: a screen that lays out its page in
            # on_enter (figures: portrait or landscape) must not build it for the wrong shape first
            screen.resize(self.stack.contentsRect().size())
        return screen

    def built(self) -> dict[str, Screen]:
        """The screens built so far."""
        return dict(self._screens)

    # -- state --------------------------------------------------------------------------------
    @property
    def current_name(self) -> str | None:
        return self._history[-1][0] if self._history else None

    @property
    def current_params(self) -> dict[str, Any]:
        return dict(self._history[-1][1]) if self._history else {}

    def current(self) -> Screen | None:
        name = self.current_name
        return self._screens.get(name) if name else None

    def history(self) -> list[tuple[str, dict[str, Any]]]:
        return [(n, dict(p)) for n, p in self._history]

    def can_go_back(self) -> bool:
        return len(self._history) > 1

    # -- moving -------------------------------------------------------------------------------
    def push(self, name: str, **params: Any) -> None:
        """Show ``name`` with ``params`` on top of the history (a repeated tap is ignored)."""
        if self._history and self._history[-1] == (name, params):
            return
        if name == HOME:
            self.home()
            return
        if name == ATTRACT:
            self.reset_to_attract()
            return
        self._history.append((name, params))
        self._show(name, params)
        self.visited.emit(name, dict(params))

    def back(self) -> None:
        """Show the previous screen again; on home (or attract) nothing happens."""
        if len(self._history) <= 1:
            return
        self._history.pop()
        name, params = self._history[-1]
        self._show(name, params)

    def home(self) -> None:
        """The home screen, with an empty history behind it."""
        self._history = [(HOME, {})]
        self._show(HOME, {})
        self.visited.emit(HOME, {})

    def reset_to_attract(self) -> None:
        """Idle reset: every built screen forgets its state, then the attract screen shows."""
        for screen in self._screens.values():
            screen.reset()
        self._history = [(ATTRACT, {})]
        self._show(ATTRACT, {})

    def _show(self, name: str, params: dict[str, Any]) -> None:
        previous = self.stack.currentWidget()
        screen = self.screen(name)
        if isinstance(previous, Screen) and previous is not screen:
            previous.on_leave()
        screen.ensure_theme()  # a theme switch while it was hidden: restyle before it shows
        screen.on_enter(**params)
        self.stack.setCurrentWidget(screen)
        self.screenChanged.emit(name, screen)
