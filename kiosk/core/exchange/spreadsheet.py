"""Reading and writing the spreadsheets community workers really have (Excel and WPS on Chinese Windows).

Why: workers keep their lists in Excel or WPS. Asking them to "save as CSV UTF-8" first lost most of
them at the first step: Excel's plain "CSV（逗号分隔）" on Chinese Windows is GBK, "Unicode 文本" is
UTF-16 with TABs, and most people simply send the ``.xlsx``. This module reads all of those into the
same :class:`~kiosk.core.exchange.csv_io.Table` the importers already use, with the same contract as
``csv_io.read_table``: row numbers are the spreadsheet's (the header is row 1), blank rows are
skipped, duplicate header cells are reported, and every limit of :mod:`kiosk.core.limits` is
enforced with the same messages. Problems come back as :class:`ImportProblem` lists, never raised.

What decides the format is what is *inside* the file, not its name (people rename files):

* a zip with ``xl/workbook.xml`` is an Excel workbook (``.xlsx``/``.xlsm``), read with openpyxl in
  read-only mode, after the zip's declared sizes and the sheet's declared dimension are checked
  against the limits (a zip bomb or a million-row sheet is refused before it is parsed);
* an old binary Excel ``.xls``, a WPS ``.et``, an OpenDocument ``.ods``, a binary ``.xlsb``, an HTML
  or XML "xls" that some systems export: refused with a message saying to save as ``.xlsx`` (no small,
  well-kept library reads ``.xls`` *and* ``.et`` reliably; one "另存为" step is cheaper than a parser
  for each of them);
* a password-protected workbook (an encrypted OLE container) is one message saying to remove the password;
* anything else is delimited text: the encoding is detected (:func:`detect_encoding`: byte-order mark,
  then strict UTF-8, then GB18030, the superset of GBK), the delimiter is sniffed from the header line
  (comma, TAB or semicolon, whichever occurs most outside quotes; a tie goes to TAB for UTF-16, which
  Excel writes TAB-separated, else to comma), unless the file begins with Excel's ``sep=;`` line.

Cells of a workbook come back as the text a worker sees: whole numbers without ``.0``
(``13812345678``), other numbers with at most 15 significant digits (Excel's own precision, so
``0.1+0.2`` is ``0.3``), dates as ``2026-12-02``, times as ``08:30`` (``08:30:15`` with seconds),
date-times as ``2026-12-02 08:30``, booleans as ``TRUE``/``FALSE`` (what Excel and WPS show, in
Chinese too), a formula as its last computed value. A formula the file holds no computed value for
(a workbook not saved by Excel or WPS) and an error value such as ``#REF!`` are problems, not silent
empty cells. A merged range reads as its value in every cell it covers (a category merged down
over five rows is that category in each). Number formats are not applied: 50% comes as ``0.5``.

Writing (:func:`write_xlsx`) makes every text cell a text cell, never a formula: a value beginning
with ``=`` stays a literal string, phone numbers stay text (cell format ``@``, so editing the cell
does not turn ``13812345678`` into ``1.38E+10``), and values that begin like a formula carry Excel's
"quote prefix" so editing them does not turn them into one either.

CSV injection (OWASP): :func:`neutralise_cell` puts a ``'`` before a cell that begins with ``=``,
``+``, ``-``, ``@``, TAB or CR, as OWASP's "CSV Injection" page says, except a plain number
(``-5``, ``+3.5``: Excel reads those as numbers, never as formulas); :func:`restore_cell` removes
exactly that prefix, and :func:`read_table` applies it, so a round trip is exact.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import math
import re
import stat
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError
from kiosk.core.exchange.cells import FORMULA_START as _FORMULA_START
from kiosk.core.exchange.cells import restore_cell
from kiosk.core.exchange.csv_io import ImportProblem, Table, cell_too_long, file_too_big
from kiosk.core.exchange.outputs import atomic_output
from kiosk.core.limits import CELL_MAX_CHARS, IMPORT_COLUMNS_MAX, IMPORT_FILE_MAX_BYTES, IMPORT_ROWS_MAX

XLSX_UNPACKED_MAX_BYTES = 512 * 1024 * 1024
"""All parts of one workbook together, unpacked: 512 MiB. LibreOffice saves 20,000 rows × 30 columns
of Chinese text as 360 MiB (it writes font runs into every shared string); Excel writes far less."""

XLSX_RATIO_MAX = 400
"""Unpacked ÷ packed size of one part above 10 MiB. Real workbooks stay near 10 (LibreOffice's shared
strings above: 110); deflate cannot pass 1032, which a zip bomb of one repeated byte reaches."""

XLSX_PARTS_MAX = 10_000
"""Files inside one workbook's zip (a workbook with a few sheets has about 15)."""

