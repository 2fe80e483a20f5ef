"""Offline Chinese handwriting recognition: a small typed wrapper over Zinnia's C API (ctypes).

Zinnia (Debian ``libzinnia0``) is an SVM-based online handwriting recognizer; the Tegaki Simplified
Chinese model (Debian ``tegaki-zinnia-simplified-chinese``) knows the 6763 characters of GB 2312.
No Python binding exists, but the C API is small::

    recognizer = zinnia_recognizer_new(); zinnia_recognizer_open(recognizer, model_path)
    character = zinnia_character_new(); zinnia_character_set_width/height(character, …)
    zinnia_character_add(character, stroke_index, x, y)            # one call per point
    result = zinnia_recognizer_classify(recognizer, character, n)  # n best
    zinnia_result_value/score(result, i); zinnia_result_destroy(result)

:class:`Recognizer` owns one recognizer and one character buffer, guards them with a lock (the UI
may classify from a worker thread) and frees them on :meth:`Recognizer.close`, on leaving a
``with`` block, or when it is garbage-collected. When the library or the model cannot be found,
:class:`RecognizerUnavailable` says which is missing and which Debian package provides it.

Two things make the raw results better for a kiosk (docs/handwriting.md explains both):

* **stroke-order tolerance** — the model learned one stroke order per character, and for some
  characters it is not the order taught in Chinese schools (生 is learned as 丿一丨一一, residents
  write 丿一一丨一). For characters of at most :data:`ORDER_VARIANT_MAX_STROKES` strokes, each order
  that differs from the written one by swapping two neighbouring strokes is classified too; a
  character found that way competes with its score less :data:`ORDER_PENALTY`, and the best
  reading of the order as written always stays first.
* **domain re-ranking** — a candidate whose character occurs in our listings, categories and
  synonyms (:func:`domain_chars`) is moved ahead of non-domain candidates that beat it by less than
  :data:`DOMAIN_MARGIN`.

**Bounds** (docs/robustness.md, "Hostile input"). Zinnia splits each stroke at its farthest point,
recursively, and stores the pieces in a vector indexed like a binary heap (child ``2·id+1``): a stroke
whose splits keep landing near one end makes that vector grow as 2^points — a 24-point zigzag took
300 MB, 32 points never finished, a resident's 6,000-point scribble took 2 GB. So Zinnia never sees raw
points: :func:`bound_strokes` keeps at most :data:`MAX_STROKES` strokes and reduces each to at most
:data:`MAX_POINTS_PER_STROKE` points — points closer than :data:`MIN_STEP` are dropped, and of the rest
the corners are kept by the same farthest-point rule Zinnia uses (with a finer tolerance than Zinnia's
own, so the corners it would find are still there).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import math
import os
import sqlite3
import sys
import sysconfig
import threading
import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError

LIBRARY_NAME = "libzinnia.so.0"
MODEL_NAME = "handwriting-zh_CN.model"
LIBRARY_PACKAGE = "libzinnia0"
MODEL_PACKAGE = "tegaki-zinnia-simplified-chinese"
LIBRARY_ENV = "KIOSK_ZINNIA_LIBRARY"
"""Environment variable naming the Zinnia shared library to load (overrides the search)."""
MODEL_ENV = "KIOSK_ZINNIA_MODEL"
"""Environment variable naming the Zinnia model file to open (overrides the search)."""
BUNDLE_DIR = "zinnia"
"""Folder inside a packaged build (``sys._MEIPASS``) holding the library and the model."""

SYSTEM_MODEL_DIRS: tuple[str, ...] = (
    "/usr/share/tegaki/models/zinnia",
    "/usr/local/share/tegaki/models/zinnia",
)

CANVAS = 1000
"""Points are scaled into a CANVAS×CANVAS square before classification (the model's own scale)."""
DOMAIN_MARGIN = 0.25
"""A domain character moves ahead of a non-domain one whose score is higher by less than this."""
ORDER_PENALTY = 0.8
"""Subtracted from the score of a character found only in a neighbour-swapped stroke order."""
ORDER_VARIANT_MAX_STROKES = 5
"""Stroke-order tolerance applies up to this many strokes (it costs one classification per stroke)."""
POOL = 30
"""Candidates asked of Zinnia beyond ``top``, so that re-ranking can bring one up from below."""
MAX_STROKES = 40
"""Strokes classified per character (the most complex GB 2312 characters have about 30); more are dropped."""
MAX_POINTS_PER_STROKE = 16
"""Points per stroke given to Zinnia: its work grows as 2^points in the worst case (≈1 MB, 1 ms at 16)."""
MIN_STEP = 4
"""Points closer than this (canvas units, 0.4 % of the square) to the previous kept point are dropped."""
MAX_THINNED_POINTS = 1024
"""Above this many points (after MIN_STEP), a stroke is first sampled evenly down to this many."""
CORNER_TOLERANCE = 10.0
"""A point nearer than this (canvas units) to the chord of its piece is not a corner; Zinnia's own is ≈32."""
MAX_JSON_BYTES = 4_000_000
"""``kiosk recognize`` refuses a larger strokes document (a written character is a few kilobytes)."""

Point = tuple[float, float]
Stroke = Sequence[Point]


UNAVAILABLE = "handwriting recognizer unavailable: "
"""How every RecognizerUnavailable message begins."""


class RecognizerUnavailable(KioskError):
    """The Zinnia library or the handwriting model is missing or unusable."""

    exit_code = 3


class StrokesFormatError(KioskError):
    """A strokes JSON document is not valid (``kiosk recognize``)."""

    exit_code = 2


@dataclass(frozen=True)
class Candidate:
    """One recognized character and its score (higher is better; Zinnia's SVM score, roughly -2…2)."""

    char: str
    score: float


@dataclass(frozen=True)
class StrokeInput:
    """A written character as ``kiosk recognize`` reads it: canvas size and strokes of (x, y) points."""

    width: float
    height: float
    strokes: tuple[tuple[Point, ...], ...]


# --------------------------------------------------------------------------------------------------
# Finding and loading the library and the model


def _bundle_dirs() -> list[Path]:
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle:
        return []
    return [Path(bundle) / BUNDLE_DIR, Path(bundle)]


def library_candidates() -> list[str]:
    """Where the Zinnia library is looked for, in order (after an explicit path and LIBRARY_ENV)."""
    found: list[str] = [str(d / LIBRARY_NAME) for d in _bundle_dirs()]
    multiarch = sysconfig.get_config_var("MULTIARCH")
    folders = [f"/usr/lib/{multiarch}"] if multiarch else []
    folders += ["/usr/lib64", "/usr/lib", "/usr/local/lib"]
    found += [f"{folder}/{LIBRARY_NAME}" for folder in folders]
    return found


def find_library(explicit: str | Path | None = None) -> str:
    """The path (or loadable name) of the Zinnia library; RecognizerUnavailable when there is none.

    Order: ``explicit`` (from configuration), ``$KIOSK_ZINNIA_LIBRARY``, the packaged build's
    ``zinnia/`` folder, the usual system folders, then ``ctypes.util.find_library('zinnia')``.
    """
    chosen = explicit or os.environ.get(LIBRARY_ENV)
    if chosen:
        if not Path(chosen).is_file():
            what = "the configured Zinnia library" if explicit else f"the Zinnia library named by {LIBRARY_ENV}"
            raise RecognizerUnavailable(f"{UNAVAILABLE}{what} does not exist: {chosen}")
        return str(chosen)
    for candidate in library_candidates():
        if Path(candidate).is_file():
            return candidate
    name = ctypes.util.find_library("zinnia")
    if name:
        return name
    raise RecognizerUnavailable(
        f"{UNAVAILABLE}the Zinnia library ({LIBRARY_NAME}) is not installed; "
        f"install the Debian package {LIBRARY_PACKAGE} (apt-get install {LIBRARY_PACKAGE}) "
        f"or set {LIBRARY_ENV} to its path"
    )


def model_candidates() -> list[Path]:
    """Where the model is looked for, in order (after an explicit path and MODEL_ENV)."""
    folders = [*_bundle_dirs(), *(Path(d) for d in SYSTEM_MODEL_DIRS), Path.home() / ".tegaki/models/zinnia"]
    return [folder / MODEL_NAME for folder in folders]


def find_model(explicit: str | Path | None = None) -> Path:
    """The Zinnia model file; RecognizerUnavailable when there is none.

    Order: ``explicit`` (from configuration), ``$KIOSK_ZINNIA_MODEL``, the packaged build's
    ``zinnia/`` folder, ``/usr/share/tegaki/models/zinnia`` (Debian), ``/usr/local/share/…``, ``~/.tegaki``.
    """
    chosen = explicit or os.environ.get(MODEL_ENV)
    if chosen:
        if not Path(chosen).is_file():
            what = "the configured handwriting model" if explicit else f"the handwriting model named by {MODEL_ENV}"
            raise RecognizerUnavailable(f"{UNAVAILABLE}{what} does not exist: {chosen}")
        return Path(chosen)
    for candidate in model_candidates():
        if candidate.is_file():
            return candidate
    raise RecognizerUnavailable(
        f"{UNAVAILABLE}the Simplified Chinese model ({MODEL_NAME}) is not installed; "
        f"install the Debian package {MODEL_PACKAGE} (apt-get install {MODEL_PACKAGE}) "
        f"or set {MODEL_ENV} to its path"
    )


_VP = ctypes.c_void_p
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "zinnia_version": (ctypes.c_char_p, []),
    "zinnia_recognizer_new": (_VP, []),
    "zinnia_recognizer_destroy": (None, [_VP]),
    "zinnia_recognizer_open": (ctypes.c_int, [_VP, ctypes.c_char_p]),
    "zinnia_recognizer_close": (ctypes.c_int, [_VP]),
    "zinnia_recognizer_size": (ctypes.c_size_t, [_VP]),
    "zinnia_recognizer_strerror": (ctypes.c_char_p, [_VP]),
    "zinnia_recognizer_classify": (_VP, [_VP, _VP, ctypes.c_size_t]),
    "zinnia_character_new": (_VP, []),
    "zinnia_character_destroy": (None, [_VP]),
    "zinnia_character_set_width": (None, [_VP, ctypes.c_size_t]),
    "zinnia_character_set_height": (None, [_VP, ctypes.c_size_t]),
    "zinnia_character_clear": (None, [_VP]),
    "zinnia_character_add": (ctypes.c_int, [_VP, ctypes.c_size_t, ctypes.c_int, ctypes.c_int]),
    "zinnia_result_value": (ctypes.c_char_p, [_VP, ctypes.c_size_t]),
    "zinnia_result_score": (ctypes.c_float, [_VP, ctypes.c_size_t]),
    "zinnia_result_size": (ctypes.c_size_t, [_VP]),
    "zinnia_result_destroy": (None, [_VP]),
}

