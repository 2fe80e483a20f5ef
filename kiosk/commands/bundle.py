"""``kiosk bundle`` and ``kiosk update-content``: roll content out to terminals as one verified file."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.commands._common import int_arg
from kiosk.core.errors import KioskError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "bundle", parents=[common], help="export the listings as a content bundle for other terminals",
        description="Write a content bundle (a ZIP with a SQLite snapshot of the listings and a manifest with "
                    "its version and SHA-256). The source is --db, else this machine's runtime database "
                    "(the one the worker tools edit), else the bundled database. Local feedback, usage "
                    "counts, audit log and PIN are never exported.",
    )
    p.add_argument("--out", metavar="FILE", type=Path, required=True, help="bundle file to write (.zip)")
    p.add_argument("--version", metavar="N", type=int_arg(1, 999_999_999), default=None, dest="bundle_version",
                   help="bundle number (default: one more than the last bundle made from this database)")
    p.add_argument("--sign-key", metavar="KEYFILE", type=Path, default=None,
                   help="sign the bundle with the office's private key (office.key from `kiosk keys init`); "
                        "terminals that trust keys apply only signed bundles. An office.vouch beside the key "
                        "(key rotation) goes into the bundle too")
    p.set_defaults(func=cmd_bundle)

    p = sub.add_parser(
        "update-content", parents=[common], help="apply a content bundle to this terminal (or watch a folder)",
        description="Verify a content bundle completely and merge it into this terminal's runtime database "
                    "in one transaction, keeping the terminal's feedback, usage counts, audit log and the "
                    "listings its workers edited. A damaged or truncated bundle is refused and nothing "
                    "changes. With --watch, look into a folder (default: the content_inbox setting) and "
                    "apply the newest usable bundle there; --once looks once (for a timer), otherwise "
                    "every content_check_interval_s seconds.",
    )
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the bundle to apply")
    p.add_argument("--watch", nargs="?", const="", default=None, metavar="DIR",
                   help="watch DIR (default: the content_inbox setting) instead of applying one FILE")
    p.add_argument("--once", action="store_true", help="with --watch: look once and exit")
    p.add_argument("--interval", type=int, default=None, metavar="S",
                   help="with --watch: seconds between looks (default: content_check_interval_s)")
    p.add_argument("--force", action="store_true", help="apply even when the bundle is older than the current one")
    p.set_defaults(func=cmd_update_content)


def _source_database(args: argparse.Namespace) -> tuple[Path, bool]:
    """The database to export and whether it is this machine's own (writable) working copy."""
    from kiosk.commands._common import database_path
    from kiosk.core.terminal.paths import bundled_db_path

    path = database_path(args)
    return path, bool(args.db) or path.resolve() != bundled_db_path().resolve()


def cmd_bundle(args: argparse.Namespace) -> int:
    from kiosk.core.db.connection import connect
    from kiosk.core.exchange.bundle import export_bundle, next_version, record_exported_version
    from kiosk.core.exchange.outputs import check_output
    from kiosk.core.terminal.scratch import install_termination_handler

    install_termination_handler()
    check_output(args.out, what="bundle file")  # a folder, a device or an unwritable place: say so first
    sign_key, vouch = _signing(args)

    source, own = _source_database(args)
    conn = connect(source, readonly=True)
    try:
        version = args.bundle_version or next_version(conn)
    finally:
        conn.close()
    manifest = export_bundle(source, args.out, version=version, sign_key=sign_key, vouch=vouch,
                             now=datetime.now(SHANGHAI))
    if own:
        conn = connect(source)
        try:
            record_exported_version(conn, version)
        finally:
            conn.close()
    counts = ", ".join(f"{n} {name}" for name, n in manifest.counts.items())
    print(f"wrote {args.out}: content bundle v{manifest.version} from {source}")
    print(f"  {counts}")
    print(f"  content hash {manifest.content_hash}")
    print(f"  sha256 of the database {manifest.sha256} ({manifest.size} bytes)")
    if manifest.key_id:
        print(f"  signed by key {manifest.key_id}" + (f" (vouched for by key {vouch.by})" if vouch else ""))
    else:
        print("  not signed: terminals that trust a key refuse it (sign with --sign-key office.key)")
    if not own and args.bundle_version is None:
        print("note: made from the bundled database, which does not count versions; pass --version N to number "
              "later bundles higher")
    return 0


