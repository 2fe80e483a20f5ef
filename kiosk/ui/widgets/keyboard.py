"""The kiosk's touch keyboard: pinyin with a candidate bar, letters, digits, and extra pages (手写).

Why not Qt Virtual Keyboard: it does work embedded (an ``InputPanel`` in a ``QQuickWidget`` with
``QT_VIRTUALKEYBOARD_DESKTOP_DISABLE=1``; clicks on its keys reach a QLineEdit). But it needs
``QT_IM_MODULE=qtvirtualkeyboard`` set for the whole process before the QApplication exists (so it
changes every text field of the program and every test), its candidate bar is about 35 px high
with ~18 px text at kiosk widths (its style is compiled in; restyling means writing a whole style),
and its pinyin engine keeps a learning dictionary of what residents typed. This widget has keys of
the theme's touch size, a candidate bar fed by :mod:`kiosk.core.search.candidates` (words of the
kiosk's own listings first), learns nothing and keeps nothing.

Use::

    keyboard = TouchKeyboard(theme=ctx.theme)
    keyboard.set_target(line_edit)                 # where the text goes
    keyboard.set_candidate_source(vocab.candidates)  # letters → [Candidate(text, letters)]
    keyboard.add_page("手写", handwriting_pad)        # any widget; its textChosen(str) is connected

On the 拼音 page, typed letters are a *composition*: shown underlined in the field (an input-method
pre-edit, not yet part of ``text()``), announced by ``compositionChanged(str)`` so a search can use
them at once, and turned into characters by tapping a candidate (or the space bar: the first one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QInputMethodEvent, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import KEYBOARD_RULES_MARK, Theme, make_theme

PINYIN = "pinyin"
ABC = "abc"
NUMBERS = "123"

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NUMBER_ROWS = ("1234567890", "-.,/()#@:%")
MAX_COMPOSITION = 40
"""Letters beyond this are ignored (no name is that long in pinyin)."""


class CandidateLike(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def letters(self) -> int: ...


CandidateSource = Callable[[str], Sequence[CandidateLike]]


class _PageStack(QStackedWidget):
    """A stack as tall as the page it shows (QStackedWidget is as tall as its tallest page)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


