"""The one declaration of a listing's fields.

A *listing* is one service with its phones, opening hours, required documents, places and
languages. Each field is declared here once, on the dataclass that holds it, with a :class:`Spec`
in its metadata: its words for people (Chinese and English label), its kind (which check applies),
its flat-CSV column and the Chinese headers accepted for it, its HSDS column, its length limit and
how the worker's editor shows it. Repeated parts (phones, hours, documents, places) are declared
with a :class:`Group`: the entry dataclass, the table the rows live in, the CSV column prefix and
the HSDS resource.

Everything else is derived from these declarations: the editable-field list and the plain-word
labels of validation messages (:mod:`kiosk.core.listings.validation`), the rows a listing is stored
as (:mod:`kiosk.core.listings.editing`), the flat CSV columns (:mod:`kiosk.core.exchange.csv_io`),
the HSDS columns (:mod:`kiosk.core.exchange.hsds`) and the editor form (``kiosk/ui/admin/editor.py``).
``tests/core/test_listing_fields.py`` fails when a declared field does not reach the CSV or HSDS
export or the editor. Adding a field is one line here plus its schema step in
:mod:`kiosk.core.db.migrations` (the column name is the attribute name).

Where a problem is, is a :data:`FieldPath`: ``("name",)``, ``("phones", 2, "number")`` (the
second phone's number, 1-based as a worker counts), never a dotted string to be parsed back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Literal

Kind = Literal["id", "line", "text", "lines", "int", "latitude", "longitude", "choice", "category", "phone",
               "phones", "hours", "email", "url", "reference"]
"""What a value is, which decides how it is cleaned, checked and read from a spreadsheet cell:
``line``/``text`` free text (one line / several), ``lines`` a list of short texts (one per line in a
cell), ``int`` a whole number ≥ 0, ``latitude``/``longitude`` degrees, ``choice`` one of a fixed set,
``category`` a category id or name, ``phone``/``hours``/``email``/``url`` checked formats (``phones``:
a list of phone numbers, several in one cell), ``id``
and ``reference`` ids (of the listing, a place; of an organization)."""

Widget = Literal["line", "text", "choice"]
"""How the editor shows a field: a one-line edit, a multi-line edit, a drop-down."""

FieldPath = tuple[str | int, ...]
"""Where a value is in a listing: ``("email",)``, ``("phones", 2, "number")`` (1-based entry number)."""

SPEC = "kiosk.spec"
GROUP = "kiosk.group"


@dataclass(frozen=True)
class Spec:
    """One field of a listing or of one of its entries."""

    label: str
    """The field in plain Chinese words (``电话``), as validation messages and the editor name it."""
    label_en: str
    kind: Kind = "line"
    column: str | None = None
    """Flat-CSV column (for an entry field: the suffix after ``phone_1``, and ``""`` is the entry's main
    column ``phone_1`` itself; for a listing field ``""`` means not in the flat CSV). ``None``: the
    attribute name."""
    aliases: tuple[str, ...] = ()
    """Further headers accepted on import (Chinese ones); the label itself is always accepted."""
    hsds: str | None = None
    """HSDS column in the group's resource (``resource.column`` for another resource); ``None``: the
    attribute name; ``""``: not in HSDS (only for bookkeeping fields; the field test names them)."""
    limit: str | None = None
    """Key of the character limit in :data:`kiosk.core.limits.FIELD_MAX_CHARS` (``None``: the name)."""
    editor: Widget | None = "line"
    """How the editor shows it; ``None``: the editor keeps the stored value (``kept`` says why)."""
    kept: str = ""
    """Why a field is not in the editor (required when ``editor`` is None)."""
    hint: str = ""
    """An example for the editor's empty field (``如 0371-68123456``)."""
    required: str = ""
    """The message when the field is empty and must not be (empty: optional)."""
    stretch: int = 2
    """Width share of an entry field in an editor row."""
    sheet: str | None = None
    """A place field's column in the places sheet (one row per place; ``None``: the attribute name)."""
    stored_in: str | None = None
    """The table a place's field is stored in when not its own row's column (a place's ``hours`` are
    a ``schedules`` row, its ``phones`` ``phones`` rows, its ``accessibility`` notes ``accessibility``
    rows); ``None``: a column of the entry's own table."""


