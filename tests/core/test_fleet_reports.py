"""Reports back: masked misses, what a report holds, its bounds, idempotent collecting, the outbox schedule.

All terminals, places and figures here are synthetic test data (测试).
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk import __version__
from kiosk.core.db import migrations
from kiosk.core.db.connection import connect
from kiosk.core.exchange.signing import generate_keys, load_private_key
from kiosk.core.fleet import report as fmt
from kiosk.core.fleet.collect import ReportError, collect_reports, read_report
from kiosk.core.fleet.report import drop_into_outbox, report_name, write_report
from kiosk.core.masking import MASK, mask_digits
from kiosk.core.search.ranking import record_miss
from kiosk.core.terminal.runs import Runs, read_runs, record_start, record_stop
from kiosk.core.workers.feedback import add_feedback
from kiosk.core.workers.usage import record_view
from tests.helpers.schema import downgrade

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SH)
RUN3 = re.compile(r"\d{3,}")
PLACE = "测试站一 养老服务中心"
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DIGITISH = st.text(alphabet=st.one_of(st.characters(categories=("Nd",)), st.sampled_from("Xx Ｘ-+ 号楼路\t\n１２３"),
                                      st.characters()), max_size=140)


# ── masking ─────────────────────────────────────────────────────────────────────────────────────


@given(text=DIGITISH)
@example(text="13812345678")
@example(text="41010519900101123X")
@example(text="１３８１２３４５６７８")
@example(text="٠١٢٣٤٥٦٧٨٩")
def test_no_run_of_three_digits_survives_masking(text: str) -> None:
    """Whatever the text, no run of 3+ digits of any script is left; other characters are kept in order."""
    masked = mask_digits(text)
    assert not RUN3.search(masked)
    assert re.sub(r"\d", "", masked.replace(MASK, "")).replace("X", "").replace("x", "").replace("Ｘ", "") \
        .replace("ｘ", "") == re.sub(r"\d", "", text).replace("X", "").replace("x", "").replace("Ｘ", "") \
        .replace("ｘ", "")


@PROPERTY
@given(text=DIGITISH)
def test_recorded_misses_never_hold_three_digits(writable_db: Path, text: str) -> None:
    """record_miss stores no run of 3+ digits, whatever a resident typed (phone, ID, full-width digits)."""
    conn = connect(writable_db)
    try:
        record_miss(conn, text, date(2026, 12, 1))
        for (query,) in conn.execute("SELECT query FROM search_misses"):
            assert not RUN3.search(query), query
    finally:
        conn.execute("DELETE FROM search_misses")
        conn.close()


def test_masking_keeps_short_numbers_and_marks_id_numbers(writable_db: Path) -> None:
    """2号楼 and 12路 stay readable; a phone and an ID number (with its X) become •••."""
    assert mask_digits("2号楼 12路") == "2号楼 12路"
    assert mask_digits("电话13812345678") == "电话•••"
    assert mask_digits("41010519900101123X 身份证") == "••• 身份证"
    assert mask_digits("0371-6890 1234") == "•••-••• •••"
    conn = connect(writable_db)
    record_miss(conn, "找 13812345678", date(2026, 12, 1))
    record_miss(conn, "找 13900001111", date(2026, 12, 1))
    assert [tuple(r) for r in conn.execute("SELECT query, count FROM search_misses")] == [("找 •••", 2)]
    conn.close()


def test_schema_step_6_masks_misses_stored_before(writable_db: Path) -> None:
    """A runtime database from before step 6 keeps its misses' counts, with the digits masked (merged per day)."""
    conn = connect(writable_db)
    downgrade(conn, 5)
    conn.executemany("INSERT INTO search_misses(day, query, count) VALUES (?, ?, ?)",
                     [("2026-11-30", "13812345678", 2), ("2026-11-30", "13900001111", 1),
                      ("2026-11-30", "•••", 4), ("2026-11-30", "量子计算", 3),
                      ("2026-11-29", "身份证41010519900101123X", 1)])
    assert migrations.migrate(conn) == migrations.SCHEMA_VERSION
    rows = sorted(tuple(r) for r in conn.execute("SELECT day, query, count FROM search_misses"))
    assert rows == [("2026-11-29", "身份证•••", 1), ("2026-11-30", "•••", 7), ("2026-11-30", "量子计算", 3)]
    conn.close()


