"""``kiosk keys``: the office's signing key pair and the keys a terminal trusts content bundles from."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "keys", help="signing keys: make the office's key pair, trust it on terminals",
        description="Content bundles are signed at the office and terminals apply only bundles signed by a key "
                    "they trust. At the office: `kiosk keys init DIR` (DIR outside the data and inbox folders), "
                    "then `kiosk bundle --sign-key DIR/office.key`. On each terminal: copy office.pub there and "
                    "run `kiosk keys trust office.pub`.",
    )
    actions = p.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    init = actions.add_parser("init", parents=[common], help="make the office's key pair in DIR")
    init.add_argument("dir", type=Path, metavar="DIR", help="new folder for office.key (mode 0600) and office.pub")
    init.add_argument("--vouched-by", type=Path, metavar="OLDKEY", default=None,
                      help="key rotation: the old office.key, which vouches for the new key (writes office.vouch)")
    init.set_defaults(func=cmd_init)
    trust = actions.add_parser("trust", parents=[common], help="apply bundles signed by the key in PUBFILE")
    trust.add_argument("public", type=Path, metavar="PUBFILE", help="the office's public key file (office.pub)")
    trust.set_defaults(func=cmd_trust)
    show = actions.add_parser("list", parents=[common], help="the keys this terminal trusts")
    show.set_defaults(func=cmd_list)
    untrust = actions.add_parser("untrust", parents=[common], help="stop trusting key KEYID")
    untrust.add_argument("key_id", metavar="KEYID", help="the 16-hex-digit id shown by `kiosk keys list`")
    untrust.set_defaults(func=cmd_untrust)


def _forbidden() -> list[Path]:
    """Places a private key must never be put: copied or shared folders."""
    from kiosk.core.terminal.config import ConfigError, load_terminal_config
    from kiosk.core.terminal.paths import PathError, bundled_db_path, default_data_dir

    data_dir = default_data_dir()
    places = [data_dir, bundled_db_path().parent]
    try:
        config, _ = load_terminal_config(data_dir)
        inbox = config.inbox_path()
    except (ConfigError, PathError):
        inbox = None
    if inbox is not None:
        places.append(inbox)
    return places


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.signing import generate_keys

    private, public, kid = generate_keys(args.dir, forbidden=_forbidden(), vouched_by=args.vouched_by)
    print(f"made key {kid}")
    print(f"  private key {private} (mode 0600): keep it at the office, never copy it into a bundle or a share")
    print(f"  public key  {public}: copy it to each terminal and run `kiosk keys trust {public.name}` there")
    if args.vouched_by is not None:
        print(f"  vouch       {private.with_suffix('.vouch')}: bundles signed with the new key carry it, so "
              "terminals trusting the old key accept the new one")
    print(f"sign bundles with: kiosk bundle --out FILE --sign-key {private}")
    return 0


def _store() -> Path:
    from kiosk.core.exchange.signing import store_path
    from kiosk.core.terminal.config import load_terminal_config
    from kiosk.core.terminal.paths import default_data_dir

    data_dir = default_data_dir()
    config, _ = load_terminal_config(data_dir)
    return store_path(config.trusted_keys, data_dir)


def cmd_trust(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.signing import trust_key

    store = _store()
    key, added = trust_key(store, args.public, now=datetime.now(SHANGHAI))
    if added:
        print(f"now trusting key {key.key_id} from {args.public} (recorded in {store})")
    else:
        print(f"key {key.key_id} is trusted already ({key.source})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.signing import load_store
    from kiosk.core.terminal.config import load_terminal_config
    from kiosk.core.terminal.paths import default_data_dir

    store = _store()
    keys = load_store(store)
    if not keys:
        config, _ = load_terminal_config(default_data_dir())
        unsigned = ("unsigned bundles are applied (allow_unsigned_bundles = true)" if config.allow_unsigned_bundles
                    else "no bundle is applied until you run `kiosk keys trust office.pub`")
        print(f"no trusted keys ({store}): {unsigned}")
        return 0
    print(f"trusted keys ({store}):")
    for key in keys:
        print(f"  {key.key_id}  added {key.added or '?'}  {key.source}")
    return 0


def cmd_untrust(args: argparse.Namespace) -> int:
    from kiosk.core.exchange.signing import untrust_key

    store = _store()
    key = untrust_key(store, args.key_id)
    print(f"no longer trusting key {key.key_id} (removed from {store})")
    return 0