@dataclass(frozen=True)
class Group:
    """A repeated part of a listing (phones, opening hours, documents, places)."""

    label: str
    """One entry in plain Chinese words (``电话``; numbered ``电话 2`` in messages)."""
    label_en: str
    entry: type
    """The dataclass of one entry."""
    table: str
    """Where the rows are stored (their ``service_id`` is the listing's id)."""
    prefix: str
    """Flat-CSV columns ``<prefix>_<n>[_<column>]``."""
    hsds: str
    """The HSDS resource (``phone``, ``schedule`` …)."""
    add_text: str
    """The editor's button that adds one."""
    id_prefix: str
    """Stored rows get ids ``<service id>-<id_prefix>-<n>``."""


def spec(default: Any = None, **kw: Any) -> Any:
    """A dataclass field declared with its :class:`Spec` (``default`` as for ``dataclasses.field``)."""
    return field(default=default, metadata={SPEC: Spec(**kw)})


def group(**kw: Any) -> Any:
    """A list field of entries, declared with its :class:`Group`."""
    return field(default_factory=list, metadata={GROUP: Group(**kw)})


# ------------------------------------------------------------------------------ the declarations


@dataclass
class PhoneEntry:
    number: str = spec("", label="电话", label_en="Phone", kind="phone", column="", aliases=("电话", "电话号码"),
                       limit="phone", hint="电话号码，如 0371-68123456 或 13812345678", stretch=3)
    extension: str | None = spec(label="分机", label_en="Extension", limit="phone_extension", hint="分机",
                                 stretch=1)
    description: str | None = spec(label="说明", label_en="Note", limit="phone_description", hint="说明，如 前台")
    description_en: str | None = spec(label="英文说明", label_en="Note (English)", limit="phone_description",
                                      hint="英文说明，如 Front desk")
    type: str | None = spec(label="类型", label_en="Type", limit="phone_type", hint="类型，如 voice / fax",
                            stretch=1)


@dataclass
class HoursEntry:
    opening_hours: str = spec("", label="营业时间", label_en="Opening hours", kind="hours", column="",
                              aliases=("营业时间", "开放时间"), hint="营业时间，如 周一至周五 8:30-17:30", stretch=3)
    description: str | None = spec(label="说明", label_en="Note", limit="hours_description", hint="说明，如 午餐")
    description_en: str | None = spec(label="英文说明", label_en="Note (English)", limit="hours_description",
                                      hint="英文说明")


@dataclass
class DocumentEntry:
    document: str = spec("", label="所需材料", label_en="Document", column="", aliases=("所需材料", "材料"),
                         required="请写上材料的名称（如“身份证”），英文名称可以不填。", hint="所需材料，如 身份证",
                         stretch=3)
    document_en: str | None = spec(label="英文名称", label_en="Document (English)", column="en", limit="document",
                                   hint="英文，如 ID card")


@dataclass
class LocationEntry:
    id: str | None = spec(label="地点编号", label_en="Place id", kind="id", limit="location_id", editor=None,
                          sheet="location_id", kept="the place's id is given by the kiosk and never typed")
    name: str | None = spec(label="地点名称", label_en="Place name", limit="location_name", hint="地点名称",
                            aliases=("地点", "网点名称", "站点名称"), sheet="location_name")
    name_en: str | None = spec(label="英文名称", label_en="Place name (English)", limit="location_name",
                               hint="英文名称", sheet="location_name_en")
    address: str | None = spec(label="地址", label_en="Address", aliases=("地址",), hsds="address.address_1",
                               hint="地址，如 ××路 ×号", stretch=3)
    address_en: str | None = spec(label="英文地址", label_en="Address (English)", limit="address",
                                  hsds="address.address_en", hint="英文地址")
    community: str | None = spec(label="所在社区", label_en="Community", aliases=("所属社区", "社区", "街道"),
                                 hint="所在社区，如 峡窝镇")
    transportation: str | None = spec(label="交通", label_en="Getting there", hint="交通，如 乘公交到××站下车")
    latitude: float | None = spec(label="纬度", label_en="Latitude", kind="latitude", hint="纬度，如 34.80",
                                  stretch=1)
    longitude: float | None = spec(label="经度", label_en="Longitude", kind="longitude", hint="经度，如 113.30",
                                   stretch=1)
    hours: str | None = spec(label="开放时间", label_en="Opening hours", kind="hours", aliases=("营业时间",),
                             hsds="schedule.opening_hours", limit="opening_hours", stored_in="schedules",
                             hint="开放时间，如 周一至周五 8:30-12:00 14:30-17:30，节假日休息", stretch=3)
    phones: list[str] = field(default_factory=list, metadata={SPEC: Spec(
        label="电话", label_en="Phone", kind="phones", aliases=("联系电话",), hsds="phone.number", limit="phone",
        stored_in="phones", sheet="phone", hint="电话，如 0371-68123456（几个号码用顿号隔开）")})
    status: str = spec("active", label="状态", label_en="Status", kind="choice", editor="choice",
                       hint="在用 / 停用")
    accessibility: list[str] = field(default_factory=list, metadata={SPEC: Spec(
        label="无障碍设施", label_en="Accessibility", kind="lines", hsds="accessibility.description",
        stored_in="accessibility", hint="无障碍设施，如 无障碍坡道（多条用分号隔开）")})


