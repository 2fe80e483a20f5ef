"""Application set-up: database, configuration, fonts, the kiosk window, idle reset, self-test.

``kiosk run`` calls :func:`run`. The pieces are separate so that tests, the screenshots command
and benchmarks build exactly the same window with :func:`build_kiosk`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.core import queries
from kiosk.core.errors import KioskError
from kiosk.core.queries import Connection
from kiosk.core.terminal.config import Config
from kiosk.core.terminal.paths import PathError
from kiosk.ui.context import AppContext, shanghai_now
from kiosk.ui.crash import install_crash_guard
from kiosk.ui.earlyinit import early_init
from kiosk.ui.fonts import choose_font, renders_chinese
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.navigation import ATTRACT
from kiosk.ui.registry import RESIDENT_SCREENS, register_resident_screens
from kiosk.ui.screens.base import Screen
from kiosk.ui.stop_signals import exit_on_stop_signals
from kiosk.ui.watchdog import install as install_service_watchdog
from kiosk.ui.widgets.idle_warning import IdleWarning
from kiosk.ui.window import KioskWindow

DEFAULT_WINDOWED_SIZE = (1280, 800)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """What ``kiosk run`` (and the other commands that open a kiosk window) ask for — plain settings, so
    the UI never depends on the command-line layer (kiosk/commands builds these from its arguments)."""

    db: str | None = None
    """work on this database file instead of the terminal's runtime database"""
    config: str | None = None
    """the terminal configuration file (default: config.toml in the data directory)"""
    windowed: bool = False
    size: tuple[int, int] | None = None
    self_test: bool = False
    ready_report: str | None = None
    """benchmarks: print a JSON line once ready and quit (kiosk.ui.readiness)"""



JOB_WAIT_AT_EXIT_S = 8.0
"""A stop (systemctl stop, SIGTERM) during a worker's import waits this long for it to finish."""

def open_database(args: RunOptions, config: Config | None = None, *,
                  path_problem: str | None = None) -> Connection:
    """The runtime database (made from the bundled one on first start, upgraded keeping worker edits):
    ``--db PATH``, else the ``database`` setting of ``config``, else kiosk.db in the data directory.

    A runtime database that cannot be written or used (read-only folder, newer program, missing link
    target, ``path_problem``: an unusable configured path) gives a read-only stand-in whose reason
    the worker tools show (kiosk.core.db.runtime.open_kiosk_database)."""
    from kiosk.core.db.connection import connect
    from kiosk.core.db.runtime import open_kiosk_database
    from kiosk.core.errors import DatabaseError
    from kiosk.core.terminal.paths import bundled_db_path, default_data_dir

    chosen = args.db
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise DatabaseError(f"database not found: {path}")
        conn = connect(path)
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn
    if path_problem is not None:
        return open_kiosk_database(Path("."), bundled_db_path(), path_problem=path_problem)
    data_dir = default_data_dir()
    db_path = (config or Config()).database_path(data_dir)
    return open_kiosk_database(data_dir, bundled_db_path(), db_path=db_path, now=shanghai_now())


def load_app_config(args: RunOptions, data_dir: Path | None = None) -> Config:
    """``--config PATH``, else the terminal's config file in the data directory, else the defaults."""
    from kiosk.core.terminal.config import load_config, load_terminal_config
    from kiosk.core.terminal.paths import default_data_dir

    path = args.config
    if path:
        return load_config(Path(path))
    config, _source = load_terminal_config(data_dir if data_dir is not None else default_data_dir())
    return config


