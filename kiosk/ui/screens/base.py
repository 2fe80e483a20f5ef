"""The base class of every screen.

A screen is built lazily the first time the navigator shows it, with ``Screen(ctx, nav)``. Its
constructor builds its widgets, then calls ``self.retranslate()`` and ``self.apply_theme(ctx.theme)``.
The navigator calls :meth:`on_enter` with the parameters of :meth:`Navigator.push` every time the
screen is shown (also when the resident comes back to it), :meth:`on_leave` when another screen
takes its place, and :meth:`reset` at the idle reset (clear text, scroll, choices).

The kiosk window shows a status bar (clock, language, 长辈模式) and a back/home bar above every
screen whose ``chrome`` is True; the bar's title is :meth:`title`, and its 朗读 button reads
:meth:`speech_text`.

Each screen carries the theme's style sheet itself (not inherited from the window), so a theme
switch restyles only what is on screen at once: the visible screen restyles in the switch, a hidden
one is marked :attr:`theme_pending` and restyles when it is shown next (:meth:`ensure_theme`, called
by the navigator) or in an idle slice (the window's restyle timer), whichever comes first.
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
        #: the theme changed while this screen was hidden: restyle before it shows again
        self.theme_pending = False
        self._styled_for = ctx.theme.name
        self.setStyleSheet(ctx.theme.qss())  # before the children exist: they are polished against it once
        ctx.languageChanged.connect(self._language_changed)
        ctx.themeChanged.connect(self._theme_changed)

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

    def speech_text(self) -> str:
        """What the 朗读 button in the window's bar reads while this screen shows: by default the page's
        readable text in layout order (labels, not sources or captions), without lines the voice of the
        current language cannot read. Override where the page needs a better order or summary."""
        from kiosk.ui.speech import readable_text, visible_text  # not needed at start-up

        return readable_text(visible_text(self), self.ctx.language)

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

    def ensure_theme(self) -> None:
        """Restyle now if the theme changed while this screen was hidden (the navigator calls it before
        showing the screen; the window's idle slices call it for screens still hidden)."""
        if self.theme_pending or self._styled_for != self.ctx.theme.name:
            self._restyle()

    def _theme_changed(self, theme: Theme) -> None:
        if not self.isVisible():
            self.theme_pending = True
        elif self._styled_for != theme.name:  # not done by the window already (KioskWindow.apply_theme)
            self._restyle()

    def _restyle(self) -> None:
        theme = self.ctx.theme
        self.theme_pending = False
        if self._styled_for != theme.name:
            self._styled_for = theme.name
            self.setStyleSheet(theme.qss())
        self.apply_theme(theme)

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        self.titleChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = event.size().height() > event.size().width()
        if portrait != self._portrait:
            self._portrait = portrait
            self.orientation_changed(portrait)