@dataclass
class Listing:
    """One service with its phones, hours, documents, places and languages, as edited.

    Fields are in the order the editor shows them.
    """

    id: str | None = spec(label="编号", label_en="Id", kind="id", editor=None,
                          kept="the id is made from the name when a listing is created, and never changes")
    category_id: str = spec("", label="类别", label_en="Category", kind="category", column="category",
                            editor="choice", hsds="attribute.taxonomy_term_id",
                            required="必填，请选择一个类别")
    status: str = spec("active", label="状态", label_en="Status", kind="choice", editor="choice")
    name: str = spec("", label="名称", label_en="Name", limit="name", hint="如 社区老年食堂",
                     required="必填，请写上服务的名称（如“社区老年食堂”）。")
    name_en: str | None = spec(label="英文名称", label_en="Name (English)", hint="如 Community canteen")
    phones: list[PhoneEntry] = group(label="电话", label_en="Phone", entry=PhoneEntry, table="phones",
                                     prefix="phone", hsds="phone", add_text="＋ 添加电话", id_prefix="phone")
    hours: list[HoursEntry] = group(label="营业时间", label_en="Opening hours", entry=HoursEntry, table="schedules",
                                    prefix="hours", hsds="schedule", add_text="＋ 添加营业时间", id_prefix="hours")
    description: str | None = spec(label="简介", label_en="Description", editor="text", hint="服务内容")
    description_en: str | None = spec(label="英文简介", label_en="Description (English)", editor="text")
    eligibility_description: str | None = spec(label="服务对象", label_en="Who can use it", editor="text",
                                               aliases=("服务对象",), hint="如 60 岁以上老人")
    eligibility_description_en: str | None = spec(label="英文服务对象", label_en="Who can use it (English)",
                                                  editor="text")
    application_process: str | None = spec(label="办理方式", label_en="How to apply", editor="text",
                                           aliases=("怎样办理",), hint="如 带身份证到社区服务站办理")
    application_process_en: str | None = spec(label="英文办理方式", label_en="How to apply (English)",
                                              editor="text")
    fees_description: str | None = spec(label="收费", label_en="Fees", aliases=("费用",), hint="如 免费")
    fees_description_en: str | None = spec(label="英文收费", label_en="Fees (English)")
    url: str | None = spec(label="网址", label_en="Website", kind="url", hint="如 https://www.example.cn")
    email: str | None = spec(label="电子邮箱", label_en="Email", kind="email", aliases=("邮箱",),
                             hint="如 name@example.com")
    documents: list[DocumentEntry] = group(label="所需材料", label_en="Document", entry=DocumentEntry,
                                           table="required_documents", prefix="document",
                                           hsds="required_document", add_text="＋ 添加材料", id_prefix="doc")
    locations: list[LocationEntry] = group(label="地点", label_en="Place", entry=LocationEntry, table="locations",
                                           prefix="location", hsds="location", add_text="＋ 添加地点",
                                           id_prefix="loc")
    languages: list[str] = field(default_factory=list, metadata={SPEC: Spec(
        label="服务语言", label_en="Languages", kind="lines", aliases=("语言",), limit="language",
        hsds="language.name", stored_in="languages", hint="如 普通话、英语")})
    alternate_name: str | None = spec(label="别名", label_en="Also called", hint="如 老年餐桌")
    count: int | None = spec(label="数量", label_en="Count", kind="int", hint="如 28", stretch=1)
    count_unit: str | None = spec(label="数量单位", label_en="Count unit", hint="如 家")
    count_unit_en: str | None = spec(label="英文数量单位", label_en="Count unit (English)", hint="如 facilities")
    organization_id: str | None = spec(label="所属机构", label_en="Organization", kind="reference", editor=None,
                                       kept="set by HSDS imports, which bring the organization with it")
    origin: str = spec("worker", label="来源", label_en="Origin", kind="choice", column="", hsds="", editor=None,
                       kept="read-only: where the listing first came from ('seed', 'worker' or 'import')")