EXCEL_CELL_MAX_CHARS = 32_767
"""Excel's own limit for one cell; openpyxl would silently cut a longer text."""

SHEET_TITLE_MAX_CHARS = 31
"""Excel's limit for a worksheet's name."""


class SpreadsheetError(KioskError):
    """A spreadsheet cannot be read or written as asked; the message says why and what to do."""

    exit_code = 2


class EncodingError(SpreadsheetError):
    """Text bytes that are neither UTF-8, GB18030/GBK nor UTF-16 with a byte-order mark."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


# ------------------------------------------------------------------------------ what a read found


@dataclass(frozen=True)
class SheetRead:
    """What :func:`read_sheet` found: the table (or None), the problems, and how the file was read."""

    table: Table | None
    problems: list[ImportProblem] = field(default_factory=list)
    kind: str = "text"
    """``xlsx`` for a workbook, ``text`` for delimited text, ``refused`` for a file not read at all."""
    encoding: str | None = None
    """The Python codec the text was read with (``utf-8``, ``utf-8-sig``, ``gb18030``, ``utf-16-le`` …)."""
    delimiter: str | None = None
    sheet: str | None = None
    """The worksheet read (workbooks only)."""

    def describe(self) -> str:
        """How the file was read, for a dry run: ``按 GBK 编码读取，逗号分隔`` or ``读取工作表“名单”``."""
        if self.kind == "xlsx":
            return f"读取 Excel 工作表“{self.sheet}” (worksheet {self.sheet!r})"
        if self.kind == "text" and self.encoding:
            sep = _DELIMITER_NAMES.get(self.delimiter or ",", ("逗号分隔", "comma-separated"))
            label = encoding_label(self.encoding)
            return f"按 {label} 编码读取，{sep[0]} (read as {label}, {sep[1]})"
        return "未读取 (not read)"


_DELIMITER_NAMES = {",": ("逗号分隔", "comma-separated"), "\t": ("制表符分隔", "TAB-separated"),
                    ";": ("分号分隔", "semicolon-separated")}

_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK",
                    "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE"}


def encoding_label(encoding: str) -> str:
    """An encoding in the words Excel and WPS use (``gb18030``, read for GBK files, → ``GBK``)."""
    return _ENCODING_LABELS.get(encoding, encoding)


# ------------------------------------------------------------------------------ reading


def read_table(path: Path, *, name: str | None = None, sheet: str | None = None,
               restore: bool = True) -> tuple[Table | None, list[ImportProblem]]:
    """Read a workbook or a delimited text file into a Table; problems are reported, not raised.

    ``sheet`` picks a worksheet by name (None: the first visible one). ``restore`` removes the
    CSV-injection prefix :func:`neutralise_cell` adds (see :func:`restore_cell`).
    """
    result = read_sheet(path, name=name, sheet=sheet, restore=restore)
    return result.table, result.problems


def is_workbook(path: Path) -> bool:
    """The file is a zip (an ``.xlsx`` workbook, whatever its name), not delimited text."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def read_sheet(path: Path, *, name: str | None = None, sheet: str | None = None,
               restore: bool = True) -> SheetRead:
    """Like :func:`read_table`, and also say how the file was read (format, encoding, delimiter, sheet)."""
    label = name or path.name
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read; a folder or device is no table
            return _refused(label, "这不是一个普通文件（是文件夹、设备或管道），请选择表格文件本身 "
                                   "(not a regular file)")
        if info.st_size > IMPORT_FILE_MAX_BYTES:
            return _refused(label, file_too_big(info.st_size))
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return _refused(label, f"无法读取文件 (cannot read): {exc.strerror or exc}")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _read_workbook(path, label, sheet, restore)
    if head.startswith(_OLE_MAGIC):
        return _refused(label, _ole_message(path))
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        return _refused(label, _CORRUPT + "（不是 zip 格式的 .xlsx）(not a valid .xlsx)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _refused(label, f"无法读取文件 (cannot read): {exc.strerror or exc}")
    if sheet is not None:
        return _refused(label, f"只有 Excel 工作簿（.xlsx）才有工作表，这个文件是文本（CSV），不能选工作表“{sheet}” "
                               "(a text file has no worksheets)")
    return _read_text(data, label, restore)


def _refused(label: str, message: str, row: int | None = None, kind: str = "refused") -> SheetRead:
    return SheetRead(None, [ImportProblem(label, row, None, message)], kind=kind)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_SAVE_AS_XLSX = "请在 Excel 或 WPS 里打开，选“另存为 → Excel 工作簿（*.xlsx）”，再导入新文件"
_CORRUPT = ("文件损坏或不完整，读不出来。请在 Excel 或 WPS 里打开它，“另存为 → Excel 工作簿（*.xlsx）”后再导入"
            " (the workbook is damaged or incomplete: open it and save it as .xlsx again)")


def _ole_message(path: Path) -> str:
    """The message for an OLE compound file: a password-protected workbook, an old .xls or a WPS .et."""
    try:
        with path.open("rb") as fh:
            data = fh.read(IMPORT_FILE_MAX_BYTES)
    except OSError:
        data = b""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ("工作簿设了打开密码（已加密），读不出来。请在 Excel 或 WPS 里打开，去掉密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），保存后再导入 "
                "(the workbook is password-protected: remove the password)")
    if path.suffix.lower() == ".et":
        return f"这是 WPS 表格文件（.et），不能直接导入。{_SAVE_AS_XLSX} (a WPS .et file: save it as .xlsx)"
    return (f"这是旧版 Excel 97-2003 工作簿（.xls）或 WPS 表格（.et），不能直接导入。{_SAVE_AS_XLSX} "
            "(an old .xls workbook: save it as .xlsx)")


# ------------------------------------------------------------------------------ text: encoding


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CP936_EURO = "kiosk-cp936-euro"


def _cp936_euro(exc: UnicodeError) -> tuple[str, int]:
    """Windows' GBK (code page 936) has the euro sign as the single byte 0x80, which GB18030 lacks."""
    if isinstance(exc, UnicodeDecodeError) and exc.object[exc.start:exc.start + 1] == b"\x80":
        return "€", exc.start + 1
    raise exc


codecs.register_error(_CP936_EURO, _cp936_euro)


def decode_text(data: bytes, encoding: str) -> str:
    """``data`` decoded as :func:`detect_encoding` said (GB18030 with Windows' euro byte; no byte-order mark)."""
    text = data.decode(encoding, errors=_CP936_EURO if encoding == "gb18030" else "strict")
    return text[1:] if text.startswith("\ufeff") else text


def detect_encoding(data: bytes) -> str:
    """The codec ``data`` is text in: a byte-order mark, else strict UTF-8, else GB18030 (GBK's superset).

    Returns ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``, ``utf-8`` or ``gb18030``. Raises
    :class:`EncodingError` (with the line of the first byte that fits no encoding) for anything else:
    Latin-1, mojibake, a binary file. Text GB18030 decodes only into private-use characters (what
    random bytes become, never what Excel writes) counts as not GB18030.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    elif data.startswith(b"\xff\xfe"):
        codec = "utf-16-le"
    elif data.startswith(b"\xfe\xff"):
        codec = "utf-16-be"
    else:
        codec = ""
    if not codec and b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise EncodingError(_nul_message(line), line)
    if codec:
        try:
            data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_at(data, exc.start, codec)
            raise EncodingError(_undecodable(line), line) from None
        return codec
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_stop = exc.start
    else:
        return "utf-8"
    try:
        text = data.decode("gb18030", errors=_CP936_EURO)
    except UnicodeDecodeError as exc:
        # the encoding that got further is the one the file is meant to be in: its stop is the bad line
        line = _line_at(data, max(utf8_stop, exc.start), "ascii")
        raise EncodingError(_undecodable(line), line) from None
    odd = _PRIVATE_USE.search(text)
    if odd:
        line = text.count("\n", 0, odd.start()) + 1
        raise EncodingError(_undecodable(line), line)
    return "gb18030"


def _line_at(data: bytes, offset: int, codec: str) -> int:
    if codec.startswith("utf-16"):
        return data[:offset].decode(codec, errors="replace").count("\n") + 1
    return data[:offset].count(b"\n") + 1


def _undecodable(line: int) -> str:
    return (f"第 {line} 行起有无法识别的字节：文件既不是 UTF-8，也不是 GBK 或带 BOM 的 UTF-16 文本"
            "（可能是乱码，或不是表格文件）。"
            "请在 Excel 或 WPS 里打开，确认文字正常后“另存为 → Excel 工作簿（*.xlsx）”或“CSV UTF-8”再导入 "
            f"(line {line}: not UTF-8, GBK or UTF-16 text; save it as .xlsx or CSV UTF-8)")


def _nul_message(line: int) -> str:
    return (f"第 {line} 行有空字符（\\0），这不是文本表格（可能是没有 BOM 的 UTF-16 或二进制文件）。"
            "请“另存为 → Excel 工作簿（*.xlsx）”再导入 (a NUL byte: not a text table; save it as .xlsx)")


def _read_text(data: bytes, label: str, restore: bool) -> SheetRead:
    try:
        encoding = detect_encoding(data)
    except EncodingError as exc:
        return _refused(label, str(exc), row=exc.line, kind="text")
    text = decode_text(data, encoding)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return _refused(label, _nul_message(line), row=line, kind="text")
    markup = text.lstrip()[:200].lower()
    if markup.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta", "<head", "<body")):
        return _refused(label, "这是网页（HTML）或 XML 格式的表格（一些系统导出的“.xls”就是这样），不能直接导入。"
                               f"{_SAVE_AS_XLSX} (an HTML/XML table: save it as .xlsx)")
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's own "sep=;" line names the delimiter; Excel does not show it as a row
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = sniff_delimiter(text, prefer_tab=encoding.startswith("utf-16"))
    found = _table_from_text(text, label, delimiter, restore)
    return SheetRead(found.table, found.problems, kind="text", encoding=encoding, delimiter=delimiter)


_SEP_LINE = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n|\n|\r|$)", re.IGNORECASE)


def sniff_delimiter(text: str, *, prefer_tab: bool = False) -> str:
    """The delimiter of the header line: comma, TAB or semicolon, whichever occurs most outside quotes.

    A tie goes to TAB when ``prefer_tab`` (UTF-16 "Unicode 文本"), else to comma; no delimiter at
    all (one column) is comma.
    """
    counts = {",": 0, "\t": 0, ";": 0}
    quoted = False
    for char in itertools.islice(text, 100_000):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break  # the header line only: later lines may hold commas in unquoted text
        elif char in counts:
            counts[char] += 1
    order = ("\t", ",", ";") if prefer_tab else (",", "\t", ";")
    return max(order, key=lambda d: counts[d])  # max keeps the first of equal counts


# ------------------------------------------------------------------------------ rows into a Table


@dataclass
class _Found:
    table: Table | None
    problems: list[ImportProblem]


def _too_many_rows() -> str:
    return f"超过 {IMPORT_ROWS_MAX} 行的上限，请分成几个文件导入 (more than {IMPORT_ROWS_MAX} rows: split the file)"


def _table_from_text(text: str, label: str, delimiter: str, restore: bool) -> _Found:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > IMPORT_ROWS_MAX + 1:
                return _Found(None, [ImportProblem(label, None, None, _too_many_rows())])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return _Found(None, [ImportProblem(label, reader.line_num, None, cell_too_long(None))])
        return _Found(None, [ImportProblem(label, reader.line_num, None, f"CSV 格式错误 (malformed CSV): {exc}")])
    return _build_table(label, enumerate(records, start=1), restore)


def _build_table(label: str, numbered: Iterable[tuple[int, list[str]]], restore: bool,
                 problems: list[ImportProblem] | None = None) -> _Found:
    """The shared rules: header row 1, limits, duplicate header cells, blank rows skipped, extra cells."""
    problems = list(problems or [])
    rows_iter = iter(numbered)
    first = next(rows_iter, None)
    if first is None or first[0] != 1 or not any(cell.strip() for cell in first[1]):
        return _Found(None, [ImportProblem(label, 1, None, "第一行应是列名（表头），文件却是空的 (no header row)")])
    raw_header = first[1]
    if len(raw_header) > IMPORT_COLUMNS_MAX:
        message = (f"有 {len(raw_header)} 列，超过 {IMPORT_COLUMNS_MAX} 列的上限 "
                   f"(more than {IMPORT_COLUMNS_MAX} columns)")
        return _Found(None, [ImportProblem(label, 1, None, message)])
    header = [cell.strip() for cell in raw_header]
    too_long: list[ImportProblem] = []
    records: list[tuple[int, list[str]]] = [(1, raw_header)]
    for index, record in rows_iter:
        records.append((index, record))
    for index, record in records:
        for n, cell in enumerate(record):
            if len(cell) > CELL_MAX_CHARS:
                column = header[n] if n < len(header) and header[n] else None
                too_long.append(ImportProblem(label, index, column, cell_too_long(len(cell))))
    if too_long:
        return _Found(None, problems + too_long)
    seen: set[str] = set()
    for cell in header:
        if cell and cell in seen:
            problems.append(ImportProblem(label, 1, cell, "这一列出现了两次 (duplicate column)"))
        seen.add(cell)
    rows: list[tuple[int, dict[str, str]]] = []
    for index, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank rows a spreadsheet leaves at the end or between blocks
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            problems.append(ImportProblem(label, index, None,
                                          f"这一行有 {len(record)} 个格子，表头只有 {len(header)} 列 "
                                          "(more cells than header columns)"))
        values = {}
        for i, col in enumerate(header):
            if col:
                value = (record[i] if i < len(record) else "").strip()
                values[col] = restore_cell(value) if restore else value
        rows.append((index, values))
    if sum(1 for cell in header if cell) == 1 and any(
            cell.strip() for _, record in records[1:] for i, cell in enumerate(record) if i >= len(header)
            or not header[i]):  # one named column, and text under unnamed ones: a title above the header
        problems.insert(0, ImportProblem(label, 1, None, (
            "第 1 行只有一格文字，像是表格标题：第 1 行应是列名（名称、类别、电话1 …），请删掉标题行 "
            "(row 1 looks like a title: the column names must be row 1)")))
    return _Found(Table(label, header, rows), problems)


# ------------------------------------------------------------------------------ workbooks


def _check_zip(path: Path) -> str | None:
    """None if the zip looks like a workbook within the limits, else the message."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with zf.open("mimetype") as part:
                    kind = part.read(100)  # never the whole part: it could be a bomb too
                if b"opendocument.spreadsheet" in kind:
                    return (f"这是 OpenDocument 表格（.ods），不能直接导入。{_SAVE_AS_XLSX} "
                            "(an OpenDocument .ods file: save it as .xlsx)")
                return f"这不是 Excel 工作簿。{_SAVE_AS_XLSX} (not an Excel workbook)"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError, RuntimeError,
            NotImplementedError) as exc:  # RuntimeError: an encrypted zip; NotImplementedError: an odd compression
        return f"{_CORRUPT}：{exc}"
    if "xl/workbook.bin" in names:
        return f"这是 Excel 二进制工作簿（.xlsb），不能直接导入。{_SAVE_AS_XLSX} (an .xlsb workbook: save it as .xlsx)"
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            return "这是 Word 或 PowerPoint 文件，不是表格 (a Word/PowerPoint file, not a spreadsheet)"
        return _CORRUPT
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > XLSX_PARTS_MAX or unpacked > XLSX_UNPACKED_MAX_BYTES:
        limit = XLSX_UNPACKED_MAX_BYTES // (1024 * 1024)
        return (f"工作簿解压后有 {unpacked / (1024 * 1024):.0f} MB（{len(infos)} 个部件），超过 {limit} MB 的上限，"
                f"请分成几个文件导入 (unpacks to more than {limit} MB: split the workbook)")
    for info in infos:
        if info.file_size > 10 * 1024 * 1024 and info.file_size > XLSX_RATIO_MAX * max(1, info.compress_size):
            return (f"工作簿里的“{info.filename[:60]}”解压后有 {info.file_size / (1024 * 1024):.0f} MB，"
                    f"是压缩后的 {info.file_size // max(1, info.compress_size)} 倍，"
                    f"不像正常的表格（可能是“压缩炸弹”），没有打开 "
                    f"(a part unpacks to over {XLSX_RATIO_MAX} times its packed size: not opened)")
    return None


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an ``.xlsx`` workbook in their order (hidden ones too; chart sheets not).

    Raises :class:`SpreadsheetError` with the same message :func:`read_table` gives when the file
    is not a workbook that can be read.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SpreadsheetError(f"{path.name}：无法读取文件 (cannot read): {exc.strerror or exc}") from None
    if head.startswith(_OLE_MAGIC):
        raise SpreadsheetError(f"{path.name}：{_ole_message(path)}")
    if not head.startswith(b"PK"):
        raise SpreadsheetError(f"{path.name}：不是 Excel 工作簿（.xlsx），没有工作表 (not an .xlsx workbook)")
    problem = _check_zip(path)
    if problem:
        raise SpreadsheetError(f"{path.name}：{problem}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _load(path, data_only=True) as wb:
                return [ws.title for ws in wb.worksheets]
    except Exception as exc:  # a damaged workbook makes openpyxl raise almost anything
        raise SpreadsheetError(f"{path.name}：{_CORRUPT}（{type(exc).__name__}）") from None


@contextlib.contextmanager
def _load(path: Path, *, data_only: bool) -> Iterator[Any]:
    """The workbook, read-only, open while the block runs (given as a file, so any file name is accepted)."""
    import openpyxl  # only the spreadsheet paths pay for importing it

    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=data_only, keep_links=False)
        try:
            yield wb
        finally:
            wb.close()


