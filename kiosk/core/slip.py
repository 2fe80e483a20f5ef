"""What a resident takes away from a listing: the QR code's text and the printed slip (no Qt here).

One :class:`Slip` per place of a service (:func:`place_slip`) or for the service itself
(:func:`service_slip`): the service's name, the place's name, its address, its hours in words and
its phones. The same slip gives the text of the QR code on the screen (:meth:`Slip.qr_text`) and
the lines printed on paper with that same code (:meth:`Slip.print_lines`, laid out by
kiosk.ui.printing), so the code on the slip and on the screen carry the same text.

What is not recorded is said plainly ("暂未收录"), with the number to ask (12345) — nothing is
guessed. The words of the detail page's sections (能办什么, 在哪里, …) are here too
(:func:`word`), so the page and the slip say the same thing in both languages.

The QR text is plain lines, not a vCard: the scanners residents use (WeChat, Alipay, the phone
camera) show plain text as it is, Chinese included, and make the ``tel:`` line and the numbers in it
tappable; a vCard shows up in WeChat as its raw ``BEGIN:VCARD`` source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.core.hours.wording import describe
from kiosk.core.models import ServiceDetail
from kiosk.core.places import HELP_NUMBER, PlaceView
from kiosk.core.qrtext import fit_text

WORDS: dict[str, tuple[str, str]] = {
    "what": ("能办什么", "What you can do"),
    "where": ("在哪里", "Where"),
    "hours": ("几点开门", "Opening hours"),
    "call": ("打谁电话", "Whom to call"),
    "bring": ("带什么", "What to bring"),
    "source": ("资料来源", "Source"),
    "how": ("怎样办理", "How to apply"),
    "who": ("服务对象", "Who it is for"),
    "fees": ("费用", "Fees"),
    "count": ("数量", "How many"),
    "languages": ("服务语言", "Languages"),
    "url": ("网址", "Website"),
    "email": ("电子邮箱", "Email"),
    "unknown": (f"暂未收录 — 请拨打 {HELP_NUMBER} 咨询", f"Not recorded yet — please call {HELP_NUMBER}"),
    "not_recorded": ("暂未收录", "not recorded yet"),
    "ask": (f"暂未收录的信息请拨打 {HELP_NUMBER} 咨询", f"For what is not recorded, call {HELP_NUMBER}"),
    "address": ("地址：", "Address: "),
    "opening": ("开放时间：", "Hours: "),
    "phone": ("电话：", "Phone: "),
    "place": ("地点：", "Place: "),
    "see_places": ("各地点的开放时间见上面", "See each place above"),
    "tag": ("上街社区服务终端", "Shangjie Community Services"),
    "printed": ("上街区社区服务终端 打印于 {when}", "Shangjie community-services terminal · printed {when}"),
    "print": ("打印", "Print"),
    "print_place": ("打印这个地点", "Print this place"),
    "scan": ("用手机扫下面的码，把这些信息存到手机（无需上网）", "Scan the code below to keep these details on your "
             "phone (no internet needed)"),
    "printing": ("正在打印，请在下方取纸", "Printing — please take the slip from below"),
    "print_failed": ("打印机暂时不能用，请拍照或记下电话", "The printer is not working now — please take a photo "
                     "or write down the phone number"),
}
"""Chinese and English of each word the detail page and the slip share."""


def word(key: str, lang: str) -> str:
    """The word ``key`` of :data:`WORDS` in ``lang`` ("en": English, anything else: Chinese)."""
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def _pick(lang: str, zh: str | None, en: str | None) -> str:
    return ((en if lang == "en" and en else zh) or "").strip()


def hours_words(expr: str | None, lang: str) -> str:
    """Stored hours in words ("周一至周五 8:30–17:30"), "" when none are recorded."""
    return describe(expr, "en" if lang == "en" else "zh") if expr else ""


@dataclass(frozen=True)
class Slip:
    """One listing or place, as a resident takes it away (texts already in ``lang``)."""

    lang: str
    title: str
    """The service's name."""
    place: str = ""
    """The place's name ("" for the service itself, or when the place has no name of its own)."""
    address: str = ""
    hours: tuple[str, ...] = ()
    """Opening hours in words, one line per schedule."""
    phones: tuple[str, ...] = ()

    @property
    def missing(self) -> bool:
        return not (self.address and self.hours and self.phones)

    def fields(self) -> list[tuple[str, str]]:
        """(caption, value) of the address, the hours and the phones, "暂未收录" where not recorded."""
        unknown = word("not_recorded", self.lang)
        sep = "; " if self.lang == "en" else "；"
        return [(word("address", self.lang), self.address or unknown),
                (word("opening", self.lang), sep.join(self.hours) or unknown),
                (word("phone", self.lang), sep.join(self.phones) or unknown)]

    def qr_text(self) -> str:
        """The QR code's text: name, place, address, hours in words, then each phone as a ``tel:`` line
        (what is not recorded says "暂未收录" and where to ask). Within the QR size: shorter forms
        when too long (all phones → the first phone → the name and first phone → the name, cut)."""
        head = [self.title, *([self.place] if self.place and self.place != self.title else [])]
        lines = [*head, *(caption + value for caption, value in self.fields()[:2])]
        tels = [f"tel:{number.replace(' ', '')}" for number in self.phones]
        if not tels:
            lines.append(word("phone", self.lang) + word("not_recorded", self.lang))
            tels = [f"tel:{HELP_NUMBER}"]
        tail = [word("ask", self.lang)] if self.missing else []
        tag = word("tag", self.lang)
        return fit_text(["\n".join([*lines, *tels, *tail, tag]), "\n".join([*lines, *tels, *tail]),
                         "\n".join([*lines, *tels[:1]]), "\n".join([*head, *tels[:1]]), "\n".join(head)])

    def print_lines(self, when: datetime) -> list[tuple[str, str]]:
        """The printed slip top to bottom as (kind, text): "title", "place", "field" lines ("地址：…",
        one per phone), "note" (where to ask; what the code is) and "footer" ("上街区社区服务终端 打印于 …");
        the QR code follows."""
        out = [("title", self.title)]
        if self.place and self.place != self.title:
            out.append(("place", self.place))
        address, opening, phone = self.fields()
        out += [("field", address[0] + address[1]), ("field", opening[0] + opening[1])]
        out += [("field", phone[0] + number) for number in self.phones] or [("field", phone[0] + phone[1])]
        if self.missing:
            out.append(("note", word("ask", self.lang)))
        out.append(("note", word("scan", self.lang)))
        stamp = when.strftime("%Y-%m-%d %H:%M")
        out.append(("footer", word("printed", self.lang).replace("{when}", stamp)))
        return out


def place_slip(service_name: str, view: PlaceView, lang: str) -> Slip:
    """The slip of one place of a service (its own address, hours and phones)."""
    p = view.place
    return Slip(lang=lang, title=service_name, place=_pick(lang, p.name, p.name_en),
                address=_pick(lang, p.address, p.address_en),
                hours=tuple(h for h in [hours_words(p.hours, lang)] if h), phones=tuple(p.phones))


def service_slip(detail: ServiceDetail, lang: str) -> Slip:
    """The slip of the service itself: its own hours and phones; the address (and the place's hours
    and phones where the service records none) when it has exactly one place."""
    title = _pick(lang, detail.name, detail.name_en)
    hours = tuple(h for s in detail.schedules if (h := hours_words(s.opening_hours, lang)))
    phones = tuple(p.number for p in detail.phones)
    address = place = ""
    if len(detail.locations) == 1:
        only = detail.locations[0]
        address = _pick(lang, only.address, only.address_en)
        place = _pick(lang, only.name, only.name_en)
        hours = hours or tuple(h for h in [hours_words(only.hours, lang)] if h)
        phones = phones or tuple(only.phones)
    return Slip(lang=lang, title=title, place=place, address=address, hours=hours, phones=phones)
