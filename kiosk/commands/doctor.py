"""``kiosk doctor``: check this terminal's set-up and say what to fix.

Checks: config, data and log folders (write access, free space), the bundled and runtime
databases (open, quick_check, schema version), the bundled font (present, renders Chinese), the
display (a Qt window can open — probed in a child process, since Qt aborts when it cannot), the
speech engine (the read-aloud worker starts, its engine answers in time, a Mandarin voice), handwriting
(Zinnia) and the content inbox — and the bad start states ``kiosk run`` works around: a runtime database
that cannot be written (read-only folder), is from a newer program or is a link to a missing file;
unusable paths (``~nosuchuser/…``); a system font standing in for the bundled one. Exit status 1 when
any check is a PROBLEM; WARN lines do not fail.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.core.terminal.health import OK, PROBLEM, WARN, Check, guarded, summary

PROBE_TIMEOUT_S = 30


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("doctor", parents=[common], help="check this terminal's set-up and say what to fix",
                       description="Check display, fonts, databases, config, write access, speech engine, "
                                   "handwriting and the content inbox. Each line is OK, WARN (works, something "
                                   "is missing) or PROBLEM (with what to do). Exit status 1 on any PROBLEM.")
    p.add_argument("--config", metavar="FILE", type=Path, default=None,
                   help="check this config file (default: $KIOSK_CONFIG or config.toml in the data directory)")
    p.add_argument("--probe-display", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_doctor)


def self_command() -> list[str]:
    """The command line that runs this same program (the packaged binary, or python -m kiosk)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "kiosk"]


def cmd_doctor(args: argparse.Namespace) -> int:
    if args.probe_display:
        return _probe_display()
    from kiosk.core.terminal import health as doctor
    from kiosk.core.terminal.paths import PathError, bundled_db_path, default_data_dir, platform_data_dir, resources_dir

    checks: list[Check] = []
    try:
        data_dir = default_data_dir()
    except PathError as exc:  # report it, check the platform's default folder instead
        data_dir = platform_data_dir()
        checks.append(Check("data directory path", PROBLEM, f"{exc}; checking {data_dir} instead",
                            "set KIOSK_DATA_DIR to a full path (or unset it); meanwhile `kiosk run` shows the "
                            "bundled data read-only"))
    display_env = dict(os.environ)
    config_check, config = doctor.check_config(data_dir, args.config)
    checks.append(config_check)
    bad_paths = config.path_problems()
    if bad_paths:
        checks.append(Check("config paths", PROBLEM, "; ".join(bad_paths.values()),
                            "write the full path in the config file; meanwhile `kiosk run` uses the default log "
                            "folder, no content inbox, and shows the bundled data read-only for a bad database path"))
        config = config.without(bad_paths)
    checks.append(guarded("display", lambda: check_display(display_env)))
    checks.append(guarded("data directory", lambda: doctor.check_writable(data_dir)))
    checks.append(guarded("log folder", lambda: doctor.check_writable(config.log_path(data_dir),
                                                                       name="log folder")))
    checks.append(guarded("bundled database", lambda: doctor.check_database(bundled_db_path(), role="bundled")))
    runtime = Path(args.db) if args.db else config.database_path(data_dir)
    checks.append(guarded("runtime database", lambda: doctor.check_database(runtime, role="runtime",
                                                                             required=False)))
    checks.append(guarded("database access", lambda: check_start_state(runtime)))
    font_file = guarded("font file", lambda: doctor.check_font_file(resources_dir()))
    rendering = guarded("font rendering", check_font_rendering)
    if font_file.status == PROBLEM and rendering.status == WARN:  # a system font stands in: the kiosk works
        font_file = Check(font_file.name, WARN, font_file.detail, font_file.fix)
    checks += [font_file, rendering]
    checks.append(guarded("speech", lambda: check_speech(config.read_aloud)))
    checks.append(guarded("handwriting", doctor.check_handwriting))
    checks.append(guarded("content inbox", lambda: doctor.check_inbox(config, _applied_version(runtime))))
    checks.append(guarded("bundle signing", lambda: doctor.check_signing(config, data_dir)))
    checks.append(guarded("reports outbox", lambda: doctor.check_outbox(config)))
    checks.append(guarded("holiday schedule", lambda: doctor.check_holiday_schedule(runtime, doctor.shanghai_now())))
    checks.append(guarded("merge conflicts", lambda: doctor.check_conflicts(runtime)))

    width = max(len(c.name) for c in checks)
    for c in checks:
        print(f"{c.status:<8} {c.name:<{width}}  {c.detail}")
        if c.fix and c.status != OK:
            print(f"{'':<8} {'':<{width}}  → {c.fix}")
    problems, warnings = summary(checks)
    print(f"\n{len(checks)} checks: {problems} problem(s), {warnings} warning(s)")
    return 1 if problems else 0