def create_application() -> QApplication:
    """The QApplication with the bundled CJK font as its font (or a system Chinese font, see kiosk.ui.fonts)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    family = choose_font().family
    font = app.font()
    font.setFamily(family)
    font.setPixelSize(24)
    app.setFont(font)
    return app


def start_state(args: RunOptions) -> tuple[Config, list[str], str | None]:
    """The config ``kiosk run`` starts with, the bad start states found, and the database path problem.

    An unusable ``KIOSK_DATA_DIR`` or path setting (``~nosuchuser/…``) is reported, not fatal: log
    folder and content inbox go back to their defaults (logs/ in the data directory; off), and the
    database is then shown read-only from the bundled copy (a fresh default copy would split the
    workers' edits between two files).
    """
    from kiosk.core.terminal.config import CONFIG_ENV, load_config
    from kiosk.core.terminal.paths import default_data_dir

    problems: list[str] = []
    db_problem: str | None = None
    try:
        data_dir: Path | None = default_data_dir()
    except PathError as exc:
        data_dir, db_problem = None, str(exc)
        problems.append(db_problem)
    if data_dir is not None:
        config = load_app_config(args, data_dir)
    else:  # no data directory to find config.toml in: only a file named explicitly
        explicit = args.config or os.environ.get(CONFIG_ENV)
        config = load_config(Path(explicit)) if explicit else Config()
    bad_paths = config.path_problems()
    problems.extend(bad_paths.values())
    if "database" in bad_paths:
        db_problem = bad_paths["database"]
    return config.without(bad_paths), problems, db_problem


def build_kiosk(conn: Connection, config: Config | None = None, *,
                clock: Callable[[], datetime] = shanghai_now, count_usage: bool = True) -> KioskWindow:
    """The kiosk window with every resident screen registered and the idle reset wired.

    ``count_usage=False`` (screenshots, self-test) keeps visits out of the usage counts.
    """
    create_application()
    ctx = AppContext(conn, config, clock=clock)
    window = KioskWindow(ctx)
    register_resident_screens(window.nav)
    # The first screen is built before any application-wide event filter (idle watcher, corner hold)
    # exists: an event filter written in Python makes PySide6 load every QtWidgets class (≈ 30 ms, 2-core
    # terminal) the first time it is handed an object of a Qt-private class, such as the text control of
    # a rich-text label. Built now, that cost falls after the first paint (kiosk.ui.readiness), not before.
    window.nav.screen(ATTRACT)
    install_worker_tools(window)
    warning = IdleWarning(window, ctx.text)
    idle = IdleWatcher(ctx.config.idle_timeout_s, lambda: idle_reset(window),
                       timeout_for=lambda: _screen_timeout(window), on_warn=warning.warn, on_active=warning.hide,
                       parent=window)
    window.idle_warning = warning
    window.idle = idle
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(idle)
    window.nav.screenChanged.connect(lambda name, _s: idle.stop() if name == ATTRACT else idle.start())
    if count_usage:
        window.nav.visited.connect(lambda name, params: record_usage(ctx, name, params))
    window.nav.reset_to_attract()
    return window


PREBUILD_DELAY_MS = 200
"""The first screen gets this long to settle before the others are built."""


def prebuild_screens(window: KioskWindow, *, delay_ms: int = PREBUILD_DELAY_MS) -> None:
    """Build every resident screen not built yet, one per turn of the event loop, while the kiosk waits
    for its first touch — so that no tap waits for a screen to be built (10–130 ms each on the first
    visit; 2-core terminal). Importing, building and preparing a screen take a turn each, so a touch
    in between waits at most for one of them (≤ 90 ms: building the search screen and its keyboard).
    Each screen's :meth:`~kiosk.ui.screens.base.Screen.prepare` then loads what its first visit needs.
    """
    nav = window.nav
    pending = [name for name in RESIDENT_SCREENS if nav.has(name)]

    def build_next() -> None:
        while pending:
            name = pending.pop(0)
            if name in nav.built():
                continue
            QTimer.singleShot(0, lambda n=name: build(n))  # importing, building, preparing: a turn each
            try:
                importlib.import_module(RESIDENT_SCREENS[name][0])
            except Exception:  # it fails again, and is reported by the crash guard, when a resident opens it
                log.exception("importing the %s screen ahead of time failed", name)
            return

    def build(name: str) -> None:
        try:
            screen = nav.screen(name)
        except Exception:  # a screen that fails here is built again (and reported) on its visit
            log.exception("building the %s screen ahead of time failed", name)
            if pending:
                QTimer.singleShot(0, build_next)
            return
        QTimer.singleShot(0, lambda: prepare(screen, name))

    def prepare(screen: Screen, name: str) -> None:
        try:
            screen.prepare()
        except Exception:
            log.exception("preparing the %s screen ahead of time failed", name)
        if pending:
            QTimer.singleShot(0, build_next)

    QTimer.singleShot(delay_ms, build_next)


SCREEN_BUSY_TIMEOUT_MS = 300


def wait_briefly_for_writes(conn: Connection) -> None:
    """The kiosk screen waits at most :data:`SCREEN_BUSY_TIMEOUT_MS` for another writer's lock (a content
    update swapping in, ``kiosk import`` on the same terminal), not the 5 s a command line waits.

    Every write of the screen — a usage count on a tap, a resident's report, a worker's save — runs on
    the GUI thread; a long wait there is a frozen window. A count that cannot wait is skipped; a report
    or a save that cannot is refused with a calm "try again" (their screens already say so). Reading
    never waits: the database is in WAL mode, so readers do not block on a writer.
    """
    conn.execute(f"PRAGMA busy_timeout = {SCREEN_BUSY_TIMEOUT_MS}")


def record_usage(ctx: AppContext, name: str, params: dict[str, Any]) -> None:
    """Count the visit anonymously (kiosk.core.workers.usage) for the workers' "most viewed" report.

    Counting never disturbs a resident: a read-only database or a missing module only skips it.
    """
    try:
        from kiosk.core.workers.usage import record_view
    except ImportError:
        return
    now = ctx.clock()
    views = [("screen", name)]
    if name == "category" and params.get("category_id"):
        views.append(("category", str(params["category_id"])))
    elif name == "detail" and params.get("service_id"):
        views.append(("service", str(params["service_id"])))
    for kind, key in views:
        try:
            record_view(ctx.conn, kind, key, now)
        except Exception:  # read-only or busy database: counting is never worth an error
            log.debug("view of %s %s not counted", kind, key, exc_info=True)
            return


def install_worker_tools(window: KioskWindow) -> None:
    """The worker tools' "admin" screen and its hidden corner entry (kiosk.ui.admin)."""
    from kiosk.ui.admin import install_worker_tools as install

    install(window)


