"""Terminal configuration: every setting declared once, loaded from one TOML file.

Each :class:`Setting` in :data:`SETTINGS` has a name, a type, a default (the :class:`Config` field)
and a description; that one declaration drives validation, the documented example file
(``kiosk config --example``) and the docs. ``load_config`` reads a TOML file (every key optional),
validates every value and returns a :class:`Config`; an unknown key or a bad value raises
:class:`ConfigError` naming the setting, what is allowed and, for a typo, the setting meant.

Where the file is: ``$KIOSK_CONFIG`` when set, else ``config.toml`` in the data directory
(:func:`config_file_path`); a terminal without the file runs on the defaults.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError
from kiosk.core.terminal.paths import PathError, expand_user_path

CONFIG_FILE_NAME = "config.toml"
CONFIG_ENV = "KIOSK_CONFIG"


class ConfigError(KioskError):
    """The configuration file has an unknown key or a bad value."""


@dataclass(frozen=True)
class Config:
    """Validated settings of one terminal (see SETTINGS for descriptions)."""

    terminal_id: str = ""
    display_name: str = "上街社区服务终端"
    community: str = ""
    help_phone: str = ""
    help_phone_name: str = ""
    default_language: str = "zh"
    idle_timeout_s: int = 90
    elder_idle_timeout_s: int = 180
    elder_mode_default: bool = False
    theme: str = "standard"
    read_aloud: bool = True
    read_on_touch: bool = False
    fullscreen: bool = True
    frameless: bool = True
    stay_on_top: bool = False
    hide_cursor: bool = False
    block_close: bool = True
    admin_idle_timeout_s: int = 120
    database: str = ""
    log_dir: str = ""
    log_level: str = "info"
    content_inbox: str = ""
    content_check_interval_s: int = 600
    trusted_keys: str = ""
    allow_unsigned_bundles: bool = False
    terminal_place: str = ""
    outbox_dir: str = ""
    outbox_every_minutes: int = 60
    outbox_keep: int = 48
    report_sign_key: str = ""
    printer: str = ""
    printer_paper: str = "80mm"

    def identity(self) -> str:
        """This terminal's id: the ``terminal_id`` setting, else one derived from the computer
        (:func:`derived_terminal_id`), the same at every start."""
        return self.terminal_id or derived_terminal_id()

    def outbox_path(self) -> Path | None:
        """The folder reports are dropped into, or None when reports by folder are off."""
        return _expand(self.outbox_dir, "outbox_dir") if self.outbox_dir else None

    def database_path(self, data_dir: Path) -> Path:
        """The runtime database file: the ``database`` setting or ``kiosk.db`` in ``data_dir``.

        Raises :class:`~kiosk.core.terminal.paths.PathError` (one line) when the setting cannot be expanded
        (``~nosuchuser/…``); :meth:`path_problems` lists such settings without raising."""
        return _expand(self.database, "database") if self.database else Path(data_dir) / "kiosk.db"

    def log_path(self, data_dir: Path) -> Path:
        """The folder for log files: the ``log_dir`` setting or ``logs/`` in ``data_dir``."""
        return _expand(self.log_dir, "log_dir") if self.log_dir else Path(data_dir) / "logs"

    def inbox_path(self) -> Path | None:
        """The watched content folder, or None when content roll-out by folder is off."""
        return _expand(self.content_inbox, "content_inbox") if self.content_inbox else None

    def path_problems(self) -> dict[str, str]:
        """Path settings that cannot be used (setting name → one-line reason); empty when all are fine."""
        problems: dict[str, str] = {}
        for declared in SETTINGS:
            value = getattr(self, declared.name)
            if declared.path and value:
                try:
                    _expand(value, declared.name)
                except PathError as exc:
                    problems[declared.name] = str(exc)
        return problems

    def without(self, names: Iterable[str]) -> Config:
        """This config with the settings ``names`` back at their defaults (e.g. an unusable path)."""
        defaults = Config()
        return replace(self, **{name: getattr(defaults, name) for name in names})


@dataclass(frozen=True)
class Setting:
    """One declared setting: its name (= the Config field), type, description and limits."""

    name: str
    type: type
    description: str
    choices: tuple[Any, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    """For text: a regular expression the whole value must match; ``pattern_help`` says it in words."""
    pattern_help: str = ""
    path: bool = False
    """A file or folder path; a relative path is taken relative to the config file's folder."""
    group: str = "Terminal"


