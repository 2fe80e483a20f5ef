"""Hostile arguments and files never end in a traceback: every `kiosk` command, every input file kind.

Each command gets a property test that feeds it numbers in other scripts (``፩``, ``٣``), 5,000-digit
numbers, numbers beyond SQLite's INTEGER, dates in year 0 or 99999, empty, long and control-character
text, and paths that do not exist or are folders. The command must answer or refuse with exit status
0, 1 or 2 and, when it refuses, ONE line on stderr — never "Traceback", never the "internal error"
line kiosk.cli prints for a bug. Then the same for the files people hand us: the flat CSV, an HSDS
folder (datapackage.json and its CSV resources, which must stay inside the folder) and config.toml.
Calls are in-process (fast) with a few real subprocesses. Everything runs in a temporary folder that
is also the working directory; all data here is synthetic (测试).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk import cli
from kiosk.core import limits
from kiosk.core.db.connection import connect
from kiosk.core.errors import KioskError
from kiosk.core.exchange.hsds import RESOURCES
from kiosk.core.exchange.transfer import plan_import
from kiosk.core.terminal.config import ConfigError, load_config

CASES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE_NUMBERS = ["፩", "٣", "１２", "²", "9" * 5000, "-" + "9" * 30, "99999999999999999999", "9223372036854775808",
                   "0", "-1", "1e3", "0x10", "1_000", " 7", "", "+5", "NaN", "三"]
NUMBER = st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers(-10**30, 10**30).map(str), st.text(max_size=8))
HOSTILE_DATES = ["99999-01-01", "0000-01-01", "9999-12-31", "0001-01-01", "2026-02-30", "20260301", "2026-W10-1",
                 "2100-01-01", "1999-12-31", "2026-03-01", "２０２６-03-01", "2026-03-01T25:00"]
DATE = st.one_of(st.sampled_from(HOSTILE_DATES), st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))
#: what a shell can pass: no NUL; bytes that are not UTF-8 arrive as lone surrogates (\udc80–\udcff)
TEXT = st.one_of(st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40),
                 st.sampled_from(["", "x" * 5000, "a\x00b", "\udcff", "-", "--", "Mo-Fr 08:00-12:00", "测试"]))
PATH = st.sampled_from(["nofile", "nofile/x.csv", "sub", ".", "", "x" * 300, "a\x00b", "\udcfftest", "empty.csv",
                        "junk.bin", "sub/"])


@pytest.fixture(scope="module")
def work(seed_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a writable copy of the seed database, an empty sub folder, an empty and a junk file."""
    folder = tmp_path_factory.mktemp("clierrors")
    shutil.copyfile(seed_db_path, folder / "kiosk.db")
    (folder / "sub").mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 4)
    return folder


