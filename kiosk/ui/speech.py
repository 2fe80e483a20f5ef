"""Read-aloud (语音播报): the page read in Mandarin, or English in English mode, with Qt TextToSpeech.

Every call of :class:`Reader` returns at once: the speech engine runs in a worker process
(:mod:`kiosk.ui.speech_worker`, spoken to over a pipe with :class:`QProcess`), because a speech
engine can hang for ever — ``QTextToSpeech("speechd")`` blocks inside libspeechd when the speech
daemon accepts the connection but never answers — and only a process can be killed. The kiosk never
constructs ``QTextToSpeech`` itself (nor imports ``PySide6.QtTextToSpeech``).

* The worker is started :data:`START_DELAY_MS` after the reader is made (start-up comes first). It
  must say hello within :data:`HELLO_TIMEOUT_MS` and report its engine and voices within
  :data:`ENGINE_TIMEOUT_MS` after that, and acknowledge every command within
  :data:`COMMAND_TIMEOUT_MS`; otherwise the engine is *dropped* for the session: the worker is
  killed, the buttons hide, one line is logged. A worker that dies is restarted
  :data:`MAX_RESTARTS` time(s), then dropped too.
* Engine: ``KIOSK_SPEECH_ENGINE`` when set (``mock`` is Qt's silent test engine), else the first
  real engine that starts (``speechd`` on Linux, ``sapi``/``winrt`` on Windows, ``darwin`` on macOS).
* Voice: chosen by the worker with :func:`voice_score` (Mandarin for Chinese, even when the voice
  is only *named* Mandarin, as espeak-ng's is; English for English). A language without a voice
  hides the button (a Mandarin page read by an English voice is noise).
* Optimistic: :meth:`Reader.say` shows "reading" at once and :meth:`Reader.stop` shows "stopped"
  at once; the worker's later reports of older commands are ignored.
* One reader per kiosk window (:func:`reader_for`): it stops when the resident leaves the page (the
  navigator's ``screenChanged`` — also fired by the idle reset) and when the language changes.

The button (:func:`read_aloud_button`) is large, says "朗读" / "Read aloud" with a speaker icon and
turns into "停止朗读" / "Stop reading" while it reads; a second tap stops. It is hidden until the
worker reports a voice for the current language.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QProcess, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.ui import icons
from kiosk.ui.speech_worker import command as worker_command
from kiosk.ui.speech_worker import voice_score
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

START_DELAY_MS = 0
"""The worker starts this long after the reader is made: the kiosk's own start-up comes first."""
HELLO_TIMEOUT_MS = 8000
"""Longest wait for a new worker's first line (a Python process importing Qt on a slow, cold disk)."""
ENGINE_TIMEOUT_MS = 6000
"""Longest wait, after the worker's hello, for the engine to start and list its voices (a healthy
speech-dispatcher with espeak-ng took 2.4–2.7 s here: its 13 000 voices are listed as it starts)."""
COMMAND_TIMEOUT_MS = 2000
"""Longest wait for the worker to acknowledge a command (say, stop)."""
MAX_RESTARTS = 1
"""How often a worker that died is started again in one session (no restart storm)."""

STARTING, READY, DROPPED, OFF = "starting", "ready", "dropped", "off"