def _pick_sheet(wb: Any, sheet: str | None) -> tuple[Any, str | None]:
    """(worksheet, None) or (None, the message listing the sheets there are)."""
    sheets = list(wb.worksheets)
    if not sheets:
        return None, "工作簿里没有工作表 (the workbook has no worksheets)"
    if sheet is None:
        visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
        return (visible or sheets)[0], None
    for ws in sheets:
        if ws.title == sheet:
            return ws, None
    wanted = sheet.strip().casefold()
    near = [ws for ws in sheets if ws.title.strip().casefold() == wanted]
    if len(near) == 1:
        return near[0], None
    there = "、".join(f"“{ws.title}”" for ws in sheets)
    return None, (f"没有叫“{sheet}”的工作表；这个工作簿里有：{there} "
                  f"(no worksheet {sheet!r}; the sheets are: {', '.join(ws.title for ws in sheets)})")


def _read_workbook(path: Path, label: str, sheet: str | None, restore: bool) -> SheetRead:
    problem = _check_zip(path)
    if problem:
        return _refused(label, problem)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            return _read_workbook_checked(path, label, sheet, restore)
    except Exception as exc:  # a damaged workbook makes openpyxl raise almost anything
        return _refused(label, f"{_CORRUPT}（{type(exc).__name__}）")


