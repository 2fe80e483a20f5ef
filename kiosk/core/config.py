"""Terminal configuration: every setting declared once, loaded from one TOML file.

Each :class:`Setting` has a name, a type, a default and a description. ``load_config`` reads a TOML
file (all keys optional), validates every value and returns a :class:`Config`; an unknown key or a
bad value raises :class:`ConfigError` naming the setting and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError


class ConfigError(KioskError):
    """The configuration file has an unknown key or a bad value."""


@dataclass(frozen=True)
class Config:
    """Validated settings of one terminal (see SETTINGS for descriptions)."""

    terminal_id: str = "terminal-1"
    display_name: str = "上街社区服务终端"
    community: str = ""
    default_language: str = "zh"
    idle_timeout_s: int = 90
    elder_mode_default: bool = False
    theme: str = "standard"
    fullscreen: bool = True
    frameless: bool = True
    stay_on_top: bool = False
    hide_cursor: bool = False
    block_close: bool = True
    read_aloud: bool = True
    admin_idle_timeout_s: int = 120
    database: str = ""
    log_dir: str = ""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    description: str
    choices: tuple[Any, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("terminal_id", str, "Short id of this terminal, used in logs and content roll-out."),
    Setting("display_name", str, "Name shown in the title bar, e.g. the service hall's name."),
    Setting("community", str, "Community or place where the terminal stands (shown on the attract screen)."),
    Setting("default_language", str, "Language after start and after each idle reset.", choices=("zh", "en")),
    Setting("idle_timeout_s", int, "Seconds without a touch before the kiosk clears and returns to the attract "
            "screen.", minimum=15, maximum=3600),
    Setting("elder_mode_default", bool, "Start in elder mode (长辈模式: larger text and buttons)."),
    Setting("theme", str, "Colour theme after start and each idle reset.", choices=("standard", "contrast")),
    Setting("fullscreen", bool, "Fill the screen (kiosk mode). `kiosk run --windowed` overrides it."),
    Setting("frameless", bool, "Hide the window frame and title bar."),
    Setting("stay_on_top", bool, "Keep the kiosk window above other windows."),
    Setting("hide_cursor", bool, "Hide the mouse pointer (touch-only terminals)."),
    Setting("block_close", bool, "Ignore window-close requests from residents (Alt+F4, the frame's close)."),
    Setting("read_aloud", bool, "Offer the read-aloud (语音播报) button where a speech engine exists."),
    Setting("admin_idle_timeout_s", int, "Seconds without a touch before the worker tools close themselves.",
            minimum=30, maximum=3600),
    Setting("database", str, "Path of the runtime database; empty: kiosk.db in the data directory."),
    Setting("log_dir", str, "Folder for the rotating log files; empty: logs/ in the data directory."),
)


def load_config(path: Path | None) -> Config:
    """Read and validate a config file; a missing ``path`` (None) gives the defaults."""
    if path is None:
        return Config()
    try:
        with Path(path).open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return config_from_mapping(raw, where=str(path))


def config_from_mapping(raw: dict[str, Any], *, where: str = "config") -> Config:
    """Validate a mapping of settings (unknown keys and bad values raise ConfigError)."""
    known = {s.name: s for s in SETTINGS}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        setting = known.get(key)
        if setting is None:
            raise ConfigError(f"{where}: unknown setting '{key}'; see `kiosk config --example` for the list")
        values[key] = _validate(setting, value, where)
    return Config(**values)


def _validate(setting: Setting, value: Any, where: str) -> Any:
    name = setting.name
    if setting.type is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be true or false, got {value!r}")
        return value
    if setting.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {name} must be a whole number, got {value!r}")
        if setting.minimum is not None and value < setting.minimum:
            raise ConfigError(f"{where}: {name} must be at least {setting.minimum}, got {value}")
        if setting.maximum is not None and value > setting.maximum:
            raise ConfigError(f"{where}: {name} must be at most {setting.maximum}, got {value}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be text in quotes, got {value!r}")
    if setting.choices is not None and value not in setting.choices:
        choices = ", ".join(repr(c) for c in setting.choices)
        raise ConfigError(f"{where}: {name} must be one of {choices}, got {value!r}")
    return value


def example_config() -> str:
    """A documented example config file listing every setting with its default."""
    defaults = Config()
    lines = ["# Kiosk terminal configuration (TOML). Every setting is optional; shown with its default.", ""]
    for setting in SETTINGS:
        lines.append(f"# {setting.description}")
        if setting.choices:
            lines.append(f"# One of: {', '.join(str(c) for c in setting.choices)}")
        value = getattr(defaults, setting.name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{setting.name} = {text}")
        lines.append("")
    return "\n".join(lines)


def _check_declarations() -> None:
    declared = [s.name for s in SETTINGS]
    fields_ = [f.name for f in fields(Config)]
    if declared != fields_:  # pragma: no cover - a programming error caught by tests
        raise AssertionError(f"SETTINGS and Config disagree: {declared} vs {fields_}")


_check_declarations()
