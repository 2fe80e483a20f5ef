"""Community worker tools on the command line: PIN, import/export, backup/restore, feedback, reports,
history and undo — and ``kiosk admin``, the same tools in a window for an office PC.

Every command works on the runtime database of this terminal unless ``--db PATH`` names another
file, and exits non-zero with a one-line reason when it cannot do what was asked.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.commands._common import cli_actor, date_arg, int_arg, open_data_database
from kiosk.core.errors import KioskError
from kiosk.core.limits import DATE_MAX, DATE_MIN, REPORT_DAYS_MAX, SQLITE_INT_MAX, TOP_MAX

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _now() -> datetime:
    return datetime.now(SHANGHAI)


class ImportFailed(KioskError):
    exit_code = 2


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("set-pin", parents=[common], help="set or change a worker's PIN for the admin screen",
                       description="Ask for the current PIN (when one is set; a wrong one counts toward the lock), "
                                   "then for a new PIN (6–12 digits) twice, and store it salted and slow-hashed. "
                                   "Each worker has a name and a PIN (--worker NAME; without it, the administrator "
                                   "管理员); adding or removing a worker asks for the administrator's PIN, and the "
                                   "history records every change under the worker's name. "
                                   "There is no default PIN. A forgotten PIN or a lock: an administrator with write "
                                   "access to the database file runs `kiosk set-pin --reset` (recorded in the "
                                   "audit history).")
    p.add_argument("--pin-stdin", action="store_true",
                   help="read from standard input instead (scripts): the current PIN on the first line when one is "
                        "set (not with --reset), then the new PIN")
    p.add_argument("--reset", action="store_true",
                   help="administrator: replace a forgotten PIN without the current one and lift a lock "
                        "(needs write access to the database file; recorded in the audit history)")
    p.add_argument("--worker", metavar="NAME", default=None,
                   help="whose PIN: a worker's name as the PIN pad shows it (default: the administrator 管理员)")
    p.add_argument("--remove", action="store_true", help="take --worker NAME's PIN away (a worker who left)")
    p.set_defaults(func=cmd_set_pin)

    p = sub.add_parser("import", parents=[common], help="import listings from a CSV file or an HSDS folder",
                       description="Check every row first; with --dry-run only report. Otherwise apply all rows "
                                   "in one transaction after an automatic backup (`kiosk restore` undoes it), "
                                   "or nothing at all when any row is bad.")
    p.add_argument("path", metavar="FILE|DIR", type=Path, help="a flat CSV file, or an HSDS data package folder")
    p.add_argument("--dry-run", action="store_true", help="only check and say what would change")
    p.add_argument("--retire-missing", action="store_true",
                   help="retire active listings the services sheet does not have (a deleted row); without it they "
                        "are only named in the dry run")
    p.add_argument("--category", metavar="ID", default=None,
                   help="HSDS: the category for services the package does not link to one of ours "
                        "(e.g. elderly, health, culture, sports, government)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="export every listing as CSV (Excel) or an HSDS package",
                       description="csv: one UTF-8 (with BOM) file, one row per service. hsds: a folder with one "
                                   "CSV per HSDS 3.0 table and datapackage.json.")
    p.add_argument("--format", choices=("csv", "xlsx", "hsds"), default="csv",
                   help="csv (default; one row per service), xlsx (an Excel/WPS workbook: services and places "
                        "sheets) or hsds (an Open Referral package folder)")
    p.add_argument("out", metavar="OUT", type=Path, help="the CSV file, or the folder for hsds")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("backup", parents=[common], help="make a backup of the database now")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="bring back the listings of a backup (default: the newest)",
                       description="Put the listings back as they were in a backup, in one step; residents' "
                                   "feedback, usage counts, search misses, the change history, the PIN and the "
                                   "holiday dates workers entered stay as they are. The current state is backed up "
                                   "first and the restore is recorded: `kiosk undo ID` (the number it prints) "
                                   "undoes it. --whole replaces the whole database (for a damaged one) after "
                                   "showing what that loses.")
    p.add_argument("backup", metavar="BACKUP", nargs="?", type=Path,
                   help="backup file (default: the newest of this database)")
    p.add_argument("--list", action="store_true", help="list this database's backups and exit")
    p.add_argument("--whole", action="store_true",
                   help="replace the WHOLE database (feedback, history, usage, PIN too): shows what is lost, asks")
    p.add_argument("--yes", action="store_true", help="with --whole: do not ask (scripts)")
    p.add_argument("--force", action="store_true", help="restore a backup of another database anyway")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("feedback", parents=[common], help="list resident feedback; mark items done",
                       description="Without options: the open items. --done ID marks items done.")
    p.add_argument("--all", action="store_true", help="list done items too")
    p.add_argument("--done", metavar="ID", type=int_arg(1, SQLITE_INT_MAX), nargs="+",
                   help="mark these items done")
    p.add_argument("--reopen", metavar="ID", type=int_arg(1, SQLITE_INT_MAX), nargs="+",
                   help="open these items again")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("report", parents=[common], help="most viewed, searches with no result, open feedback",
                       description="Anonymous usage report by day or week.")
    p.add_argument("--days", type=int_arg(1, REPORT_DAYS_MAX), default=28,
                   help=f"how many days back from --end (default 28, at most {REPORT_DAYS_MAX})")
    p.add_argument("--end", type=date_arg(), default=None,
                   help=f"last day, YYYY-MM-DD (default today; {DATE_MIN.year}–{DATE_MAX.year})")
    p.add_argument("--by", choices=("day", "week"), default="week", help="group by day or week (default week)")
    p.add_argument("--top", type=int_arg(1, TOP_MAX), default=10,
                   help=f"lines per top list (default 10, at most {TOP_MAX})")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("history", parents=[common], help="the changes of one listing (for undo)")
    p.add_argument("service_id", metavar="SERVICE_ID")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("undo", parents=[common], help="undo one change of a listing (see `kiosk history`) or a restore",
                       description="Put the listing back exactly as it was before change ENTRY; for a restore "
                                   "(the number `kiosk restore` printed): put the listings back as before it.")
    p.add_argument("entry", metavar="ENTRY", type=int_arg(1, SQLITE_INT_MAX),
                   help="the change number shown by `kiosk history`")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("admin", parents=[common], help="open the worker tools in a window (office PC)",
                       description="The admin tools of the kiosk in a normal window, for mouse and keyboard. "
                                   "Asks for the PIN first.")
    p.set_defaults(func=cmd_admin)


class PinCancelled(KioskError):
    """Ctrl-D (end of input) or Ctrl-C at a PIN prompt."""


PIN_CANCELLED = "cancelled, PIN unchanged (已取消，密码没有修改)"


def _pin_prompt(prompt: str, from_stdin: bool) -> str:
    """One PIN from the terminal (no echo) or one line of standard input; EOF/Ctrl-C → PinCancelled."""
    try:
        if from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.strip()
        return getpass.getpass(prompt).strip()
    except (EOFError, KeyboardInterrupt):
        raise PinCancelled(PIN_CANCELLED) from None


def cmd_set_pin(args: argparse.Namespace) -> int:
    from kiosk.core.workers.auth import (
        ADMIN,
        check_pin,
        check_worker_name,
        pin_is_set,
        remove_worker,
        reset_pin,
        set_pin,
        validate_new_pin,
    )

    if sys.stdin is None or sys.stdin.closed:  # started with standard input closed (`<&-`)
        raise PinCancelled(f"standard input is closed, so no PIN can be read: {PIN_CANCELLED}")
    if not args.pin_stdin and not sys.stdin.isatty():
        raise KioskError("no terminal to ask for the PIN: run it in a terminal, or pass --pin-stdin")
    worker = args.worker.strip() if args.worker is not None else None
    if worker is not None and (problem := check_worker_name(worker)):
        raise KioskError(f"--worker: {problem}")
    if args.remove and worker is None:
        raise KioskError("--remove needs --worker NAME (whose PIN to take away)")
    conn = open_data_database(args)
    try:
        actor = cli_actor()
        own = pin_is_set(conn, worker or ADMIN)
        # changing one's own PIN asks for it; adding or removing a worker asks for the administrator's
        asker = (worker or ADMIN) if own and not args.remove else ADMIN
        if pin_is_set(conn, asker) and not args.reset:
            current = _pin_prompt(f"{asker} 的当前密码 Current PIN of {asker}: ", args.pin_stdin)
            result = check_pin(conn, current, now=_now(), worker=asker)  # wrong tries count toward the lock
            if result.status == "locked" and result.locked_until is not None:
                raise KioskError(f"密码输错次数太多，已锁定到 {result.locked_until:%H:%M} (locked after too many wrong "
                                 "PINs): wait, or an administrator runs `kiosk set-pin --reset`; PIN unchanged")
            if not result.ok or result.session is None:
                raise KioskError(f"当前密码不对 (wrong current PIN; {result.attempts_left} tries left before the "
                                 "lock); PIN unchanged")
            actor = result.session.id
        if args.remove:
            assert worker is not None
            if not remove_worker(conn, worker, now=_now(), actor=actor):
                raise KioskError(f"没有叫“{worker}”的工作人员 (no worker named {worker!r}); nothing changed")
            print(f"已删除 {worker} 的密码 (removed {worker}'s PIN)")
            return 0
        pin = _pin_prompt("新的密码 New PIN (6–12 digits): ", args.pin_stdin)
        problem = validate_new_pin(pin)
        if problem:
            raise KioskError(f"{problem}; PIN unchanged")
        if not args.pin_stdin and _pin_prompt("再输入一次 Repeat the PIN: ", False) != pin:
            raise KioskError("两次输入的密码不一样，没有修改 (the two PINs differ; nothing changed)")
        if args.reset:
            reset_pin(conn, pin, now=_now(), actor=f"cli-reset:{_user()}", worker=worker)
        else:
            set_pin(conn, pin, now=_now(), actor=actor, worker=worker)
    finally:
        conn.close()
    print(f"{worker or ADMIN} 的密码已设置 PIN set. Hold the top-left corner of the kiosk screen for 3 seconds to "
          "open admin.")
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.transfer import apply_import, plan_import

    conn = open_data_database(args)
    try:
        plan = plan_import(conn, args.path, category=args.category, retire_missing=args.retire_missing)
        for warning in plan.warnings:
            print(f"注意 note: {warning}")
        for problem in plan.problems:
            print(f"错误 problem: {problem}")
        print(("试运行 dry run: " if args.dry_run else "") + plan.summary())
        if plan.problems:
            raise ImportFailed(f"{len(plan.problems)} 处问题，没有导入任何内容 ({len(plan.problems)} problem(s); "
                               "nothing was changed) — fix them and run again")
        for line in plan.changes():
            print(f"  {line}")
        if args.dry_run:
            return 0
        result = apply_import(conn, plan, actor=cli_actor(), now=_now())
    finally:
        conn.close()
    if result.applied:
        print(f"已导入 imported. 导入前的备份 backup before the import: {result.backup} "
              "(`kiosk restore` brings it back)")
    else:
        print("没有需要修改的内容 nothing to change")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.transfer import export

    conn = open_data_database(args)
    try:
        count = export(conn, args.format, args.out)
    finally:
        conn.close()
    print(f"exported {count} listings to {args.out} ({args.format})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.core.db.backup import backup_database

    conn = open_data_database(args)
    try:
        path = backup_database(conn, "manual", now=_now())
    finally:
        conn.close()
    print(f"backup written: {path}")
    return 0


class RestoreCancelled(KioskError):
    """A whole restore not confirmed."""


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.core.db.backup import BackupError, backups_dir, backups_of, database_file
    from kiosk.core.db.migrations import NewerDatabaseError
    from kiosk.core.db.restore import restore_content, restore_whole, whole_restore_losses

    newer: NewerDatabaseError | None = None
    try:
        conn = open_data_database(args)
    except NewerDatabaseError as exc:  # a rolled-back terminal: only a whole restore (the newer state is kept)
        from kiosk.commands._common import runtime_database_path
        from kiosk.core.db.runtime import open_without_migrating

        newer = exc
        conn = open_without_migrating(Path(args.db) if args.db else runtime_database_path())
    try:
        folder = backups_dir(database_file(conn))
        found = backups_of(conn)
        if args.list:
            if not found:
                print(f"no backups of this database in {folder}")
            for info in found:
                print(f"{info.path}  ({info.size // 1024} KiB)")
            return 0
        if newer is not None and not args.whole:
            raise BackupError(f"{newer}; over a database from a newer program only the whole database can be "
                              "restored: `kiosk restore --whole`")
        backup = args.backup or (found[-1].path if found else None)
        if backup is None:
            raise BackupError(f"no backup of this database to restore in {folder}")
        if args.whole:
            lost = whole_restore_losses(conn, backup).lines()
            print(f"恢复整个数据库 whole restore of {backup}; made since the backup, these will be LOST:")
            for line in lost or ["(nothing: 没有会丢失的记录)"]:
                print(f"  - {line}")
            if not args.yes:
                _confirm_whole()
            result = restore_whole(conn, backup, actor=cli_actor(), now=_now(), force=args.force)
            print(f"restored the whole database from {backup}; the state before is kept in {result.safety} "
                  f"(`kiosk restore --whole {result.safety}` brings it back)")
            return 0
        result = restore_content(conn, backup, actor=cli_actor(), now=_now(), force=args.force)
    finally:
        conn.close()
    print(f"已恢复服务信息 restored the listings of {backup} ({result.listings_changed} listings changed); feedback, "
          f"usage, history and the PIN are kept. Recorded as #{result.audit_id}: `kiosk undo {result.audit_id}` "
          f"undoes it (the state before is also in {result.safety})")
    if result.orphan_feedback:
        print(f"注意 note: {result.orphan_feedback} feedback entries are about listings this backup does not have; "
              "they are kept as they are")
    return 0


def _confirm_whole() -> None:
    """Ask at a terminal; anything but yes (or no terminal, Ctrl-D, Ctrl-C) cancels in one line."""
    if sys.stdin is None or sys.stdin.closed or not sys.stdin.isatty():
        raise RestoreCancelled("a whole restore loses the records listed above: run it at a terminal to confirm, "
                               "or add --yes; nothing was changed")
    print("输入 yes 确认 (type yes to replace the whole database): ", end="", flush=True)
    try:
        answer = sys.stdin.readline()  # "" at Ctrl-D
    except KeyboardInterrupt:
        answer = ""
    if answer.strip().lower() not in ("yes", "y", "是"):
        raise RestoreCancelled("已取消，数据库没有修改 (cancelled; nothing was changed)")


def cmd_feedback(args: argparse.Namespace) -> int:
    from kiosk.core.workers.feedback import list_feedback, mark_done, reopen

    conn = open_data_database(args)
    try:
        for ident in args.done or []:
            mark_done(conn, ident, now=_now(), actor=cli_actor())
            print(f"#{ident} done")
        for ident in args.reopen or []:
            reopen(conn, ident, now=_now(), actor=cli_actor())
            print(f"#{ident} open again")
        if args.done or args.reopen:
            return 0
        items = list_feedback(conn, None if args.all else "open")
    finally:
        conn.close()
    if not items:
        print("没有待处理的反馈 no open feedback" if not args.all else "no feedback")
    for item in items:
        print(f"#{item.id:<5} {item.created_at:%Y-%m-%d %H:%M}  {item.status:<4}  {item.label}（{item.label_en}）  "
              f"{item.service_name or '—'} [{item.service_id or ''}]")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.core.limits import check_date
    from kiosk.core.workers.reports import build_report, format_report

    if args.days < 1:
        raise KioskError("--days must be at least 1")
    end = args.end or _now().date()
    start = check_date(end - timedelta(days=args.days - 1), what="--end minus --days (the first day)")
    conn = open_data_database(args)
    try:
        report = build_report(conn, start, end, by=args.by, top=args.top)
    finally:
        conn.close()
    print(format_report(report))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from kiosk.core.listings.editing import ListingNotFound, describe_change, listing_history, snapshot

    conn = open_data_database(args)
    try:
        if snapshot(conn, args.service_id) is None:
            raise ListingNotFound(args.service_id)
        entries = listing_history(conn, args.service_id)
    finally:
        conn.close()
    if not entries:
        print(f"{args.service_id}: no changes recorded (as in the seed)")
    for entry in entries:
        undone = f"  (undone by #{entry.undone_by})" if entry.undone_by else ""
        print(f"#{entry.id:<5} {entry.at:%Y-%m-%d %H:%M}  {entry.action:<8} {entry.actor}{undone}")
        for line in describe_change(entry.before, entry.after):
            print(f"        {line}")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from kiosk.core.db.restore import RESTORE_RECORD, undo_restore
    from kiosk.core.listings import audit
    from kiosk.core.listings.editing import undo

    conn = open_data_database(args)
    try:
        entry = audit.get_entry(conn, args.entry)
        if entry is not None and entry.table_name == RESTORE_RECORD:  # a `kiosk restore` of the listings
            new_id = undo_restore(conn, args.entry, actor=cli_actor(), now=_now())
            print(f"undid restore #{args.entry}: the listings are back as they were before it (recorded as #{new_id})")
            return 0
        result = undo(conn, args.entry, actor=cli_actor(), now=_now())
    finally:
        conn.close()
    print(f"undid change #{args.entry} of {result.service_id} (recorded as #{result.audit_id})")
    return 0


def cmd_admin(args: argparse.Namespace) -> int:
    from kiosk.commands.run import has_display

    if not has_display():
        raise KioskError("no display found: run this on a desktop, or under `xvfb-run kiosk admin`")
    from kiosk.ui.admin.window import run_admin
    from kiosk.ui.app import RunOptions, load_app_config

    config = load_app_config(RunOptions())
    return run_admin(open_data_database(args, config), config)
