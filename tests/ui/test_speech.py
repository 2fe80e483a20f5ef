"""Read-aloud: voice choice, Qt's mock engine (in the speech worker), the button on detail/hotlines/news,
stopping, absence, a worker that dies."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from kiosk.core.terminal.config import Config
from kiosk.ui import speech
from kiosk.ui.app import idle_reset
from kiosk.ui.speech import Reader, read_aloud_button, readable_text, speakable, visible_text, voice_score
from kiosk.ui.speech_worker import Worker
from kiosk.ui.window import KioskWindow

SERVICE = "smart-elderly-care-12349"


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Every (text, lang) handed to Reader.say, which still speaks."""
    calls: list[tuple[str, str | None]] = []
    original = Reader.say

    def spy(self: Reader, text: str, lang: str | None = None) -> bool:
        calls.append((text, lang or self.language()))
        return original(self, text, lang)

    monkeypatch.setattr(Reader, "say", spy)
    return calls


@pytest.fixture
def mock_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kiosk windows built in this test read with Qt's silent mock engine (English voices only)."""
    monkeypatch.setenv(speech.ENGINE_ENV, "mock")


@pytest.fixture(autouse=True)
def _worker_starts_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers made here start their worker without the start-up delay."""
    monkeypatch.setattr(speech, "START_DELAY_MS", 0)


@pytest.fixture
def make_reader(qtbot: Any) -> Iterator[Callable[..., Reader]]:
    """``make_reader(engine, ...)``: a Reader whose worker is ended after the test."""
    readers: list[Reader] = []

    def make(*args: Any, **kwargs: Any) -> Reader:
        reader = Reader(*args, **kwargs)
        readers.append(reader)
        return reader

    yield make
    for reader in readers:
        reader.shutdown()


def ready(qtbot: Any, reader: Reader) -> Reader:
    """Wait (briefly) until the reader's worker has reported its engine."""
    qtbot.waitUntil(lambda: reader.state != speech.STARTING, timeout=10_000)
    return reader


