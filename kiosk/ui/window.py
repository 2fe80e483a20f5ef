"""The kiosk window: a status bar (name, clock, language, 长辈模式, high contrast), a back/home bar
(返回, the title, 朗读, 找人帮忙, 首页) in the same place on every screen, and the navigator's stack of
screens below them.

Theme switches restyle only what is on screen at once: the window itself has no style sheet (a sheet
on the window would re-polish every widget of every built screen, ≈ 200 ms, 0.4–0.7 s a switch in
all); the bars and overlays carry the theme's sheet, each screen carries its own
(:class:`~kiosk.ui.screens.base.Screen`), and hidden screens restyle one per idle slice
(:data:`RESTYLE_SLICE_MS` apart) or when shown, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QChildEvent, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import icons
from kiosk.ui.context import AppContext
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.navigation import ATTRACT, Navigator
from kiosk.ui.screens.base import Screen
from kiosk.ui.theme import THEME_NAMES, Theme, theme_by_name
from kiosk.ui.widgets.text import ElidedLabel, button, label

DEFAULT_DISPLAY_NAME = "上街社区服务终端"
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


TOGGLE_TEXTS = {"elder": ("长辈模式", "Large text"), "contrast": ("高对比度", "High contrast")}
"""The toggles' labels in both languages (the English ones are their translations in
resources/translations/kiosk_en.ts), measured so that a toggle keeps its width when the language changes."""

RESTYLE_SLICE_MS = 120
"""After a theme switch, hidden screens restyle one per slice this far apart (a tap in between waits
for one screen's restyle at most)."""

THEMES = tuple(theme_by_name(name) for name in THEME_NAMES)
THEME_SHEET_MARK = "\n* {"  # how every sheet of kiosk.ui.theme.Theme.qss() starts


def steady_width(texts: tuple[str, ...], *, bold: bool = False, padding: int = 0) -> int:
    """Width of a button with an icon that fits each of ``texts`` at the label size of every theme (the
    ``heading_px`` of each), so it keeps its size whatever the language and theme; ``padding`` each side."""
    from kiosk.ui import fonts

    widest = 0
    for theme in THEMES:
        font = theme.font(theme.heading_px, bold=bold)
        font.setFamily(fonts.family())
        metrics = QFontMetrics(font)
        icon = theme.heading_px
        border = 4 if theme.contrast else 3
        widest = max(widest, *(metrics.horizontalAdvance(t) + icon + 8 + 2 * padding + 2 * border for t in texts))
    return widest


def steady_height() -> int:
    """Height of a bar button in every theme: the largest touch target of any theme."""
    return max(theme.min_target for theme in THEMES)


def steady_bar_height() -> int:
    """Height of the status bar in every theme (so nothing below it moves when the theme changes)."""
    return max(theme.bar_height for theme in THEMES)


STATUS_MARGIN = max(theme.spacing for theme in THEMES)
TOGGLE_PADDING = 12


class StatusBar(QFrame):
    """Always visible above the screens (except the attract screen)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "bar")
        self.setObjectName("statusBar")
        self.brand = ElidedLabel("", "brand", min_chars=3)
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
        # Every toggle has one size in every theme and language (steady_sizes), and the bar one height
        # and margins, so a second tap lands where the first did whatever the first one switched.
        self.row.addWidget(self.language_button)
        self.row.addWidget(self.contrast_button)
        self.row.addWidget(self.elder_button)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.update_clock)
        self.timer.start(10_000)
        self.setFixedHeight(steady_bar_height())
        margin = (steady_bar_height() - steady_height()) // 2
        self.row.setContentsMargins(STATUS_MARGIN, margin, STATUS_MARGIN, margin)
        self.row.setSpacing(STATUS_MARGIN // 2)
        self.steady_sizes()

    def retranslate(self) -> None:
        name = self.ctx.config.display_name
        if name == DEFAULT_DISPLAY_NAME:
            name = self.tr("上街社区服务终端")
        self.brand.setText(name)
        # the button names the language it switches to, in that language
        self.language_button.setText("English" if self.ctx.language == "zh" else "中文")
        self.elder_button.setText(self.tr("长辈模式"))
        self.contrast_button.setText(self.tr("高对比度"))
        self.update_clock()

    def toggles(self) -> list[QPushButton]:
        return [self.language_button, self.contrast_button, self.elder_button]

    def steady_sizes(self) -> None:
        """Each toggle as wide as its widest label in either language at the label size of any theme, and
        as high as the largest target: switching the language or the theme moves no button."""
        height = steady_height()
        for btn in self.toggles():
            btn.ensurePolished()  # the sheet's min-width/min-height land at polish: the fixed size after them
        for btn, texts in ((self.language_button, ("English", "中文")), (self.elder_button, TOGGLE_TEXTS["elder"]),
                           (self.contrast_button, TOGGLE_TEXTS["contrast"])):
            btn.setFixedSize(steady_width(texts, padding=TOGGLE_PADDING), height)

    def apply_theme(self, theme: Theme) -> None:
        self.elder_button.setChecked(theme.elder)
        self.contrast_button.setChecked(theme.contrast)
        color = theme.colors.text
        size = QSize(theme.heading_px, theme.heading_px)
        for btn, name in ((self.language_button, "fa5s.language"), (self.elder_button, "fa5s.search-plus"),
                          (self.contrast_button, "fa5s.adjust")):
            btn.setIcon(icons.toggle_icon(name, color, theme.colors.accent_text, theme.heading_px))
            btn.setIconSize(size)
        self.steady_sizes()

    def update_clock(self) -> None:
        now = self.ctx.clock()
        if self.ctx.language == "zh":
            self.clock.setText(f"周{WEEKDAYS_ZH[now.weekday()]} {now:%H:%M}")
        else:
            self.clock.setText(f"{WEEKDAYS_EN[now.weekday()]} {now:%H:%M}")


class NavBar(QFrame):
    """Back on the left, the screen's title, then 朗读 (read aloud), 找人帮忙 (help) and home on the right:
    the same place on every screen. On home the bar shows too, without back and home (their room is kept,
    so 朗读 and 找人帮忙 stay where they are on every other page)."""

    def __init__(self, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "bar")
        self.setObjectName("navBar")
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
        #: 朗读: reads the visible screen's speech_text(); made with the first page that has the bar
        #: (None until then, and for good where read-aloud is off)
        self.read_button: QPushButton | None = None
        self._read_made = False
        self.title = NavTitle()
        for btn in (self.back_button, self.home_button, self.help_button):
            keep_room_when_hidden(btn)
        # The title sits between the buttons when it fits there whole, else on its own line under them
        # (wrapping if it must): a resident always sees where they are, and no button moves for it.
        self.title_slot = QWidget()  # the room between back and 朗读, whether the title is in it or not
        self.title_slot.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.slot_layout = QHBoxLayout(self.title_slot)
        self.slot_layout.setContentsMargins(0, 0, 0, 0)
        self.title_slot.installEventFilter(self)
        self.title_line = QWidget()  # the line under the buttons
        self.title_line.setObjectName("navTitleLine")
        self.line_layout = QHBoxLayout(self.title_line)
        self.line_layout.setContentsMargins(0, 0, 0, 0)
        self.title_line.hide()
        self.slot_layout.addWidget(self.title)
        self.title.changed.connect(self.place_title)
        self.column = QVBoxLayout(self)
        self.row = QHBoxLayout()
        self.column.addLayout(self.row)
        self.column.addWidget(self.title_line)
        self.column.addStretch(1)  # any height to spare goes under the title: the buttons stay at the top
        self.row.addWidget(self.back_button)
        self.row.addWidget(self.title_slot, 1)
        self.read_slot = QHBoxLayout()  # the 朗读 button goes here (it keeps its room while it has no voice)
        self.read_slot.setContentsMargins(0, 0, 0, 0)
        self.row.addLayout(self.read_slot)
        self.row.addWidget(self.help_button)
        self.row.addWidget(self.home_button)

    def title_below(self) -> bool:
        """Whether the title is on its own line under the buttons."""
        return self.title.parentWidget() is self.title_line

    def place_title(self) -> None:
        """The title between the buttons when its whole text fits there at its font, else under them."""
        room = self.title_slot.width()
        inline = self.title.needed_width() <= room
        if inline == (not self.title_below()):
            return
        source, target = (self.line_layout, self.slot_layout) if inline else (self.slot_layout, self.line_layout)
        source.removeWidget(self.title)
        self.title.setWordWrap(not inline)
        target.addWidget(self.title)
        self.title.show()
        self.title_line.setVisible(not inline)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.title_slot and event.type() == QEvent.Type.Resize:
            self.place_title()
        return super().eventFilter(watched, event)

    def make_read_button(self) -> QPushButton | None:
        """The one 朗读 button of the window, reading the current screen (hidden while the language has no
        voice; None where read-aloud is off)."""
        if self._read_made:
            return self.read_button
        self._read_made = True
        from kiosk.ui.speech import read_aloud_button, reader_for

        def text() -> str:
            screen = self.nav.current()
            return screen.speech_text() if screen is not None else ""

        reader = reader_for(self.nav.ctx, self.nav)
        self.read_button = read_aloud_button(reader, text)
        window = self.window()
        if self.read_button is not None and self.nav.ctx.config.read_on_touch and isinstance(window, KioskWindow):
            from kiosk.ui.touch_reading import TouchReader

            window.touch_reader = TouchReader(window, reader)
        if self.read_button is not None:
            self.read_button.setProperty("role", "nav")
            apply = getattr(self.read_button, "apply_theme", None)
            if callable(apply):
                apply(self.nav.ctx.theme)  # a bar button's size and icon colour (kiosk.ui.speech)
            keep_room_when_hidden(self.read_button)
            self.read_slot.addWidget(self.read_button)
            self.steady_read_width()
        return self.read_button

    def steady_read_width(self) -> None:
        """朗读 as wide as its wider label (朗读 / 停止朗读) in the current language at the size of any theme:
        pressing it or switching the theme moves nothing. (Help keeps its room on the hotlines page.)"""
        btn = self.read_button
        if btn is None:
            return
        btn.ensurePolished()  # the sheet's min-width lands at polish: the fixed size after it
        btn.setFixedSize(steady_width(READ_TEXTS[self.nav.ctx.language], bold=True, padding=STATUS_MARGIN),
                         steady_height())

    def steady_sizes(self) -> None:
        """Back, 找人帮忙 and home (and 朗读) as wide as their label at the size of any theme in the current
        language and as high as the largest target, in fixed margins: a theme switch moves no button."""
        for btn in (self.back_button, self.help_button, self.home_button):
            btn.ensurePolished()  # the sheet's min-width/min-height land at polish: the fixed size after them
            btn.setFixedSize(steady_width((btn.text(),), bold=True, padding=STATUS_MARGIN), steady_height())
        self.steady_read_width()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("返回"))
        self.home_button.setText(self.tr("首页"))
        self.help_button.setText(self.nav.ctx.text("找人帮忙", "Get help"))
        self.steady_sizes()

    def apply_theme(self, theme: Theme) -> None:
        margin = STATUS_MARGIN // 2
        self.column.setContentsMargins(STATUS_MARGIN, margin, STATUS_MARGIN, margin)
        self.column.setSpacing(margin)
        self.row.setSpacing(STATUS_MARGIN // 2)
        self.steady_sizes()
        size = QSize(theme.heading_px, theme.heading_px)
        for btn, name in ((self.back_button, "fa5s.arrow-left"), (self.home_button, "fa5s.home"),
                          (self.help_button, "fa5s.phone-alt")):
            btn.setIcon(icons.icon(name, theme.colors.text))
            btn.setIconSize(size)


class NavTitle(QLabel):
    """The page's title in the back/home bar: plain text (names come from the database), never elided; it
    wraps when it is on its own line (NavBar.place_title). ``changed`` when its text or font changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navTitle")
        self.setProperty("role", "heading")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.changed.emit()

    def full_text(self) -> str:
        return self.text()

    def needed_width(self) -> int:
        """The width of the text on one line at the label's font."""
        return QFontMetrics(self.font()).horizontalAdvance(self.text()) + 2 * self.margin() + 2

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.changed.emit()


READ_TEXTS = {"zh": ("朗读", "停止朗读"), "en": ("Read aloud", "Stop reading")}  # kiosk.ui.speech.LABELS


def keep_room_when_hidden(widget: QWidget) -> None:
    """A hidden ``widget`` keeps its room in the layout (its neighbours do not move)."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


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
        self.touch_reader: QObject | None = None  # elder mode reads tapped labels (kiosk.ui.touch_reading)
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
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.setInterval(RESTYLE_SLICE_MS)
        self._restyle_timer.timeout.connect(self._restyle_one_hidden_screen)
        self._retranslate()
        self.apply_theme(ctx.theme)

    # -- chrome -------------------------------------------------------------------------------
    def _screen_changed(self, name: str, screen: Screen) -> None:
        self.status_bar.setVisible(screen.chrome)
        self.nav_bar.setVisible(screen.chrome and name != ATTRACT)
        if screen.chrome and name != ATTRACT:
            self.nav_bar.make_read_button()
        self.nav_bar.back_button.setVisible(not screen.is_home)
        self.nav_bar.home_button.setVisible(not screen.is_home)
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
        """The bars, overlays and the visible screen now; hidden screens in idle slices (or when shown first:
        Screen.ensure_theme)."""
        self._style_sheet = theme.qss()
        with self.quiet_app_filters():
            for child in self.children():
                if isinstance(child, QWidget) and child is not self.nav.stack:
                    self._style_chrome(child)
            self.status_bar.apply_theme(theme)
            self.nav_bar.apply_theme(theme)
            current = self.nav.current()
            if current is not None and current.isVisible():
                current.ensure_theme()  # its own themeChanged slot then finds it done
        self.update()  # the window's own background (paintEvent)
        self._restyle_timer.start()

    @contextmanager
    def quiet_app_filters(self) -> Iterator[None]:
        """The application-wide event filters (idle watcher, corner hold) out of the way while a style sheet
        re-polishes widgets: each of the thousands of polish events would pass through them in Python (a
        third to a half of a switch's time). No touch can arrive during the synchronous restyle, so none
        is missed."""
        app = QApplication.instance()
        from kiosk.ui.admin.gesture import CornerHold

        touch = self.touch_reader if self.touch_reader is not None and getattr(self.touch_reader, "installed", False) \
            else None
        filters: list[QObject] = [f for f in (self.idle, touch, *self.findChildren(CornerHold)) if f is not None]
        if app is None or not filters:
            yield
            return
        for f in filters:
            app.removeEventFilter(f)
        try:
            yield
        finally:
            for f in filters:
                app.installEventFilter(f)

    def _style_chrome(self, child: QWidget) -> None:
        sheet = child.styleSheet()
        if sheet != self._style_sheet and (not sheet or sheet.startswith(THEME_SHEET_MARK)):
            child.setStyleSheet(self._style_sheet)  # a widget with a sheet of its own keeps it

    def _restyle_one_hidden_screen(self) -> None:
        for screen in self.nav.built().values():
            if screen.theme_pending and not screen.isVisible():
                with self.quiet_app_filters():
                    screen.ensure_theme()
                if any(s.theme_pending for s in self.nav.built().values()):
                    self._restyle_timer.start()
                return

    def childEvent(self, event: QChildEvent) -> None:
        """A widget put on the window later (an overlay) gets the theme's sheet when it is first polished."""
        super().childEvent(event)
        if event.type() == QEvent.Type.ChildPolished:
            child = event.child()
            if isinstance(child, QWidget) and child is not self.nav.stack and hasattr(self, "_style_sheet"):
                self._style_chrome(child)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The window's background in the theme's colour (no style sheet on the window: see the module)."""
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(self.ctx.theme.colors.background))
        painter.end()

    # -- residents cannot close the kiosk ------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
        else:
            event.ignore()