def _read_workbook_checked(path: Path, label: str, sheet: str | None, restore: bool) -> SheetRead:
    with _load(path, data_only=False) as wb:
        ws, problem = _pick_sheet(wb, sheet)
        if ws is None:
            return _refused(label, problem or "")
        title = str(ws.title)
        part = getattr(ws, "_worksheet_path", None)  # openpyxl keeps where the sheet's XML is; merges are read there
        declared = _declared_size(ws)
        if declared is not None:
            rows, columns = declared
            if rows > IMPORT_ROWS_MAX + 1:
                return _refused(label, f"工作表“{title}”标明有 {rows} 行，" + _too_many_rows()
                                + "；如果下面多是空行，请删掉这些空行再保存 (if most are empty rows, delete them)")
            if columns > IMPORT_COLUMNS_MAX:
                return _refused(label, f"工作表“{title}”标明有 {columns} 列，超过 {IMPORT_COLUMNS_MAX} 列的上限；"
                                       "如果右边多是空列，请删掉这些空列再保存 "
                                       f"(more than {IMPORT_COLUMNS_MAX} columns)")
        ws.reset_dimensions()  # openpyxl stops at the declared size; a writer that declares too little loses rows
        records: list[tuple[int, list[str]]] = []
        formulas: dict[tuple[int, int], str] = {}
        problems: list[ImportProblem] = []
        header: list[str] = []
        for index, row in enumerate(ws.iter_rows(), start=1):
            if index > IMPORT_ROWS_MAX + 1:  # blank rows count, as blank lines of a CSV do: the work stays bounded
                return _refused(label, _too_many_rows())
            record: list[str] = []
            last = 0  # cells up to here hold something (text, a formula, an error)
            for n, cell in enumerate(row):
                kind = getattr(cell, "data_type", "n")
                value = getattr(cell, "value", None)
                if kind == "f":
                    formulas[(index, n)] = str(value)
                    record.append("")
                elif kind == "e":
                    problems.append(ImportProblem(label, index, header[n] if n < len(header) else None,
                                                  f"这个格子是公式的错误值 {value}，请改正公式或清空格子 "
                                                  f"(a formula error value {value})"))
                    record.append("")
                else:
                    record.append(_unescape(value) if isinstance(value, str) else cell_text(value))
                    if not record[-1]:
                        continue
                last = n + 1
            del record[last:]  # styled but empty cells at the end of a row
            if not record:
                continue
            if index == 1:
                header = [cell.strip() for cell in record]
            records.append((index, record))
    if formulas:
        problems += _fill_formulas(path, title, label, records, formulas, header)
    if isinstance(part, str):
        ranges = _merged_ranges(path, part)
        problem = _fill_merged(records, ranges)
        if problem:
            return _refused(label, problem)
        if any(r1 == 1 and c2 > c1 for r1, c1, _, c2 in ranges):
            problems.append(ImportProblem(label, 1, None, (
                "第 1 行有合并的单元格（像是表格标题或分组），第 1 行应是一格一个列名：请删掉标题行或取消合并，"
                "让列名在第 1 行 (row 1 has merged cells, a title? The column names must be row 1, one per cell)")))
    found = _build_table(label, records, restore, problems)
    return SheetRead(found.table, found.problems, kind="xlsx", sheet=title)