# ------------------------------------------------------------------------------ reading the declarations


@dataclass(frozen=True)
class Declared:
    """One declared field: its attribute name and its Spec (or, for a repeated part, its Group)."""

    name: str
    spec: Spec | None
    group: Group | None
    optional: bool
    """Empty is None (not ``""``): the field's default is None."""
    default: Any = None
    """The declared default (an entry holding only defaults is an empty form row)."""

    @property
    def column(self) -> str:
        """The flat-CSV column (entry fields: the suffix; ``""`` the main column)."""
        assert self.spec is not None
        return self.name if self.spec.column is None else self.spec.column

    @property
    def limit(self) -> str:
        assert self.spec is not None
        return self.spec.limit or self.name

    @property
    def hsds(self) -> str:
        assert self.spec is not None
        return self.name if self.spec.hsds is None else self.spec.hsds


def declared(cls: type) -> Iterator[Declared]:
    """The declared fields of ``cls`` (Listing or an entry class), in declaration order."""
    for f in fields(cls):
        yield _declared(f)


def _declared(f: Field[Any]) -> Declared:
    spec_ = f.metadata.get(SPEC)
    group_ = f.metadata.get(GROUP)
    if spec_ is None and group_ is None:
        raise TypeError(f"{f.name}: every listing field is declared with spec() or group()")
    default = None if f.default is MISSING else f.default
    return Declared(f.name, spec_, group_, f.default is None, default)


def scalars(cls: type) -> list[Declared]:
    """The single-valued fields (and ``lines`` lists) of ``cls``."""
    return [d for d in declared(cls) if d.spec is not None]


def groups() -> list[Declared]:
    """The repeated parts of a listing (phones, hours, documents, locations)."""
    return [d for d in declared(Listing) if d.group is not None]


def group_of(name: str) -> Group:
    for d in groups():
        if d.name == name:
            assert d.group is not None
            return d.group
    raise KeyError(name)


def spec_of(cls: type, name: str) -> Spec:
    for d in declared(cls):
        if d.name == name and d.spec is not None:
            return d.spec
    raise KeyError(name)


SERVICE_FIELDS: tuple[str, ...] = tuple(d.name for d in scalars(Listing)
                                        if d.name not in ("id", "origin") and d.spec and d.spec.kind != "lines")
"""Service columns a worker edits (everything else — origin, provenance, order — is kept)."""


def main_field(entry: type) -> str | None:
    """The entry field in the group's own column (``phone_1``: the number), if any."""
    return next((d.name for d in declared(entry) if d.spec is not None and d.spec.column == ""), None)


def label_of(path: FieldPath, lang: str = "zh") -> str:
    """A place in a listing in plain words: ``("phones", 2, "number")`` → ``电话 2``,
    ``("phones", 2, "description")`` → ``电话 2 说明``, ``("locations", 1, "address")`` → ``地点 1 地址``;
    ``lang="en"``: ``Phone 2``, ``Place 1 Address``."""
    en = lang == "en"
    head = str(path[0])
    if len(path) == 1:
        for d in declared(Listing):
            if d.name == head:
                if d.spec is not None:
                    return d.spec.label_en if en else d.spec.label
                if d.group is not None:
                    return d.group.label_en if en else d.group.label
        return head
    g = group_of(head)
    name = g.label_en if en else g.label
    where = f"{name} {path[1]}"
    if len(path) < 3 or str(path[2]) == main_field(g.entry):
        return where
    s = spec_of(g.entry, str(path[2]))
    return f"{where} {s.label_en if en else s.label}"