# ── the terminal's report ───────────────────────────────────────────────────────────────────────


def _terminal(db: Path) -> sqlite3.Connection:
    conn = connect(db)
    service = conn.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
    record_view(conn, "service", service, NOW - timedelta(days=1))
    record_view(conn, "service", service, NOW)
    record_miss(conn, "测试 13812345678", NOW.date())
    add_feedback(conn, service, "wrong_phone", NOW - timedelta(hours=2))
    return conn


def _read(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(fmt.REPORT_NAME).decode("utf-8"))  # type: ignore[no-any-return]


def test_a_report_holds_what_the_office_needs_and_no_digits(writable_db: Path, tmp_path: Path) -> None:
    """Id, terminal and place, content and program version, health, feedback, usage, masked misses, proposals."""
    conn = _terminal(writable_db)
    runs = Runs(starts=3, crashes=1, started_at=(NOW - timedelta(hours=5)).isoformat(), running=True)
    written = write_report(conn, tmp_path / "r.zip", terminal_id="test-hall-1", place=PLACE, runs=runs, now=NOW)
    doc = _read(written.path)
    assert uuid.UUID(str(doc["report_id"])) and doc["report_id"] == written.report_id
    assert doc["terminal"] == {"id": "test-hall-1", "place": PLACE}
    assert doc["program_version"] == __version__
    content = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
    assert doc["content"] == {"version": None, "hash": content}
    assert doc["health"] == {"uptime_s": 5 * 3600, "starts_total": 3, "crashes_total": 1, "restarts_since_last": 3,
                             "crashes_since_last": 1}
    assert doc["feedback"]["open"] == 1 and doc["feedback"]["items"][0]["kind"] == "wrong_phone"  # type: ignore[index]
    assert sorted(u["day"] for u in doc["usage"] if u["kind"] == "service") == ["2026-11-30", "2026-12-01"]  # type: ignore[union-attr]
    assert doc["misses"] == [{"day": "2026-12-01", "query": "测试 •••", "count": 1}]
    assert doc["proposals"] == []
    assert not any(RUN3.search(str(m["query"])) for m in doc["misses"])  # type: ignore[index, union-attr]
    conn.close()


def test_the_next_report_counts_from_the_last_one(writable_db: Path, tmp_path: Path) -> None:
    """Restarts and crashes since the last report, and days from the last report's day on."""
    conn = _terminal(writable_db)
    first = write_report(conn, tmp_path / "a.zip", terminal_id="test-hall-1", place="", now=NOW,
                         runs=Runs(starts=3, crashes=1, started_at=NOW.isoformat(), running=True))
    later = NOW + timedelta(days=2)
    record_view(conn, "screen", "home", later)
    doc = _read(write_report(conn, tmp_path / "b.zip", terminal_id="test-hall-1", place="", now=later,
                             runs=Runs(starts=5, crashes=2, started_at=later.isoformat(), running=True)).path)
    assert doc["since"] == first.created
    assert doc["health"]["restarts_since_last"] == 2 and doc["health"]["crashes_since_last"] == 1  # type: ignore[index]
    assert {u["day"] for u in doc["usage"]} == {"2026-12-01", "2026-12-03"}  # type: ignore[union-attr]
    conn.close()


def test_runs_count_a_start_without_a_clean_stop_as_a_crash(tmp_path: Path) -> None:
    """start, stop, start: no crash; a second start without a stop: one crash; a damaged file: zeros."""
    path = tmp_path / "runs.json"
    record_start(path, NOW)
    record_stop(path)
    record_start(path, NOW + timedelta(hours=1))
    assert (read_runs(path).starts, read_runs(path).crashes) == (2, 0)
    runs = record_start(path, NOW + timedelta(hours=2))
    assert (runs.starts, runs.crashes, runs.running) == (3, 1, True)
    assert runs.uptime_s(NOW + timedelta(hours=3)) == 3600
    assert record_stop(path).uptime_s(NOW) is None
    path.write_bytes(b"\x00junk{")
    assert read_runs(path) == Runs()


# ── reading and collecting at the office ────────────────────────────────────────────────────────