_libraries: dict[str, ctypes.CDLL] = {}
_libraries_lock = threading.Lock()


def load_library(path: str | Path | None = None) -> tuple[ctypes.CDLL, str]:
    """Load the Zinnia library (once per path) with every function's C signature declared.

    Returns the library and where it was found; RecognizerUnavailable when it is missing or unusable.
    """
    where = find_library(path)
    with _libraries_lock:
        lib = _libraries.get(where)
        if lib is None:
            try:
                lib = ctypes.CDLL(where)
            except OSError as exc:
                raise RecognizerUnavailable(
                    f"{UNAVAILABLE}cannot load the Zinnia library {where}: {exc}; "
                    f"reinstall the Debian package {LIBRARY_PACKAGE}"
                ) from exc
            for name, (restype, argtypes) in _SIGNATURES.items():
                try:
                    function = getattr(lib, name)
                except AttributeError as exc:
                    raise RecognizerUnavailable(
                        f"{UNAVAILABLE}{where} is not a usable Zinnia library "
                        f"(no {name}); install the Debian package {LIBRARY_PACKAGE}"
                    ) from exc
                function.restype = restype
                function.argtypes = argtypes
            _libraries[where] = lib
    return lib, where


def _free(lib: ctypes.CDLL, recognizer: int, character: int) -> None:
    """Release the native objects (run once, by close() or when the Recognizer is collected)."""
    lib.zinnia_character_destroy(character)
    lib.zinnia_recognizer_close(recognizer)
    lib.zinnia_recognizer_destroy(recognizer)