def _signing(args: argparse.Namespace) -> tuple[Any, Any]:
    """The private key of --sign-key and the vouch beside it (key rotation), or (None, None)."""
    if args.sign_key is None:
        return None, None
    from kiosk.core.exchange.signing import VOUCH_SUFFIX, inside, load_private_key, load_vouch, raw_public

    if inside(args.out, Path(args.sign_key).parent):
        raise KioskError(f"--out {args.out} is in the key folder {Path(args.sign_key).parent}; write bundles "
                         "elsewhere so the key folder is never shared")
    key = load_private_key(args.sign_key)
    vouch_file = Path(args.sign_key).with_suffix(VOUCH_SUFFIX)
    vouch = load_vouch(vouch_file, raw_public(key.public_key())) if vouch_file.exists() else None
    return key, vouch


def _trust(config: Any, data_dir: Path) -> Any:
    """This terminal's trusted keys (the ``trusted_keys`` file) and its allow_unsigned_bundles setting."""
    from kiosk.core.exchange.signing import Trust, store_path

    return Trust.from_store(store_path(config.trusted_keys, data_dir), allow_unsigned=config.allow_unsigned_bundles)


def _open_terminal(args: argparse.Namespace) -> tuple[Any, Any, Path]:
    """The runtime database connection, the config and the data directory; logging is set up."""
    from kiosk.commands._common import open_data_database
    from kiosk.core.terminal.config import load_terminal_config
    from kiosk.core.terminal.logging_setup import setup_logging
    from kiosk.core.terminal.paths import default_data_dir

    data_dir = default_data_dir()
    config, _ = load_terminal_config(data_dir)
    try:
        setup_logging(config.log_path(data_dir), terminal_id=config.identity(), level=config.log_level)
    except OSError as exc:
        print(f"note: not logging to a file: {exc}")
    return open_data_database(args), config, data_dir


def cmd_update_content(args: argparse.Namespace) -> int:
    if args.watch is None and args.file is None:
        raise KioskError("give a bundle FILE, or --watch [DIR] to look into a folder")
    if args.watch is not None and args.file is not None:
        raise KioskError("give either a bundle FILE or --watch, not both")
    from kiosk.core.terminal.scratch import install_termination_handler

    install_termination_handler()  # SIGTERM removes the unpacked copy, then exits 143
    if args.file is not None:
        from kiosk.core.exchange.bundle import apply_bundle

        conn, config, data_dir = _open_terminal(args)
        try:
            result = apply_bundle(conn, args.file, now=datetime.now(SHANGHAI), force=args.force,
                                  trust=_trust(config, data_dir))
        finally:
            conn.close()
        print(f"{args.file}: {result.message}")
        if result.adopted:
            print(f"  now trusting key {result.adopted}: an already trusted key vouched for it")
        if result.backup:
            print(f"  backup of the previous state: {result.backup}")
        return 0
    return _watch(args)


def _watch(args: argparse.Namespace) -> int:
    """Look into the inbox every interval until stopped; no bundle and no error ends the loop (but --once)."""
    conn, config, _ = _open_terminal(args)
    conn.close()
    inbox = Path(args.watch) if args.watch else config.inbox_path()
    if inbox is None:
        raise KioskError("no folder to watch: give --watch DIR or set content_inbox in the config")
    interval = args.interval or config.content_check_interval_s
    while True:
        try:
            _look(args, inbox)
        except KioskError as exc:  # inbox not mounted, the terminal's database busy: try again later
            if args.once:
                raise
            print(f"{inbox}: {exc}; looking again in {interval} s", flush=True)
        except Exception as exc:  # never let one look end the watcher
            if args.once:
                raise
            logging.getLogger(__name__).exception("look into the content inbox failed")
            print(f"{inbox}: look failed ({type(exc).__name__}: {exc}); looking again in {interval} s", flush=True)
        if args.once:
            return 0
        time.sleep(interval)


def _look(args: argparse.Namespace, inbox: Path) -> None:
    from kiosk.core.exchange.bundle import apply_from_inbox

    conn, config, data_dir = _open_terminal(args)
    try:
        report = apply_from_inbox(conn, inbox, now=datetime.now(SHANGHAI), trust=_trust(config, data_dir))
    finally:
        conn.close()
    for path, reason in report.skipped:
        print(f"skipped {path.name}: {reason}", flush=True)
    if report.result is None:
        print(f"{inbox}: no content bundle to apply", flush=True)
    else:
        print(f"{inbox}: {report.result.path.name}: {report.result.message}", flush=True)
        if report.result.adopted:
            print(f"  now trusting key {report.result.adopted}: an already trusted key vouched for it", flush=True)
