"""Sizes and style of the worker tools: the kiosk's theme plus input fields, error lines, and a
smaller "office" theme for ``kiosk admin`` on a PC with mouse and keyboard."""

from __future__ import annotations

from dataclasses import replace

from kiosk.ui.theme import Theme, make_theme

ERROR_STANDARD = "#9B1C1C"  # 7.6:1 on the background, 8.2:1 on white


def office_theme() -> Theme:
    """Normal desktop sizes (the kiosk's colours)."""
    return replace(make_theme(), name="office", min_target=36, body_px=16, heading_px=19, title_px=24,
                   big_px=32, huge_px=40, spacing=8, radius=6)


def admin_qss(theme: Theme) -> str:
    """Extra rules for the admin panel: large input fields on the kiosk, red error lines, and buttons that
    look off while off (a job runs): ``[role]`` outweighs the theme's own rules for nav and chip buttons."""
    c = theme.colors
    border_w = 3 if theme.contrast else 2
    error = c.accent if theme.contrast else ERROR_STANDARD
    return f"""
QLineEdit, QPlainTextEdit, QComboBox, QListWidget {{
    font-size: {theme.body_px}px; color: {c.text}; background: {c.surface};
    border: {border_w}px solid {c.border}; border-radius: {theme.radius // 2}px; padding: 4px 8px;
}}
QLineEdit, QComboBox {{ min-height: {theme.min_target - 12}px; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border-color: {c.focus}; }}
QLineEdit:disabled, QComboBox:disabled {{ color: {c.muted}; border-style: dashed; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{ border-color: {error}; }}
QComboBox QAbstractItemView {{ font-size: {theme.body_px}px; background: {c.surface}; color: {c.text}; }}
QListWidget::item {{ min-height: {theme.min_target}px; padding: 4px 8px; border-bottom: 1px solid {c.border}; }}
QListWidget::item:selected {{ background: {c.card_pressed}; color: {c.text}; }}
QLabel[role="error"] {{ color: {error}; font-weight: bold; }}
QLabel[role="ok"] {{ color: {c.text}; font-weight: bold; }}
QLabel[role="pin"] {{ font-size: {theme.title_px}px; font-weight: bold; letter-spacing: 8px; }}
QPushButton[role="key"] {{
    font-size: {theme.title_px}px; font-weight: bold; min-width: {int(theme.min_target * 1.6)}px;
    min-height: {int(theme.min_target * 1.3)}px; color: {c.text}; background: {c.surface};
    border: {border_w}px solid {c.border};
}}
QPushButton[role="key"]:pressed {{ background: {c.card_pressed}; }}
QPushButton:disabled, QPushButton[role]:disabled {{
    color: {c.muted}; background: {c.background}; border-color: {c.border}; border-style: dashed;
}}
QFrame[role="section"] {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: {theme.radius}px; }}
"""