def _key_button(text: str, key: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(f"key-{key}")
    button.setProperty("kbd", "key")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps its focus and cursor
    button.setAutoRepeat(False)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class TouchKeyboard(QWidget):
    """Large-key keyboard with pages 拼音 / ABC / 123 (+ pages added by others)."""

    compositionChanged = Signal(str)
    """The pinyin letters typed but not yet turned into characters ("" when none)."""
    textCommitted = Signal(str)
    """Text went into the target field (a candidate, a letter, a digit, a handwritten character)."""
    hideRequested = Signal()
    """The resident tapped 收起 (hide) to see more results."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TouchKeyboard")
        self._theme = theme or make_theme()
        self._target: QLineEdit | None = None
        self._source: CandidateSource | None = None
        self._composition = ""
        self._candidates: list[CandidateLike] = []
        self._first_shown = 0
        self._shown: list[CandidateLike] = []
        self._page = PINYIN
        self._keys: dict[str, QPushButton] = {}
        self._page_buttons: dict[str, QPushButton] = {}
        self._page_widgets: dict[str, QWidget] = {}
        self._labels: dict[str, str] = {}

        # candidate bar (拼音 page only): ‹ candidates ›
        self.candidate_bar = QWidget(self)
        self.candidate_bar.setObjectName("candidateBar")
        # the bar shows as many candidates as fit: it must never widen the keyboard itself
        self.candidate_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bar = QHBoxLayout(self.candidate_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self._bar = bar
        self.previous_button = _key_button("‹", "previous")
        self.previous_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.previous_button.clicked.connect(self.previous_candidates)
        self.next_button = _key_button("›", "next")
        self.next_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.next_button.clicked.connect(self.next_candidates)
        self.candidate_buttons: list[QPushButton] = []
        self._candidate_box = QWidget(self.candidate_bar)
        self._candidate_box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._candidate_row = QHBoxLayout(self._candidate_box)
        self._candidate_row.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(self.candidate_bar)
        self.hint.setObjectName("keyboardHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setProperty("role", "muted")
        self._candidate_row.addWidget(self.hint)
        self._candidate_row.addStretch(1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self._candidate_box, 1)
        bar.addWidget(self.next_button)

        # pages
        self.pages = _PageStack(self)
        self.letters_page = self._build_rows(LETTER_ROWS)
        self.numbers_page = self._build_rows(NUMBER_ROWS)
        self.pages.addWidget(self.letters_page)
        self.pages.addWidget(self.numbers_page)
        self._page_widgets = {PINYIN: self.letters_page, ABC: self.letters_page, NUMBERS: self.numbers_page}

        # bottom row: page tabs, space, backspace, hide
        self.tab_group = QButtonGroup(self)
        self.tab_group.setExclusive(True)
        self._bottom = QHBoxLayout()
        self._tabs = QHBoxLayout()
        self._bottom.addLayout(self._tabs)
        for key in (PINYIN, ABC, NUMBERS):
            self._add_tab(key)
        self.space_button = _key_button("", "space")
        self.space_button.clicked.connect(self.press_space)
        self.backspace_button = _key_button("⌫", "backspace")
        self.backspace_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.backspace_button.setAutoRepeat(True)
        self.backspace_button.clicked.connect(self.backspace)
        self.hide_button = _key_button("", "hide")
        self.hide_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.hide_button.clicked.connect(self.hideRequested.emit)
        self._bottom.addWidget(self.space_button, 1)
        self._bottom.addWidget(self.backspace_button)
        self._bottom.addWidget(self.hide_button)

        self.page_layout = QVBoxLayout(self)
        self.page_layout.setContentsMargins(0, 0, 0, 0)
        self.page_layout.addStretch(1)  # when given more height (landscape), keys sit at the bottom
        self.page_layout.addWidget(self.candidate_bar)
        self.page_layout.addWidget(self.pages)
        self.page_layout.addLayout(self._bottom)
        self.retranslate()
        self.apply_theme(self._theme)
        self.set_page(PINYIN)

    # -- building ---------------------------------------------------------------------------------
    def _build_rows(self, rows: Sequence[str]) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        widest = max(len(r) for r in rows)
        for row in rows:
            line = QHBoxLayout()
            line.setContentsMargins(0, 0, 0, 0)
            side = widest - len(row)  # half a key of space per missing key on each side
            if side:
                line.addStretch(side)
            for ch in row:
                key = _key_button(ch, ch)
                key.clicked.connect(lambda _=False, c=ch: self.press(c))
                line.addWidget(key, 2)
                self._keys[ch] = key
            if side:
                line.addStretch(side)
            column.addLayout(line)
        return page

    def _add_tab(self, key: str) -> QPushButton:
        tab = _key_button("", f"page-{key}")
        tab.setProperty("kbd", "tab")
        tab.setCheckable(True)
        tab.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        tab.clicked.connect(lambda _=False, k=key: self.set_page(k))
        self.tab_group.addButton(tab)
        self._tabs.addWidget(tab)
        self._page_buttons[key] = tab
        return tab

    def add_page(self, label: str, widget: QWidget) -> None:
        """Add a page (e.g. the handwriting pad) with a tab called ``label``.

        If the widget has a ``textChosen(str)`` signal, what it emits goes into the target field; if it
        has a ``page_title()`` method, the tab shows what it returns (in the current language).
        """
        if label in self._page_widgets:
            raise ValueError(f"the keyboard already has a page {label!r}")
        widget.setParent(self)
        self.pages.addWidget(widget)
        self._page_widgets[label] = widget
        self._labels[label] = label
        self._add_tab(label).setText(self._page_title(label))
        chosen = getattr(widget, "textChosen", None)
        if chosen is not None:
            chosen.connect(self.insert_text)
        apply = getattr(widget, "apply_theme", None)
        if callable(apply):
            apply(self._theme)

    # -- public API -------------------------------------------------------------------------------
    def set_target(self, line_edit: QLineEdit | None) -> None:
        """The field the keyboard types into (None: nowhere)."""
        if self._target is not None and self._composition:
            self._set_composition("")
        self._target = line_edit

    def target(self) -> QLineEdit | None:
        return self._target

    def set_candidate_source(self, source: CandidateSource | None) -> None:
        """``source(letters) → [candidate with .text and .letters]``, best first."""
        self._source = source
        self._refresh_candidates()

    def page(self) -> str:
        return self._page

    def page_names(self) -> list[str]:
        return list(self._page_buttons)

    def set_page(self, key: str) -> None:
        """Show page ``key`` (``pinyin``, ``abc``, ``123`` or an added page's label)."""
        if key not in self._page_widgets:
            raise KeyError(f"no keyboard page {key!r}")
        if key != PINYIN and self._composition:
            self.commit_letters()
        self._page = key
        self.pages.setCurrentWidget(self._page_widgets[key])
        self._page_buttons[key].setChecked(True)
        self.candidate_bar.setVisible(key == PINYIN)
        self.space_button.setVisible(key in (PINYIN, ABC, NUMBERS))
        self.backspace_button.setVisible(key in (PINYIN, ABC, NUMBERS))

    def key_button(self, key: str) -> QPushButton:
        """The button of a letter or digit key (for tests and scripted demos)."""
        return self._keys[key]

    def page_button(self, key: str) -> QPushButton:
        return self._page_buttons[key]

    def composition(self) -> str:
        """Pinyin letters typed on the 拼音 page and not yet turned into characters."""
        return self._composition

    def candidates(self) -> list[str]:
        """The candidates on the bar now, left to right."""
        return [c.text for c in self._shown]

    def all_candidates(self) -> list[str]:
        return [c.text for c in self._candidates]

    def reset(self) -> None:
        """Forget everything (idle reset): composition, candidates, back to the 拼音 page."""
        self._set_composition("")
        for widget in self._page_widgets.values():
            clear = getattr(widget, "clear", None)
            if widget not in (self.letters_page, self.numbers_page) and callable(clear):
                clear()
        self.set_page(PINYIN)

    # -- typing -----------------------------------------------------------------------------------
    def press(self, ch: str) -> None:
        """A letter or digit key was tapped."""
        if self._page == PINYIN and ch.isascii() and ch.isalpha():
            if len(self._composition) < MAX_COMPOSITION:
                self._set_composition(self._composition + ch)
            return
        self.insert_text(ch)

    def press_space(self) -> None:
        """Space: the first candidate while composing, else a space."""
        if self._composition:
            if self._candidates:
                self.choose(0)
            else:
                self.commit_letters()
            return
        self.insert_text(" ")

    def backspace(self) -> None:
        """Delete the last composed letter, else the character before the cursor."""
        if self._composition:
            self._set_composition(self._composition[:-1])
        elif self._target is not None:
            self._target.backspace()

    def choose(self, index: int) -> None:
        """Take candidate ``index`` of the bar: its text goes in, its letters leave the composition."""
        if not 0 <= index < len(self._shown):
            return
        candidate = self._shown[index]
        rest = self._composition[candidate.letters:]
        self._composition = ""
        self._commit(candidate.text)
        self._set_composition(rest)

    def commit_letters(self) -> None:
        """Put the composed letters themselves into the field (search understands pinyin too)."""
        letters = self._composition
        self._composition = ""
        self._commit(letters)
        self._set_composition("")

    def insert_text(self, text: str) -> None:
        """Insert ``text`` at the cursor (ends any composition first, keeping its letters)."""
        if self._composition:
            self.commit_letters()
        self._commit(text)

    def _commit(self, text: str) -> None:
        if self._target is not None:
            event = QInputMethodEvent("", [])
            event.setCommitString(text)
            QCoreApplication.sendEvent(self._target, event)
        if text:
            self.textCommitted.emit(text)

    def _set_composition(self, letters: str) -> None:
        changed = letters != self._composition or letters == ""
        self._composition = letters
        if self._target is not None:
            attrs = [QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.Cursor, len(letters), 1, None)]
            QCoreApplication.sendEvent(self._target, QInputMethodEvent(letters, attrs))
        self._refresh_candidates()
        if changed:
            self.compositionChanged.emit(letters)

    # -- candidate bar ----------------------------------------------------------------------------
    def _refresh_candidates(self) -> None:
        found: list[CandidateLike] = []
        if self._composition and self._source is not None:
            found = list(self._source(self._composition))
        self._candidates = found
        self._first_shown = 0
        self._fill_bar()

    def next_candidates(self) -> None:
        if self._first_shown + len(self._shown) < len(self._candidates):
            self._first_shown += len(self._shown)
            self._fill_bar()

    def previous_candidates(self) -> None:
        if self._first_shown == 0:
            return
        # step back by as many as fit before the current first one
        start = self._first_shown
        width = self._bar_width()
        used = 0
        while start > 0:
            w = self._candidate_width(self._candidates[start - 1].text)
            if used + w > width and used:
                break
            used += w + self._gap()
            start -= 1
        self._first_shown = start
        self._fill_bar()

    def _gap(self) -> int:
        return max(6, self._theme.spacing // 2)

    def _border(self) -> int:
        return 3 if self._theme.contrast else 2

    def _candidate_width(self, text: str) -> int:
        """The width a candidate button takes (its style sheet: padding ``spacing`` each side)."""
        t = self._theme
        metrics = QFontMetrics(t.font(t.heading_px))
        content = max(t.min_target - 8, metrics.horizontalAdvance(text))  # the style sheet's min-width, or the text
        return content + 2 * t.spacing + 2 * (self._border() + 1) + 2

    def _bar_width(self) -> int:
        """Room for candidates: the bar less its two arrows (always there while candidates show)."""
        arrows = 2 * (self._theme.min_target + self._gap())
        width = self.candidate_bar.width() or self.width() or 1000
        return max(self._theme.min_target, width - arrows - 2)

    def _fill_bar(self) -> None:
        width = self._bar_width()
        shown: list[CandidateLike] = []
        used = 0
        for candidate in self._candidates[self._first_shown:]:
            w = self._candidate_width(candidate.text)
            if shown and used + w > width:
                break
            shown.append(candidate)
            used += w + self._gap()
        self._shown = shown
        while len(self.candidate_buttons) < len(shown):
            index = len(self.candidate_buttons)
            button = _key_button("", f"candidate-{index}")
            button.setProperty("kbd", "candidate")
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, i=index: self.choose(i))
            self._candidate_row.insertWidget(index, button)
            self.candidate_buttons.append(button)
        for index, button in enumerate(self.candidate_buttons):
            if index < len(shown):
                button.setText(shown[index].text)
                button.setFixedWidth(self._candidate_width(shown[index].text))
                button.setProperty("best", index == 0 and self._first_shown == 0)
                button.style().unpolish(button)
                button.style().polish(button)
                button.show()
            else:
                button.hide()
        self.previous_button.setEnabled(self._first_shown > 0)
        self.next_button.setEnabled(self._first_shown + len(shown) < len(self._candidates))
        self.previous_button.setVisible(bool(shown))
        self.next_button.setVisible(bool(shown))
        self.hint.setVisible(not shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._candidates:
            self._fill_bar()

    # -- look and language ------------------------------------------------------------------------
    def retranslate(self) -> None:
        names = {PINYIN: self.tr("拼音"), ABC: "ABC", NUMBERS: "123"}
        for key, button in self._page_buttons.items():
            button.setText(names.get(key) or self._page_title(key))
        self.space_button.setText(self.tr("空格"))
        self.hint.setText(self.tr("打拼音或首字母，再点上面的字词"))
        self.hide_button.setText(self.tr("收起"))

    def _page_title(self, key: str) -> str:
        """The tab text of an added page: its widget's ``page_title()`` (translated), else its label."""
        title = getattr(self._page_widgets.get(key), "page_title", None)
        return str(title()) if callable(title) else self._labels.get(key, key)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def min_text_px(self) -> int:
        """The smallest text on the keyboard (the accessibility audit checks it)."""
        return self._theme.body_px

    def _rules_from_ancestor(self) -> bool:
        """True when a parent's style sheet already has the keyboard's rules (a screen's Theme.qss())."""
        parent = self.parentWidget()
        while parent is not None:
            if KEYBOARD_RULES_MARK in parent.styleSheet():
                return True
            parent = parent.parentWidget()
        return False

    def apply_theme(self, theme: Theme) -> None:
        """Key sizes from the theme's touch target, colours from its palette."""
        self._theme = theme
        t = theme
        gap = self._gap()
        for page in (self.letters_page, self.numbers_page):
            layout = page.layout()
            if layout is not None:
                layout.setSpacing(gap)
                for i in range(layout.count()):
                    item = layout.itemAt(i)
                    row = item.layout() if item is not None else None
                    if row is not None:
                        row.setSpacing(gap)
        self._bottom.setSpacing(gap)
        self._tabs.setSpacing(gap)
        self._candidate_row.setSpacing(gap)
        self._bar.setSpacing(gap)
        self.page_layout.setSpacing(gap)
        self.candidate_bar.setFixedHeight(t.min_target)
        # Every size is in the style sheet (the theme's sheet gives all buttons a min-width, so sizes set
        # in code would be undone at the next polish): Theme.keyboard_qss(). Inside a screen the screen's
        # sheet carries those rules already (Theme.qss()), so the keyboard has none of its own: a theme
        # switch then re-polishes its keys once, not twice. Elsewhere (the worker tools) it sets them.
        sheet = "" if self._rules_from_ancestor() else t.keyboard_qss()
        if sheet != self.styleSheet():  # the same sheet again would still re-polish every key (≈ 10 ms)
            self.setStyleSheet(sheet)
        for widget in self._page_widgets.values():
            apply = getattr(widget, "apply_theme", None)
            if widget not in (self.letters_page, self.numbers_page) and callable(apply):
                apply(theme)
        if self._candidates:
            self._fill_bar()
