"""The base class of every screen.

A screen is built lazily the first time the navigator shows it, with ``Screen(ctx, nav)``. Its
constructor builds its widgets, then calls ``self.retranslate()`` and ``self.apply_theme(ctx.theme)``.
The navigator calls :meth:`on_enter` with the parameters of :meth:`Navigator.push` every time the
screen is shown (also when the resident comes back to it), :meth:`on_leave` when another screen
takes its place, and :meth:`reset` at the idle reset (clear text, scroll, choices).

The kiosk window shows a status bar (clock, language, 长辈模式) and a back/home bar above every
screen whose ``chrome`` is True; the bar's title is :meth:`title`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from kiosk.ui.theme import Theme

if TYPE_CHECKING:
    from kiosk.ui.context import AppContext
    from kiosk.ui.navigation import Navigator


class Screen(QWidget):
    """One full page of the kiosk."""

    #: the name the navigator knows this screen by
    name: ClassVar[str] = ""
    #: show the status bar and the back/home bar above this screen (False: the attract screen)
    chrome: ClassVar[bool] = True
    #: hide back/home (the home screen itself)
    is_home: ClassVar[bool] = False

    #: the text returned by title() changed (the window updates its bar)
    titleChanged = Signal()

    def __init__(self, ctx: AppContext, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nav = nav
        self._portrait: bool | None = None
        self.setObjectName(type(self).__name__)
        ctx.languageChanged.connect(self._language_changed)
        ctx.themeChanged.connect(self.apply_theme)

    # -- what subclasses override ------------------------------------------------------------
    def title(self) -> str:
        """The title in the back/home bar."""
        return ""

    def on_enter(self, **params: Any) -> None:
        """Called each time the screen is shown, with the parameters given to ``nav.push``."""

    def on_leave(self) -> None:
        """Called when another screen replaces this one."""

    def prepare(self) -> None:
        """Load now what the first visit would otherwise wait for (called once, while the kiosk is idle
        after start-up, by :func:`kiosk.ui.app.prebuild_screens`)."""

    def retranslate(self) -> None:
        """Set every visible text again in ``ctx.language`` (UI strings and data)."""

    def apply_theme(self, theme: Theme) -> None:
        """Apply sizes and colours that the style sheet cannot (painted widgets, icons, spacing)."""

    def reset(self) -> None:
        """Forget what the last resident did here (idle reset)."""

    def orientation_changed(self, portrait: bool) -> None:
        """The screen turned between portrait and landscape (also called once at the first resize)."""

    def idle_timeout_s(self) -> int | None:
        """Seconds without a touch before the idle reset while this screen shows (None: the config's)."""
        return None

    # -- helpers ------------------------------------------------------------------------------
    @property
    def portrait(self) -> bool:
        """True when the screen is taller than wide (many kiosks are portrait)."""
        return self.height() > self.width()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        self.titleChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = event.size().height() > event.size().width()
        if portrait != self._portrait:
            self._portrait = portrait
            self.orientation_changed(portrait)