_MERGE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']"""
                    rb"""([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?["']""")
MERGED_FILL_MAX = 1_000_000
"""Cells filled from merged ranges per sheet (20,000 rows × 50 columns)."""


def _merged_ranges(path: Path, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet as (first row, first column, last row, last column), 1-based.

    openpyxl's read-only mode does not read them; the sheet's XML is scanned for ``<mergeCell ref=…>``
    (they follow the cells), a megabyte at a time.
    """
    from openpyxl.utils import column_index_from_string

    found = []
    with zipfile.ZipFile(path) as zf, zf.open(part.lstrip("/")) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            end = 0
            for match in _MERGE.finditer(data):
                c1, r1, c2, r2 = match.groups()
                first = (int(r1), column_index_from_string(c1.decode().upper()))
                last = (int(r2), column_index_from_string(c2.decode().upper())) if c2 and r2 else first
                found.append((min(first[0], last[0]), min(first[1], last[1]),
                              max(first[0], last[0]), max(first[1], last[1])))
                end = match.end()
            tail = data[max(end, len(data) - 400):]
    return found


def _fill_merged(records: list[tuple[int, list[str]]], ranges: list[tuple[int, int, int, int]]) -> str | None:
    """Give every cell of a merged range the value a worker sees there: its top-left cell's.

    Only rows that hold something else too are filled (a row of nothing but a merged value is blank
    to the importer, as before). None, or the message when the ranges would fill too many cells.
    """
    by_row = dict(records)
    if not by_row or not ranges:
        return None
    width = max(len(record) for record in by_row.values())
    budget = MERGED_FILL_MAX
    for r1, c1, r2, c2 in ranges:
        top = by_row.get(r1)
        value = top[c1 - 1] if top is not None and c1 <= len(top) else ""
        if not value or (r1 == r2 and c1 == c2):
            continue
        c2 = min(c2, width)
        rows = [r for r in range(r1, r2 + 1) if r in by_row] if r2 - r1 < len(by_row) else \
            [r for r in sorted(by_row) if r1 <= r <= r2]
        budget -= len(rows) * max(0, c2 - c1 + 1)
        if budget < 0:
            return (f"合并的单元格太多（要填的格子超过 {MERGED_FILL_MAX} 个），请取消合并单元格后再保存 "
                    "(merged cells would fill too many cells: unmerge them)")
        for r in rows:
            record = by_row[r]
            if len(record) < c2:
                record.extend([""] * (c2 - len(record)))
            for c in range(c1, c2 + 1):
                if not record[c - 1]:
                    record[c - 1] = value
    return None


def _declared_size(ws: Any) -> tuple[int, int] | None:
    """(rows, columns) the sheet's ``<dimension>`` claims, or None when it claims nothing usable."""
    try:
        rows, columns = ws.max_row, ws.max_column
    except Exception:  # a malformed dimension reference
        return None
    if isinstance(rows, int) and isinstance(columns, int):
        return rows, columns
    return None


def _fill_formulas(path: Path, title: str, label: str, records: list[tuple[int, list[str]]],
                   formulas: dict[tuple[int, int], str], header: list[str]) -> list[ImportProblem]:
    """Put the last computed value of each formula cell in place (a second, values-only pass)."""
    by_row = {index: record for index, record in records}
    wanted_rows = {row for row, _ in formulas}
    values: dict[tuple[int, int], Any] = {}
    with _load(path, data_only=True) as wb:
        ws = wb[title]
        ws.reset_dimensions()
        last = max(wanted_rows)
        for index, row in enumerate(ws.iter_rows(max_row=last), start=1):
            if index in wanted_rows:
                for n, cell in enumerate(row):
                    if (index, n) in formulas:
                        values[(index, n)] = (getattr(cell, "data_type", "n"), getattr(cell, "value", None))
    problems = []
    for (index, n), formula in sorted(formulas.items()):
        kind, value = values.get((index, n), ("n", None))
        column = header[n] if n < len(header) and index > 1 else None
        shown = formula if len(formula) <= 60 else formula[:57] + "…"
        if value is None:
            problems.append(ImportProblem(label, index, column,
                                          f"这个格子是公式 {shown}，文件里却没有算好的结果"
                                          "（不是用 Excel 或 WPS 保存的）。"
                                          "请用 Excel 或 WPS 打开并保存一次，或把公式换成数值 "
                                          "(a formula without a computed value: open and save the file in Excel)"))
            continue
        if kind == "e":
            problems.append(ImportProblem(label, index, column, f"这个格子是公式的错误值 {value}，请改正公式或清空格子 "
                                                                f"(a formula error value {value})"))
            continue
        record = by_row.get(index)
        if record is not None:
            while len(record) <= n:
                record.append("")
            record[n] = _unescape(value) if isinstance(value, str) else cell_text(value)
    return problems


_XML_ESCAPED = re.compile("_x00([01][0-9A-Fa-f])_")


def _unescape(text: str) -> str:
    """Excel's ``_x000D_`` for a carriage return (and other control characters) back to the character.

    XML turns a raw CR into a line feed, so Excel and :func:`write_xlsx` write CR as ``_x000D_``;
    openpyxl hands the escape over as it is.
    """
    return _XML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x00" in text else text


def cell_text(value: object) -> str:
    """A workbook cell's value as the text a worker sees in Excel or WPS (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_clock(value.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        return f"{sign}{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return str(value)


def number_text(value: float) -> str:
    """A float as Excel shows it in a General cell: whole numbers without ``.0``, at most 15 significant digits."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    return "0" if text == "-0" else text


def _clock(moment: time) -> str:
    if moment.second or moment.microsecond:
        return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


# ------------------------------------------------------------------------------ CSV injection (OWASP)

# ------------------------------------------------------------------------------ writing


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> None:
    """Write one worksheet per (title, header, rows) to ``path``, atomically.

    Text cells are text (format ``@``), never formulas; whole numbers below 10^15 and other finite
    numbers are numbers; dates and times are dates; None is an empty cell. The header row is bold
    and frozen; columns are as wide as their text (a Chinese character counts twice), 8 to 60.
    Titles are made valid for Excel (at most 31 characters, none of ``[]:*?/\\``, unique). Raises
    :class:`SpreadsheetError` (nothing written) for a text Excel cannot hold: a control character
    or more than 32,767 characters; :class:`~kiosk.core.exchange.outputs.OutputError` when the path
    cannot be written.
    """
    if not sheets:
        raise SpreadsheetError("没有要写的工作表 (no worksheets to write)")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)  # rows stream to a temporary file per sheet: a big export stays small in memory
    bold = Font(bold=True)
    titles: set[str] = set()
    try:
        for number, (title, header, rows) in enumerate(sheets, start=1):
            name = _sheet_title(title, titles, number)
            ws = wb.create_sheet(name)
            rows_iter: Iterator[Sequence[object]] = iter(rows)
            head = list(itertools.islice(rows_iter, 200))  # the widths come from the header and the first rows
            for n, width in enumerate(_widths(header, head), start=1):
                ws.column_dimensions[_column_letter(n)].width = width
            ws.freeze_panes = "A2"
            ws.append([_cell(ws, text, name, 1, n, bold) for n, text in enumerate(header, start=1)])
            for index, row in enumerate(itertools.chain(head, rows_iter), start=2):
                ws.append([_cell(ws, value, name, index, n, None) for n, value in enumerate(row, start=1)])
        with atomic_output(path, what="spreadsheet") as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Any) -> None:
    """Close and remove the temporary files of a write-only workbook that is not saved."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        with contextlib.suppress(Exception):
            if ws._writer is not None:
                ws._writer.cleanup()


def _sheet_title(title: str, taken: set[str], number: int) -> str:
    name = _TITLE_FORBIDDEN.sub("_", _ILLEGAL_XML.sub("", title)).strip().strip("'")
    name = name[:SHEET_TITLE_MAX_CHARS] or f"Sheet{number}"
    candidate, n = name, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = name[:SHEET_TITLE_MAX_CHARS - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: East Asian wide and full-width characters count two."""
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    count = max([len(header), *(len(row) for row in rows)])
    widths = []
    for n in range(count):
        texts = [str(header[n]) if n < len(header) else ""]
        texts += [cell_text(row[n]) for row in rows if n < len(row)]
        widest = max(display_width(text) for text in texts)
        widths.append(float(min(60, max(8, widest + 2))))
    return widths