@pytest.fixture(autouse=True)
def inside_work(work: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Relative paths land in the work folder; the data directory is a fresh one there."""
    monkeypatch.chdir(work)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(work / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_DEBUG", raising=False)
    yield


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``kiosk ARGV`` in-process; asserts it ended like a tool, not like a bug; returns (code, out, err)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert_clean_exit(code, err, argv)
    return code, out, err


def assert_clean_exit(code: int, err: str, argv: tuple[str, ...] | list[str]) -> None:
    """Exit 0, 1 or 2; no traceback and no "internal error"; a refusal is one line on stderr."""
    shown = [a[:30] for a in argv]
    assert "Traceback" not in err and "internal error" not in err, (shown, err[-500:])
    assert code in (0, 1, 2), (shown, code, err[-300:])
    if code != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and lines[0].startswith("kiosk"), (shown, err[:300])
        # build-db lists each seed problem under its one-line summary
        assert all(line.startswith("  - ") for line in lines[1:]), (shown, lines[:3])


# ------------------------------------------------------------------------------ numbers and dates


@CASES
@given(days=NUMBER, top=NUMBER, end=DATE)
@example(days="፩", top="10", end="2026-03-01")
@example(days="9" * 5000, top="10", end="2026-03-01")
@example(days="28", top="10", end="99999-01-01")
@example(days="28", top="10", end="9999-12-31")
@example(days="3660", top="10", end="2000-01-01")
def test_report_takes_hostile_days_top_and_end(capsys: pytest.CaptureFixture[str], days: str, top: str,
                                               end: str) -> None:
    """`kiosk report --days/--top/--end` with odd numbers and dates: a report or one line, never a traceback."""
    code, out, _err = run(capsys, "report", "--db", "kiosk.db", f"--days={days}", f"--top={top}", f"--end={end}")
    if code == 0:
        assert out.strip()


@CASES
@given(ident=NUMBER)
@example(ident="99999999999999999999")
@example(ident="9223372036854775807")
@example(ident="٣")
def test_feedback_done_and_reopen_take_hostile_ids(capsys: pytest.CaptureFixture[str], ident: str) -> None:
    """`kiosk feedback --done/--reopen ID` with huge, negative or non-ASCII ids: done, or one line."""
    run(capsys, "feedback", "--db", "kiosk.db", f"--done={ident}")
    run(capsys, "feedback", "--db", "kiosk.db", f"--reopen={ident}")


@CASES
@given(entry=NUMBER)
@example(entry="99999999999999999999")
@example(entry="9223372036854775807")
def test_undo_takes_hostile_entry_numbers(capsys: pytest.CaptureFixture[str], entry: str) -> None:
    """`kiosk undo ENTRY` with a number SQLite cannot hold or no number at all: one line, never OverflowError."""
    code, _out, err = run(capsys, "undo", "--db", "kiosk.db", "--", entry)
    assert code != 0 or "undid" in _out
    if entry == "99999999999999999999":
        assert "9223372036854775807" in err  # the message names the limit


@CASES
@given(query=TEXT, limit=NUMBER)
@example(query="书", limit="9" * 5000)
def test_search_takes_hostile_query_and_limit(capsys: pytest.CaptureFixture[str], query: str, limit: str) -> None:
    """`kiosk search QUERY --limit N`: hits, "no results", or one line."""
    run(capsys, "search", "--db", "kiosk.db", f"--limit={limit}", "--", query)


@CASES
@given(expr=TEXT, at=st.one_of(DATE, DATE.map(lambda d: d + "T10:00")))
@example(expr="24/7", at="9999-12-31T23:59")
@example(expr="24/7", at="0001-01-01T00:00")
@example(expr="周一至周五 8:30-12:00 14:30-17:30，节假日休息", at="2026-10-01T10:00")
@example(expr="周一至周八 25:00-8:70", at="2026-10-01T10:00")
@example(expr="工作日 9:00-次日\x07", at="2026-10-01T10:00")
@example(expr="Feb 30", at="2026-02-28T10:00")
def test_hours_takes_hostile_expressions_and_moments(capsys: pytest.CaptureFixture[str], expr: str, at: str) -> None:
    """`kiosk hours EXPR --at ISO` with odd text and moments outside 2000–2099: an answer or one line."""
    run(capsys, "hours", "--db", "kiosk.db", f"--at={at}", "--", expr)


@CASES
@given(service_id=TEXT, at=st.one_of(DATE, DATE.map(lambda d: d + "T10:00")), as_json=st.booleans())
@example(service_id="\udcff", at="2026-12-02T10:00", as_json=True)
@example(service_id="elderly-care-facilities", at="9999-12-31T23:59", as_json=False)
@example(service_id="elderly-care-facilities", at="2026-12-02T10:00", as_json=True)
def test_show_takes_any_service_id_and_moment(capsys: pytest.CaptureFixture[str], service_id: str, at: str,
                                             as_json: bool) -> None:
    """`kiosk show SERVICE_ID --at ISO [--json]` with any text: the service, or one line."""
    run(capsys, "show", "--db", "kiosk.db", f"--at={at}", *(["--json"] if as_json else []), "--", service_id)


@FEW
@given(action=st.sampled_from(["list", "add", "remove", "", "nope"]), name=TEXT)
@example(action="remove", name="x" * 5000)
@example(action="add", name="a:b")
def test_workers_takes_hostile_actions_and_names(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                action: str, name: str) -> None:
    """`kiosk workers ACTION NAME` with odd names and no PIN on standard input: a list, or one line."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    named = ["--pin-stdin", "--", name] if action in ("add", "remove") else []
    argv = ["workers", action, "--db", "kiosk.db", *named]
    run(capsys, *[a for a in argv if a])


@CASES
@given(service_id=TEXT)
@example(service_id="\udcff")
def test_history_takes_any_service_id(capsys: pytest.CaptureFixture[str], service_id: str) -> None:
    """`kiosk history SERVICE_ID` with any text, bytes that are not UTF-8 included: a history or one line."""
    run(capsys, "history", "--db", "kiosk.db", "--", service_id)


# ------------------------------------------------------------------------------ paths


@CASES
@given(path=PATH, dry_run=st.booleans(), category=st.one_of(st.none(), TEXT))
def test_import_takes_hostile_paths(capsys: pytest.CaptureFixture[str], path: str, dry_run: bool,
                                    category: str | None) -> None:
    """`kiosk import PATH` with a missing file, a folder, an empty file, junk bytes or a long name: one line."""
    argv = ["import", "--db", "kiosk.db", *(["--dry-run"] if dry_run else []),
            *([f"--category={category}"] if category is not None else []), "--", path]
    code, _out, _err = run(capsys, *argv)
    assert code != 0  # none of these is an import file or an HSDS folder


@CASES
@given(command=st.sampled_from(["check", "stats", "dump"]), path=PATH, as_db=st.booleans())
def test_check_stats_dump_take_hostile_database_paths(capsys: pytest.CaptureFixture[str], command: str, path: str,
                                                      as_db: bool) -> None:
    """`kiosk check|stats|dump PATH` (or --db PATH) on what is not a database: one line."""
    argv = [command, f"--db={path}"] if as_db else [command, "--", path]
    code, _out, _err = run(capsys, *argv)
    assert code != 0


@CASES
@given(command=st.sampled_from(["backup", "feedback", "report", "restore", "search"]), path=PATH)
def test_data_commands_take_hostile_db_paths(capsys: pytest.CaptureFixture[str], command: str, path: str) -> None:
    """--db PATH that is missing, a folder or junk: one line for every data command."""
    extra = ["x"] if command == "search" else []
    code, _out, _err = run(capsys, command, f"--db={path}", *extra)
    assert code != 0


@CASES
@given(backup=PATH, listing=st.booleans())
def test_restore_takes_hostile_backup_paths(capsys: pytest.CaptureFixture[str], backup: str, listing: bool) -> None:
    """`kiosk restore BACKUP` of what is not a backup: one line, the database untouched."""
    conn = connect(Path("kiosk.db"), readonly=True)
    try:
        before = conn.execute("SELECT COUNT(*) FROM services").fetchone()[0]
    finally:
        conn.close()
    code, _out, _err = run(capsys, "restore", "--db", "kiosk.db", *(["--list"] if listing else []), "--", backup)
    texty = "\x00" not in backup and "\udcff" not in backup  # else refused before any command runs
    assert code == 0 if listing and texty else code != 0
    conn = connect(Path("kiosk.db"), readonly=True)
    try:
        assert conn.execute("SELECT COUNT(*) FROM services").fetchone()[0] == before
    finally:
        conn.close()


@CASES
@given(path=PATH)
def test_config_check_takes_hostile_paths(capsys: pytest.CaptureFixture[str], path: str) -> None:
    """`kiosk config --check FILE` on a missing file, a folder, junk bytes or a long name: one line."""
    code, _out, _err = run(capsys, "config", f"--check={path}")
    assert code != 0 or path == "empty.csv"  # an empty file is a valid (empty) TOML document


@FEW
@given(seeds=PATH, out=st.sampled_from(["sub", "nofile/deeper/out.db", "x" * 300, "", "."]))
def test_build_db_takes_hostile_seed_and_output_paths(capsys: pytest.CaptureFixture[str], seeds: str, out: str) -> None:
    """`kiosk build-db --seeds DIR --out PATH` with odd folders: built, or one line (nothing written outside)."""
    run(capsys, "build-db", f"--seeds={seeds}", f"--out={out}")


@FEW
@given(data_dir=st.sampled_from(["", "x" * 300, "a\x00b", "\udcff", "junk.bin"]))
def test_data_dir_option_takes_hostile_folders(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    """`kiosk --data-dir DIR report` with a folder that cannot be one: one line."""
    run(capsys, f"--data-dir={data_dir}", "report")


OUT = st.sampled_from(["sub", ".", "", "x" * 300, "nofile/deeper/out", "a\x00b", "\udcff", "sub/"])


@FEW
@given(out=OUT, fmt=st.sampled_from(["csv", "hsds"]))
def test_export_takes_hostile_output_paths(capsys: pytest.CaptureFixture[str], out: str, fmt: str) -> None:
    """`kiosk export OUT` into a folder, an over-long name or a path that is not text: written, or one line."""
    run(capsys, "export", "--db", "kiosk.db", f"--format={fmt}", "--", out)


@FEW
@given(command=st.sampled_from(["update-content", "recognize"]), path=PATH)
def test_bundle_and_strokes_readers_take_hostile_paths(capsys: pytest.CaptureFixture[str], command: str,
                                                        path: str) -> None:
    """`kiosk update-content FILE` / `kiosk recognize STROKES_JSON` on junk, folders and missing files: one line."""
    code, _out, _err = run(capsys, command, "--db", "kiosk.db", "--", path)
    assert code != 0


@CASES
@given(year=NUMBER, day=DATE, kind=st.sampled_from(["holiday", "workday", "放假", "", "x" * 300]), path=PATH)
def test_holidays_take_hostile_years_dates_and_notices(capsys: pytest.CaptureFixture[str], year: str, day: str,
                                                       kind: str, path: str) -> None:
    """`kiosk holidays list --year N` / `add DATE KIND` / `import FILE` with hostile input: done, or one line."""
    run(capsys, "holidays", "list", "--db", "kiosk.db", f"--year={year}")
    run(capsys, "holidays", "add", "--db", "kiosk.db", "--partial", "--", day, kind)
    run(capsys, "holidays", "import", "--db", "kiosk.db", "--partial", "--", path)


@FEW
@given(out=OUT, version=NUMBER)
def test_bundle_takes_hostile_output_paths_and_versions(capsys: pytest.CaptureFixture[str], out: str,
                                                        version: str) -> None:
    """`kiosk bundle --out OUT --version N` into a folder, an odd name, with a hostile number: one line."""
    run(capsys, "bundle", "--db", "kiosk.db", f"--out={out}")
    run(capsys, "bundle", "--db", "kiosk.db", "--out=out.zip", f"--version={version}")


@FEW
@given(path=PATH, text=TEXT)
def test_keys_take_hostile_paths_and_key_ids(capsys: pytest.CaptureFixture[str], path: str, text: str) -> None:
    """`kiosk keys init DIR` / `trust PUBFILE` / `untrust KEYID` / `list`, `bundle --sign-key` on junk: one line."""
    run(capsys, "keys", "init", "--", path)
    code, _out, _err = run(capsys, "keys", "trust", "--", path)
    assert code != 0
    run(capsys, "keys", "untrust", "--", text)
    run(capsys, "keys", "list")
    code, _out, _err = run(capsys, "bundle", "--db", "kiosk.db", "--out=signed.zip", "--sign-key", path)
    assert code != 0


@CASES
@given(action=st.sampled_from(["take-office", "keep-local", "nope", ""]), ident=NUMBER, as_json=st.booleans())
@example(action="take-office", ident="99999999999999999999", as_json=False)
@example(action="keep-local", ident="1", as_json=False)
def test_conflicts_take_hostile_actions_and_ids(capsys: pytest.CaptureFixture[str], action: str, ident: str,
                                                as_json: bool) -> None:
    """`kiosk conflicts [--json]`, `kiosk conflicts take-office|keep-local ID` with junk: one line, no change."""
    code, out, _err = run(capsys, "conflicts", *(["--json"] if as_json else []), "--db", "kiosk.db")
    assert code == 0 and (json.loads(out) == [] if as_json else "no open conflicts" in out)
    code, _out, _err = run(capsys, "conflicts", action, "--db", "kiosk.db", "--", ident)
    assert code != 0


@CASES
@given(action=st.sampled_from(["take", "reject", "nope"]), ids=st.lists(NUMBER, min_size=1, max_size=3),
       status=st.sampled_from(["open", "taken", "rejected", "", "x" * 300]))
@example(action="take", ids=["1", "99999999999999999999"], status="open")
def test_proposals_take_hostile_actions_ids_and_statuses(capsys: pytest.CaptureFixture[str], action: str,
                                                         ids: list[str], status: str) -> None:
    """`kiosk proposals [--status S] [--json]`, `kiosk proposals take|reject ID…` with junk: one line."""
    run(capsys, "proposals", f"--status={status}", "--db", "kiosk.db")
    code, out, _err = run(capsys, "proposals", "--json", "--db", "kiosk.db")
    assert code == 0 and json.loads(out) == []
    code, _out, _err = run(capsys, "proposals", action, "--db", "kiosk.db", "--", *ids)
    assert code != 0


@FEW
@given(out=OUT, path=PATH, hours=NUMBER)
def test_fleet_commands_take_hostile_paths_and_numbers(capsys: pytest.CaptureFixture[str], out: str, path: str,
                                                       hours: str) -> None:
    """`kiosk outbox --out`, `collect FILE|DIR`, `fleet --stale-hours N`, `metrics --textfile`: done, or one line."""
    run(capsys, "outbox", "--db", "kiosk.db", f"--out={out}")
    run(capsys, "collect", "--db", "kiosk.db", "--", path)
    run(capsys, "collect", "--db", "kiosk.db", "junk.bin", "empty.csv", "sub")
    run(capsys, "fleet", "--db", "kiosk.db", f"--stale-hours={hours}")
    run(capsys, "fleet", "--db", "kiosk.db", "--json")
    run(capsys, "metrics", "--db", "kiosk.db", f"--textfile={out}", f"--stale-hours={hours}")


@pytest.mark.parametrize("setting", ['report_sign_key = "junk.bin"', 'report_sign_key = "nofile/x.key"',
                                     'report_sign_key = "sub"'])
def test_outbox_with_a_bad_signing_key_setting_refuses_in_one_line(capsys: pytest.CaptureFixture[str], work: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    setting: str) -> None:
    """`kiosk outbox` with report_sign_key naming junk, nothing or a folder: one line, no report written."""
    config = work / "outbox-config.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(config))
    code, _out, err = run(capsys, "outbox", "--db", "kiosk.db", "--out=report-bad-key.zip")
    assert code != 0 and "key" in err and not (work / "report-bad-key.zip").exists()


def test_an_empty_file_given_as_db_is_refused_and_left_empty(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    """`kiosk backup --db EMPTY` refuses in one line; the empty file is not turned into a database."""
    target = work / "not-a-db.txt"
    target.write_bytes(b"")
    code, _out, err = run(capsys, "backup", "--db", str(target))
    assert code == 1 and "not a kiosk database" in err
    assert target.read_bytes() == b""


def test_a_quoted_line_break_keeps_the_message_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A service id with a line break is quoted as \\n, so the refusal is still one stderr line."""
    code, _out, err = run(capsys, "history", "--db", "kiosk.db", "测试\n第二行")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "测试\\n第二行" in err


def test_every_registered_command_is_covered_here() -> None:
    """A new command must get its hostile-input test here (or be listed as owned elsewhere)."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set(sub.choices)  # type: ignore[arg-type]
    covered = {"report", "feedback", "undo", "search", "hours", "history", "import", "check", "stats", "dump",
               "backup", "restore", "config", "build-db", "export", "update-content", "recognize", "holidays",
               "bundle", "show", "workers", "keys", "outbox", "collect", "fleet", "metrics", "conflicts",
               "proposals"}
    # set-pin reads standard input (tests/test_set_pin_cli.py); admin, run and screenshots need Qt
    # (tests/test_bad_start.py runs `kiosk run` in bad states); doctor takes seconds; package builds
    elsewhere = {"set-pin", "admin", "run", "doctor", "package", "screenshots"}
    assert covered <= names
    assert names - covered - elsewhere == set(), "give the new command a hostile-input test here"


# ------------------------------------------------------------------------------ real processes


def kiosk_process(work: Path, *argv: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "KIOSK_DATA_DIR": str(work / "data")}
    env.pop("KIOSK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kiosk", *argv], cwd=work, env=env, capture_output=True,
                          timeout=60, check=False)


@pytest.mark.parametrize("argv", [
    ("report", "--db", "kiosk.db", "--days", "፩"),
    ("undo", "--db", "kiosk.db", "99999999999999999999"),
    ("feedback", "--db", "kiosk.db", "--done", "9" * 5000),
    ("history", "--db", "kiosk.db", b"\xff\xfe"),
], ids=["ethiopic-days", "undo-overflow", "feedback-5000-digits", "not-utf8-argument"])
def test_a_real_kiosk_process_refuses_hostile_arguments_in_one_line(work: Path, argv: tuple[str | bytes, ...]) -> None:
    """`python -m kiosk …` in a real process: exit 2 and exactly one stderr line, no traceback."""
    result = kiosk_process(work, *argv)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


# ------------------------------------------------------------------------------ strict numbers


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(NUMBER, st.text(max_size=25)), low=st.integers(-10**6, 10), span=st.integers(0, 2**63))
@example(text="፩", low=0, span=10)
@example(text="9" * 5000, low=0, span=10)
def test_parse_int_takes_ascii_digits_in_range_or_names_the_problem(text: str, low: int, span: int) -> None:
    """parse_int returns an in-range int written with 0–9, or a LimitError; never ValueError/OverflowError."""
    high = low + span
    try:
        value = limits.parse_int(text, what="N", low=low, high=high)
    except limits.LimitError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        return
    assert low <= value <= high
    assert text.strip().lstrip("-").isascii() and text.strip().lstrip("-").isdigit()


# ------------------------------------------------------------------------------ input files: flat CSV

CSV_CELL = st.one_of(st.text(max_size=20), st.sampled_from(
    ["፩", "9" * 5000, "99999999999999999999", "-1", "1e309", "nan", "inf", "名" * 201, "x" * 10_001, "\x00",
     "a\x00b", "0371-68000001", "Mo-Fr 08:30-17:30", "elderly", ""]))
CSV_COLUMNS = ["name", "category", "id", "count", "phone_1", "phone_1_description", "hours_1", "location_1_latitude",
               "location_1_name", "description", "languages", "phone_" + "9" * 5000, "电话1", "url", "email"]


@st.composite
def hostile_csv(draw: st.DrawFn) -> str:
    columns = ["name", "category", *draw(st.lists(st.sampled_from(CSV_COLUMNS[2:]), max_size=6, unique=True))]
    rows = draw(st.lists(st.lists(CSV_CELL, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=4))
    quote = lambda cell: '"' + cell.replace('"', '""') + '"'  # noqa: E731
    return "\r\n".join(",".join(quote(c) for c in row) for row in [columns, *rows]) + "\r\n"


@FEW
@given(text=hostile_csv())
def test_hostile_csv_files_give_problems_not_tracebacks(work: Path, text: str) -> None:
    """A flat CSV of hostile cells (huge counts, other-script digits, NUL, over-long text) plans or lists problems."""
    path = work / "hostile.csv"
    path.write_text(text, encoding="utf-8")
    conn = connect(work / "kiosk.db")
    try:
        plan = plan_import(conn, path)
    finally:
        conn.close()
    for problem in plan.problems:
        assert str(problem).strip()


def plan_problems(work: Path, path: Path, category: str | None = None) -> list[str]:
    conn = connect(work / "kiosk.db")
    try:
        return [str(p) for p in plan_import(conn, path, category=category).problems]
    finally:
        conn.close()


def test_a_name_over_its_limit_is_refused_naming_row_field_and_limit(work: Path) -> None:
    """A 201-character name: the problem names the row, the column (名称) and the 200-character limit."""
    path = work / "long-name.csv"
    path.write_text("id,name,category\n,测试服务,elderly\n," + "名" * 201 + ",elderly\n", encoding="utf-8")
    problems = plan_problems(work, path)
    assert len(problems) == 1
    assert "第 3 行" in problems[0] and "名称" in problems[0] and "200" in problems[0]


def test_a_phone_description_over_its_limit_names_its_own_column(work: Path) -> None:
    """An over-long phone description is reported in phone_1_description, not in phone_1."""
    path = work / "long-phone.csv"
    path.write_text("id,name,category,phone_1,phone_1_description\n,测试,elderly,12349," + "说" * 201 + "\n",
                    encoding="utf-8")
    problems = plan_problems(work, path)
    assert len(problems) == 1 and "phone_1_description" in problems[0] and "200" in problems[0]


@pytest.mark.parametrize(("count", "expected"), [("፩", "整数"), ("9" * 5000, "1000000"),
                                                 ("99999999999999999999", "1000000"), ("1000001", "1000000")],
                         ids=["ethiopic-digit", "5000-digits", "20-digits", "above-max"])
def test_an_odd_count_is_refused_with_a_message(work: Path, count: str, expected: str) -> None:
    """A count of ``፩``, 5,000 digits or above COUNT_MAX is a problem in the count column, not ValueError."""
    path = work / "count.csv"
    path.write_text(f"id,name,category,count\n,测试,elderly,{count}\n", encoding="utf-8")
    problems = plan_problems(work, path)
    assert len(problems) == 1 and "count" in problems[0] and expected in problems[0]


def test_too_many_rows_or_too_long_a_cell_is_refused_before_parsing(work: Path) -> None:
    """More rows than IMPORT_ROWS_MAX, or a cell beyond CELL_MAX_CHARS: one problem naming the limit."""
    many = work / "many.csv"
    many.write_text("id,name,category\n" + ",测试,elderly\n" * (limits.IMPORT_ROWS_MAX + 1), encoding="utf-8")
    problems = plan_problems(work, many)
    assert len(problems) == 1 and str(limits.IMPORT_ROWS_MAX) in problems[0]
    wide = work / "wide.csv"
    wide.write_text("id,name,category,description\n,测试,elderly," + "x" * (limits.CELL_MAX_CHARS + 1) + "\n",
                    encoding="utf-8")
    problems = plan_problems(work, wide)
    assert len(problems) == 1 and str(limits.CELL_MAX_CHARS) in problems[0] and "description" in problems[0]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(work: Path) -> None:
    """A CSV larger than IMPORT_FILE_MAX_BYTES (a sparse file): refused by its size, naming the limit in MB."""
    big = work / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(limits.IMPORT_FILE_MAX_BYTES + 1)
    problems = plan_problems(work, big)
    assert len(problems) == 1 and f"{limits.IMPORT_FILE_MAX_BYTES // (1024 * 1024)} MB" in problems[0]


# ------------------------------------------------------------------------------ input files: HSDS folder

SECRET = "测试外部文件不应被读取"
JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                    st.text(max_size=10)),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                          max_leaves=10)
RESOURCE_PATH = st.sampled_from(["services.csv", "/etc/passwd", "../outside.csv", "../../outside.csv",
                                 "sub/../../outside.csv", ".", "", "a\x00b", "link.csv", "sub", "nofile.csv",
                                 "OUTSIDE_ABS"])