# --------------------------------------------------------------------------------------------------
# The recognizer


class Recognizer:
    """One opened Zinnia model; ``classify`` turns strokes into ranked candidates.

    Thread-safe (one lock around the native calls). Use as a context manager or call :meth:`close`;
    a Recognizer that is dropped without closing is freed when it is garbage-collected.
    """

    def __init__(self, model: str | Path | None = None, library: str | Path | None = None) -> None:
        lib, library_path = load_library(library)
        model_path = find_model(model)
        recognizer = lib.zinnia_recognizer_new()
        if not recognizer:
            raise RecognizerUnavailable(f"{UNAVAILABLE}zinnia_recognizer_new failed")
        if not lib.zinnia_recognizer_open(recognizer, os.fsencode(model_path)):
            reason = (lib.zinnia_recognizer_strerror(recognizer) or b"").decode("utf-8", "replace")
            lib.zinnia_recognizer_destroy(recognizer)
            raise RecognizerUnavailable(
                f"{UNAVAILABLE}cannot open the model {model_path}: {reason}; "
                f"reinstall the Debian package {MODEL_PACKAGE}"
            )
        character = lib.zinnia_character_new()
        self._lib = lib
        self._recognizer: int | None = recognizer
        self._character: int | None = character
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _free, lib, recognizer, character)
        self.library_path = library_path
        self.model_path = model_path
        self.version: str = (lib.zinnia_version() or b"?").decode("ascii", "replace")
        self.size: int = int(lib.zinnia_recognizer_size(recognizer))
        """How many characters the model knows."""

    # -- life cycle --------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._recognizer is None

    def close(self) -> None:
        """Free the native recognizer and character (idempotent)."""
        with self._lock:
            self._recognizer = None
            self._character = None
            self._finalizer()

    def __enter__(self) -> Recognizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.size} characters"
        return f"<Recognizer Zinnia {self.version} {self.model_path} ({state})>"

    # -- classification ----------------------------------------------------------------------------

    def classify(
        self,
        strokes: Sequence[Stroke],
        width: float,
        height: float,
        top: int = 10,
        *,
        domain_chars: Collection[str] | None = None,
        order_tolerant: bool = True,
    ) -> list[Candidate]:
        """The ``top`` best candidates for ``strokes`` written on a ``width``×``height`` canvas.

        ``strokes`` holds one sequence of (x, y) points per stroke, in writing order (y grows
        downwards). Empty strokes are ignored; no strokes give no candidates; the strokes are bounded
        first (:func:`bound_strokes`: the first MAX_STROKES, simplified). ``domain_chars``
        turns on domain re-ranking (:func:`rerank`); ``order_tolerant`` the neighbour-swap pass.
        """
        if not (width > 0 and height > 0 and math.isfinite(CANVAS / width) and math.isfinite(CANVAS / height)
                and math.isfinite(width) and math.isfinite(height)):
            raise ValueError(f"canvas size must be positive, got {width}×{height}")
        if top < 1:
            raise ValueError(f"top must be at least 1, got {top}")
        scaled = bound_strokes(strokes, width, height)
        if not scaled:
            return []
        nbest = top + POOL
        variants: list[list[list[tuple[int, int]]]] = []
        if order_tolerant and 2 <= len(scaled) <= ORDER_VARIANT_MAX_STROKES:
            for i in range(len(scaled) - 1):
                variants.append([*scaled[:i], scaled[i + 1], scaled[i], *scaled[i + 2:]])
        with self._lock:
            written = self._classify_locked(scaled, nbest)
            best = dict(written)
            for variant in variants:
                for char, score in self._classify_locked(variant, nbest):
                    adjusted = score - ORDER_PENALTY
                    if adjusted > best.get(char, -math.inf):
                        best[char] = adjusted
        ranked = [Candidate(c, s) for c, s in sorted(best.items(), key=lambda kv: kv[1], reverse=True)]
        if written:
            # The best reading of the order as written stays first: the swapped orders only fill the places below.
            head = written[0][0]
            ranked = [Candidate(head, best[head]), *(c for c in ranked if c.char != head)]
        if domain_chars:
            ranked = rerank(ranked, domain_chars)
        return ranked[:top]

    def _classify_locked(self, strokes: list[list[tuple[int, int]]], nbest: int) -> list[tuple[str, float]]:
        if self._recognizer is None or self._character is None:
            raise ValueError("the recognizer is closed")
        lib, character = self._lib, self._character
        lib.zinnia_character_clear(character)
        lib.zinnia_character_set_width(character, CANVAS)
        lib.zinnia_character_set_height(character, CANVAS)
        for index, stroke in enumerate(strokes):
            for x, y in stroke:
                lib.zinnia_character_add(character, index, x, y)
        result = lib.zinnia_recognizer_classify(self._recognizer, character, nbest)
        if not result:
            return []
        try:
            out = []
            for i in range(lib.zinnia_result_size(result)):
                value = lib.zinnia_result_value(result, i)
                if value:
                    out.append((value.decode("utf-8", "replace"), float(lib.zinnia_result_score(result, i))))
            return out
        finally:
            lib.zinnia_result_destroy(result)


