"""Read-aloud (语音播报): the page read in Mandarin, or English in English mode, with Qt TextToSpeech.

:class:`Reader` wraps ``QTextToSpeech``. The module ``PySide6.QtTextToSpeech`` is imported lazily and
may be missing (on Debian it fails to import without ``libpulse0``); an engine may fail to start
(no speech-dispatcher) or have no voice for the language. In every such case the reader is simply
not available and the read-aloud button is hidden: the kiosk never breaks for want of a voice.

* Engine: ``KIOSK_SPEECH_ENGINE`` when set (``mock`` is Qt's silent test engine), else the first
  real engine that starts (``speechd`` on Linux, ``sapi``/``winrt`` on Windows, ``darwin`` on macOS).
* Voice: for Chinese a Mandarin voice (locale ``zh_CN`` first, then any Chinese locale that is not
  Cantonese, then a voice *named* Mandarin/Chinese/cmn — speech-dispatcher's espeak-ng voices come
  with the language code ``cmn``, which Qt's locale cannot express); for English an English voice.
  A language without a voice hides the button (a Mandarin page read by an English voice is noise).
* One reader per kiosk window (:func:`reader_for`): it stops when the resident leaves the page (the
  navigator's ``screenChanged`` — also fired by the idle reset) and when the language changes.

The button (:func:`read_aloud_button`) is large, says "朗读" / "Read aloud" with a speaker icon and
turns into "停止" / "Stop" while it reads; a second tap stops.
"""

from __future__ import annotations

import logging
import os
import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.ui import icons
from kiosk.ui.widgets.text import TouchButton

if TYPE_CHECKING:
    from kiosk.ui.context import AppContext
    from kiosk.ui.navigation import Navigator
    from kiosk.ui.theme import Theme

log = logging.getLogger(__name__)

ENGINE_ENV = "KIOSK_SPEECH_ENGINE"
ICON = "fa5s.volume-up"
STOP_ICON = "fa5s.stop-circle"
LABELS = {"zh": ("朗读", "停止朗读"), "en": ("Read aloud", "Stop reading")}

_MANDARIN_NAME = re.compile(r"mandarin|\bcmn\b|^cmn|chinese|普通话|中文", re.IGNORECASE)
_CANTONESE_NAME = re.compile(r"cantonese|\byue\b|^yue|粤", re.IGNORECASE)
_ENGLISH_NAME = re.compile(r"english", re.IGNORECASE)


def _tts_module() -> Any | None:
    """``PySide6.QtTextToSpeech``, or None when it cannot be imported (missing libpulse0, …)."""
    try:
        from PySide6 import QtTextToSpeech
    except (ImportError, OSError) as exc:
        log.info("read-aloud unavailable: Qt TextToSpeech cannot be imported (%s)", exc)
        return None
    return QtTextToSpeech


def voice_score(name: str, locale: QLocale, lang: str) -> int:
    """How well a voice suits ``lang`` ("zh" or "en"): 0 = not at all, higher is better."""
    language = locale.language()
    if lang == "zh":
        if language == QLocale.Language.Cantonese or _CANTONESE_NAME.search(name):
            return 0
        if language == QLocale.Language.Chinese:
            if locale.territory() == QLocale.Country.China:
                return 5
            if locale.script() == QLocale.Script.SimplifiedHanScript:
                return 4
            return 3 if locale.territory() == QLocale.Country.Taiwan else 2
        if _MANDARIN_NAME.search(name):
            return 1 if "pinyin" in name.lower() else 2
        return 0
    if lang == "en":
        if language == QLocale.Language.English:
            return 3 if locale.territory() in (QLocale.Country.UnitedStates, QLocale.Country.UnitedKingdom) else 2
        return 1 if _ENGLISH_NAME.search(name) else 0
    return 0