@pytest.fixture
def office(tmp_path: Path, seed_db_path: Path) -> sqlite3.Connection:
    target = tmp_path / "office.db"
    target.write_bytes(seed_db_path.read_bytes())
    conn = connect(target)
    return conn


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _report_bytes(path: Path) -> dict[str, object]:
    return _read(path)


def test_the_same_report_collected_twice_counts_once(writable_db: Path, office: sqlite3.Connection,
                                                      tmp_path: Path) -> None:
    """Collected again (also as a copy under another name), a report adds nothing; figures are not doubled."""
    conn = _terminal(writable_db)
    folder = tmp_path / "share"
    written = drop_into_outbox(conn, folder, terminal_id="test-hall-1", place=PLACE, runs=Runs(), now=NOW, keep=5)
    conn.close()
    first = collect_reports(office, [folder], now=NOW)
    assert (len(first.new), len(first.known), first.refused) == (1, 0, [])
    usage = office.execute("SELECT SUM(count) FROM fleet_usage").fetchone()[0]
    (folder / "copy.zip").write_bytes(written.path.read_bytes())
    again = collect_reports(office, [folder, written.path], now=NOW + timedelta(hours=1))
    assert (len(again.new), len(again.known)) == (0, 3)
    assert again.summary() == "3 份报告：0 新，3 已收过"
    assert office.execute("SELECT COUNT(*) FROM fleet_reports").fetchone()[0] == 1
    assert office.execute("SELECT SUM(count) FROM fleet_usage").fetchone()[0] == usage == 2
    assert [tuple(r) for r in office.execute("SELECT query, count FROM fleet_misses")] == [("测试 •••", 1)]


def test_a_damaged_file_gets_one_line_and_the_rest_are_collected(writable_db: Path, office: sqlite3.Connection,
                                                                  tmp_path: Path) -> None:
    """Good, junk, truncated, good: two new, two refused with their file named; the database keeps the good."""
    conn = _terminal(writable_db)
    a = write_report(conn, tmp_path / "a.zip", terminal_id="test-hall-1", place="", runs=Runs(), now=NOW).path
    b = write_report(conn, tmp_path / "b.zip", terminal_id="test-hall-2", place="", runs=Runs(), now=NOW).path
    conn.close()
    junk = tmp_path / "junk.zip"
    junk.write_bytes(bytes(range(256)) * 8)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(a.read_bytes()[:-40])
    result = collect_reports(office, [a, junk, cut, b], now=NOW)
    assert [p.name for p, _r in result.new] == ["a.zip", "b.zip"]
    assert [p.name for p, _r in result.refused] == ["junk.zip", "cut.zip"]
    assert all("\n" not in reason and reason.startswith(p.name) for p, reason in result.refused)
    assert result.summary() == "4 份报告：2 新，0 已收过，2 无法读取"
    assert {r[0] for r in office.execute("SELECT terminal_id FROM fleet_terminals")} == {"test-hall-1", "test-hall-2"}


def _good_doc(writable_db: Path, tmp_path: Path) -> dict[str, object]:
    conn = _terminal(writable_db)
    doc = _read(write_report(conn, tmp_path / "good.zip", terminal_id="test-hall-1", place="", runs=Runs(),
                             now=NOW).path)
    conn.close()
    return doc