@st.composite
def descriptors(draw: st.DrawFn) -> str:
    """datapackage.json text: any JSON, deep nesting, huge numbers, or resources with hostile paths."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return json.dumps(draw(JSON_VALUE))
    if kind == 1:
        depth = draw(st.integers(20, 5000))
        return "[" * depth + "]" * depth
    if kind == 2:
        return '{"resources": [], "n": ' + "9" * draw(st.integers(4000, 6000)) + "}"
    resources = [{"name": draw(st.sampled_from(["service", "phone", "organization", "location"])),
                  "path": draw(RESOURCE_PATH)} for _ in range(draw(st.integers(1, 3)))]
    return json.dumps({"resources": resources})


@CASES
@given(descriptor=descriptors())
@example(descriptor="[]")
@example(descriptor="5")
@example(descriptor="[" * 100_000 + "]" * 100_000)
@example(descriptor=json.dumps({"resources": [{"name": "service", "path": "/etc/passwd"}]}))
@example(descriptor=json.dumps({"resources": [{"name": "service", "path": "../outside.csv"}]}))
@example(descriptor=json.dumps({"resources": [{"name": "service", "path": "link.csv"}]}))
def test_hostile_hsds_descriptors_never_traceback_or_read_outside(tmp_path: Path, work: Path, descriptor: str) -> None:
    """Any datapackage.json: a plan or problems; a resource outside the folder (or a symlink out) is never read."""
    outside = tmp_path / "outside.csv"
    outside.write_text(f"id,name\nsecret,{SECRET}\n", encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir(exist_ok=True)
    (package / "sub").mkdir(exist_ok=True)
    (package / "services.csv").write_text("id,name\ntest-1,测试服务\n", encoding="utf-8")
    link = package / "link.csv"
    if not link.is_symlink():
        link.symlink_to(outside)
    (package / "datapackage.json").write_text(descriptor.replace("OUTSIDE_ABS", str(outside)), encoding="utf-8")
    conn = connect(work / "kiosk.db")
    try:
        try:
            plan = plan_import(conn, package, category="elderly")
        except KioskError as exc:
            assert str(exc).strip()
            return
    finally:
        conn.close()
    names = [incoming.listing.name for incoming in plan.listings]
    assert SECRET not in names
    if any(p in descriptor for p in ("/etc/passwd", "outside.csv", "link.csv", "OUTSIDE_ABS")):
        assert any("数据包文件夹以外" in str(p) for p in plan.problems), [str(p) for p in plan.problems]


def test_a_symlinked_services_file_pointing_out_of_the_package_is_refused(tmp_path: Path, work: Path) -> None:
    """services.csv itself a symlink to a file outside: refused, its rows not read."""
    outside = tmp_path / "outside.csv"
    outside.write_text(f"id,name\nsecret,{SECRET}\n", encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "services.csv").symlink_to(outside)
    problems = plan_problems(work, package, category="elderly")
    assert any("数据包文件夹以外" in p for p in problems) and not any(SECRET in p for p in problems)


HSDS_TABLES = {name: (file, (*columns, *extra)) for name, file, columns, extra in RESOURCES}
HSDS_CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["s1", "s2", "l1", "", "WEEKLY", "MONTHLY", "MO,TU", "1MO", "XX", "09:00", "17:00:00", "x" * 300, "፩", "9" * 5000,
     "nan", "inf", "-91", "elderly", "12349", "0371-68000001", "Mo-Fr 08:00-12:00", "名" * 201]))


@st.composite
def hsds_tables(draw: st.DrawFn) -> dict[str, str]:
    """A few HSDS tables (services.csv always) with real column names and hostile cells."""
    chosen = set(draw(st.lists(st.sampled_from(sorted(HSDS_TABLES)), max_size=5, unique=True))) | {"service"}
    files = {}
    for name in sorted(chosen):
        file, columns = HSDS_TABLES[name]
        header = ["id", *draw(st.lists(st.sampled_from(columns[1:]), max_size=6, unique=True))]
        if name == "service" and "name" not in header:
            header.append("name")
        rows = draw(st.lists(st.lists(HSDS_CELL, min_size=len(header), max_size=len(header)), max_size=3))
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        files[file] = out.getvalue()
    return files


@CASES
@given(files=hsds_tables())
def test_hostile_hsds_tables_give_problems_not_tracebacks(tmp_path: Path, work: Path, files: dict[str, str]) -> None:
    """HSDS tables with 5,000-digit counts, impossible schedules and over-long text: a plan or problems."""
    package = tmp_path / "tables"
    shutil.rmtree(package, ignore_errors=True)
    package.mkdir()
    for file, text in files.items():
        (package / file).write_text(text, encoding="utf-8")
    conn = connect(work / "kiosk.db")
    try:
        plan = plan_import(conn, package, category="elderly")
    finally:
        conn.close()
    for problem in plan.problems + plan.warnings:
        assert str(problem).strip()
    if plan.ok:  # whatever got through is within the bounds
        for incoming in plan.listings:
            listing = incoming.listing
            assert listing.count is None or 0 <= listing.count <= limits.COUNT_MAX
            assert len(listing.name) <= limits.FIELD_MAX_CHARS["name"]


# ------------------------------------------------------------------------------ input files: config.toml

TOML_TEXT = st.one_of(
    st.integers(1, 3000).map(lambda n: "a = " + "[" * n + "]" * n),
    st.integers(1, 3000).map(lambda n: "a = " + "{b = " * n + "1" + "}" * n),
    st.integers(4000, 6000).map(lambda n: "idle_timeout_s = " + "9" * n),
    st.sampled_from(["idle_timeout_s = 1e400", "idle_timeout_s = -99999999999999999999", 'database = "a\\u0000b"',
                     "language = 5", "[language]\nx = 1", "\x00", "x" * 70_000]),
    st.text(max_size=80),
)


@FEW
@given(text=TOML_TEXT)
@example(text="a = " + "[" * 5000 + "]" * 5000)
@example(text="idle_timeout_s = " + "9" * 5000)
def test_hostile_config_files_load_or_say_why(tmp_path: Path, text: str) -> None:
    """config.toml nested 5,000 deep, with a 5,000-digit number or 70 KB long: a Config or one ConfigError line."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(exc).splitlines()[0].strip()