def bound_strokes(strokes: Sequence[Stroke], width: float, height: float, *,
                  max_strokes: int | None = MAX_STROKES, max_points: int | None = MAX_POINTS_PER_STROKE,
                  min_step: int = MIN_STEP) -> list[list[tuple[int, int]]]:
    """Strokes as Zinnia is given them: scaled into the CANVAS square and clamped to it, points closer
    than ``min_step`` to the previous kept one dropped, empty strokes dropped, at most ``max_strokes``
    strokes (the first ones) of at most ``max_points`` points each (:func:`simplify`).

    Time is linear in the number of points and memory is bounded, whatever the input
    (ValueError for a point that is not a finite number).
    """
    sx, sy = CANVAS / width, CANVAS / height
    out: list[list[tuple[int, int]]] = []
    for stroke in strokes:
        if max_strokes is not None and len(out) >= max_strokes:
            break
        points: list[tuple[int, int]] = []
        last = (-CANVAS, -CANVAS)
        pending: tuple[int, int] | None = None
        for x, y in stroke:
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError(f"point ({x}, {y}) is not a finite number")
            # clamped before rounding: a huge coordinate times the scale is ±inf (never NaN: sx, sy > 0)
            point = (round(min(CANVAS, max(0.0, x * sx))), round(min(CANVAS, max(0.0, y * sy))))
            if abs(point[0] - last[0]) >= min_step or abs(point[1] - last[1]) >= min_step:
                points.append(point)
                last, pending = point, None
            elif point != last:
                pending = point  # the stroke's true end is kept even when it is close to the last kept point
        if pending is not None:
            points.append(pending)
        if not points:
            continue
        if max_points is not None:
            points = simplify(points, max_points)
        out.append(points)
    return out


