"""`kiosk hours EXPR --at ISO_DATETIME [--json]`: text, JSON, exit code 2 for invalid input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main

OFFICE = "Mo-Fr 08:30-12:00,14:30-17:30; PH off"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["hours", *args, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


@pytest.mark.parametrize(
    ("moment", "state", "next_change", "holiday"),
    [
        ("2026-05-14T09:00", "open", "2026-05-14T12:00:00+08:00", None),
        ("2026-05-14T12:30", "closed", "2026-05-14T14:30:00+08:00", None),
        ("2026-10-01T10:00", "closed", "2026-10-08T08:30:00+08:00", "国庆节"),
        ("2026-02-17T10:00", "closed", "2026-02-24T08:30:00+08:00", "春节"),
        ("2026-10-10T10:00", "open", "2026-10-10T12:00:00+08:00", None),
        ("2027-03-03T10:00", "open", "2027-03-03T12:00:00+08:00", None),
        ("2027-10-01T10:00", "closed", "2027-10-04T00:00:00+08:00", "国庆节"),
    ],
)
def test_json_answers(capsys: pytest.CaptureFixture[str], seed_db_path: Path, moment: str, state: str,
                      next_change: str | None, holiday: str | None) -> None:
    """--json gives state, next_change (ISO or null) and holiday (name or null)."""
    data = _json(capsys, OFFICE, "--at", moment, "--db", str(seed_db_path))
    assert data["state"] == state and data["next_change"] == next_change and data["holiday"] == holiday
    assert isinstance(data["label_zh"], str) and isinstance(data["label_en"], str)


def test_makeup_day_json_flags_it(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """On a make-up working day the JSON says so and the label is 调休上班."""
    data = _json(capsys, OFFICE, "--at", "2026-02-14T10:00", "--db", str(seed_db_path))
    assert data["makeup_day"] is True and str(data["label_zh"]).startswith("调休上班")


def test_text_output(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """Plain output starts with the zh / en label."""
    assert main(["hours", OFFICE, "--at", "2026-10-01T10:00", "--db", str(seed_db_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "国庆节休息 / Closed for National Day"
    assert "2026-10-08T08:30:00+08:00" in out


def test_offset_is_converted_to_shanghai(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """--at with a UTC offset is the same instant in Shanghai (01:00Z = 09:00 Shanghai)."""
    data = _json(capsys, OFFICE, "--at", "2026-05-14T01:00:00+00:00", "--db", str(seed_db_path))
    assert data["state"] == "open" and data["at"] == "2026-05-14T09:00:00+08:00"


def test_invalid_expression_exits_2_with_the_editor_message(capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid EXPR: exit 2, one line, the same message validate_hours gives."""
    from kiosk.core.hours.opening import validate_hours

    assert main(["hours", "Mon-Fri 08:30-17:30", "--at", "2026-05-14T09:00", "--json"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    message = validate_hours("Mon-Fri 08:30-17:30")
    assert message is not None and message in err


def test_invalid_moment_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A --at that is not a date-time: exit 2 with a hint."""
    assert main(["hours", OFFICE, "--at", "tomorrow"]) == 2
    assert "ISO date-time" in capsys.readouterr().err


def test_overrides_in_db_are_used(capsys: pytest.CaptureFixture[str], writable_db: Path) -> None:
    """--db: the database's holiday_overrides decide a 2027 date (estimated as unknown without them)."""
    assert _json(capsys, OFFICE, "--at", "2027-10-05T10:00", "--db", str(writable_db))["state"] == "unknown"
    conn = sqlite3.connect(writable_db)
    conn.execute("INSERT INTO holiday_overrides (date, kind, name, name_en) VALUES "
                 "('2027-10-05', 'holiday', '国庆节', 'National Day')")
    conn.commit()
    conn.close()
    data = _json(capsys, OFFICE, "--at", "2027-10-05T10:00", "--db", str(writable_db))
    assert data["state"] == "closed" and data["holiday"] == "国庆节" and not data["holiday_expected"]


def test_chinese_hours_are_read_and_said_in_words(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """EXPR in Chinese: the JSON keeps its keys and adds osm, text_zh and text_en; 1 Oct 2026 is closed."""
    data = _json(capsys, "工作日 9:00-17:00，节假日休息", "--at", "2026-10-01T10:00", "--db", str(seed_db_path))
    assert data["expr"] == "工作日 9:00-17:00，节假日休息" and data["osm"] == "Mo-Fr 09:00-17:00; PH off"
    assert data["state"] == "closed" and data["holiday"] == "国庆节" and data["label_zh"] == "国庆节休息"
    assert data["text_zh"] == "周一至周五 9:00–17:00；法定节假日休息"
    assert data["text_en"] == "Mon–Fri 9:00–17:00; closed on public holidays"


def test_chinese_working_days_open_on_a_makeup_saturday(capsys: pytest.CaptureFixture[str],
                                                        seed_db_path: Path) -> None:
    """工作日 through the command: Saturday 28 Feb 2026 (调休上班) is open with the weekday hours."""
    data = _json(capsys, "工作日 9:00-17:00", "--at", "2026-02-28T10:00", "--db", str(seed_db_path))
    assert data["state"] == "open" and data["makeup_day"] is True
    assert data["next_change"] == "2026-02-28T17:00:00+08:00"


def test_text_output_prints_the_readable_line(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """Plain output: the label first, then the hours in words, then the OSM they were read as."""
    args = ["hours", "周二至周日 9:00-17:00，周一闭馆", "--at", "2026-05-14T10:00", "--db", str(seed_db_path)]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "营业中 · 17:00 关门 / Open · closes 17:00"
    assert lines[1] == "hours: 周二至周日 9:00–17:00；周一休息 / Tue–Sun 9:00–17:00; closed on Mon"
    assert lines[2] == "osm: Tu-Su 09:00-17:00; Mo off"


def test_osm_json_gains_the_words_too(capsys: pytest.CaptureFixture[str], seed_db_path: Path) -> None:
    """OSM EXPR: osm is the expression itself and the words are there."""
    data = _json(capsys, OFFICE, "--at", "2026-05-14T09:00", "--db", str(seed_db_path))
    assert data["expr"] == OFFICE and data["osm"] == OFFICE
    assert data["text_zh"] == "周一至周五 8:30–12:00、14:30–17:30；法定节假日休息"


@pytest.mark.parametrize(("expr", "quoted"), [("周一至周八 9:00-17:00", "周八"), ("每天 8:30-5:30", "8:30-5:30"),
                                              ("Feb 30", "Feb 30")])
def test_chinese_that_is_not_understood_exits_2_quoting_it(capsys: pytest.CaptureFixture[str], expr: str,
                                                           quoted: str) -> None:
    """A form not understood: exit 2, one line on stderr quoting the part, no traceback."""
    assert main(["hours", expr, "--at", "2026-05-14T09:00"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"“{quoted}”" in err
