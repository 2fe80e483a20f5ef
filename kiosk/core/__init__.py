"""Qt-free core of the kiosk: data, search, hours, import/export, auth.

Nothing in this package may import PySide6 or qtawesome (tests/core/test_layering.py checks).
"""