def test_hostile_reports_are_refused_before_anything_is_stored(writable_db: Path, office: sqlite3.Connection,
                                                              tmp_path: Path) -> None:
    """A zip bomb, extra members, deep JSON, huge numbers, wrong shapes: each one line, nothing stored."""
    doc = _good_doc(writable_db, tmp_path)

    def variant(name: str, **change: object) -> Path:
        return _zip(tmp_path / name, {fmt.REPORT_NAME: json.dumps({**doc, **change}).encode()})

    cases = {
        _zip(tmp_path / "bomb.zip", {fmt.REPORT_NAME: b" " * (fmt_limit := 9 * 1024**2)}): "would unpack",
        _zip(tmp_path / "extra.zip", {fmt.REPORT_NAME: json.dumps(doc).encode(), "x.sh": b"rm -rf /"}): "member",
        _zip(tmp_path / "deep.zip", {fmt.REPORT_NAME: b"[" * 5000 + b"]" * 5000}): "nested",
        _zip(tmp_path / "bigint.zip", {fmt.REPORT_NAME: b'{"n": ' + b"9" * 5000 + b"}"}): "digits",
        _zip(tmp_path / "notjson.zip", {fmt.REPORT_NAME: b"\xff\xfe not json"}): "not valid JSON",
        variant("format.zip", format="shangjie-kiosk-content"): "format",
        variant("uuid.zip", report_id="../../etc/passwd"): "report",
        variant("tid.zip", terminal={"id": "../x", "place": ""}): "terminal id",
        variant("neg.zip", health={**doc["health"], "crashes_total": -1}): "crashes_total",  # type: ignore[dict-item]
        variant("many.zip", usage=[{"day": "2026-12-01", "kind": "s", "key": "k", "count": 1}] * 20_001): "usage",
        variant("day.zip", misses=[{"day": "2026-13-45", "query": "x", "count": 1}]): "month",
        variant("time.zip", created="2026-12-01T10:00:00"): "offset",
    }
    assert fmt_limit > 8 * 1024**2
    for path, expected in cases.items():
        with pytest.raises(ReportError) as info:
            read_report(path)
        message = str(info.value)
        assert "\n" not in message and message.startswith(path.name) and expected in message, (path.name, message)
    result = collect_reports(office, list(cases), now=NOW)
    assert len(result.refused) == len(cases) and not result.new
    assert office.execute("SELECT COUNT(*) FROM fleet_reports").fetchone()[0] == 0


def test_misses_are_masked_again_when_collected(writable_db: Path, office: sqlite3.Connection, tmp_path: Path) -> None:
    """A report from an old or altered terminal with digits in its misses is stored masked."""
    doc = _good_doc(writable_db, tmp_path)
    doc["misses"] = [{"day": "2026-12-01", "query": "电话13812345678", "count": 2},
                     {"day": "2026-12-01", "query": "电话13900001111", "count": 1}]
    path = _zip(tmp_path / "old.zip", {fmt.REPORT_NAME: json.dumps(doc).encode()})
    assert len(collect_reports(office, [path], now=NOW).new) == 1
    assert [tuple(r) for r in office.execute("SELECT query, count FROM fleet_misses")] == [("电话•••", 3)]


def test_signed_reports_bind_the_terminal_to_its_key(writable_db: Path, office: sqlite3.Connection,
                                                     tmp_path: Path) -> None:
    """Signed once, a terminal's unsigned, tampered or other-key reports are refused; its own key's are taken."""
    key_file, _pub, kid = generate_keys(tmp_path / "keys", forbidden=[])
    other_file, _pub2, _kid2 = generate_keys(tmp_path / "keys2", forbidden=[])
    key, other = load_private_key(key_file), load_private_key(other_file)
    conn = _terminal(writable_db)

    def report(name: str, when: datetime, sign: object) -> Path:
        return write_report(conn, tmp_path / name, terminal_id="test-hall-1", place="", runs=Runs(), now=when,
                            sign_key=sign).path  # type: ignore[arg-type]

    signed = report("signed.zip", NOW, key)
    unsigned = report("unsigned.zip", NOW + timedelta(hours=1), None)
    foreign = report("foreign.zip", NOW + timedelta(hours=2), other)
    later = report("later.zip", NOW + timedelta(hours=3), key)
    conn.close()
    data = _read(later)
    data["terminal"]["place"] = "改过的"  # type: ignore[index]
    with zipfile.ZipFile(later) as zf:
        sig = zf.read(fmt.SIGNATURE_NAME)
    tampered = _zip(tmp_path / "tampered.zip", {fmt.REPORT_NAME: json.dumps(data).encode(), fmt.SIGNATURE_NAME: sig})
    result = collect_reports(office, [signed, unsigned, foreign, tampered, later], now=NOW + timedelta(hours=4))
    assert [p.name for p, _r in result.new] == ["signed.zip", "later.zip"]
    reasons = dict((p.name, r) for p, r in result.refused)
    assert "is not signed" in reasons["unsigned.zip"] and kid in reasons["unsigned.zip"]
    assert "signed by key" in reasons["foreign.zip"]
    assert "does not verify" in reasons["tampered.zip"]
    assert office.execute("SELECT key_id FROM fleet_terminals").fetchone()[0] == kid