def _cell(ws: Any, value: object, sheet: str, row: int, column: int, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    if value is None:
        pass
    elif (isinstance(value, bool) or (isinstance(value, int) and abs(value) < 10**15)
          or (isinstance(value, float) and math.isfinite(value))):
        cell.value = value  # a number a spreadsheet holds exactly (a longer whole number would lose digits)
    elif isinstance(value, datetime | date | time) and getattr(value, "tzinfo", None) is None:
        cell.value = value
        cell.number_format = ("yyyy-mm-dd hh:mm" if isinstance(value, datetime) else
                              "yyyy-mm-dd" if isinstance(value, date) else "hh:mm")
    else:
        text = value if isinstance(value, str) else str(value)
        where = f"工作表“{sheet}”第 {row} 行第 {column} 列 (sheet {sheet!r}, row {row}, column {column})"
        bad = _ILLEGAL_XML.search(text)
        if bad:
            raise SpreadsheetError(f"{where}：有表格存不了的控制字符 U+{ord(bad.group()):04X}，请在内容里删掉它 "
                                   "(a control character a spreadsheet cannot hold)")
        if len(text) > EXCEL_CELL_MAX_CHARS:
            raise SpreadsheetError(f"{where}：有 {len(text)} 字，超过 Excel 一格 {EXCEL_CELL_MAX_CHARS} 字的上限 "
                                   f"(longer than Excel's {EXCEL_CELL_MAX_CHARS} characters per cell)")
        if restore_cell(text) != text:
            text = "'" + text  # a text that begins "'=" keeps its quote through read_table's restore_cell
        cell.value = text.replace("\r", "_x000D_")  # as Excel writes it: XML would turn a raw CR into a line feed
        cell.data_type = "s"  # openpyxl makes "=…" a formula; this cell is text, whatever it begins with
        cell.number_format = "@"  # editing it in Excel keeps it text: 13812345678 stays 13812345678
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True  # and editing "=HYPERLINK(…)" does not turn it into a formula
    if font is not None:
        cell.font = font
    return cell