def _applied_version(runtime: Path) -> int | None:
    if not runtime.is_file():
        return None
    import sqlite3

    from kiosk.core.exchange.bundle import applied_bundle

    try:
        conn = sqlite3.connect(f"{runtime.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return applied_bundle(conn)[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


# ── checks that need Qt ─────────────────────────────────────────────────────────────────────────


def check_display(env: dict[str, str]) -> Check:
    """A Qt GUI application can start on this session's display (probed in a child process)."""
    platform = env.get("QT_QPA_PLATFORM", "")
    if not (platform or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return Check("display", PROBLEM, "no display: DISPLAY and WAYLAND_DISPLAY are not set",
                     "run the kiosk (and this check) inside the terminal's graphical session: the systemd user "
                     "unit or the autostart entry does that (docs/deploying.md)")
    try:
        result = subprocess.run([*self_command(), "doctor", "--probe-display"], env=env, capture_output=True,
                                text=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return Check("display", PROBLEM, f"opening the display took over {PROBE_TIMEOUT_S} s",
                     "check that the X server / Wayland compositor is running and responsive")
    if result.returncode == 0 and result.stdout.strip():
        detail = result.stdout.strip().splitlines()[-1]
        if platform in ("offscreen", "minimal"):
            return Check("display", WARN, f"{detail} (QT_QPA_PLATFORM={platform}: nothing is shown on screen)",
                         "unset QT_QPA_PLATFORM on a real terminal")
        return Check("display", OK, detail)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    reason = next((line for line in lines if "could not" in line.lower() or "cannot" in line.lower()),
                  lines[-1] if lines else f"exit status {result.returncode}")
    fix = "install the Qt system libraries: bash scripts/bootstrap (or apt-get install the packages in " \
          "scripts/debian-packages.txt)"
    if "connect to display" in reason:
        fix = "check DISPLAY/XAUTHORITY: the kiosk must run as the user logged in on the terminal's screen"
    return Check("display", PROBLEM, f"Qt cannot open the display: {reason.strip()}", fix)


def _probe_display() -> int:
    """Child process of check_display: open the display with Qt, print what it found."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    screens = app.screens()
    sizes = ", ".join(f"{s.size().width()}×{s.size().height()}" for s in screens)
    where = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or "-"
    print(f"Qt platform {app.platformName()} on {where}: {len(screens)} screen(s) {sizes}")
    return 0


def _gui_app() -> Any:
    """The doctor's own Qt application, offscreen (it shows nothing)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def check_font_rendering() -> Check:
    """Qt loads the bundled font and it has glyphs for everyday Chinese (else: which fallback the kiosk uses)."""
    _gui_app()
    from PySide6.QtGui import QFont

    from kiosk.ui.fonts import choose_font, renders_chinese

    choice = choose_font()
    if choice.source == "system":
        return Check("font rendering", WARN, choice.describe(), "reinstall the package to get the bundled font back")
    if choice.source == "none":
        return Check("font rendering", PROBLEM, choice.describe(),
                     "reinstall the package, or install a system Chinese font: apt-get install fonts-noto-cjk")
    if not renders_chinese(QFont(choice.family, 24)):
        return Check("font rendering", PROBLEM, f"font '{choice.family}' lacks Chinese glyphs", "reinstall the package")
    return Check("font rendering", OK, f"'{choice.family}' has glyphs for 上街社区服务终端养老医疗图书")


def check_start_state(runtime: Path) -> Check:
    """The runtime database can be written and read by this program; else what ``kiosk run`` does instead."""
    import sqlite3

    from kiosk.core.db.migrations import NewerDatabaseError, check_not_newer, missing_schema
    from kiosk.core.db.runtime import LinkTargetMissing, follow_link, write_problem

    name = "database access"
    try:
        path = follow_link(runtime)
    except LinkTargetMissing as exc:
        return Check(name, PROBLEM, str(exc), "`kiosk run` shows the bundled data read-only until the link works")
    problem = write_problem(path)
    if problem:
        return Check(name, PROBLEM, problem, "`kiosk run` shows the data read-only until the folder can be written")
    if path.is_file():
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.DatabaseError:
            return Check(name, OK, f"{path} can be written (its content is checked above)")
        try:
            check_not_newer(conn, where=f"the database {path}")
        except NewerDatabaseError as exc:
            shown = "the bundled data" if missing_schema(conn) else "this database"
            return Check(name, PROBLEM, str(exc), f"`kiosk run` shows {shown} read-only; it is never migrated down")
        except sqlite3.DatabaseError:
            pass
        finally:
            conn.close()
    return Check(name, OK, f"{path} and its folder can be written")


def check_speech(read_aloud: bool, engine: str | None = None) -> Check:
    """The speech worker starts, its engine answers in time and has a Mandarin voice — asked exactly as
    the kiosk asks (:mod:`kiosk.ui.speech_worker`: same process, same voice matching, same time limits)."""
    if not read_aloud:
        return Check("speech", OK, "read-aloud is off in the config (read_aloud = false)")
    from kiosk.ui.speech import ENGINE_ENV, ENGINE_TIMEOUT_MS, HELLO_TIMEOUT_MS
    from kiosk.ui.speech_worker import probe

    engine = os.environ.get(ENGINE_ENV, "") if engine is None else engine
    name = engine or ("speechd" if sys.platform.startswith("linux") else "the default engine")
    install = "apt-get install speech-dispatcher speech-dispatcher-espeak-ng espeak-ng"
    report = probe(engine, timeout_s=HELLO_TIMEOUT_MS / 1000, answer_s=ENGINE_TIMEOUT_MS / 1000)
    event = report.get("event")
    if event == "timeout" and report.get("stage") == "start":
        worker = "kiosk --speech-worker" if getattr(sys, "frozen", False) else "python3 -m kiosk.ui.speech_worker"
        return Check("speech", WARN, f"the speech worker did not start within {report['seconds']:g} s; "
                                     "read-aloud is hidden", f"run `{worker}` to see why")
    if event == "timeout":
        return Check("speech", WARN, f"speech engine {name} does not answer (nothing within {report['seconds']:g} s: "
                                     "the speech daemon hangs, often for want of a working sound device); "
                                     "read-aloud is hidden",
                     "check the sound device (aplay -l), end the hung speech-dispatcher process (it restarts "
                     "on demand), or set read_aloud = false")
    if event == "unavailable":
        reason = str(report.get("reason") or "no speech engine")
        if "cannot be imported" in reason:
            fix = "apt-get install libpulse0"
        elif "plug-in" in reason:
            fix = "reinstall the package (it ships the speechd engine)"
        else:
            fix = f"{install}, or set read_aloud = false"
        return Check("speech", WARN, f"read-aloud is hidden: {reason}", fix)
    voices = report.get("voices") or {}
    found = str(report.get("engine", name))
    seconds = float(report.get("seconds") or 0)
    if voices.get("zh"):
        english = f", English voice '{voices['en']}'" if voices.get("en") else ", no English voice"
        return Check("speech", OK, f"engine {found} answers in {seconds:.1f} s: Mandarin voice "
                                   f"'{voices['zh']}'{english} ({report.get('count', 0)} voices)")
    fix = f"unset {ENGINE_ENV} (the mock engine is for tests)" if found == "mock" else \
        f"{install}, or set read_aloud = false"
    return Check("speech", WARN, f"engine {found} has no Mandarin voice among its {report.get('count', 0)} "
                                 "(Chinese pages are not read aloud)", fix)


__all__ = ["PROBLEM", "WARN", "check_display", "check_font_rendering", "check_speech", "cmd_doctor"]
