"""``kiosk config``: show, check and document the terminal configuration."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.core.terminal.config import (
    SETTINGS,
    Config,
    ConfigError,
    config_file_path,
    example_config,
    load_config,
    load_terminal_config,
    settings_table_markdown,
)
from kiosk.core.terminal.paths import default_data_dir


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "config", help="show, check or print an example of the terminal configuration",
        description="Without options: print which config file this terminal uses and the value of every "
                    "setting. The file is $KIOSK_CONFIG, else config.toml in the data directory.",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--example", action="store_true",
                       help="print a documented example file with every setting and its default")
    group.add_argument("--check", metavar="FILE", type=Path,
                       help="validate FILE; exit 1 with a message naming the bad setting")
    group.add_argument("--table", action="store_true", help="print the settings as a Markdown table (for docs)")
    p.set_defaults(func=cmd_config)


def cmd_config(args: argparse.Namespace) -> int:
    if args.example:
        print(example_config(), end="")
        return 0
    if args.table:
        print(settings_table_markdown(), end="")
        return 0
    if args.check is not None:
        config = load_config(args.check)
        unusable = config.path_problems()  # e.g. ~nosuchuser/…: loads, but cannot be used on this machine
        if unusable:
            raise ConfigError(f"{args.check}: " + "; ".join(unusable.values()))
        changed = _changed(config)
        print(f"{args.check}: ok — {len(changed)} setting(s) differ from the defaults")
        for name in changed:
            print(f"  {name} = {getattr(config, name)!r}")
        return 0
    data_dir = default_data_dir()
    config, path = load_terminal_config(data_dir)
    where = str(path) if path else f"no file ({config_file_path(data_dir)} does not exist): the defaults"
    print(f"config: {where}")
    print(f"data directory: {data_dir}")
    for declared in SETTINGS:
        print(f"  {declared.name:<26} {getattr(config, declared.name)!r}")
    return 0


def _changed(config: Config) -> list[str]:
    defaults = Config()
    return [s.name for s in SETTINGS if getattr(config, s.name) != getattr(defaults, s.name)]