SETTINGS: tuple[Setting, ...] = (
    Setting("terminal_id", str, "Short id of this terminal, used in logs, content roll-out and its reports to the "
            "office. Empty: the computer's name and a short hash of its machine id (e.g. hall-pc-3fa2c1), the "
            "same at every start.",
            pattern=r"(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63})?",
            pattern_help="1-64 letters, digits, '-', '_' or '.', starting with a letter or digit (or empty)"),
    Setting("display_name", str, "Name shown in the title bar, e.g. the service hall's name.",
            pattern=r"(?s).*\S.*", pattern_help="not empty"),
    Setting("community", str, "Community or place where the terminal stands (shown on the attract screen)."),
    Setting("help_phone", str, "Phone number of the community office residents are offered first under 找人帮忙 "
            "(e.g. the 社区服务站 next to the terminal); empty: only the hotlines.",
            pattern=r"(?:[0-9+()\- ]{3,40})?",
            pattern_help="empty, or a phone number: digits, spaces, '-', '(' ')' or '+'"),
    Setting("help_phone_name", str, "Who answers help_phone, e.g. 峡窝镇社区服务站 (shown above the number)."),
    Setting("default_language", str, "Language after start and after each idle reset.", choices=("zh", "en"),
            group="Residents"),
    Setting("idle_timeout_s", int, "Seconds without a touch before the kiosk clears and returns to the attract "
            "screen.", minimum=15, maximum=3600, group="Residents"),
    Setting("elder_idle_timeout_s", int, "The same in elder mode (长辈模式), where residents read and tap more "
            "slowly; the warning (还在使用吗？) comes 20 s before either.", minimum=15, maximum=3600,
            group="Residents"),
    Setting("elder_mode_default", bool, "Start in elder mode (长辈模式: larger text and buttons).",
            group="Residents"),
    Setting("theme", str, "Colour theme after start and each idle reset.", choices=("standard", "contrast"),
            group="Residents"),
    Setting("read_aloud", bool, "Offer the read-aloud (语音播报) button where a speech engine exists.",
            group="Residents"),
    Setting("read_on_touch", bool, "In elder mode, also read aloud the label of each tile or button a resident "
            "taps (where read-aloud is on and a speech engine exists).", group="Residents"),
    Setting("fullscreen", bool, "Fill the screen (kiosk mode). `kiosk run --windowed` overrides it.",
            group="Lockdown"),
    Setting("frameless", bool, "Hide the window frame and title bar.", group="Lockdown"),
    Setting("stay_on_top", bool, "Keep the kiosk window above other windows.", group="Lockdown"),
    Setting("hide_cursor", bool, "Hide the mouse pointer (touch-only terminals).", group="Lockdown"),
    Setting("block_close", bool, "Ignore window-close requests from residents (Alt+F4, the frame's close).",
            group="Lockdown"),
    Setting("admin_idle_timeout_s", int, "Seconds without a touch before the worker tools close themselves.",
            minimum=30, maximum=3600, group="Workers"),
    Setting("database", str, "Path of the runtime database; empty: kiosk.db in the data directory.",
            path=True, group="Files"),
    Setting("log_dir", str, "Folder for the rotating log files; empty: logs/ in the data directory.",
            path=True, group="Files"),
    Setting("log_level", str, "How much the log files say: 'info' for normal use, 'debug' to chase a problem.",
            choices=("debug", "info", "warning", "error"), group="Files"),
    Setting("content_inbox", str, "Folder watched for content bundles (a network share, a synced folder or a "
            "USB stick path); the newest valid bundle there is applied at start and then every "
            "content_check_interval_s. Empty: off.", path=True, group="Content roll-out"),
    Setting("content_check_interval_s", int, "Seconds between two looks into content_inbox.",
            minimum=60, maximum=86400, group="Content roll-out"),
    Setting("trusted_keys", str, "File of the office public keys whose signed content bundles this terminal applies "
            "(kept by `kiosk keys trust`/`untrust`/`list`). Empty: trusted_keys.json in the data directory.",
            path=True, group="Content roll-out"),
    Setting("allow_unsigned_bundles", bool, "Apply unsigned content bundles while no key is trusted (test set-ups "
            "only; a terminal that trusts a key never applies an unsigned bundle).", group="Content roll-out"),
    Setting("terminal_place", str, "Where the terminal stands, in words, for the office's status board "
            "(e.g. 峡窝镇养老服务中心); goes into its reports.", group="Reports back"),
    Setting("outbox_dir", str, "Folder the running kiosk drops its reports into (a synced or shared folder the "
            "office collects with `kiosk collect`). Empty: off.", path=True, group="Reports back"),
    Setting("outbox_every_minutes", int, "Minutes between two reports dropped into outbox_dir.",
            minimum=5, maximum=10080, group="Reports back"),
    Setting("outbox_keep", int, "Reports of this terminal kept in outbox_dir; the oldest are removed.",
            minimum=1, maximum=1000, group="Reports back"),
    Setting("report_sign_key", str, "Private key file (`kiosk keys init`) this terminal signs its reports with; "
            "the office then takes reports of this terminal only with that key. Empty: unsigned reports.",
            path=True, group="Reports back"),
    Setting("printer", str, "CUPS queue the detail page's 打印 button prints slips on (`lpstat -p` lists them); "
            "empty: no printing and no button. A queue that is gone hides the button.",
            pattern=r"[^\s/#]{0,127}", pattern_help="empty, or a CUPS queue name (no spaces, '/' or '#')",
            group="Printing"),
    Setting("printer_paper", str, "Paper in the printer: a 58 or 80 mm receipt roll, or A4 sheets.",
            choices=("58mm", "80mm", "A4"), group="Printing"),
)


