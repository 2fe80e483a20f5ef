"""`kiosk search`: ranked text or JSON, exit 0 for any query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main


def test_search_prints_ranked_hits(seed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """看病 lists the health category and its services, numbered."""
    assert main(["search", "看病", "--db", str(seed_db_path)]) == 0
    out = capsys.readouterr().out
    assert "医疗卫生" in out and "社区卫生服务中心" in out
    assert out.splitlines()[0].lstrip().startswith("1.")


def test_search_json(seed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives a list of objects with kind, id, name, category and score; --limit caps it."""
    assert main(["search", "ylfw", "--db", str(seed_db_path), "--json", "--limit", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 2
    assert {"kind", "id", "name", "category", "score"} <= set(data[0])
    assert data[0]["name"] == "养老服务"


@pytest.mark.parametrize("query", ["魑魅魍魉", "", "   ", "' OR 1=1 --", "NEAR(", "*"])
def test_no_result_is_exit_zero(seed_db_path: Path, capsys: pytest.CaptureFixture[str], query: str) -> None:
    """A query with no hit says so and exits 0; with --json it prints []."""
    assert main(["search", query, "--db", str(seed_db_path)]) == 0
    assert "no results" in capsys.readouterr().out
    assert main(["search", query, "--db", str(seed_db_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_negative_limit_is_a_one_line_error(seed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--limit -1 is a user error, not a traceback."""
    assert main(["search", "书", "--db", str(seed_db_path), "--limit", "-1"]) != 0
    assert "--limit" in capsys.readouterr().err
