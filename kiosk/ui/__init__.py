"""Qt side of the kiosk: application set-up, theme, navigation, screens, widgets, admin."""