def simplify(points: Sequence[tuple[int, int]], max_points: int = MAX_POINTS_PER_STROKE,
             tolerance: float = CORNER_TOLERANCE) -> list[tuple[int, int]]:
    """At most ``max_points`` of ``points``, first and last included: the corners of the stroke.

    Long strokes are first sampled evenly down to MAX_THINNED_POINTS; then, as Zinnia does, the piece
    whose farthest point lies farthest from its chord (the line through its ends) is split at that point,
    until ``max_points`` are kept or no point is more than ``tolerance`` from its piece's chord.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    if len(points) > MAX_THINNED_POINTS:
        step = (len(points) - 1) / (MAX_THINNED_POINTS - 1)
        points = [points[round(i * step)] for i in range(MAX_THINNED_POINTS)]
    if len(points) <= max_points:
        return list(points)
    limit = tolerance * tolerance
    kept = {0, len(points) - 1}
    pieces = [_farthest(points, 0, len(points) - 1)]
    while len(kept) < max_points and pieces:
        index = max(range(len(pieces)), key=lambda i: pieces[i][0])
        distance, first, split, last = pieces.pop(index)
        if distance <= limit:
            break
        kept.add(split)
        pieces += [piece for piece in (_farthest(points, first, split), _farthest(points, split, last))
                   if piece[2] >= 0]
    return [points[i] for i in sorted(kept)]


def _farthest(points: Sequence[tuple[int, int]], first: int, last: int) -> tuple[float, int, int, int]:
    """(squared distance, first, index, last) of the point between ``first`` and ``last`` farthest from
    their chord (from ``points[first]`` when the ends coincide); index -1 when there is none between."""
    (x0, y0), (x1, y1) = points[first], points[last]
    a, b = x1 - x0, y1 - y0
    norm = a * a + b * b
    best, where = -1.0, -1
    for i in range(first + 1, last):
        x, y = points[i]
        d = (a * (y - y0) - b * (x - x0)) ** 2 / norm if norm else float((x - x0) ** 2 + (y - y0) ** 2)
        if d > best:
            best, where = d, i
    return best, first, where, last


def rerank(candidates: Sequence[Candidate], domain_chars: Collection[str],
           margin: float = DOMAIN_MARGIN) -> list[Candidate]:
    """Prefer domain characters among close candidates.

    Going down the list, a domain character moves up past each non-domain candidate just ahead of
    it whose score is higher by less than ``margin``; it stops at a domain character or at a clear
    winner. Everything else keeps its order, and no score is changed.
    """
    out: list[Candidate] = []
    for candidate in candidates:
        place = len(out)
        if candidate.char in domain_chars:
            while (place > 0 and out[place - 1].char not in domain_chars
                   and out[place - 1].score - candidate.score < margin):
                place -= 1
        out.insert(place, candidate)
    return out


def is_cjk(char: str) -> bool:
    """True for a CJK unified ideograph (the characters the model can recognize)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def domain_chars(conn: sqlite3.Connection) -> frozenset[str]:
    """The Chinese characters of active services' names, category names and synonym words."""
    rows = conn.execute(
        """SELECT name FROM services WHERE status = 'active'
           UNION ALL SELECT alternate_name FROM services WHERE status = 'active' AND alternate_name IS NOT NULL
           UNION ALL SELECT name FROM categories
           UNION ALL SELECT word FROM synonyms"""
    )
    return frozenset(ch for (text,) in rows if text for ch in text if is_cjk(ch))


