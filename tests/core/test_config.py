"""Terminal configuration: declared once, documented, validated with clear messages."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.core.terminal.config import (
    SETTINGS,
    Config,
    ConfigError,
    config_file_path,
    config_from_mapping,
    example_config,
    load_config,
    load_terminal_config,
    settings_table_markdown,
)


def test_every_config_field_is_declared_with_a_description() -> None:
    """Each Config field has exactly one Setting, in the same order, with a real description."""
    declared = [s.name for s in SETTINGS]
    assert declared == [f.name for f in fields(Config)]
    assert len(set(declared)) == len(declared)
    for s in SETTINGS:
        assert len(s.description) >= 20 and s.description.endswith("."), s.name


def test_declared_types_match_defaults() -> None:
    """Each setting's declared type is the type of its default, and the default obeys its own limits."""
    defaults = Config()
    for s in SETTINGS:
        value = getattr(defaults, s.name)
        assert type(value) is s.type, s.name
        config_from_mapping({s.name: value})  # the default itself validates


def test_example_parses_back_to_the_defaults(tmp_path: Path) -> None:
    """The documented example file loads to exactly the defaults and names every setting."""
    text = example_config()
    assert tomllib.loads(text).keys() == {s.name for s in SETTINGS}
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path) == Config()


def test_example_documents_every_setting() -> None:
    """Every setting's description and allowed values appear right above its line in the example."""
    lines = example_config().splitlines()
    for s in SETTINGS:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{s.name} = "))
        assert lines[index - 2] == f"# {s.description}"
        assert lines[index - 1].startswith("# Allowed: ")


def test_groups_are_contiguous() -> None:
    """Settings of one group sit together, so the example has one heading per group."""
    groups = [s.group for s in SETTINGS]
    seen: list[str] = []
    for g in groups:
        if not seen or seen[-1] != g:
            assert g not in seen, f"group {g} is split"
            seen.append(g)


def test_docs_table_is_current() -> None:
    """docs/deploying.md carries the settings table as `kiosk config --table` prints it today."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "deploying.md"
    assert settings_table_markdown() in docs.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"idle_timeout": 30}, "did you mean 'idle_timeout_s'"),
        ({"idle_timeout_s": 5}, "idle_timeout_s must be at least 15"),
        ({"idle_timeout_s": 99999}, "must be at most 3600"),
        ({"idle_timeout_s": "90"}, "idle_timeout_s must be a whole number"),
        ({"idle_timeout_s": True}, "must be a whole number"),
        ({"fullscreen": "yes"}, "fullscreen must be true or false"),
        ({"default_language": "fr"}, "default_language must be one of 'zh', 'en'"),
        ({"terminal_id": "hall 3"}, "terminal_id must be 1-64 letters"),
        ({"display_name": "   "}, "display_name must be not empty"),
        ({"community": 3}, "community must be text in quotes"),
        ({"theme": {"name": "x"}}, "is a table"),
        ({"log_level": "verbose"}, "log_level must be one of"),
        ({"content_check_interval_s": 10}, "at least 60"),
    ],
)
def test_bad_values_name_the_setting_and_the_rule(raw: dict[str, object], message: str) -> None:
    """A bad value raises ConfigError whose one-line message names the setting and what is allowed."""
    with pytest.raises(ConfigError) as info:
        config_from_mapping(raw, where="t.toml")
    text = str(info.value)
    assert message in text and text.startswith("t.toml: ") and "\n" not in text


def test_valid_file_loads(tmp_path: Path) -> None:
    """A partial file changes only the settings it names."""
    path = tmp_path / "c.toml"
    path.write_text('terminal_id = "hall-3"\nidle_timeout_s = 60\nelder_mode_default = true\n', encoding="utf-8")
    config = load_config(path)
    assert (config.terminal_id, config.idle_timeout_s, config.elder_mode_default) == ("hall-3", 60, True)
    assert config.theme == Config().theme


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    """Path settings given relative are resolved against the config file's folder; empty stays empty."""
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "c.toml"
    path.write_text('content_inbox = "inbox"\nlog_dir = "/var/log/kiosk"\n', encoding="utf-8")
    config = load_config(path)
    assert config.content_inbox == str(folder.resolve() / "inbox")
    assert config.log_dir == "/var/log/kiosk" and config.database == ""
    assert config.inbox_path() == folder.resolve() / "inbox"


def test_file_problems_are_clear(tmp_path: Path) -> None:
    """Missing, non-UTF-8 and invalid TOML files each give a ConfigError saying which."""
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes('terminal_id = "终端"'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(bad)
    bad.write_text("terminal_id = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_default_paths(tmp_path: Path) -> None:
    """Empty path settings mean kiosk.db and logs/ in the data directory, and no inbox."""
    config = Config()
    assert config.database_path(tmp_path) == tmp_path / "kiosk.db"
    assert config.log_path(tmp_path) == tmp_path / "logs"
    assert config.inbox_path() is None


def test_terminal_config_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """config.toml in the data dir is optional; a $KIOSK_CONFIG file must exist and wins."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert load_terminal_config(tmp_path) == (Config(), None)
    (tmp_path / "config.toml").write_text('community = "济源路社区"\n', encoding="utf-8")
    config, path = load_terminal_config(tmp_path)
    assert config.community == "济源路社区" and path == tmp_path / "config.toml"
    other = tmp_path / "other.toml"
    monkeypatch.setenv("KIOSK_CONFIG", str(other))
    assert config_file_path(tmp_path) == other
    with pytest.raises(ConfigError, match="not found"):
        load_terminal_config(tmp_path)
