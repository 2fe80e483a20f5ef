"""Qt side of the kiosk: application set-up, theme, navigation, screens, widgets, admin."""

from kiosk.ui.pyside_fix import protect_singletons

protect_singletons()  # PySide6 6.12 on CPython 3.11 drops references to None/True/False (see pyside_fix)
