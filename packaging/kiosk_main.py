"""Entry point of the packaged kiosk (PyInstaller): the ``kiosk`` command, ``run`` by default.

``kiosk`` with no arguments starts the kiosk; ``kiosk --self-test`` and
``kiosk --data-dir DIR --windowed`` mean ``kiosk [--data-dir DIR] run …``. Every other subcommand
(``doctor``, ``update-content``, ``check`` …) works as in a source install.

``kiosk --speech-worker [ENGINE]`` (hidden; the first argument) runs the read-aloud worker process
(:mod:`kiosk.ui.speech_worker`) instead: a frozen build has no ``python -m``, so the kiosk starts
its own executable for it. It is handled before the CLI is imported, so the worker stays small.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def with_default_command(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """Insert ``run`` after the global options when ``argv`` names no subcommand."""
    commands: set[str] = set()
    takes_value: set[str] = set()
    stops: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
        elif action.option_strings:
            if action.nargs == 0 or isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                    stops.update(action.option_strings)
            else:
                takes_value.update(action.option_strings)
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in commands or arg in stops:
            return args
        if arg in takes_value:
            i += 2
        elif arg.split("=", 1)[0] in takes_value:
            i += 1
        else:
            break
    if any(a in commands for a in args[i:]):
        return args
    return [*args[:i], "run", *args[i:]]


def main() -> int:
    if sys.argv[1:2] == ["--speech-worker"]:
        from kiosk.ui.speech_worker import main as speech_worker_main

        return speech_worker_main(sys.argv[2:])
    from kiosk.cli import build_parser
    from kiosk.cli import main as kiosk_main

    return kiosk_main(with_default_command(sys.argv[1:], build_parser()))


if __name__ == "__main__":
    raise SystemExit(main())
