"""Where the kiosk's files are: the repository/bundle root, resources, bundled data, seeds."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding ``resources/``, ``data/`` and ``seeds/``.

    In a PyInstaller build that is the bundle folder; from a source checkout (``pip install -e .``)
    it is the repository root.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


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
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("shangjie-kiosk", appauthor=False))
