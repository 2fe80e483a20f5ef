"""No dead screens: an error nobody caught is logged and the resident lands on the home screen.

:func:`install_crash_guard` (called by ``kiosk run``) replaces ``sys.excepthook`` and
``threading.excepthook``. Qt for Python hands every exception that escapes a slot, a timer or an
event handler to ``sys.excepthook`` and carries on with the event loop; by default that prints a
traceback and leaves whatever half-built screen the error interrupted. The guard instead

1. logs the error with its context — the screen's name and the names of the screens behind it,
   the exception type and the stack (file, line, function) — and never what a resident typed: on
   input screens (search, admin) the exception's message is left out, elsewhere it is shortened and
   masked (:func:`kiosk.core.terminal.logging_setup.redact`);
2. once the failing event is over, brings the resident back to the home screen with a calm banner
   "抱歉，出了点问题，已返回首页 / Sorry, something went wrong — back to the home screen" (it does
   not block touches and fades after a few seconds);
3. after :data:`BURST` errors within a minute resets everything (the idle reset: attract screen,
   default language and theme), and after :data:`FATAL` errors within a minute gives up and exits
   with status 70, so that the service manager (``Restart=always``) starts a fresh kiosk rather than
   leaving a window that fails on every repaint.

An error in a background thread is handled the same way (the screen may be waiting for that thread).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.core.terminal.logging_setup import redact

if TYPE_CHECKING:
    from kiosk.core.terminal.config import Config
    from kiosk.ui.window import KioskWindow

log = logging.getLogger("kiosk.crash")

MESSAGES = {"zh": "抱歉，出了点问题，已返回首页", "en": "Sorry, something went wrong — back to the home screen"}
BANNER_MS = 6000
BURST = 5
"""Errors within :data:`WINDOW_S` after which the whole session is reset (attract screen)."""
FATAL = 100
"""Errors within :data:`WINDOW_S` after which the process exits (status 70) to be restarted."""
WINDOW_S = 60.0
EXIT_STATUS = 70
INPUT_SCREENS = frozenset({"search", "admin"})
"""Screens where a resident or worker types: exception messages from there are never logged."""

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class Banner(QFrame):
    """A transient message across the top of the window; touches pass through it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("crashBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label = QLabel(self)
        self.label.setObjectName("crashBannerText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setProperty("role", "heading")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        window.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, theme: Any | None = None, ms: int = BANNER_MS) -> None:
        if theme is not None:
            c = theme.colors
            self.setStyleSheet(
                f"QFrame#crashBanner {{ background: {c.surface}; border: 3px solid {c.accent}; "
                f"border-radius: {theme.radius}px; }} QLabel#crashBannerText {{ color: {c.text}; "
                f"font-size: {theme.heading_px}px; font-weight: bold; padding: {theme.spacing}px; }}")
        self.label.setText(text)
        self._place()
        self.show()
        self.raise_()
        self.timer.start(ms)

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        margin = max(8, parent.width() // 30)
        width = parent.width() - 2 * margin
        height = self.label.heightForWidth(width) + 2 * margin if self.label.text() else 0
        self.setGeometry(margin, margin * 3, width, max(height, self.sizeHint().height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


class CrashGuard(QObject):
    """Turns uncaught exceptions into a log entry and a calm return to the home screen."""

    #: the resident was brought back after an error (the name of the screen that failed)
    recovered = Signal(str)
    _recover_requested = Signal(str)

    def __init__(self, window: KioskWindow, *, clock: Callable[[], float] = time.monotonic,
                 exit_app: Callable[[int], None] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.exit_app = exit_app or _exit_app
        self.errors = 0
        self.banner = Banner(window)
        self._recent: deque[float] = deque(maxlen=FATAL)
        self._recovering = False
        self._previous_hook: Callable[[type[BaseException], BaseException, TracebackType | None], Any] | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], Any] | None = None
        self._recover_requested.connect(self._recover, Qt.ConnectionType.QueuedConnection)

    # -- hooks --------------------------------------------------------------------------------
    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook`` (the previous ones are kept)."""
        if self._previous_hook is None:
            self._previous_hook = sys.excepthook
            self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
        self._previous_hook = self._previous_thread_hook = None

    def _excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.handle((exc_type, exc, tb))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        name = args.thread.name if args.thread is not None else "?"
        self.handle((args.exc_type, value, args.exc_traceback), thread=name)

    # -- handling -----------------------------------------------------------------------------
    def handle(self, info: ExcInfo, *, thread: str | None = None) -> None:
        """Log the error and ask for a return home once the current event is over. Never raises."""
        try:
            self.errors += 1
            now = self.clock()
            self._recent.append(now)
            screen = self.window.nav.current_name or "-"
            self._log(info, screen, thread)
            if self._in_window(now) >= FATAL:
                log.critical("%d errors within %.0f s: exiting (status %d) to be restarted",
                             FATAL, WINDOW_S, EXIT_STATUS)
                self.exit_app(EXIT_STATUS)
                return
            self._recover_requested.emit(screen)  # queued: also safe from another thread
        except BaseException:  # the hook itself must never fail
            with contextlib.suppress(BaseException):
                print("kiosk: error while handling an error", file=sys.__stderr__)

    def _in_window(self, now: float) -> int:
        return sum(1 for t in self._recent if now - t <= WINDOW_S)

    def _log(self, info: ExcInfo, screen: str, thread: str | None) -> None:
        exc_type, exc, tb = info
        history = " > ".join(name for name, _params in self.window.nav.history()) or "-"
        frames = traceback.extract_tb(tb)
        stack = "\n".join(f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-12:])
        if screen in INPUT_SCREENS:
            message = "(message not logged on an input screen)"
        else:
            message = redact(str(exc))
            message = message if len(message) <= 200 else message[:199] + "…"
        where = f" in thread {thread}" if thread else ""
        if self._in_window(self.clock()) > BURST * 4:  # a storm: one line each, no stacks
            log.error("uncaught %s%s on screen %s (repeated)", exc_type.__name__, where, screen)
            return
        log.error("uncaught %s%s on screen %s (history %s): %s\n%s", exc_type.__name__, where, screen, history,
                  message, stack)

    def _recover(self, screen: str) -> None:
        if self._recovering:
            return
        self._recovering = True
        try:
            nav = self.window.nav
            burst = self._in_window(self.clock()) >= BURST
            try:
                if burst:
                    log.warning("%d errors within %.0f s: resetting the session", BURST, WINDOW_S)
                    self.window.ctx.reset_session()
                    nav.reset_to_attract()
                else:
                    nav.home()
            except Exception:
                log.exception("returning home after an error failed; showing the attract screen")
                try:
                    nav.reset_to_attract()
                except Exception:
                    log.exception("the attract screen failed too")
            lang = getattr(self.window.ctx, "language", "zh")
            self.banner.show_message(MESSAGES.get(lang, MESSAGES["zh"]), getattr(self.window.ctx, "theme", None))
            self.recovered.emit(screen)
        finally:
            self._recovering = False


class RecoveryNoticeBar(QFrame):
    """For workers, at the top of the tools: the database was recovered at start (what, from which
    backup, where the damaged file is), with 知道了 to dismiss it for good."""

    def __init__(self, conn: Any, message: str, parent: QWidget | None = None) -> None:
        from kiosk.ui.widgets.text import TextBlock, button

        super().__init__(parent)
        self.conn = conn
        self.setObjectName("recoveryNotice")
        self.setProperty("role", "card")
        self.text = TextBlock(message, "body")
        self.dismiss_button = button("知道了 / Dismiss", "nav")
        self.dismiss_button.setObjectName("recoveryNoticeDismiss")
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignRight)

    def dismiss(self) -> None:
        from kiosk.core.db.recovery import clear_recovery_notice

        try:
            clear_recovery_notice(self.conn)
        except Exception:  # a read-only database: hide it for this session at least
            log.warning("could not clear the recovery notice", exc_info=True)
        self.hide()


def recovery_notice_bar(conn: Any) -> RecoveryNoticeBar | None:
    """The notice bar when the database was recovered and no worker has dismissed it yet, else None."""
    from kiosk.core.db.recovery import recovery_notice

    message = recovery_notice(conn)
    return RecoveryNoticeBar(conn, message) if message else None


def _exit_app(status: int) -> None:
    app = QApplication.instance()
    if app is not None:
        app.exit(status)
    else:  # pragma: no cover - no event loop: nothing else can stop us
        os._exit(status)


def install_crash_guard(window: KioskWindow) -> CrashGuard:
    """Guard ``window`` against uncaught exceptions (``kiosk run`` calls this once)."""
    guard = CrashGuard(window)
    guard.install()
    window.crash_guard = guard  # type: ignore[attr-defined]
    return guard


def start_logging(config: Config) -> Path | None:
    """Rotating log files in the data directory (``log_dir``); None (and a line on stderr) if impossible.

    A terminal whose disk is read-only or full must still run, so a failure here is not fatal.
    """
    from kiosk.core.terminal.logging_setup import setup_logging
    from kiosk.core.terminal.paths import default_data_dir

    try:
        path = setup_logging(config.log_path(default_data_dir()), terminal_id=config.identity(),
                             level=config.log_level)
    except OSError as exc:
        print(f"kiosk: cannot write log files ({exc}); logging to the console only", file=sys.stderr)
        return None
    logging.getLogger("kiosk").info("kiosk starting (terminal %s)", config.identity())
    return path


__all__ = ["BURST", "FATAL", "MESSAGES", "Banner", "CrashGuard", "RecoveryNoticeBar", "install_crash_guard",
           "recovery_notice_bar", "start_logging"]