def tap(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


# -- choosing a voice ---------------------------------------------------------------------------


def test_voice_score_prefers_mainland_mandarin() -> None:
    """zh_CN beats other Chinese locales; Cantonese and English voices are not used for Chinese."""
    zh_cn = voice_score("Li", QLocale("zh_CN"), "zh")
    assert zh_cn > voice_score("Mei", QLocale("zh_TW"), "zh") > 0
    assert voice_score("Cantonese", QLocale("yue_HK"), "zh") == 0
    assert voice_score("Bob", QLocale("en_GB"), "zh") == 0


def test_espeak_mandarin_voice_is_found_by_name() -> None:
    """speech-dispatcher's espeak-ng Mandarin voice has the code 'cmn' (Qt's C locale): found by its name."""
    c_locale = QLocale("cmn")
    assert voice_score("Chinese (Mandarin, latin as English)", c_locale, "zh") > 0
    assert voice_score("Chinese (Mandarin, latin as English)", c_locale, "zh") > \
        voice_score("Chinese (Mandarin, latin as Pinyin)", c_locale, "zh")
    assert voice_score("Chinese (Cantonese)", c_locale, "zh") == 0


def test_english_mode_uses_an_english_voice() -> None:
    """For English any English locale will do; Chinese voices are not used."""
    assert voice_score("Mary", QLocale("en_US"), "en") >= voice_score("Ann", QLocale("en_IN"), "en") > 0
    assert voice_score("Li", QLocale("zh_CN"), "en") == 0


def test_phone_numbers_are_read_digit_by_digit() -> None:
    """12349 and 0371-… are spelled out; counts and years stay numbers; hotline roles spell every number."""
    assert speakable("拨打 12349 热线") == "拨打 1 2 3 4 9 热线"
    assert speakable("0371-68000001") == " ".join("037168000001")
    assert speakable("1745 项政务服务，2021 年") == "1745 项政务服务，2021 年"
    assert speakable("110", spell_numbers=True) == "1 1 0"


def test_english_voice_skips_chinese_lines() -> None:
    """An English reading leaves out the Chinese original under an English summary."""
    text = "Shangjie news\nThe district built 3 smart reading rooms.\n上街区建成城市智慧书房三座。"
    assert readable_text(text, "en") == "Shangjie news\nThe district built 3 smart reading rooms."
    assert readable_text(text, "zh") == text


# -- the reader on its own ----------------------------------------------------------------------


def test_mock_engine_reads_english_and_stops(qtbot: Any, make_reader: Callable[..., Reader]) -> None:
    """With the mock engine in the worker: English is read with an English voice; stop ends it at once."""
    reader = ready(qtbot, make_reader("mock"))
    assert reader.available() and reader.engine() == "mock"
    assert reader.voice_name("en") and reader.report["voices"]["en"] == reader.voice_name("en")
    assert reader.say("Shangjie community services kiosk, read aloud test sentence.", "en")
    assert reader.speaking()  # at once, before the worker has answered
    qtbot.waitUntil(lambda: not reader._pending, timeout=3000)  # the worker acknowledged the say
    assert reader.speaking() and reader.available()
    reader.stop()
    assert not reader.speaking()
    qtbot.waitUntil(lambda: not reader._pending, timeout=3000)
    qtbot.wait(100)  # a late report of the say must not turn reading back on
    assert not reader.speaking()


def test_no_voice_for_the_language_means_no_speech(qtbot: Any, make_reader: Callable[..., Reader]) -> None:
    """The mock engine has no Chinese voice: Chinese is not read (rather than read as noise)."""
    reader = ready(qtbot, make_reader("mock"))
    assert reader.available() and not reader.has_voice("zh")
    assert reader.say("上街社区服务终端", "zh") is False
    assert not reader.speaking()


def test_worker_without_the_module_reports_unavailable() -> None:
    """When PySide6.QtTextToSpeech cannot be imported the worker says so in one event instead of failing."""
    out = io.StringIO()
    assert Worker("", out=out).start(import_module=lambda: None) is False
    event = json.loads(out.getvalue())
    assert event["event"] == "unavailable" and "cannot be imported" in event["reason"]


def test_broken_engine_or_setting_off_means_no_reader(qtbot: Any, make_reader: Callable[..., Reader],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """An engine that does not exist is dropped with one log line; read_aloud = false starts no worker."""
    with caplog.at_level(logging.INFO, logger="kiosk.ui.speech"):
        broken = ready(qtbot, make_reader("no-such-engine"))
        qtbot.wait(100)
    assert broken.state == speech.DROPPED and not broken.available() and not broken.has_voice("en")
    assert broken.say("hello", "en") is False
    broken.stop()
    assert read_aloud_button(broken, lambda: "hello") is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "no-such-engine" in lines[0]
    off = make_reader("mock", enabled=False)
    qtbot.wait(50)
    assert off.state == speech.OFF and off._process is None and not off.available()
    assert read_aloud_button(off, lambda: "hello") is None


def test_a_worker_that_dies_is_restarted_once_then_dropped(qtbot: Any, make_reader: Callable[..., Reader],
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """First death: a new worker, voices again. Second death: read-aloud off for the session, one line."""
    reader = ready(qtbot, make_reader("mock"))
    assert reader.has_voice("en")
    first = reader._process
    assert first is not None
    first.kill()
    qtbot.waitUntil(lambda: reader._process is not None and reader._process is not first and reader.has_voice("en"),
                    timeout=10_000)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "speech worker exited (code 9); starting it again"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speech"):
        second = reader._process
        assert second is not None
        with qtbot.waitSignal(reader.availabilityChanged, timeout=5000):
            second.kill()
        qtbot.wait(200)
    assert reader.state == speech.DROPPED and not reader.has_voice("en") and reader._process is None
    assert [r.getMessage() for r in caplog.records] == [
        "read-aloud off for this session: speech worker exited (code 9) after 1 restart(s)"]


FAKE_WORKER = """
import sys, json
print(json.dumps({"event": "hello"}), flush=True)
print(json.dumps({"event": "ready", "engine": "fake", "voices": {"zh": "Fake", "en": None}}), flush=True)
for line in sys.stdin:
    pass  # reads every command and never answers one: an engine stuck inside say()
"""


def test_a_command_without_answer_drops_the_engine(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A say the worker never acknowledges: the tap is answered at once, the engine dropped after the bound."""
    import sys

    script = tmp_path / "fake_worker.py"  # a stand-in worker written for this test
    script.write_text(FAKE_WORKER)
    monkeypatch.setattr(speech, "worker_command", lambda _engine: (sys.executable, [str(script)]))
    monkeypatch.setattr(speech, "COMMAND_TIMEOUT_MS", 500)
    window = make_window()
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    button = window.nav_bar.read_button
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.speech"):
        tap(qtbot, button)
        assert button.text() == "停止朗读"
        qtbot.waitUntil(lambda: button.isHidden(), timeout=3000)
    assert button.reader.state == speech.DROPPED and not button.reader.speaking()
    assert [r.getMessage() for r in caplog.records] == [
        "read-aloud off for this session: speech engine fake did not answer a command within 0.5 s"]
    tap(qtbot, window.nav_bar.home_button)
    assert window.nav.current_name == "home"


# -- the button in the kiosk --------------------------------------------------------------------


def _english_detail(qtbot: Any, window: KioskWindow) -> Any:
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    detail = window.nav.current()
    assert window.nav_bar.read_button is not None
    qtbot.waitUntil(window.nav_bar.read_button.isVisible, timeout=10_000)  # the worker reported an English voice
    return detail


@pytest.mark.usefixtures("mock_engine")
def test_detail_page_is_read_and_leaving_stops_it(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                  said: list[tuple[str, str | None]]) -> None:
    """A tap reads the detail page in English; the second tap stops; going home stops the reading."""
    window = make_window()
    detail = _english_detail(qtbot, window)
    button = window.nav_bar.read_button
    assert button.text() == "Read aloud"
    tap(qtbot, button)
    reader = button.reader
    assert reader.speaking() and button.text() == "Stop reading"
    text, lang = said[-1]
    assert lang == "en" and speakable(detail.heading.text()) in text
    tap(qtbot, button)
    assert not reader.speaking()
    tap(qtbot, button)
    assert reader.speaking()
    tap(qtbot, window.nav_bar.home_button)
    assert not reader.speaking()


@pytest.mark.usefixtures("mock_engine")
def test_tap_shows_stop_at_once(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """The pressed state (Stop reading) is there when the tap returns, well within 100 ms; so is the stop."""
    window = make_window()
    _english_detail(qtbot, window)
    button = window.nav_bar.read_button
    started = time.perf_counter()
    tap(qtbot, button)
    pressed = time.perf_counter() - started
    assert button.text() == "Stop reading" and pressed < 0.1
    started = time.perf_counter()
    tap(qtbot, window.nav_bar.home_button)
    assert not button.reader.speaking() and time.perf_counter() - started < 0.5


@pytest.mark.usefixtures("mock_engine")
def test_idle_reset_stops_reading(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """The idle reset silences the reader along with everything else."""
    window = make_window()
    _english_detail(qtbot, window)
    tap(qtbot, window.nav_bar.read_button)
    assert window.nav_bar.read_button.reader.speaking()
    idle_reset(window)
    assert not window.nav_bar.read_button.reader.speaking()
    assert window.nav.current_name == "attract"


@pytest.mark.usefixtures("mock_engine")
def test_button_hides_where_the_language_has_no_voice(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """Mock has English voices only: the button shows in English, hides in Chinese; switching stops it."""
    window = make_window()
    _english_detail(qtbot, window)
    button = window.nav_bar.read_button
    tap(qtbot, button)
    window.ctx.set_language("zh")
    assert not button.reader.speaking()
    assert not button.isVisible()
    window.ctx.set_language("en")
    assert button.isVisible() and button.text() == "Read aloud"


@pytest.mark.usefixtures("mock_engine")
def test_hotlines_and_news_are_read_by_the_bar_button(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                      said: list[tuple[str, str | None]]) -> None:
    """The one 朗读 button in the bar: hotlines read their numbers digit by digit; a news article is read
    from its title; the pages have no button of their own."""
    window = make_window()
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("hotlines")
    hotlines = window.nav.current()
    button = window.nav_bar.read_button
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    tap(qtbot, button)
    assert "1 2 3 4 9" in said[-1][0]
    window.nav.home()
    news = window.nav.screen("news")
    window.nav.push("news", item_id=news.items[0].id)
    assert button.isVisible() and not button.reader.speaking()
    tap(qtbot, button)
    assert said[-1][0].startswith(speakable(news.article_title.text()))
    assert not hotlines.findChildren(speech.ReadAloudButton) and not news.findChildren(speech.ReadAloudButton)


def test_no_engine_no_button_and_screens_still_work(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a working engine the three pages build and show; the read-aloud button never shows."""
    monkeypatch.setenv(speech.ENGINE_ENV, "no-such-engine")
    window = make_window()
    for name, params in (("detail", {"service_id": SERVICE}), ("hotlines", {}), ("news", {})):
        window.nav.home()
        window.nav.push(name, **params)
        screen = window.nav.current()
        qtbot.waitUntil(lambda: speech.reader_for(window.ctx).state == speech.DROPPED, timeout=10_000)
        assert window.nav_bar.read_button is None or window.nav_bar.read_button.isHidden()
        assert not [b for b in screen.findChildren(speech.ReadAloudButton) if b.isVisible()]


@pytest.mark.usefixtures("mock_engine")
def test_read_aloud_setting_off_hides_the_button(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """read_aloud = false in the terminal's config: no button even where an engine exists."""
    window = make_window(config=Config(read_aloud=False))
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    assert window.nav_bar.read_button is None
    assert speech.reader_for(window.ctx)._process is None  # and no worker


def test_visible_text_skips_hidden_fields(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """What is read is what shows: empty (hidden) fields and muted source lines are left out."""
    window = make_window()
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    detail = window.nav.current()
    text = visible_text(detail.scroll_area)
    assert text.splitlines()[0] == speakable(detail.heading.text()) == "“1 2 3 4 9”智慧养老服务平台"
    hidden = [s for s in detail.sections.values() if s.isHidden()]  # 带什么: no documents recorded
    assert hidden and all(s.caption.text() and s.caption.text() not in text.splitlines() for s in hidden)
    hidden_lines = [b for b in detail.what_lines.values() if b.isHidden()]
    assert hidden_lines and all(not b.plain_text() for b in hidden_lines)
    assert "来源" not in text  # the collapsed 资料来源 is not read


def test_packaged_entry_point_runs_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frozen build starts itself with --speech-worker: packaging/kiosk_main.py runs the worker, not the CLI."""
    import subprocess
    import sys
    from pathlib import Path

    from kiosk.ui import speech_worker

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert speech_worker.command("mock") == (sys.executable, ["--speech-worker", "mock"])
    monkeypatch.delattr(sys, "frozen")
    main = Path(__file__).resolve().parents[2] / "packaging" / "kiosk_main.py"
    proc = subprocess.Popen([sys.executable, str(main), "--speech-worker", "mock"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    events = [json.loads(proc.stdout.readline()), json.loads(proc.stdout.readline())]
    proc.stdin.write('{"id": 1, "cmd": "ping"}\n')
    proc.stdin.flush()
    events.append(json.loads(proc.stdout.readline()))
    proc.stdin.close()  # end of input ends the worker
    assert proc.wait(timeout=10) == 0
    proc.stdout.close()
    assert [e["event"] for e in events] == ["hello", "ready", "ack"]
    assert events[1]["engine"] == "mock" and events[1]["voices"]["en"] and events[1]["voices"]["zh"] is None


LATE_STOP_WORKER = """
import sys, json
def send(**event):
    print(json.dumps(event), flush=True)
send(event="hello")
send(event="ready", engine="late-stop", voices={"zh": None, "en": "Fake"})
for line in sys.stdin:
    command = json.loads(line)
    send(event="state", id=command["id"], speaking=True)  # as speechd without sound: still "speaking" after stop
    send(event="ack", id=command["id"])
"""


def test_a_stop_stays_stopped_when_the_engine_still_says_speaking(qtbot: Any, make_reader: Callable[..., Reader],
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Any) -> None:
    """speechd reports "speaking" right after a stop (it stops late): the button does not flip back."""
    import sys

    script = tmp_path / "late_stop_worker.py"  # a stand-in worker written for this test
    script.write_text(LATE_STOP_WORKER)
    monkeypatch.setattr(speech, "worker_command", lambda _engine: (sys.executable, [str(script)]))
    reader = ready(qtbot, make_reader("late-stop"))
    assert reader.say("Read this, please.", "en") and reader.speaking()
    qtbot.waitUntil(lambda: not reader._pending, timeout=3000)
    assert reader.speaking()
    reader.stop()
    qtbot.waitUntil(lambda: not reader._pending, timeout=3000)
    assert not reader.speaking() and reader.available()


@pytest.mark.usefixtures("mock_engine")
def test_a_tap_on_a_hotline_reads_its_number(qtbot: Any, make_window: Callable[..., KioskWindow],
                                             said: list[tuple[str, str | None]]) -> None:
    """On the help page a tap on a number reads it digit by digit with its name (English: the mock's
    voice); with no voice a tap reads nothing and does nothing else."""
    window = make_window()
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("hotlines")
    hotlines = window.nav.current()
    qtbot.waitUntil(window.nav_bar.read_button.isVisible, timeout=10_000)
    card = next(c for c in hotlines.cards if c.hotline.number == "12349")
    tap(qtbot, card)
    assert said and said[-1][0].startswith("1 2 3 4 9, ") and card.name.text() in said[-1][0]
    assert window.nav.current() is hotlines