class Reader(QObject):
    """Speaks text in the resident's language, if an engine and a voice for it exist.

    ``engine``: a Qt TextToSpeech engine name (None: ``KIOSK_SPEECH_ENGINE`` or the first that works);
    ``enabled=False`` (the ``read_aloud`` setting off) makes a reader that is never available;
    ``language()`` gives the language :meth:`say` uses when none is passed.
    """

    #: started (True) or finished/stopped (False) speaking
    speakingChanged = Signal(bool)
    #: the language changed, so labels and voice availability may have changed
    languageChanged = Signal(str)

    def __init__(self, engine: str | None = None, *, enabled: bool = True,
                 language: Callable[[], str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language or (lambda: "zh")
        self.context: AppContext | None = None
        self._tts: Any | None = None
        self._state_enum: Any = None
        self._speaking = False
        if enabled:
            self._tts = self._start_engine(engine if engine is not None else os.environ.get(ENGINE_ENV))

    def _start_engine(self, engine: str | None) -> Any | None:
        module = _tts_module()
        if module is None:
            return None
        tts_class = module.QTextToSpeech
        self._state_enum = tts_class.State
        try:
            names = [engine] if engine else [e for e in tts_class.availableEngines() if e != "mock"]
        except RuntimeError as exc:
            log.info("read-aloud unavailable: %s", exc)
            return None
        for name in names:
            tts = tts_class(name, self)
            if tts.state() == tts_class.State.Error:
                log.info("speech engine %s does not start: %s", name, tts.errorString() or "unknown error")
                tts.deleteLater()
                continue
            tts.stateChanged.connect(self._state_changed)
            log.info("read-aloud uses speech engine %s", name)
            return tts
        if not names:
            log.info("read-aloud unavailable: no speech engine plug-in")
        return None

    # -- what there is -----------------------------------------------------------------------
    def available(self) -> bool:
        """An engine is running (it may still lack a voice for a language: see :meth:`has_voice`)."""
        return self._tts is not None and self._tts.state() != self._state_enum.Error

    def engine(self) -> str:
        return str(self._tts.engine()) if self._tts is not None else ""

    def best_voice(self, lang: str) -> Any | None:
        """The engine's best voice (QVoice) for ``lang``, or None."""
        if not self.available():
            return None
        assert self._tts is not None
        best, best_score = None, 0
        for voice in self._tts.allVoices(None):
            score = voice_score(voice.name(), voice.locale(), lang)
            if score > best_score:
                best, best_score = voice, score
        return best

    def has_voice(self, lang: str | None = None) -> bool:
        return self.best_voice(lang or self.language()) is not None

    def speaking(self) -> bool:
        return self._speaking

    # -- speaking ----------------------------------------------------------------------------
    def say(self, text: str, lang: str | None = None) -> bool:
        """Start reading ``text`` (stopping anything still being read); False when it cannot."""
        lang = lang or self.language()
        voice = self.best_voice(lang)
        text = readable_text(text, lang)
        if voice is None or not text:
            return False
        assert self._tts is not None
        self.stop()
        if self._tts.locale() != voice.locale():
            self._tts.setLocale(voice.locale())
        if self._tts.voice() != voice:
            self._tts.setVoice(voice)
        self._tts.say(text)
        self._set_speaking(self._tts.state() in (self._state_enum.Speaking, self._state_enum.Synthesizing))
        return True

    def stop(self) -> None:
        """Stop reading at once (nothing happens when nothing is being read)."""
        if self._tts is not None and self._tts.state() in (
                self._state_enum.Speaking, self._state_enum.Paused, self._state_enum.Synthesizing):
            self._tts.stop()
        self._set_speaking(False)

    def set_language(self, lang: str) -> None:
        """The resident switched language: stop, and let buttons update their label and visibility."""
        self.stop()
        self.languageChanged.emit(lang)

    def _state_changed(self, state: Any) -> None:
        self._set_speaking(state in (self._state_enum.Speaking, self._state_enum.Synthesizing))

    def _set_speaking(self, on: bool) -> None:
        if on != self._speaking:
            self._speaking = on
            self.speakingChanged.emit(on)


_READERS: weakref.WeakKeyDictionary[Any, Reader] = weakref.WeakKeyDictionary()


def reader_for(ctx: AppContext, nav: Navigator | None = None) -> Reader:
    """The one reader of a kiosk window: speaks in ``ctx.language``; stops on navigation and language change.

    Off when the terminal's ``read_aloud`` setting is false.
    """
    reader = _READERS.get(ctx)
    if reader is None:
        reader = Reader(enabled=ctx.config.read_aloud, language=lambda: ctx.language, parent=ctx)
        reader.context = ctx
        ctx.languageChanged.connect(reader.set_language)
        _READERS[ctx] = reader
    if nav is not None and not nav.property("kioskReaderConnected"):
        nav.screenChanged.connect(lambda _name, _screen: reader.stop())
        nav.setProperty("kioskReaderConnected", True)
    return reader


class ReadAloudButton(TouchButton):
    """The large 朗读 / Read aloud button; hidden while the language has no voice."""

    def __init__(self, reader: Reader, text_provider: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.text_provider = text_provider
        self.setObjectName("readAloudButton")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._icon_color: str | None = None
        self.clicked.connect(self.toggle_reading)
        reader.speakingChanged.connect(self._refresh)
        reader.languageChanged.connect(self._refresh)
        ctx = reader.context
        if ctx is not None:
            ctx.themeChanged.connect(self.apply_theme)
            self.apply_theme(ctx.theme)
        self._refresh()

    def toggle_reading(self) -> None:
        if self.reader.speaking():
            self.reader.stop()
        else:
            self.reader.say(self.text_provider())

    def apply_theme(self, theme: Theme) -> None:
        self.setMinimumHeight(int(theme.min_target * 1.2))
        self._icon_color = theme.colors.accent_text
        self.setIconSize(QSize(theme.heading_px, theme.heading_px))
        self._refresh()

    def _refresh(self, *_args: object) -> None:
        lang = self.reader.language()
        start, stop = LABELS.get(lang, LABELS["zh"])
        speaking = self.reader.speaking()
        self.setText(stop if speaking else start)
        if self._icon_color:
            self.setIcon(icons.icon(STOP_ICON if speaking else ICON, self._icon_color))
        self.setVisible(self.reader.has_voice(lang))


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def readable_text(text: str, lang: str) -> str:
    """``text`` without the lines the voice for ``lang`` cannot read: an English voice skips lines that
    are mostly Chinese (the original article under its English summary)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lang == "en":
        lines = [line for line in lines if len(_CJK.findall(line)) * 2 <= len(line.replace(" ", ""))]
    return "\n".join(lines)


_DIGIT_RUN = re.compile(r"\d(?:[\d-]*\d)?")


def speakable(text: str, *, spell_numbers: bool = False) -> str:
    """Phone numbers read digit by digit: runs of ≥ 5 digits (or any run with ``spell_numbers``) are spaced.

    ``12349`` → ``1 2 3 4 9`` (一二三四九, not 一万两千…); ``0371-68000001`` likewise. Counts and years
    (``1745``, ``2021``) stay numbers.
    """

    def spell(match: re.Match[str]) -> str:
        digits = match.group(0).replace("-", "")
        if spell_numbers or len(digits) >= 5:
            return " ".join(digits)
        return match.group(0)

    return _DIGIT_RUN.sub(spell, text)


def visible_text(root: QWidget, *, skip_roles: tuple[str, ...] = ("muted",),
                 number_roles: tuple[str, ...] = ("huge",)) -> str:
    """The text a resident sees in ``root``, in layout order, one line per label: what the reader reads.

    Hidden widgets (empty fields) are skipped, and so are labels whose ``role`` is in ``skip_roles``
    (sources, captions: secondary text); labels whose role is in ``number_roles`` (the big hotline
    numbers) are read digit by digit.
    """
    from PySide6.QtWidgets import QLabel, QLayout, QScrollArea

    lines: list[str] = []

    def take(widget: QWidget) -> None:
        if widget.isHidden():
            return
        if isinstance(widget, QLabel):
            role = str(widget.property("role") or "")
            if role in skip_roles:
                return
            plain = getattr(widget, "plain_text", None)
            full = getattr(widget, "full_text", None)
            text = plain() if callable(plain) else full() if callable(full) else widget.text()
            if widget.textFormat() == Qt.TextFormat.RichText and not callable(plain):
                return
            text = " ".join(part.strip() for part in str(text).split("\n") if part.strip())
            if text:
                lines.append(speakable(text, spell_numbers=role in number_roles))
            return
        if isinstance(widget, QScrollArea):
            inner = widget.widget()
            if inner is not None:
                take(inner)
            return
        layout = widget.layout()
        if layout is not None:
            walk(layout)

    def walk(layout: QLayout) -> None:
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is None:
                continue
            child, sub = item.widget(), item.layout()
            if child is not None:
                take(child)
            elif sub is not None:
                walk(sub)

    take(root)
    return "\n".join(lines)


def read_aloud_button(reader: Reader, text_provider: Callable[[], str]) -> QPushButton | None:
    """A read-aloud button reading ``text_provider()``; None when there is no working speech engine."""
    if not reader.available():
        return None
    return ReadAloudButton(reader, text_provider)


__all__ = ["ENGINE_ENV", "ReadAloudButton", "Reader", "read_aloud_button", "readable_text", "reader_for", "speakable",
           "visible_text", "voice_score"]