def _screen_timeout(window: KioskWindow) -> int | None:
    """The current screen's own timeout, else the elder-mode one (``elder_idle_timeout_s``) in elder
    mode; None: the watcher's default (``idle_timeout_s``)."""
    screen = window.nav.current()
    own = screen.idle_timeout_s() if screen is not None else None
    if own is None and window.ctx.elder:
        return window.ctx.config.elder_idle_timeout_s
    return own


def release_idle_memory() -> bool:
    """:func:`kiosk.ui.memory.release_idle_memory`, imported on the first idle reset (it loads ctypes,
    which start-up does not need)."""
    from kiosk.ui.memory import release_idle_memory as release

    return release()


def idle_reset(window: KioskWindow) -> None:
    """Forget the last resident: language, elder mode, contrast, every screen's state; attract."""
    window.ctx.reset_session()
    window.nav.reset_to_attract()
    QTimer.singleShot(1000, release_idle_memory)  # the handwriting model and freed pages go back (kiosk.ui.memory)


def sample_params(conn: Connection) -> dict[str, dict[str, Any]]:
    """Parameters that show each screen with real content (self-test, screenshots)."""
    categories = queries.list_categories(conn, primary_only=True) or queries.list_categories(conn)
    params: dict[str, dict[str, Any]] = {name: {} for name in RESIDENT_SCREENS}
    if categories:
        params["category"] = {"category_id": categories[0].id}
    services = queries.list_services(conn)
    with_phone = [s for s in services if s.first_phone]
    if services:
        params["detail"] = {"service_id": (with_phone or services)[0].id}
    return params


def show_screen(window: KioskWindow, name: str, params: dict[str, Any] | None = None) -> Screen:
    """Go to ``name`` the way a resident would (home first, so back works)."""
    nav = window.nav
    if name == ATTRACT:
        nav.reset_to_attract()
    elif name == "home":
        nav.home()
    else:
        nav.home()
        nav.push(name, **(params or {}))
    screen = nav.current()
    assert screen is not None
    return screen


