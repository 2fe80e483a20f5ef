"""The Zinnia handwriting recognizer wrapper (kiosk.core.handwriting), with hand-drawn stroke fixtures."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from kiosk.core import handwriting
from kiosk.core.handwriting import (
    Candidate,
    Recognizer,
    RecognizerUnavailable,
    StrokesFormatError,
    parse_strokes_json,
    rerank,
)
from tests.fixtures.strokes import CHARACTERS, SLOPPY, dense


@pytest.fixture(scope="module")
def recognizer() -> Any:
    with Recognizer() as rec:
        yield rec


def chars(candidates: list[Candidate]) -> list[str]:
    return [c.char for c in candidates]


# -- recognition -------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", sorted(CHARACTERS))
def test_drawn_character_is_within_top_five(recognizer: Recognizer, char: str) -> None:
    """Each hand-drawn fixture character (school stroke order) is among the first five candidates."""
    found = recognizer.classify(dense(CHARACTERS[char]), 100, 100, top=5)
    assert char in chars(found)


def test_horizontal_stroke_is_yi_and_crossing_strokes_are_shi(recognizer: Recognizer) -> None:
    """One horizontal stroke reads as 一 first; a horizontal then a vertical crossing it as 十 first."""
    assert recognizer.classify([[(10, 50), (90, 50)]], 100, 100)[0].char == "一"
    assert recognizer.classify([[(10, 45), (90, 45)], [(50, 8), (50, 92)]], 100, 100)[0].char == "十"


def test_wei_and_sheng_written_in_school_order_are_candidates(recognizer: Recognizer) -> None:
    """卫 (3 strokes) and 生 (5 strokes, school order 丿一一丨一) are both in the top 8: 卫生 can be written."""
    wei = chars(recognizer.classify(dense(CHARACTERS["卫"]), 100, 100, top=8))
    sheng = chars(recognizer.classify(dense(CHARACTERS["生"]), 100, 100, top=8))
    assert wei[0] == "卫"
    assert "生" in sheng


def test_sheng_needs_the_stroke_order_tolerance(recognizer: Recognizer) -> None:
    """The model learned 生 as 丿一丨一一: in school order only the neighbour-swap pass finds it."""
    strokes = dense(CHARACTERS["生"])
    strict = recognizer.classify(strokes, 100, 100, top=10, order_tolerant=False)
    tolerant = recognizer.classify(strokes, 100, 100, top=10)
    assert "生" not in chars(strict)
    assert "生" in chars(tolerant)
    swapped = [strokes[0], strokes[1], strokes[3], strokes[2], strokes[4]]
    assert recognizer.classify(swapped, 100, 100, order_tolerant=False)[0].char == "生"


def test_best_reading_of_the_written_order_stays_first(recognizer: Recognizer) -> None:
    """The tolerance pass never displaces the first candidate of the order as written (人, 大, 上 …)."""
    for char in ("人", "大", "上", "下", "王", "土", "工", "三"):
        strokes = dense(CHARACTERS[char])
        strict = recognizer.classify(strokes, 100, 100, order_tolerant=False)
        assert recognizer.classify(strokes, 100, 100)[0] == strict[0], char


def test_canvas_size_does_not_change_the_result(recognizer: Recognizer) -> None:
    """The same drawing on a 100 px and on a 560 px pad gives the same candidates."""
    small = recognizer.classify(dense(CHARACTERS["中"]), 100, 100)
    large = recognizer.classify(dense(CHARACTERS["中"], scale=5.6), 560, 560)
    assert chars(small) == chars(large)


def test_top_limits_the_number_of_candidates(recognizer: Recognizer) -> None:
    """``top`` candidates come back, best first by the recognizer's ranking."""
    found = recognizer.classify(dense(CHARACTERS["日"]), 100, 100, top=3)
    assert len(found) == 3 and found[0].char == "日"
    assert found[0].score > found[1].score


def test_no_strokes_give_no_candidates(recognizer: Recognizer) -> None:
    """An empty pad (or only empty strokes) gives an empty list, not an error."""
    assert recognizer.classify([], 400, 400) == []
    assert recognizer.classify([[], []], 400, 400) == []


def test_bad_arguments_raise_value_error(recognizer: Recognizer) -> None:
    """A zero-size canvas, top < 1 or a non-finite point is a programming error (ValueError)."""
    with pytest.raises(ValueError, match="canvas"):
        recognizer.classify([[(1, 1)]], 0, 100)
    with pytest.raises(ValueError, match="top"):
        recognizer.classify([[(1, 1)]], 100, 100, top=0)
    with pytest.raises(ValueError, match="finite"):
        recognizer.classify([[(float("nan"), 1)]], 100, 100)


