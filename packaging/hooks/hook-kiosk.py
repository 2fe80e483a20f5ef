"""PyInstaller hook: the `kiosk` subcommand modules are found at run time, so list them all."""

from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("kiosk")
