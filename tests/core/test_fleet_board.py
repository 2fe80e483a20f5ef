"""The status board: one row per terminal, stale ones marked; the same figures as a Prometheus textfile.

Terminals, places and figures are synthetic test data (测试).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk import cli
from kiosk.core.db.connection import connect
from kiosk.core.fleet.board import fleet_board, format_board
from kiosk.core.fleet.collect import collect_reports
from kiosk.core.fleet.metrics import escape_label, metrics_text, write_textfile
from kiosk.core.fleet.report import write_report
from kiosk.core.search.ranking import record_miss
from kiosk.core.terminal.runs import Runs

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
ODD_PLACE = '测试站二 "东门" \\ 一楼\n大厅'


@pytest.fixture
def office(writable_db: Path, seed_db_path: Path, tmp_path: Path) -> sqlite3.Connection:
    """An office database with reports of two terminals: test-hall-1 (fresh, misses) and test-hall-2 (30 h old)."""
    terminal = connect(writable_db)
    for query, times in (("量子计算", 3), ("电话13812345678", 2), ("火星", 1), ("冷门", 1)):
        for _ in range(times):
            record_miss(terminal, query, NOW.date())
    fresh = write_report(terminal, tmp_path / "a.zip", terminal_id="test-hall-1", place="测试站一", now=NOW,
                         runs=Runs(starts=4, crashes=2, started_at=(NOW - timedelta(hours=3)).isoformat(),
                                   running=True)).path
    terminal.execute("DELETE FROM meta WHERE key = 'outbox_last_report'")
    old = write_report(terminal, tmp_path / "b.zip", terminal_id="test-hall-2", place=ODD_PLACE,
                       now=NOW - timedelta(hours=30), runs=Runs(starts=1)).path
    terminal.close()
    (tmp_path / "office.db").write_bytes(seed_db_path.read_bytes())
    conn = connect(tmp_path / "office.db")
    assert len(collect_reports(conn, [fresh, old], now=NOW).new) == 2
    return conn


def test_the_board_has_one_row_per_terminal_with_stale_ones_first(office: sqlite3.Connection) -> None:
    """test-hall-2 (30 h > 26 h) is stale and first; test-hall-1 shows its crashes, uptime and top 3 misses."""
    rows = fleet_board(office, now=NOW)
    assert [(r.terminal_id, r.stale) for r in rows] == [("test-hall-2", True), ("test-hall-1", False)]
    fresh = rows[1]
    figures = (fresh.place, fresh.crashes_since_last, fresh.crashes_total, fresh.restarts_since_last)
    assert figures == ("测试站一", 2, 2, 4)
    assert fresh.uptime_s == 3 * 3600 and fresh.reports == 1
    assert fresh.top_misses == (("量子计算", 3), ("电话•••", 2), ("冷门", 1))
    assert [r.stale for r in fleet_board(office, now=NOW, stale_hours=48)] == [False, False]


def test_the_board_as_text_names_stale_terminals_in_chinese_and_english(office: sqlite3.Connection) -> None:
    """The text board says 失联 (stale) for the silent terminal and lists the top misses, masked."""
    text = format_board(fleet_board(office, now=NOW))
    assert "1 台失联" in text and "【失联 stale】 test-hall-2" in text and "【正常 ok】 test-hall-1" in text
    assert "量子计算 ×3" in text and "13812345678" not in text
    assert "运行时长 (uptime): 3 小时 0 分" in text and "未运行 (not running)" in text


def test_kiosk_fleet_json_and_stale_hours(office: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk fleet --json` gives every row; --stale-hours moves the limit."""
    path = office.execute("PRAGMA database_list").fetchone()[2]
    office.close()
    assert cli.main(["fleet", "--db", path, "--json", "--stale-hours", "1000"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["terminal_id"]: r["stale"] for r in rows} == {"test-hall-1": False, "test-hall-2": False}
    assert cli.main(["fleet", "--db", path]) == 0
    assert "失联" in capsys.readouterr().out


def test_metrics_parse_as_the_exposition_format_with_escaped_labels(office: sqlite3.Connection) -> None:
    """prometheus_client's parser reads every gauge back, with the odd place's quote, backslash and line break."""
    text = metrics_text(fleet_board(office, now=NOW), now=NOW)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert all(f.type == "gauge" for f in families.values())
    assert families["kiosk_fleet_terminals"].samples[0].value == 2
    stale = {s.labels["terminal"]: s.value for s in families["kiosk_terminal_stale"].samples}
    assert stale == {"test-hall-1": 0, "test-hall-2": 1}
    crashes = {s.labels["terminal"]: s.value for s in families["kiosk_terminal_crashes"].samples}
    assert crashes == {"test-hall-1": 2, "test-hall-2": 0}
    info = {s.labels["terminal"]: s.labels for s in families["kiosk_terminal_info"].samples}
    assert info["test-hall-2"]["place"] == ODD_PLACE
    last = {s.labels["terminal"]: s.value for s in families["kiosk_terminal_last_report_timestamp_seconds"].samples}
    assert last["test-hall-1"] == NOW.timestamp()
    assert escape_label('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def test_the_textfile_is_replaced_atomically(office: sqlite3.Connection, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk metrics --textfile` replaces the file whole and leaves no temporary file beside it."""
    folder = tmp_path / "textfile"
    folder.mkdir()
    target = folder / "kiosk.prom"
    write_textfile(target, "# old\n")
    path = office.execute("PRAGMA database_list").fetchone()[2]
    office.close()
    assert cli.main(["metrics", "--db", path, "--textfile", str(target)]) == 0
    assert "2 terminal(s)" in capsys.readouterr().out
    assert [p.name for p in folder.iterdir()] == ["kiosk.prom"]
    names = {f.name for f in text_string_to_metric_families(target.read_text(encoding="utf-8"))}
    assert {"kiosk_terminal_open_feedback", "kiosk_terminal_uptime_seconds"} <= names


def test_an_empty_board_says_how_to_fill_it(seed_db_path: Path, tmp_path: Path) -> None:
    """No report collected yet: the board says so and the metrics still parse (zero terminals)."""
    (tmp_path / "office.db").write_bytes(seed_db_path.read_bytes())
    conn = connect(tmp_path / "office.db")
    assert fleet_board(conn, now=NOW) == []
    assert "kiosk collect" in format_board([])
    families = {f.name: f for f in text_string_to_metric_families(metrics_text([], now=NOW))}
    assert families["kiosk_fleet_terminals"].samples[0].value == 0
    conn.close()