def test_points_outside_the_canvas_are_clamped(recognizer: Recognizer) -> None:
    """A finger sliding off the pad does not break recognition: 一 overshooting both sides is still 一."""
    assert recognizer.classify([[(-40, 50), (50, 50), (160, 50)]], 100, 100)[0].char == "一"


def test_concurrent_classification_matches_sequential(recognizer: Recognizer) -> None:
    """Four threads classifying at once get exactly what one thread gets (the lock serializes Zinnia)."""
    jobs = [dense(CHARACTERS[c]) for c in ("卫", "生", "书", "中")]
    expected = [recognizer.classify(j, 100, 100) for j in jobs]
    results: dict[int, list[list[Candidate]]] = {}

    def work(n: int) -> None:
        results[n] = [recognizer.classify(j, 100, 100) for j in jobs for _ in range(3)][::3]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(4))


# -- domain re-ranking -------------------------------------------------------------------------------


def test_rerank_prefers_a_close_domain_character() -> None:
    """A domain character 0.1 behind a non-domain one moves ahead of it; scores are unchanged."""
    ranked = rerank([Candidate("彐", 0.0), Candidate("卫", -0.1), Candidate("丑", -0.5)], {"卫"})
    assert ranked == [Candidate("卫", -0.1), Candidate("彐", 0.0), Candidate("丑", -0.5)]


def test_rerank_keeps_a_clear_winner_and_the_order_of_the_rest() -> None:
    """A domain character more than the margin behind stays behind; non-domain order is kept."""
    before = [Candidate("主", 0.5), Candidate("牛", 0.1), Candidate("生", -0.1), Candidate("由", -0.2)]
    after = rerank(before, {"生"}, margin=0.25)
    assert chars(after) == ["主", "生", "牛", "由"]
    assert rerank(before, set()) == before


def test_rerank_never_passes_another_domain_character() -> None:
    """Two domain characters keep their order even when close."""
    ranked = rerank([Candidate("书", 0.0), Candidate("卫", -0.05)], {"书", "卫"})
    assert chars(ranked) == ["书", "卫"]


@pytest.mark.parametrize("char", sorted(SLOPPY))
def test_domain_chars_lift_hurried_writing(recognizer: Recognizer, seed_conn: sqlite3.Connection,
                                           char: str) -> None:
    """Hurried 书/卫/生: a look-alike wins on its own; with our listings' characters the right one is first."""
    strokes = dense(SLOPPY[char])
    plain = recognizer.classify(strokes, 100, 100, top=8)
    domain = recognizer.classify(strokes, 100, 100, top=8, domain_chars=handwriting.domain_chars(seed_conn))
    assert plain[0].char != char and char in chars(plain)
    assert domain[0].char == char


def test_domain_chars_come_from_listings_categories_and_synonyms(seed_conn: sqlite3.Connection) -> None:
    """养/卫/书/医 (services, categories) and 看/病 (synonym 看病) are in; quotes, digits, Latin are not."""
    found = handwriting.domain_chars(seed_conn)
    assert {"养", "卫", "书", "医", "看", "病"} <= found
    assert all(handwriting.is_cjk(c) for c in found)
    assert not {"“", "1", "a", "（"} & found


# -- finding the library and the model, failures, life cycle ---------------------------------------


def test_missing_library_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """No library anywhere → RecognizerUnavailable (exit code 3) naming libzinnia0."""
    monkeypatch.delenv(handwriting.LIBRARY_ENV, raising=False)
    monkeypatch.setattr(handwriting, "library_candidates", lambda: [])
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(RecognizerUnavailable, match="libzinnia0") as info:
        Recognizer()
    assert info.value.exit_code == 3


def test_missing_model_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """No model anywhere → RecognizerUnavailable naming tegaki-zinnia-simplified-chinese."""
    monkeypatch.delenv(handwriting.MODEL_ENV, raising=False)
    monkeypatch.setattr(handwriting, "model_candidates", lambda: [])
    with pytest.raises(RecognizerUnavailable, match="tegaki-zinnia-simplified-chinese"):
        Recognizer()


