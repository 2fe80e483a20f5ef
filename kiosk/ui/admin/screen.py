"""The worker tools as a kiosk screen ("admin"): reached by the hidden corner gesture, PIN first.

Leaving the screen (退出, back, home) or the idle time-out (``admin_idle_timeout_s``) locks it:
the tools are destroyed and the next worker starts at the PIN pad again. Leaving also resets every
resident screen, so they show the edited listings afresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.admin.panel import AdminPanel
from kiosk.ui.context import AppContext
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens.base import Screen


class AdminScreen(Screen):
    name = "admin"

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(ctx, nav, parent)
        self.panel = AdminPanel(ctx, touch=True)
        self.panel.closed.connect(nav.reset_to_attract)
        self.panel.contentChanged.connect(self._content_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.apply_theme(ctx.theme)

    def title(self) -> str:
        return "社区工作者工具"

    def on_enter(self, **params: Any) -> None:
        self.panel.refresh_pin_state()

    def on_leave(self) -> None:
        if self.panel.is_open:
            self.panel.lock()
            for name, screen in self.nav.built().items():  # listings may have changed
                if name != self.name:
                    screen.reset()

    def reset(self) -> None:
        self.panel.lock()

    def _content_changed(self) -> None:
        """A worker job (import, restore) wrote after the worker left: the resident screens not in use
        now are built afresh (the one in use would change under the resident's finger; the idle reset
        builds it afresh later)."""
        if self.nav.current_name == self.name:
            return  # leaving resets them all
        for name, screen in self.nav.built().items():
            if name not in (self.name, self.nav.current_name):
                screen.reset()

    def idle_timeout_s(self) -> int | None:
        return self.ctx.config.admin_idle_timeout_s

    def apply_theme(self, theme: Any) -> None:
        s = theme.spacing
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(s, s, s, s)
