"""`kiosk recognize`: strokes JSON in, candidates JSON out, exit codes 2 (bad input) and 3 (no recognizer)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core import handwriting
from tests.fixtures.strokes import SLOPPY
from tests.fixtures.strokes import WEI_JSON as WEI


def test_recognize_file_prints_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    """The 卫 fixture file gives a JSON list of {char, score}, 卫 first, --top long."""
    assert main(["recognize", str(WEI), "--top", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 4 and out[0]["char"] == "卫"
    assert set(out[0]) == {"char", "score"} and isinstance(out[0]["score"], float)


def test_recognize_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`-` reads the document from standard input: one horizontal stroke is 一."""
    monkeypatch.setattr("sys.stdin", io.StringIO('{"width": 200, "height": 200, "strokes": [[[20, 100], [180, 100]]]}'))
    assert main(["recognize", "-"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["char"] == "一"


def test_recognize_domain_uses_the_database(seed_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--domain re-ranks with the database's characters (hurried 卫: 彐 without, 卫 with)."""
    doc = json.dumps({"width": 100, "height": 100, "strokes": SLOPPY["卫"]})
    for extra, first in (([], "彐"), (["--domain", "--db", str(seed_db_path)], "卫")):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sys.stdin", io.StringIO(doc))
            assert main(["recognize", "-", *extra]) == 0
        assert json.loads(capsys.readouterr().out)[0]["char"] == first


def test_bad_json_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed input: exit code 2 and a single error line, no traceback."""
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    assert main(["recognize", "-"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err and "Traceback" not in err


def test_unreadable_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that does not exist: exit code 2 naming it."""
    assert main(["recognize", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_missing_recognizer_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """No Zinnia library: exit code 3 and one line naming the Debian package."""
    monkeypatch.delenv(handwriting.LIBRARY_ENV, raising=False)
    monkeypatch.setattr(handwriting, "library_candidates", lambda: [])
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    assert main(["recognize", str(WEI)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "libzinnia0" in err


def test_missing_model_option_is_exit_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--model pointing nowhere: exit code 3 and the path in the message."""
    assert main(["recognize", str(WEI), "--model", str(tmp_path / "none.model")]) == 3
    assert "none.model" in capsys.readouterr().err
