"""The kiosk window: a status bar (name, clock, language, 长辈模式, high contrast), a back/home bar
in the same place on every screen, and the navigator's stack of screens below them."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLayout, QVBoxLayout, QWidget

from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.navigation import ATTRACT, Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.text import ElidedLabel, button, label

DEFAULT_DISPLAY_NAME = "上街社区服务终端"
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


TOGGLE_TEXTS = {"elder": ("长辈模式", "Large text"), "contrast": ("高对比度", "High contrast")}
"""The toggles' labels in both languages (the English ones are their translations in
resources/translations/kiosk_en.ts), measured so that a toggle keeps its width when the language changes."""


class StatusBar(QFrame):
    """Always visible above the screens (except the attract screen)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "bar")
        self.brand = ElidedLabel("", "brand")
        self.clock = label("", "clock")
        self.language_button = button("", "toggle")
        self.language_button.setObjectName("languageButton")
        self.language_button.clicked.connect(ctx.toggle_language)
        self.elder_button = button("", "toggle")
        self.elder_button.setObjectName("elderButton")
        self.elder_button.setCheckable(True)
        self.elder_button.clicked.connect(lambda on: ctx.set_elder_mode(bool(on)))
        self.contrast_button = button("", "toggle")
        self.contrast_button.setObjectName("contrastButton")
        self.contrast_button.setCheckable(True)
        self.contrast_button.clicked.connect(lambda on: ctx.set_contrast(bool(on)))
        self.row = QHBoxLayout(self)
        self.row.addWidget(self.brand, 1)
        self.row.addWidget(self.clock)
        self.row.addSpacing(8)
        # Elder mode last: it is the one toggle that makes the bar grow, and anchored at the right edge
        # it grows leftwards under the finger, so a second tap still lands on it (never on a neighbour).
        self.row.addWidget(self.language_button)
        self.row.addWidget(self.contrast_button)
        self.row.addWidget(self.elder_button)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.update_clock)
        self.timer.start(10_000)

    def retranslate(self) -> None:
        name = self.ctx.config.display_name
        if name == DEFAULT_DISPLAY_NAME:
            name = self.tr("上街社区服务终端")
        self.brand.setText(name)
        # the button names the language it switches to, in that language
        self.language_button.setText("English" if self.ctx.language == "zh" else "中文")
        self.elder_button.setText(self.tr("长辈模式"))
        self.contrast_button.setText(self.tr("高对比度"))
        self.steady_widths()
        self.update_clock()

    def steady_widths(self) -> None:
        """Each toggle as wide as its widest label in either language, so switching the language moves
        no button (the next tap lands where the last one did)."""
        for btn, texts in ((self.language_button, ("English", "中文")), (self.elder_button, TOGGLE_TEXTS["elder"]),
                           (self.contrast_button, TOGGLE_TEXTS["contrast"])):
            shown = btn.text()
            btn.setMinimumWidth(0)
            btn.ensurePolished()
            widths = []
            for text in (*texts, shown):
                btn.setText(text)
                widths.append(btn.sizeHint().width())
            btn.setText(shown)
            btn.setMinimumWidth(max(widths))

    def apply_theme(self, theme: Theme) -> None:
        margin = theme.spacing // 2
        self.row.setContentsMargins(theme.spacing, margin, theme.spacing, margin)
        self.row.setSpacing(theme.spacing // 2)
        self.elder_button.setChecked(theme.elder)
        self.contrast_button.setChecked(theme.contrast)
        color = theme.colors.text
        size = QSize(theme.body_px, theme.body_px)
        for btn, name in ((self.language_button, "fa5s.language"), (self.elder_button, "fa5s.search-plus"),
                          (self.contrast_button, "fa5s.adjust")):
            btn.setIcon(icons.toggle_icon(name, color, theme.colors.accent_text, theme.body_px))
            btn.setIconSize(size)
        self.steady_widths()

    def update_clock(self) -> None:
        now = self.ctx.clock()
        if self.ctx.language == "zh":
            self.clock.setText(f"周{WEEKDAYS_ZH[now.weekday()]} {now:%H:%M}")
        else:
            self.clock.setText(f"{WEEKDAYS_EN[now.weekday()]} {now:%H:%M}")


class NavBar(QFrame):
    """Back on the left, the screen's title, home on the right: the same place on every screen."""

    def __init__(self, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "bar")
        self.back_button = button("", "nav")
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(nav.back)
        self.home_button = button("", "nav")
        self.home_button.setObjectName("homeButton")
        self.home_button.clicked.connect(nav.home)
        self.nav = nav
        self.help_button = button("", "nav")  # 找人帮忙: the numbers to call, one tap from every page
        self.help_button.setObjectName("helpButton")
        self.help_button.clicked.connect(lambda: nav.push("hotlines"))
        self.title = ElidedLabel("", "heading")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.row = QHBoxLayout(self)
        self.row.addWidget(self.back_button)
        self.row.addWidget(self.title, 1)
        self.row.addWidget(self.help_button)
        self.row.addWidget(self.home_button)

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("返回"))
        self.home_button.setText(self.tr("首页"))
        self.help_button.setText(self.nav.ctx.text("找人帮忙", "Get help"))

    def apply_theme(self, theme: Theme) -> None:
        margin = theme.spacing // 2
        self.row.setContentsMargins(theme.spacing, margin, theme.spacing, margin)
        width = theme.min_target * 3
        self.back_button.setMinimumWidth(width)
        self.home_button.setMinimumWidth(width)
        size = QSize(theme.heading_px, theme.heading_px)
        for btn, name in ((self.back_button, "fa5s.arrow-left"), (self.home_button, "fa5s.home"),
                          (self.help_button, "fa5s.phone-alt")):
            btn.setIcon(icons.icon(name, theme.colors.text))
            btn.setIconSize(size)


