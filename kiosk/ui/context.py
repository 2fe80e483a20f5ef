"""What every screen shares: the database connection, the configuration, the clock, and the
resident's current choices (language, elder mode, high contrast) with signals when they change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from kiosk.core.models import pick
from kiosk.core.queries import Connection
from kiosk.core.terminal.config import Config
from kiosk.ui.i18n import Translations
from kiosk.ui.theme import Theme, make_theme

TIMEZONE = ZoneInfo("Asia/Shanghai")


def shanghai_now() -> datetime:
    """The current time, aware, in Asia/Shanghai."""
    return datetime.now(TIMEZONE)


class AppContext(QObject):
    """Shared state of one kiosk window.

    ``languageChanged(str)`` fires after the translators are switched (widgets have also received
    a LanguageChange event); ``themeChanged(Theme)`` after elder mode or high contrast changes.
    """

    languageChanged = Signal(str)
    themeChanged = Signal(object)

    def __init__(self, conn: Connection, config: Config | None = None, *,
                 clock: Callable[[], datetime] = shanghai_now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conn = conn
        self.config = config or Config()
        self._clock = clock
        self._translations = Translations()
        self.language = "zh"
        self.elder = self.config.elder_mode_default
        self.contrast = self.config.theme == "contrast"
        self.theme: Theme = make_theme(elder=self.elder, contrast=self.contrast)
        if self.config.default_language != "zh":
            self.set_language(self.config.default_language)

    # -- time ---------------------------------------------------------------------------------
    def clock(self) -> datetime:
        """Now, aware, Asia/Shanghai (tests pass a fixed clock)."""
        return self._clock()

    # -- language -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == self.language:
            return
        self._translations.switch(lang)
        self.language = lang
        self.languageChanged.emit(lang)

    def toggle_language(self) -> None:
        self.set_language("en" if self.language == "zh" else "zh")

    def text(self, zh: str | None, en: str | None) -> str:
        """Data text in the current language (English where it exists, else Chinese)."""
        return pick(zh, en, self.language)

    # -- theme --------------------------------------------------------------------------------
    def set_elder_mode(self, on: bool) -> None:
        self._set_theme(elder=on, contrast=self.contrast)

    def set_contrast(self, on: bool) -> None:
        self._set_theme(elder=self.elder, contrast=on)

    def set_theme_name(self, name: str) -> None:
        """``standard``, ``elder``, ``contrast`` or ``contrast-elder``."""
        from kiosk.ui.theme import theme_by_name

        theme = theme_by_name(name)
        self._set_theme(elder=theme.elder, contrast=theme.contrast)

    def _set_theme(self, *, elder: bool, contrast: bool) -> None:
        if (elder, contrast) == (self.elder, self.contrast):
            return
        self.elder, self.contrast = elder, contrast
        self.theme = make_theme(elder=elder, contrast=contrast)
        self.themeChanged.emit(self.theme)

    def release(self) -> None:
        """Uninstall this context's translators (its window is closing)."""
        self._translations.clear()
        self.language = "zh"

    # -- idle reset ---------------------------------------------------------------------------
    def reset_session(self) -> None:
        """Back to the terminal's defaults: language, elder mode, contrast (the idle reset)."""
        self.set_language(self.config.default_language)
        self._set_theme(elder=self.config.elder_mode_default, contrast=self.config.theme == "contrast")