def test_environment_paths_are_used_and_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """KIOSK_ZINNIA_MODEL pointing nowhere is reported by name; pointing at the model, it is used."""
    monkeypatch.delenv(handwriting.MODEL_ENV, raising=False)
    real = handwriting.find_model()
    copy = tmp_path / "copy.model"
    copy.symlink_to(real)
    monkeypatch.setenv(handwriting.MODEL_ENV, str(tmp_path / "none.model"))
    with pytest.raises(RecognizerUnavailable, match="KIOSK_ZINNIA_MODEL"):
        handwriting.find_model()
    monkeypatch.setenv(handwriting.MODEL_ENV, str(copy))
    assert handwriting.find_model() == copy


def test_packaged_build_folder_is_searched_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With sys._MEIPASS set, zinnia/libzinnia.so.0 and zinnia/handwriting-zh_CN.model there win."""
    system_lib = handwriting.find_library()
    system_model = handwriting.find_model()
    (tmp_path / "zinnia").mkdir()
    (tmp_path / "zinnia" / handwriting.LIBRARY_NAME).symlink_to(Path(system_lib).resolve())
    (tmp_path / "zinnia" / handwriting.MODEL_NAME).symlink_to(system_model)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert handwriting.find_library() == str(tmp_path / "zinnia" / handwriting.LIBRARY_NAME)
    assert handwriting.find_model() == tmp_path / "zinnia" / handwriting.MODEL_NAME
    with Recognizer() as rec:
        assert rec.classify([[(10, 50), (90, 50)]], 100, 100)[0].char == "一"


def test_unloadable_library_is_reported(tmp_path: Path) -> None:
    """A file that is not a shared library → RecognizerUnavailable saying it cannot be loaded."""
    fake = tmp_path / "libzinnia.so.0"
    fake.write_text("not a library")
    with pytest.raises(RecognizerUnavailable, match="cannot load"):
        Recognizer(library=fake)


def test_corrupt_model_is_reported(tmp_path: Path) -> None:
    """A model file Zinnia cannot open → RecognizerUnavailable with Zinnia's reason."""
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"\0" * 64)
    with pytest.raises(RecognizerUnavailable, match="cannot open the model"):
        Recognizer(model=bad)


def test_close_is_idempotent_and_classify_after_close_fails() -> None:
    """close() twice is fine; the context manager closes; a closed recognizer refuses to classify."""
    with Recognizer() as rec:
        assert not rec.closed and rec.size > 6000
    assert rec.closed
    rec.close()
    with pytest.raises(ValueError, match="closed"):
        rec.classify([[(10, 50), (90, 50)]], 100, 100)


def test_shared_recognizer_is_opened_once() -> None:
    """shared_recognizer() hands out one instance per process."""
    assert handwriting.shared_recognizer() is handwriting.shared_recognizer()


def test_diagnose_reports_ok_or_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """diagnose() is one line: 'ok: …' with the version, or 'unavailable: …' naming the package."""
    line = handwriting.diagnose()
    assert line.startswith("ok: Zinnia") and "6763 characters" in line and "一" in line
    monkeypatch.setattr(handwriting, "library_candidates", lambda: [])
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    broken = handwriting.diagnose()
    assert broken.startswith("unavailable: ") and "libzinnia0" in broken and "\n" not in broken


# -- the strokes JSON format -------------------------------------------------------------------------


def test_parse_strokes_json_reads_the_documented_format() -> None:
    """width, height and strokes of [x, y] points are read as floats."""
    parsed = parse_strokes_json('{"width": 400, "height": 300.5, "strokes": [[[1, 2], [3.5, 4]], []]}')
    assert parsed.width == 400.0 and parsed.height == 300.5
    assert parsed.strokes == (((1.0, 2.0), (3.5, 4.0)), ())


@pytest.mark.parametrize("text, message", [
    ("{", "not valid JSON"),
    ("[]", "expected an object"),
    ('{"width": 0, "height": 10, "strokes": []}', '"width"'),
    ('{"width": true, "height": 10, "strokes": []}', '"width"'),
    ('{"width": 10, "height": 10}', '"strokes"'),
    ('{"width": 10, "height": 10, "strokes": [[[1]]]}', "stroke 1"),
    ('{"width": 10, "height": 10, "strokes": [[[1, 2]], [[1, "a"]]]}', "stroke 2"),
    ('{"width": 10, "height": 10, "strokes": [[[1, NaN]]]}', "stroke 1"),
])
def test_parse_strokes_json_rejects_bad_input(text: str, message: str) -> None:
    """Each malformed document raises StrokesFormatError (exit code 2) saying what is wrong."""
    with pytest.raises(StrokesFormatError, match=message) as info:
        parse_strokes_json(text)
    assert info.value.exit_code == 2