class KioskWindow(QWidget):
    """The one top-level window of the kiosk."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("KioskWindow")
        self.setWindowTitle(ctx.config.display_name)
        self.allow_close = not ctx.config.block_close
        self.idle: IdleWatcher | None = None  # set by kiosk.ui.app.build_kiosk
        self.idle_warning: QWidget | None = None  # the countdown before the idle reset (kiosk.ui.app)
        self._title_sources: list[Screen] = []
        self.nav = Navigator(ctx, parent=self)
        self.status_bar = StatusBar(ctx)
        self.nav_bar = NavBar(self.nav)
        layout = QVBoxLayout(self)
        # the window's size is the screen's: its layout must not impose a minimum on it
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status_bar)
        layout.addWidget(self.nav_bar)
        layout.addWidget(self.nav.stack, 1)
        self.nav.screenChanged.connect(self._screen_changed)
        ctx.languageChanged.connect(self._language_changed)
        ctx.themeChanged.connect(self.apply_theme)
        self._retranslate()
        self.apply_theme(ctx.theme)

    # -- chrome -------------------------------------------------------------------------------
    def _screen_changed(self, name: str, screen: Screen) -> None:
        self.status_bar.setVisible(screen.chrome)
        self.nav_bar.setVisible(screen.chrome and not screen.is_home and name != ATTRACT)
        self.nav_bar.help_button.setVisible(name != "hotlines")  # already there
        if screen not in self._title_sources:
            self._title_sources.append(screen)
            screen.titleChanged.connect(self._update_title)
        self._update_title()

    def _update_title(self) -> None:
        screen = self.nav.current()
        self.nav_bar.title.setText(screen.title() if screen else "")

    def _language_changed(self, _lang: str) -> None:
        self._retranslate()
        self._update_title()

    def _retranslate(self) -> None:
        self.status_bar.retranslate()
        self.nav_bar.retranslate()

    def apply_theme(self, theme: Theme) -> None:
        self.setStyleSheet(theme.qss())
        self.status_bar.apply_theme(theme)
        self.nav_bar.apply_theme(theme)

    # -- residents cannot close the kiosk ------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
        else:
            event.ignore()
