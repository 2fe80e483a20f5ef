"""Where the kiosk's files are: the repository/bundle root, resources, bundled data, seeds.

Paths written by people (``KIOSK_DATA_DIR``, the config's path settings) may start with ``~`` or
``~user``; :func:`expand_user_path` expands them and turns an unknown user or home into a one-line
:class:`PathError` instead of the ``RuntimeError`` that :meth:`pathlib.Path.expanduser` raises.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk.core.errors import KioskError


class PathError(KioskError):
    """A configured path cannot be used (e.g. ``~nosuchuser/…``: no such user on this machine)."""


def expand_user_path(text: str, *, what: str) -> Path:
    """``text`` as a path with ``~``/``~user`` expanded; :class:`PathError` naming ``what`` when it cannot be."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        head = text.split("/", 1)[0]
        who = f"no user '{head[1:]}'" if len(head) > 1 else "no home directory for this user"
        raise PathError(f"{what}: cannot expand '{text}': {who} on this machine; "
                        "write the full path (e.g. /home/kiosk/…)") from None


def app_root() -> Path:
    """The folder holding ``resources/``, ``data/`` and ``seeds/``.

    In a PyInstaller build that is the bundle folder; from a source checkout (``pip install -e .``)
    it is the repository root.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[3]  # kiosk/core/terminal/paths.py → the checkout


def resources_dir() -> Path:
    return app_root() / "resources"


def seeds_dir() -> Path:
    return app_root() / "seeds"


def bundled_db_path() -> Path:
    """The read-only database that ``kiosk build-db`` makes from ``seeds/``."""
    return app_root() / "data" / "kiosk.db"


def default_data_dir() -> Path:
    """The writable data directory: ``KIOSK_DATA_DIR`` or the platform's user data dir."""
    env = os.environ.get("KIOSK_DATA_DIR")
    if env:
        return expand_user_path(env, what="KIOSK_DATA_DIR")
    return platform_data_dir()


def platform_data_dir() -> Path:
    """The platform's user data directory for the kiosk (the default when ``KIOSK_DATA_DIR`` is unset)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("shangjie-kiosk", appauthor=False))