def self_test(window: KioskWindow) -> int:
    """Build and show every resident screen offscreen, check Chinese glyphs; print a summary."""
    start = time.perf_counter()
    ctx = window.ctx
    params = sample_params(ctx.conn)
    window.resize(1080, 1920)
    window.show()
    built = []
    for name in RESIDENT_SCREENS:
        screen = show_screen(window, name, params.get(name))
        QApplication.processEvents()
        built.append(f"{name}({type(screen).__name__})")
    glyphs = renders_chinese(ctx.theme.font())
    categories = queries.list_categories(ctx.conn)
    services = queries.list_services(ctx.conn)
    elapsed = time.perf_counter() - start
    print(f"self-test: {len(built)} screens built: {', '.join(built)}")
    print(f"self-test: {len(categories)} categories, {len(services)} services, "
          f"Chinese glyphs {'ok' if glyphs else 'MISSING'}, {elapsed:.2f} s")
    window.allow_close = True
    window.close()
    return 0 if glyphs else 1


def show_kiosk_window(window: KioskWindow, config: Config, *, windowed: bool = False,
                      size: tuple[int, int] | None = None) -> None:
    """Fullscreen and frameless (kiosk mode) unless ``windowed`` or the config says otherwise."""
    windowed = windowed or not config.fullscreen
    flags = window.windowFlags()
    if config.frameless and not windowed:
        flags |= Qt.WindowType.FramelessWindowHint
    if config.stay_on_top:
        flags |= Qt.WindowType.WindowStaysOnTopHint
    window.setWindowFlags(flags)
    if windowed:
        window.resize(*(size or DEFAULT_WINDOWED_SIZE))
        window.show()
    else:
        window.showFullScreen()


def run(args: RunOptions) -> int:
    """``kiosk run``: the fullscreen kiosk (``--windowed`` for development, ``--self-test``)."""
    started = time.perf_counter()
    config, problems, db_problem = start_state(args)
    early_init(config)  # log files, faulthandler, binding check — in that order (kiosk.ui.earlyinit)
    for problem in problems:
        log.warning("start: %s", problem)
        print(f"kiosk run: {problem}", file=sys.stderr)
    app = create_application()
    font = choose_font()
    (log.info if font.source == "bundled" else log.warning)("start: font: %s", font.describe())
    try:
        conn = open_database(args, config, path_problem=db_problem)
    except KioskError as exc:  # no database can be shown at all: say so on the screen, not only on stderr
        if args.self_test:
            raise
        log.error("start: out of service: %s", exc)
        print(f"kiosk run: out of service: {exc}", file=sys.stderr)
        from kiosk.ui.out_of_service import show_out_of_service

        return show_out_of_service(str(exc), windowed=bool(args.windowed) or not config.fullscreen,
                                   size=args.size or DEFAULT_WINDOWED_SIZE,
                                   block_close=config.block_close, ready_report=args.ready_report,
                                   started=started)
    from kiosk.core.db.runtime import read_only_reason

    reason = read_only_reason(conn)
    if reason:
        log.warning("start: database shown read-only: %s", reason)
        print(f"kiosk run: {reason}", file=sys.stderr)
    wait_briefly_for_writes(conn)
    window = build_kiosk(conn, config, count_usage=not args.self_test)
    if args.self_test:
        return self_test(window)
    install_crash_guard(window)  # no dead screens: an uncaught error is logged and the resident goes home
    ready_report = args.ready_report
    if ready_report:
        from kiosk.ui.readiness import install as report_when_ready

        report_when_ready(window, ready_report, started)
    show_kiosk_window(window, config, windowed=bool(args.windowed), size=args.size)
    if config.hide_cursor:
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    prebuild_screens(window)  # while the attract screen waits for its first touch
    install_service_watchdog(window)  # READY=1 once painted, then WATCHDOG=1 from the event loop (systemd)
    exit_on_stop_signals(app)  # systemctl stop: a clean exit, not a kill in the middle of a write
    from kiosk.ui.outbox import install as install_reports

    reports = install_reports(conn, config, clock=shanghai_now, parent=window)  # starts counted, outbox (ui/outbox)
    status = int(app.exec())
    from kiosk.ui.background import running_jobs, wait_all

    if running_jobs():  # stopped during a worker's import or restore: let it finish (all or none either way)
        wait_all(JOB_WAIT_AT_EXIT_S)  # inside the unit's TimeoutStopSec=10; else SQLite rolls it back
    reports.finish(status)
    return status
