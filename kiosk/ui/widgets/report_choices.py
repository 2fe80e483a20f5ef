"""The answers of the "信息有误 / this information is wrong" dialog, matched to what the page shows.

A page offers "地址不对" only where it shows an address, "电话不对" only where it shows a phone number and
"开放时间不对" only where it shows opening hours; "缺少信息" (something is missing), "已经关门或不再提供"
and "其他问题" always. The keys are the feedback kinds of :mod:`kiosk.core.workers.feedback`. A screen
passes what it shows (:class:`Shown`) and gets the list for
:meth:`kiosk.ui.widgets.choice.ChoiceOverlay.ask`::

    self.overlay.ask(question, report_choices(Shown(address=..., phone=..., hours=...), self.ctx.text),
                     cancel, self.report)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: (feedback kind, Chinese, English, which field of Shown it needs; None: always offered), in button order
CHOICES: tuple[tuple[str, str, str, str | None], ...] = (
    ("wrong_phone", "电话不对", "Wrong phone number", "phone"),
    ("wrong_address", "地址不对", "Wrong address", "address"),
    ("wrong_hours", "开放时间不对", "Wrong opening hours", "hours"),
    ("missing_info", "缺少信息", "Information missing", None),
    ("closed", "已经关门或不再提供", "Closed or no longer offered", None),
    ("other", "其他问题", "Something else", None),
)


@dataclass(frozen=True)
class Shown:
    """What the page shows of the listing (True: the resident can see it, so can say it is wrong).

    The default — nothing known — offers only the answers every page can take."""

    address: bool = False
    phone: bool = False
    hours: bool = False


def report_choices(shown: Shown = Shown(), text: Callable[[str, str], str] | None = None) -> list[tuple[str, str]]:
    """``(kind, label)`` for each answer that fits ``shown``; ``text(zh, en)`` picks the language (default:
    Chinese), e.g. ``AppContext.text``."""
    pick = text or (lambda zh, _en: zh)
    return [(kind, pick(zh, en)) for kind, zh, en, needs in CHOICES if needs is None or getattr(shown, needs)]


def report_kinds() -> tuple[str, ...]:
    """Every kind the dialog can send (for the screen's check of the tapped key)."""
    return tuple(kind for kind, *_ in CHOICES)