class Reader(QObject):
    """Speaks text in the resident's language, if an engine and a voice for it exist; never blocks.

    ``engine``: a Qt TextToSpeech engine name (None: ``KIOSK_SPEECH_ENGINE`` or the first that works);
    ``enabled=False`` (the ``read_aloud`` setting off) makes a reader that is never available and
    starts no worker; ``language()`` gives the language :meth:`say` uses when none is passed.
    """

    #: started (True) or finished/stopped (False) speaking
    speakingChanged = Signal(bool)
    #: the language changed, so labels and voice availability may have changed
    languageChanged = Signal(str)
    #: the worker reported its voices, or the engine was dropped: buttons show or hide
    availabilityChanged = Signal()

    def __init__(self, engine: str | None = None, *, enabled: bool = True,
                 language: Callable[[], str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language or (lambda: "zh")
        self.context: AppContext | None = None
        self.requested = engine if engine is not None else os.environ.get(ENGINE_ENV, "")
        self.state = STARTING if enabled else OFF
        self.drop_reason = ""
        self.report: dict[str, Any] = {}
        self._voices: dict[str, str] = {}
        self._engine = ""
        self._speaking = False
        self._process: QProcess | None = None
        self._buffer = b""
        self._restarts = 0
        self._last_id = 0
        self._last_cmd = ""
        self._pending: dict[int, float] = {}  # command id → time sent (time.monotonic)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._waiting_for = ""  # "hello", "engine" or "" (commands)
        if enabled:
            QTimer.singleShot(max(0, START_DELAY_MS), self, self._start_worker)
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.shutdown)

    # -- the worker ----------------------------------------------------------------------------
    def _start_worker(self) -> None:
        if self.state != STARTING or self._process is not None:
            return
        program, args = worker_command(self.requested)
        process = QProcess(self)
        process.setStandardErrorFile(QProcess.nullDevice())  # Qt multimedia's pipewire complaints
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(lambda code, _status, p=process: self._finished(p, code))
        process.errorOccurred.connect(lambda error, p=process: self._process_error(p, error))
        self._process = process
        self._buffer = b""
        self._wait("hello", HELLO_TIMEOUT_MS)
        process.start(program, args)

    def _wait(self, what: str, ms: int) -> None:
        self._waiting_for = what
        self._timer.start(max(0, ms))

    def _timed_out(self) -> None:
        if self._waiting_for == "hello":
            self._drop(f"the speech worker did not start within {HELLO_TIMEOUT_MS / 1000:g} s")
        elif self._waiting_for == "engine":
            self._drop(f"speech engine {self.requested or '(default)'} did not answer within "
                       f"{ENGINE_TIMEOUT_MS / 1000:g} s (is the speech daemon hung?)")
        elif self._pending:
            late = (time.monotonic() - min(self._pending.values())) * 1000
            if late >= COMMAND_TIMEOUT_MS - 50:
                self._drop(f"speech engine {self._engine} did not answer a command within "
                           f"{COMMAND_TIMEOUT_MS / 1000:g} s")
            else:
                self._timer.start(int(COMMAND_TIMEOUT_MS - late))

    def _read(self) -> None:
        process = self._process
        if process is None:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict):
                self._event(event)
            if self._process is not process:  # dropped while handling
                return

    def _event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "hello":
            self._wait("engine", ENGINE_TIMEOUT_MS)
        elif kind == "ready":
            self._timer.stop()
            self._waiting_for = ""
            self.report = event
            self._engine = str(event.get("engine", ""))
            voices = event.get("voices") or {}
            self._voices = {str(k): str(v) for k, v in voices.items() if v}
            self.state = READY
            log.info("read-aloud uses speech engine %s (voices: %s)", self._engine,
                     ", ".join(f"{k}={v}" for k, v in sorted(self._voices.items())) or "none")
            self.availabilityChanged.emit()
        elif kind == "unavailable":
            self._drop(f"read-aloud unavailable: {event.get('reason') or 'no speech engine'}", prefix=False,
                       level=logging.INFO)  # a terminal without speech: not a fault
        elif kind == "ack":
            self._pending.pop(int(event.get("id", 0)), None)
            if not self._pending and not self._waiting_for:
                self._timer.stop()
        elif kind == "state" and int(event.get("id", -1)) == self._last_id:  # older commands' are stale
            speaking = bool(event.get("speaking"))
            if not (speaking and self._last_cmd == "stop"):  # speechd stops late: still "speaking" then
                self._set_speaking(speaking)

    def _send(self, cmd: str, **fields: Any) -> None:
        process = self._process
        if process is None or self.state != READY:
            return
        self._last_id += 1
        self._last_cmd = cmd
        self._pending[self._last_id] = time.monotonic()
        line = json.dumps({"id": self._last_id, "cmd": cmd, **fields}, ensure_ascii=True) + "\n"
        process.write(line.encode("ascii"))
        if not self._timer.isActive():
            self._timer.start(COMMAND_TIMEOUT_MS)

    def _finished(self, process: QProcess, code: int) -> None:
        if process is not self._process or not shiboken6.isValid(process):
            return  # a worker already dropped, or the reader is being destroyed with its worker
        self._process = None
        process.deleteLater()
        if self.state in (DROPPED, OFF):
            return
        if self._restarts < MAX_RESTARTS:
            self._restarts += 1
            log.warning("speech worker exited (code %s); starting it again", code)
            self._reset(STARTING)
            self._start_worker()
        else:
            self._drop(f"speech worker exited (code {code}) after {self._restarts} restart(s)")

    def _process_error(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and process is self._process:
            self._drop(f"the speech worker cannot be started ({process.errorString()})")

    def _reset(self, state: str) -> None:
        was_available = bool(self._voices)
        self.state = state
        self._voices = {}
        self._pending.clear()
        self._timer.stop()
        self._waiting_for = ""
        self._set_speaking(False)
        if was_available or state == DROPPED:
            self.availabilityChanged.emit()

    def _drop(self, reason: str, *, prefix: bool = True, level: int = logging.WARNING) -> None:
        """Give up on speech for this session: kill the worker, hide the buttons, log one line."""
        if self.state in (DROPPED, OFF):
            return
        self.drop_reason = reason
        process, self._process = self._process, None
        if process is not None:
            process.kill()  # returns at once; the process object goes once it has exited
            process.finished.connect(process.deleteLater)
        log.log(level, "%s%s", "read-aloud off for this session: " if prefix else "", reason)
        self._reset(DROPPED)

    def shutdown(self) -> None:
        """End the worker (the window is closing or the application quits)."""
        process, self._process = self._process, None
        self.state = OFF if self.state != DROPPED else DROPPED
        self._timer.stop()
        if process is not None and shiboken6.isValid(process):
            process.kill()
            process.waitForFinished(1000)  # SIGKILL: quick; only ever at exit

    # -- what there is -----------------------------------------------------------------------
    def available(self) -> bool:
        """The engine is running (it may still lack a voice for a language: see :meth:`has_voice`)."""
        return self.state == READY

    def engine(self) -> str:
        return self._engine if self.available() else ""

    def voice_name(self, lang: str) -> str:
        """The name of the voice the worker reads ``lang`` with ("" when none)."""
        return self._voices.get(lang, "") if self.available() else ""

    def has_voice(self, lang: str | None = None) -> bool:
        return bool(self.voice_name(lang or self.language()))

    def speaking(self) -> bool:
        return self._speaking

    # -- speaking ----------------------------------------------------------------------------
    def say(self, text: str, lang: str | None = None) -> bool:
        """Start reading ``text`` (stopping anything still being read); False when it cannot."""
        lang = lang or self.language()
        text = readable_text(text, lang)
        if not self.has_voice(lang) or not text:
            return False
        self._send("say", text=text, lang=lang)
        self._set_speaking(True)  # optimistic: the button answers the tap now, the worker follows
        return True

    def stop(self) -> None:
        """Stop reading at once (nothing happens when nothing is being read)."""
        if self._speaking:
            self._send("stop")
        self._set_speaking(False)

    def set_language(self, lang: str) -> None:
        """The resident switched language: stop, and let buttons update their label and visibility."""
        self.stop()
        self.languageChanged.emit(lang)

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
        ctx.destroyed.connect(reader.shutdown)
        _READERS[ctx] = reader
    if nav is not None and not nav.property("kioskReaderConnected"):
        nav.screenChanged.connect(lambda _name, _screen: reader.stop())
        nav.destroyed.connect(reader.shutdown)  # the window is gone: so is its worker
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
        reader.availabilityChanged.connect(self._refresh)
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
        in_bar = self.property("role") == "nav"  # the window's bar: a bar button's size and colours
        self.setMinimumHeight(theme.min_target if in_bar else int(theme.min_target * 1.2))
        self._icon_color = theme.colors.text if in_bar else theme.colors.accent_text
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
    """A read-aloud button reading ``text_provider()``, hidden until the worker reports a voice for the
    language; None when read-aloud is off (the ``read_aloud`` setting) or already dropped."""
    if reader.state in (OFF, DROPPED):
        return None
    return ReadAloudButton(reader, text_provider)


__all__ = ["ENGINE_ENV", "ReadAloudButton", "Reader", "read_aloud_button", "readable_text", "reader_for", "speakable",
           "visible_text", "voice_score"]