# --------------------------------------------------------------------------------------------------
# The shared recognizer, diagnosis and the strokes JSON format

_shared: Recognizer | None = None
_shared_lock = threading.Lock()


def shared_recognizer(model: str | Path | None = None, library: str | Path | None = None) -> Recognizer:
    """A process-wide Recognizer, opened on first use (RecognizerUnavailable when it cannot be).

    The arguments only matter for the first successful call.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared.closed:
            _shared = Recognizer(model, library)
        return _shared


def check_available(model: str | Path | None = None, library: str | Path | None = None) -> None:
    """RecognizerUnavailable unless the library loads and the model file is there — without opening
    the model, which maps its 27 MB into memory (the kiosk opens it when a resident first writes)."""
    load_library(library)
    find_model(model)


def release_shared() -> bool:
    """Close the shared recognizer, unmapping its model (about 27 MB of resident memory); True if one
    was open. The next :func:`shared_recognizer` opens it again (a few milliseconds). The kiosk calls
    this on the idle reset: most residents never write by hand."""
    global _shared
    with _shared_lock:
        shared, _shared = _shared, None
    if shared is None or shared.closed:
        return False
    shared.close()
    return True


def diagnose(model: str | Path | None = None, library: str | Path | None = None) -> str:
    """A one-line status for ``kiosk doctor``: ``ok: …`` or ``unavailable: …`` with the fix."""
    try:
        with Recognizer(model, library) as recognizer:
            probe = recognizer.classify([[(100, 500), (900, 500)]], CANVAS, CANVAS, top=1, order_tolerant=False)
            first = probe[0].char if probe else "nothing"
            return (f"ok: Zinnia {recognizer.version} ({recognizer.library_path}), model {recognizer.model_path} "
                    f"({recognizer.size} characters); a horizontal stroke reads as {first}")
    except RecognizerUnavailable as exc:
        return f"unavailable: {str(exc).removeprefix(UNAVAILABLE)}"


def parse_strokes_json(text: str) -> StrokeInput:
    """Read ``{"width": W, "height": H, "strokes": [[[x, y], …], …]}`` (StrokesFormatError if bad)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StrokesFormatError(f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise StrokesFormatError("not valid strokes JSON: lists are nested too deeply") from exc
    if not isinstance(data, dict):
        raise StrokesFormatError('expected an object {"width": W, "height": H, "strokes": [...]}')
    size = []
    for key in ("width", "height"):
        value = data.get(key)
        if (isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf)
                or not math.isfinite(CANVAS / value)):
            raise StrokesFormatError(f'"{key}" must be a positive number, got {value!r}')
        size.append(float(value))
    raw = data.get("strokes")
    if not isinstance(raw, list):
        raise StrokesFormatError('"strokes" must be a list of strokes, each a list of [x, y] points')
    strokes = tuple(_parse_stroke(stroke, i) for i, stroke in enumerate(raw))
    return StrokeInput(size[0], size[1], strokes)


def _parse_stroke(stroke: object, index: int) -> tuple[Point, ...]:
    if not isinstance(stroke, list):
        raise StrokesFormatError(f"stroke {index + 1} must be a list of [x, y] points")
    return tuple(_parse_point(point, index) for point in stroke)


def _parse_point(point: object, index: int) -> Point:
    if (not isinstance(point, list) or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in point)):
        raise StrokesFormatError(f"stroke {index + 1}: each point must be [x, y] numbers, got {point!r}")
    return (float(point[0]), float(point[1]))


def candidates_json(candidates: Iterable[Candidate]) -> str:
    """Candidates as the JSON list ``kiosk recognize`` prints."""
    return json.dumps([{"char": c.char, "score": round(c.score, 4)} for c in candidates], ensure_ascii=False)
