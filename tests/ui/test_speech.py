"""Read-aloud: voice choice, Qt's mock engine, the button on detail/hotlines/news, stopping, absence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from kiosk.core.config import Config
from kiosk.ui import speech
from kiosk.ui.app import idle_reset
from kiosk.ui.speech import Reader, read_aloud_button, readable_text, speakable, visible_text, voice_score
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


def test_mock_engine_reads_english_and_stops(qtbot: Any) -> None:
    """With the mock engine: English is read with an English voice; stop ends it at once."""
    reader = Reader("mock")
    assert reader.available() and reader.engine() == "mock"
    with qtbot.waitSignal(reader.speakingChanged):
        assert reader.say("Shangjie community services kiosk, read aloud test sentence.", "en")
    assert reader.speaking()
    assert reader._tts is not None and reader._tts.voice().locale().language() == QLocale.Language.English
    reader.stop()
    assert not reader.speaking()


def test_no_voice_for_the_language_means_no_speech(qtbot: Any) -> None:
    """The mock engine has no Chinese voice: Chinese is not read (rather than read as noise)."""
    reader = Reader("mock")
    assert not reader.has_voice("zh")
    assert reader.say("上街社区服务终端", "zh") is False
    assert not reader.speaking()


def test_missing_module_means_no_reader_and_no_button(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """When PySide6.QtTextToSpeech cannot be imported the reader is absent and no button is made."""
    monkeypatch.setattr(speech, "_tts_module", lambda: None)
    reader = Reader("mock")
    assert not reader.available() and not reader.has_voice("en")
    assert reader.say("hello", "en") is False
    reader.stop()
    assert read_aloud_button(reader, lambda: "hello") is None


def test_broken_engine_or_setting_off_means_no_reader(qtbot: Any) -> None:
    """An engine that does not exist, or read_aloud = false, gives an unavailable reader."""
    assert not Reader("no-such-engine").available()
    assert not Reader("mock", enabled=False).available()


# -- the button in the kiosk --------------------------------------------------------------------


def _english_detail(window: KioskWindow) -> Any:
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    return window.nav.current()


@pytest.mark.usefixtures("mock_engine")
def test_detail_page_is_read_and_leaving_stops_it(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                  said: list[tuple[str, str | None]]) -> None:
    """A tap reads the detail page in English; the second tap stops; going home stops the reading."""
    window = make_window()
    detail = _english_detail(window)
    button = detail.read_button
    assert button is not None and button.isVisible()
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
def test_idle_reset_stops_reading(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """The idle reset silences the reader along with everything else."""
    window = make_window()
    detail = _english_detail(window)
    tap(qtbot, detail.read_button)
    assert detail.read_button.reader.speaking()
    idle_reset(window)
    assert not detail.read_button.reader.speaking()
    assert window.nav.current_name == "attract"


@pytest.mark.usefixtures("mock_engine")
def test_button_hides_where_the_language_has_no_voice(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """Mock has English voices only: the button shows in English, hides in Chinese; switching stops it."""
    window = make_window()
    detail = _english_detail(window)
    button = detail.read_button
    tap(qtbot, button)
    window.ctx.set_language("zh")
    assert not button.reader.speaking()
    assert not button.isVisible()
    window.ctx.set_language("en")
    assert button.isVisible() and button.text() == "Read aloud"


@pytest.mark.usefixtures("mock_engine")
def test_hotlines_and_news_have_the_button(qtbot: Any, make_window: Callable[..., KioskWindow],
                                           said: list[tuple[str, str | None]]) -> None:
    """Hotlines read their numbers digit by digit; a news article is read from its title."""
    window = make_window()
    window.ctx.set_language("en")
    window.nav.home()
    window.nav.push("hotlines")
    hotlines = window.nav.current()
    tap(qtbot, hotlines.read_button)
    assert "1 2 3 4 9" in said[-1][0]
    window.nav.home()
    news = window.nav.screen("news")
    window.nav.push("news", item_id=news.items[0].id)
    assert news.read_button is not None and news.read_button.isVisible()
    assert not hotlines.read_button.reader.speaking()
    tap(qtbot, news.read_button)
    assert said[-1][0].startswith(speakable(news.article_title.text()))


def test_no_engine_no_button_and_screens_still_work(qtbot: Any, make_window: Callable[..., KioskWindow],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Qt TextToSpeech the three pages build and show, with no read-aloud button."""
    monkeypatch.setattr(speech, "_tts_module", lambda: None)
    window = make_window()
    for name, params in (("detail", {"service_id": SERVICE}), ("hotlines", {}), ("news", {})):
        window.nav.home()
        window.nav.push(name, **params)
        screen = window.nav.current()
        assert screen.read_button is None
        assert not screen.findChildren(speech.ReadAloudButton)


@pytest.mark.usefixtures("mock_engine")
def test_read_aloud_setting_off_hides_the_button(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """read_aloud = false in the terminal's config: no button even where an engine exists."""
    window = make_window(config=Config(read_aloud=False))
    assert _english_detail(window).read_button is None


def test_visible_text_skips_hidden_fields(qtbot: Any, make_window: Callable[..., KioskWindow]) -> None:
    """What is read is what shows: empty (hidden) fields and muted source lines are left out."""
    window = make_window()
    window.nav.home()
    window.nav.push("detail", service_id=SERVICE)
    detail = window.nav.current()
    text = visible_text(detail.scroll_area)
    assert text.splitlines()[0] == speakable(detail.heading.text()) == "“1 2 3 4 9”智慧养老服务平台"
    hidden = [f for f in detail.fields.values() if f.isHidden()]
    assert hidden and all(f.caption.text() not in text.splitlines() for f in hidden if f.caption.text())
    assert "来源" not in text
