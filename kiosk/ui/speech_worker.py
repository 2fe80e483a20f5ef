"""The speech worker: Qt TextToSpeech in a process of its own, so a stuck speech engine can be killed.

Why a process: ``QTextToSpeech("speechd")`` blocks forever inside libspeechd when the speech daemon
accepts the connection but never answers (seen on terminals without a working sound device). Run on
the kiosk's GUI thread that froze the whole kiosk; run in a thread it could not be stopped. In this
process it only blocks the worker, which the kiosk (:mod:`kiosk.ui.speech`) kills after a bound.

Protocol: one JSON object per line. The kiosk writes commands to standard input::

    {"id": 3, "cmd": "say", "text": "…", "lang": "zh"}     {"id": 4, "cmd": "stop"}
    {"id": 5, "cmd": "ping"}                               {"cmd": "quit"}

and the worker writes events to standard output::

    {"event": "hello"}                                     imported, about to start the engine
    {"event": "ready", "engine": "speechd", "voices": {"zh": "…", "en": "…"}, "count": 9, "seconds": 0.2}
    {"event": "unavailable", "reason": "…"}                no engine or no module: then it exits
    {"event": "ack", "id": 3}                              command ``id`` done (the engine call returned)
    {"event": "state", "id": 3, "speaking": true}          the engine started/finished, after command ``id``
    {"event": "error", "id": 3, "message": "…"}            a bad command (the worker goes on)

``voices`` holds the best voice for each language (:func:`voice_score`), or null. End of standard
input (the kiosk closed it or died) ends the worker at once, even while the engine hangs.

Started as ``python -m kiosk.ui.speech_worker [ENGINE]``, or in the packaged build as
``kiosk --speech-worker [ENGINE]`` (:func:`command`); ENGINE empty means the first real engine.
:func:`probe` asks a worker for its report with a time limit (``kiosk doctor``).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Signal

WORKER_FLAG = "--speech-worker"
"""First argument that makes the packaged ``kiosk`` executable run this worker instead of the CLI."""

LANGS = ("zh", "en")

_MANDARIN_NAME = re.compile(r"mandarin|\bcmn\b|^cmn|chinese|普通话|中文", re.IGNORECASE)
_CANTONESE_NAME = re.compile(r"cantonese|\byue\b|^yue|粤", re.IGNORECASE)
_ENGLISH_NAME = re.compile(r"english", re.IGNORECASE)


def voice_score(name: str, locale: QLocale, lang: str) -> int:
    """How well a voice suits ``lang`` ("zh" or "en"): 0 = not at all, higher is better.

    For Chinese a Mandarin voice: locale ``zh_CN`` first, then any Chinese locale that is not
    Cantonese, then a voice *named* Mandarin/Chinese/cmn (speech-dispatcher's espeak-ng voices come
    with the language code ``cmn``, which Qt's locale cannot express). For English an English voice.
    """
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


def best_voices(voices: Sequence[Any]) -> dict[str, Any | None]:
    """The best QVoice of ``voices`` for each of :data:`LANGS` (None: no voice suits it); of equally
    good voices the first by name, so the choice does not change from one start to the next."""
    best: dict[str, Any | None] = {}
    ordered = sorted(voices, key=lambda v: v.name())
    for lang in LANGS:
        choice, choice_score = None, 0
        for voice in ordered:
            score = voice_score(voice.name(), voice.locale(), lang)
            if score > choice_score:
                choice, choice_score = voice, score
        best[lang] = choice
    return best


def command(engine: str = "") -> tuple[str, list[str]]:
    """Program and arguments that start a worker for ``engine`` (empty: the first real engine)."""
    if getattr(sys, "frozen", False):  # the PyInstaller build: packaging/kiosk_main.py dispatches
        return sys.executable, [WORKER_FLAG, engine]
    return sys.executable, ["-m", "kiosk.ui.speech_worker", engine]


def _tts_module() -> Any | None:
    try:
        from PySide6 import QtTextToSpeech
    except (ImportError, OSError):
        return None
    return QtTextToSpeech


class _Lines(QObject):
    """Standard input, line by line, read in a thread and handed to the Qt thread as a signal."""

    line = Signal(str)

    def start(self) -> None:
        threading.Thread(target=self._read, name="speech-worker-stdin", daemon=True).start()

    def _read(self) -> None:
        for raw in sys.stdin.buffer:
            self.line.emit(raw.decode("utf-8", "replace"))
        os._exit(0)  # the kiosk closed the pipe or died: end now, even if the engine hangs the Qt thread


class Worker(QObject):
    """Runs one engine and answers the kiosk's commands (see the module docstring)."""

    def __init__(self, engine: str, out: Any = None) -> None:
        super().__init__()
        self.requested = engine
        self.out = out or sys.stdout
        self.tts: Any | None = None
        self.voices: dict[str, Any | None] = {}
        self.current_id = 0
        self._speaking_states: tuple[Any, ...] = ()
        self._quiet = False  # within a command: its own state changes are reported once, after it

    def send(self, event: str, **fields: Any) -> None:
        self.out.write(json.dumps({"event": event, **fields}, ensure_ascii=True) + "\n")
        self.out.flush()

    def start(self, import_module: Callable[[], Any | None] = _tts_module) -> bool:
        """Start the engine and report ``ready`` (True) or ``unavailable`` (False)."""
        module = import_module()
        if module is None:
            self.send("unavailable", reason="Qt TextToSpeech cannot be imported (missing libpulse0?)")
            return False
        tts_class = module.QTextToSpeech
        state = tts_class.State
        self._speaking_states = (state.Speaking, state.Synthesizing)
        names = [self.requested] if self.requested else [e for e in tts_class.availableEngines() if e != "mock"]
        if not names:
            self.send("unavailable", reason="no speech engine plug-in")
            return False
        problems: list[str] = []
        started = time.monotonic()
        for name in names:
            tts = tts_class(name, self)  # may block for ever on a speech daemon that does not answer
            if tts.state() == state.Error:
                problems.append(f"{name}: {tts.errorString() or 'does not start'}")
                tts.deleteLater()
                continue
            self.tts = tts
            all_voices = list(tts.allVoices(None))
            self.voices = best_voices(all_voices)
            tts.stateChanged.connect(self._state_changed)
            self.send("ready", engine=name, count=len(all_voices), seconds=round(time.monotonic() - started, 3),
                      voices={lang: (v.name() if v is not None else None) for lang, v in self.voices.items()})
            return True
        self.send("unavailable", reason="; ".join(problems))
        return False

    def handle(self, line: str) -> None:
        try:
            message = json.loads(line)
            cmd, cid = str(message.get("cmd", "")), int(message.get("id", 0))
        except (ValueError, AttributeError, TypeError) as exc:
            self.send("error", id=0, message=f"not a JSON command: {exc}")
            return
        if cmd == "quit":
            QCoreApplication.quit()
            return
        self.current_id = cid
        tts = self.tts
        self._quiet = True
        try:
            self._run(cmd, cid, message, tts)
        finally:
            self._quiet = False
        if tts is not None and cmd == "say" and tts.state() in self._speaking_states:
            self._state_changed(tts.state())  # a say not started yet reports when it starts or fails
        self.send("ack", id=cid)

    def _run(self, cmd: str, cid: int, message: dict[str, Any], tts: Any | None) -> None:
        if cmd == "say" and tts is not None:
            voice = self.voices.get(str(message.get("lang", "")))
            text = str(message.get("text", ""))
            if voice is None or not text:
                self.send("error", id=cid, message="no voice for that language, or nothing to read")
                return
            tts.stop()
            if tts.locale() != voice.locale():
                tts.setLocale(voice.locale())
            if tts.voice() != voice:
                tts.setVoice(voice)
            tts.say(text)
        elif cmd == "stop" and tts is not None:
            tts.stop()
        elif cmd != "ping":
            self.send("error", id=cid, message=f"unknown command {cmd!r}")

    def _state_changed(self, state: Any) -> None:
        if not self._quiet:
            self.send("state", id=self.current_id, speaking=state in self._speaking_states)


def _die_with_parent() -> None:
    """On Linux the kernel kills the worker when the kiosk dies (a hung engine holds the Python lock,
    so the end of standard input alone would not end it then)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the worker: ``[ENGINE]`` (empty or absent: the first real engine)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _die_with_parent()
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    worker = Worker(args[0] if args else "")
    lines = _Lines()
    lines.line.connect(worker.handle)
    worker.send("hello")
    lines.start()  # before the engine starts: end of input ends the worker even while the engine hangs
    if not worker.start():
        return 0
    return int(app.exec())


def probe(engine: str = "", timeout_s: float = 4.0, answer_s: float = 1.0) -> dict[str, Any]:
    """Start a worker and return its report (the ``ready`` or ``unavailable`` event); the worker is ended.

    ``{"event": "timeout", "stage": "start" | "engine"}`` when the worker did not say hello within
    ``timeout_s`` or the engine did not answer within ``answer_s`` after that (``kiosk doctor``).
    """
    program, args = command(engine)
    proc = subprocess.Popen([program, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    events: queue.Queue[dict[str, Any]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                events.put(json.loads(raw))
            except ValueError:
                continue

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline, stage = time.monotonic() + timeout_s, "start"
        while True:
            try:
                event = events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return {"event": "timeout", "stage": stage, "seconds": answer_s if stage == "engine" else timeout_s}
            if event.get("event") == "hello":
                deadline, stage = time.monotonic() + answer_s, "engine"
            elif event.get("event") in ("ready", "unavailable"):
                return event
    finally:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


if __name__ == "__main__":
    raise SystemExit(main())