def test_an_older_report_arriving_late_does_not_turn_the_board_back(writable_db: Path, office: sqlite3.Connection,
                                                                     tmp_path: Path) -> None:
    """The newest report's figures stay on the board; each day keeps the newest report's count."""
    conn = _terminal(writable_db)
    old = write_report(conn, tmp_path / "old.zip", terminal_id="test-hall-1", place="旧", now=NOW,
                       runs=Runs(starts=1)).path
    service = conn.execute("SELECT key FROM usage_counts WHERE kind = 'service' LIMIT 1").fetchone()[0]
    record_view(conn, "service", service, NOW)
    new = write_report(conn, tmp_path / "new.zip", terminal_id="test-hall-1", place="新", now=NOW + timedelta(hours=1),
                       runs=Runs(starts=2, crashes=1)).path
    conn.close()
    collect_reports(office, [new], now=NOW + timedelta(hours=2))
    collect_reports(office, [old], now=NOW + timedelta(hours=3))
    row = office.execute("SELECT place, crashes_total FROM fleet_terminals").fetchone()
    assert tuple(row) == ("新", 1)
    assert office.execute("SELECT count FROM fleet_usage WHERE day = '2026-12-01' AND kind = 'service'"
                          ).fetchone()[0] == 2
    assert office.execute("SELECT COUNT(*) FROM fleet_reports").fetchone()[0] == 2


# ── the outbox folder ───────────────────────────────────────────────────────────────────────────


def test_the_outbox_keeps_the_newest_reports_of_this_terminal_only(writable_db: Path, tmp_path: Path) -> None:
    """Five drops with keep=3: the three newest stay; another terminal's report and other files are untouched;
    no temporary file is left; names are report-<id>-<UTC time>.zip."""
    conn = _terminal(writable_db)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "report-test-hall-2-20260101T000000Z.zip").write_bytes(b"theirs")
    (outbox / "notes.txt").write_text("测试", encoding="utf-8")
    names = []
    for n in range(5):
        when = NOW + timedelta(minutes=60 * n)
        names.append(drop_into_outbox(conn, outbox, terminal_id="test-hall-1", place="", runs=Runs(), now=when,
                                      keep=3).path.name)
    conn.close()
    assert names[0] == "report-test-hall-1-20261201T020000Z.zip" == report_name("test-hall-1", NOW)
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        [*names[2:], "report-test-hall-2-20260101T000000Z.zip", "notes.txt"])
    assert not [p for p in outbox.iterdir() if p.name.startswith(".")]


def test_an_empty_terminal_id_is_derived_from_the_computer_and_stable() -> None:
    """terminal_id empty (the default): the host name and a short machine-id hash, valid and the same each time."""
    from kiosk.core.terminal.config import Config, config_from_mapping, derived_terminal_id

    assert derived_terminal_id("hall-pc.local", "") == "hall-pc"
    assert derived_terminal_id("测试 终端", "abc") == f"terminal-{__import__('hashlib').sha256(b'abc').hexdigest()[:6]}"
    assert derived_terminal_id("hall pc", "m1") == derived_terminal_id("hall pc", "m1") != derived_terminal_id(
        "hall pc", "m2")
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", Config().identity())
    config = config_from_mapping({"terminal_id": "hall-3", "terminal_place": PLACE})
    assert (config.identity(), config.terminal_place) == ("hall-3", PLACE)


JSON_TEXT = st.one_of(
    st.recursive(st.one_of(st.none(), st.integers(), st.text(alphabet='ab[]{}"\\', max_size=6)),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                 max_leaves=20).map(json.dumps),
    st.text(alphabet='[]{}"\\a', max_size=30))


@given(text=JSON_TEXT)
def test_the_fast_nesting_check_agrees_with_the_reference_one(text: str) -> None:
    """collect.nesting (regular expressions) gives kiosk.core.limits.json_nesting's depth for any JSON text."""
    from kiosk.core.fleet.collect import nesting
    from kiosk.core.limits import json_nesting

    if text.count('"') % 2 == 0 or json_nesting(text) == 0:
        try:
            json.loads(text)
        except ValueError:
            return  # not JSON: both only need to be bounded; json.loads refuses it anyway
        assert nesting(text) == json_nesting(text)