def derived_terminal_id(hostname: str | None = None, machine_id: str | None = None) -> str:
    """A terminal id from the computer's name and, where there is one, a short hash of ``/etc/machine-id``
    (so two terminals both called ``debian`` still differ); stable across starts."""
    import hashlib
    import socket

    if hostname is None:
        hostname = socket.gethostname()
    if machine_id is None:
        try:
            machine_id = Path("/etc/machine-id").read_text(encoding="ascii", errors="replace").strip()[:200]
        except OSError:
            machine_id = ""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", hostname.split(".")[0]).strip("-_.")[:50] or "terminal"
    if machine_id:
        name = f"{name}-{hashlib.sha256(machine_id.encode()).hexdigest()[:6]}"
    return name


def setting(name: str) -> Setting:
    """The declaration of one setting (KeyError for an unknown name)."""
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)


def config_file_path(data_dir: Path) -> Path:
    """Where this terminal's config file is: ``$KIOSK_CONFIG`` or ``config.toml`` in ``data_dir``."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else Path(data_dir) / CONFIG_FILE_NAME


def load_terminal_config(data_dir: Path) -> tuple[Config, Path | None]:
    """The terminal's validated config and the file it came from (None: no file, the defaults).

    A file named by ``$KIOSK_CONFIG`` must exist; ``config.toml`` in the data directory is optional.
    """
    path = config_file_path(data_dir)
    if os.environ.get(CONFIG_ENV) or path.is_file():
        return load_config(path), path
    return Config(), None


def load_config(path: Path | None) -> Config:
    """Read and validate a config file; a missing ``path`` (None) gives the defaults."""
    if path is None:
        return Config()
    path = Path(path)
    from kiosk.core.limits import CONFIG_FILE_MAX_BYTES

    try:
        with path.open("rb") as fh:
            data = fh.read(CONFIG_FILE_MAX_BYTES + 1)
        if len(data) > CONFIG_FILE_MAX_BYTES:
            raise ConfigError(f"{path}: larger than the limit of {CONFIG_FILE_MAX_BYTES // 1024} KiB; "
                              "a config file is a few lines (see `kiosk config --example`)")
        raw = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a config file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: not a config file: arrays or tables nested too deep") from exc
    except ValueError as exc:  # an integer of thousands of digits (Python's int-string limit)
        raise ConfigError(f"{path}: a number in the file is far too long; see `kiosk config --example`") from exc
    return config_from_mapping(raw, where=str(path), base=path.resolve().parent)


def config_from_mapping(raw: dict[str, Any], *, where: str = "config", base: Path | None = None) -> Config:
    """Validate a mapping of settings (unknown keys and bad values raise ConfigError).

    ``base`` is the folder relative paths are resolved against (the config file's folder).
    """
    known = {s.name: s for s in SETTINGS}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        declared = known.get(key)
        if declared is None:
            raise ConfigError(f"{where}: unknown setting '{key}'{_did_you_mean(key, known)}; "
                              "see `kiosk config --example` for the list")
        value = _validate(declared, value, where)
        if declared.path and value and base is not None:
            try:
                candidate = _expand(value, key)
            except PathError:  # kept as written: commands that need it say so, `kiosk run` goes on without it
                candidate = None
            if candidate is not None:
                value = str(candidate if candidate.is_absolute() else base / candidate)
        values[key] = value
    return Config(**values)


def _expand(value: str, name: str) -> Path:
    return expand_user_path(value, what=f"config setting {name}")


def _did_you_mean(key: str, known: dict[str, Setting]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validate(declared: Setting, value: Any, where: str) -> Any:
    name = declared.name
    if isinstance(value, dict):
        raise ConfigError(f"{where}: '{name}' is a table ([{name}]); write it as a plain `{name} = …` line")
    if declared.type is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be true or false (no quotes), got {value!r}")
        return value
    if declared.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {name} must be a whole number (no quotes), got {value!r}")
        if declared.minimum is not None and value < declared.minimum:
            raise ConfigError(f"{where}: {name} must be at least {declared.minimum}, got {value}")
        if declared.maximum is not None and value > declared.maximum:
            raise ConfigError(f"{where}: {name} must be at most {declared.maximum}, got {value}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f'{where}: {name} must be text in quotes, e.g. {name} = "…", got {value!r}')
    if declared.choices is not None and value not in declared.choices:
        choices = ", ".join(repr(c) for c in declared.choices)
        raise ConfigError(f"{where}: {name} must be one of {choices}, got {value!r}")
    if declared.pattern is not None and not re.fullmatch(declared.pattern, value):
        raise ConfigError(f"{where}: {name} must be {declared.pattern_help}, got {value!r}")
    if "\x00" in value:
        raise ConfigError(f"{where}: {name} contains a NUL character")
    return value


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _allowed(declared: Setting) -> str:
    if declared.choices:
        return "one of " + ", ".join(str(c) for c in declared.choices)
    if declared.type is bool:
        return "true or false"
    if declared.type is int:
        return f"a whole number from {declared.minimum} to {declared.maximum}"
    if declared.pattern_help:
        return f"text: {declared.pattern_help}"
    if declared.path:
        return "a path (relative to this file's folder), or empty"
    return "text"


def example_config() -> str:
    """A documented example config file listing every setting with its default.

    Loading it gives exactly the defaults (a test checks).
    """
    defaults = Config()
    lines = [
        "# 上街社区服务终端 — terminal configuration (TOML, UTF-8).",
        "# Every setting is optional and shown here with its default; delete what you do not change.",
        f"# The kiosk reads ${CONFIG_ENV} if set, else {CONFIG_FILE_NAME} in its data directory.",
        "# Check a file with:  kiosk config --check FILE",
    ]
    group = ""
    for declared in SETTINGS:
        if declared.group != group:
            group = declared.group
            lines += ["", f"# ── {group} " + "─" * max(3, 60 - len(group))]
        lines.append("")
        lines.append(f"# {declared.description}")
        lines.append(f"# Allowed: {_allowed(declared)}.")
        lines.append(f"{declared.name} = {_toml_value(getattr(defaults, declared.name))}")
    return "\n".join(lines) + "\n"


def settings_table_markdown() -> str:
    """The settings as a Markdown table (for docs/deploying.md)."""
    defaults = Config()
    rows = ["| setting | default | allowed | what it does |", "| --- | --- | --- | --- |"]
    for declared in SETTINGS:
        default = _toml_value(getattr(defaults, declared.name))
        rows.append(f"| `{declared.name}` | `{default}` | {_allowed(declared)} | {declared.description} |")
    return "\n".join(rows) + "\n"


def _check_declarations() -> None:
    declared = [s.name for s in SETTINGS]
    fields_ = [f.name for f in fields(Config)]
    if declared != fields_:  # pragma: no cover - a programming error caught by tests
        raise AssertionError(f"SETTINGS and Config disagree: {declared} vs {fields_}")


_check_declarations()