def test_a_report_over_its_row_limit_keeps_the_newest_days_whole(writable_db: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """More usage rows than a report may carry: the oldest days are left out, never a part of today."""
    conn = connect(writable_db)
    for day in range(10):
        for key in ("home", "search", "detail"):
            record_view(conn, "screen", key, NOW - timedelta(days=day))
    monkeypatch.setattr(fmt, "MAX_USAGE_ROWS", 7)
    doc = _read(write_report(conn, tmp_path / "r.zip", terminal_id="test-hall-1", place="", runs=Runs(),
                             now=NOW).path)
    days = [u["day"] for u in doc["usage"]]  # type: ignore[union-attr]
    assert len(days) == 7 and days.count("2026-12-01") == 3 and days.count("2026-11-30") == 3
    assert min(days) == "2026-11-29"
    conn.close()


def test_doctor_checks_the_outbox_and_the_report_key(tmp_path: Path) -> None:
    """kiosk doctor: off is OK, a writable folder is OK, a file in its place or a junk key is a PROBLEM."""
    from kiosk.core.terminal.config import Config
    from kiosk.core.terminal.health import OK, PROBLEM, check_outbox

    assert check_outbox(Config()).status == OK
    assert check_outbox(Config(outbox_dir=str(tmp_path / "new-outbox"))).status == OK
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert check_outbox(Config(outbox_dir=str(tmp_path / "file"))).status == PROBLEM
    (tmp_path / "junk.key").write_bytes(b"not a key")
    bad = check_outbox(Config(outbox_dir=str(tmp_path), report_sign_key=str(tmp_path / "junk.key")))
    assert bad.status == PROBLEM and bad.fix


def test_no_report_goes_into_the_folder_of_the_report_key(writable_db: Path, tmp_path: Path) -> None:
    """An outbox inside the key's folder would share the key: the scheduled writer refuses, nothing is written."""
    from kiosk.core.errors import KioskError
    from kiosk.core.fleet.outbox import write_scheduled_report
    from kiosk.core.terminal.config import Config

    key_file, _pub, _kid = generate_keys(tmp_path / "keys", forbidden=[])
    outbox = tmp_path / "keys" / "outbox"
    config = Config(terminal_id="test-hall-1", outbox_dir=str(outbox), report_sign_key=str(key_file))
    with pytest.raises(KioskError, match="folder of the report key"):
        write_scheduled_report(writable_db, True, outbox, config, tmp_path, now=NOW)
    assert not outbox.exists()
    signed = write_scheduled_report(writable_db, True, tmp_path / "share", config, tmp_path, now=NOW)
    assert signed.signed and signed.path.parent == tmp_path / "share"


def test_the_usage_report_never_prints_a_phone_number(writable_db: Path) -> None:
    """`kiosk report` (kiosk.core.workers.reports) shows a miss typed with a phone number masked, even a row
    written unmasked behind the program's back."""
    from kiosk.core.workers.reports import build_report, format_report

    conn = connect(writable_db)
    record_miss(conn, "电话13812345678", NOW.date())
    conn.execute("INSERT INTO search_misses(day, query, count) VALUES ('2026-12-01', '身份证41010519900101123X', 1)")
    text = format_report(build_report(conn, NOW.date() - timedelta(days=6), NOW.date(), by="day"))
    assert "电话•••" in text and "身份证•••" in text
    assert "13812345678" not in text and "0101123X" not in text and "138" not in text
    conn.close()


def test_a_folder_is_collected_with_its_terminal_subfolders(tmp_path: Path) -> None:
    """The office keeps one receive folder per terminal: `kiosk collect reports/` finds them all, but
    not hidden folders (Syncthing's .stversions), temporaries, or other files."""
    from kiosk.core.fleet.collect import report_files

    root = tmp_path / "reports"
    for path in ("a.zip", "t01/report-t01-1.zip", "t02/report-t02-1.zip", "t02/.report-t02-2.zip",
                 ".stversions/report-t01-0.zip", "t01/notes.txt"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"x")
    assert [p.relative_to(root).as_posix() for p in report_files([root])] == [
        "a.zip", "t01/report-t01-1.zip", "t02/report-t02-1.zip"]
