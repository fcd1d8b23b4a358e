"""Spreadsheet plumbing with no feature knowledge: safe writing and guarded reading."""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import xlsxwriter
from defusedxml import ElementTree
from flask import send_file
from flask_babel import lazy_gettext as _l
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

MAX_ENTRIES = 200
# What a sheet of ``max_rows`` rows may unpack to (see unpack_budget): generous for a roster
# (its export takes about 1 KiB a row), yet far below what would fill the server's memory.
SHEET_BYTES_PER_ROW = 4 * 1024
SHARED_STRINGS_BYTES_PER_ROW = 2 * 1024
OTHER_PARTS_BYTES = 16 * 1024 * 1024
MAX_COLUMNS = 100
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


class SpreadsheetError(ValueError):
    """The upload is not a spreadsheet we will read; the message says why (an msgid)."""


def new_workbook(path: str, *, title: str, constant_memory: bool = True) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that never turns text into formulas, numbers or links.

    constant_memory streams rows to disk (rows must be written in order), so 100,000 rows stay
    in bounded memory; it works only with a file on disk, never in_memory.
    """
    wb = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"title": title, "comments": "党员写实考核与为民服务代理系统"})
    return wb


def temp_path(suffix: str = ".xlsx") -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    return path


def write_text(ws, row: int, col: int, value: str, fmt=None, quoted_fmt=None) -> None:
    """Write text as text; a leading = + - @ gets Excel's quote prefix so it is never run."""
    if value and value.startswith(DANGEROUS_START) and quoted_fmt is not None:
        ws.write_string(row, col, value, quoted_fmt)
    else:
        ws.write_string(row, col, value, fmt)


def unpack_budget(max_rows: int) -> tuple[int, int, int]:
    """Bytes the worksheets, the shared strings and every other part together may unpack to,
    for a sheet of at most ``max_rows`` rows. Shared strings are held in memory while a sheet
    is read, so they are bounded tightest; worksheets are streamed."""
    base = 1024 * 1024
    return (
        base + max_rows * SHEET_BYTES_PER_ROW,
        base + max_rows * SHARED_STRINGS_BYTES_PER_ROW,
        OTHER_PARTS_BYTES,
    )


def check_xlsx(data: bytes, max_rows: int) -> None:
    """Refuse anything that is not a plausible .xlsx of at most ``max_rows`` rows before a
    parser touches it: ZIP magic, the parts' count and their unpacked sizes (from the ZIP
    directory, so nothing is unpacked to find out)."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_l("This is not an .xlsx file. Save the sheet as Excel .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from None
    sheets = shared = other = 0
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            sheets += info.file_size
        elif info.filename == "xl/sharedStrings.xml":
            shared += info.file_size
        else:
            other += info.file_size
    budget = unpack_budget(max_rows)
    if len(infos) > MAX_ENTRIES or any(
        size > limit for size, limit in zip((sheets, shared, other), budget, strict=True)
    ):
        raise SpreadsheetError(_l("The file unpacks to more data than allowed."))
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_l("This is not an .xlsx file. Save the sheet as Excel .xlsx."))


def read_rows(
    data: bytes, max_rows: int, max_cols: int = MAX_COLUMNS
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(1-based row number, cell values) of the first visible sheet, read with python-calamine
    and given as openpyxl gave them (see _value).

    Raises SpreadsheetError before anything is parsed for a sheet of more than ``max_rows``
    rows or ``max_cols`` columns, as declared (its ``<dimension>``) or as its cells are placed
    (a scan of the sheet's XML: calamine would allocate the whole rectangle), and after
    reading for a sheet whose declared size is smaller than what it holds (openpyxl silently
    dropped such rows; we keep refusing such a file rather than guess)."""
    check_xlsx(data, max_rows)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # The first visible sheet: exports keep their choice lists on a hidden one.
        sheets = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        visible = [m for m in sheets if m.visible == SheetVisibleEnum.Visible] or sheets
        if not visible:
            raise SpreadsheetError(_l("The file is damaged and cannot be read."))
        name = visible[0].name
        index = wb.sheet_names.index(name)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            declared, error_cells = scan_sheet(zf, sheet_part(zf, name), max_rows, max_cols)
        cells = wb.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
    except Exception as err:  # calamine raises many kinds on malformed files
        raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from err
    # Most cells are text: only the others go through _value.
    rows = [tuple([(v or None) if type(v) is str else _value(v) for v in r]) for r in cells]
    for (r, c), text in error_cells.items():
        rows.extend(() for _ in range(r - len(rows)))
        row = rows[r - 1] + (None,) * (c - len(rows[r - 1]))
        rows[r - 1] = row[: c - 1] + (text,) + row[c:]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()  # a trailing row of formulas without values: openpyxl had none
    if declared and any(_outside(row, n, declared) for n, row in enumerate(rows, start=1)):
        raise SpreadsheetError(
            _l(
                "The sheet's recorded size does not match its content, so rows could be "
                "missed. Open the file in Excel or WPS, save it again and upload it."
            )
        )
    for n, row in enumerate(rows, start=1):
        yield n, _trimmed(row)


def _value(v: Any) -> Any:
    """A calamine cell as openpyxl read it: an empty cell is None, a whole number an int, a
    date a datetime at midnight (times and durations are the same in both)."""
    if isinstance(v, str):
        return v or None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)  # NaN or inf, which only a made-up file holds: as the text it reads as
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)  # noqa: DTZ001 - a naive cell value
    return v


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row without its trailing empty cells (calamine pads every row to the sheet's width;
    openpyxl gave each row up to its last cell)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _outside(row: tuple[Any, ...], n: int, declared: tuple[int, int]) -> bool:
    """Whether a row holds a value outside the sheet's declared (columns, rows)."""
    width = max((i + 1 for i, v in enumerate(row) if v is not None), default=0)
    return width > declared[0] or (width > 0 and n > declared[1])


def _too_wide(cols: int, max_cols: int) -> str:
    return str(
        _l(
            "The sheet has %(cols)d columns; at most %(max)d are read. Delete the unused "
            "columns on the right, save the file and upload it again.",
            cols=cols,
            max=max_cols,
        )
    )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_AT = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d+)"')
_CELL_AT = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)\d+"')
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s>/])(?:[^>]*?\sr="([A-Z]*)(\d*)")?[^>]*>')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    """The ZIP path of the worksheet named ``name`` (workbook.xml and its relationships are
    small, and parsed with defusedxml)."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = next((e.get(_REL) for e in book.iter(f"{_MAIN}sheet") if e.get("name") == name), None)
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (e.get("Target") for e in rels.iter(f"{_PKG}Relationship") if e.get("Id") == rid), None
    )
    if not target:
        raise SpreadsheetError(_l("The file is damaged and cannot be read."))
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _parts(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's XML in chunks of whole rows (each ends at a ``</row>``, or at a ``>`` when
    a row is longer than a chunk)."""
    carry = b""
    with zf.open(part) as f:
        while chunk := f.read(1 << 20):
            chunk = carry + chunk
            cut = chunk.rfind(b"</row>") + 6
            if cut == 5:
                cut = chunk.rfind(b">") + 1
            if cut == 0 and len(chunk) > 4 << 20:
                raise SpreadsheetError(_l("The file is damaged and cannot be read."))
            carry = chunk[cut:]
            yield chunk[:cut]
    yield carry


def scan_sheet(
    zf: zipfile.ZipFile, part: str, max_rows: int, max_cols: int
) -> tuple[tuple[int, int] | None, dict[tuple[int, int], str]]:
    """The sheet's declared (columns, rows), once its declaration and the place of every
    cell, found on the XML as it streams, are within ``max_rows`` by ``max_cols``; and its
    error cells (``#N/A`` …) by (row, column), 1-based. Raises SpreadsheetError otherwise:
    calamine allocates the rectangle its cells span, so a cell at XFD1048576 must be refused
    before it reads the sheet."""
    declared = None
    errors: dict[tuple[int, int], str] = {}
    most_row = most_col = 0
    first = True
    for chunk in _parts(zf, part):
        if first and (m := _DIMENSION.search(chunk)):
            declared = (_column(m.group(1)), int(m.group(2)))
            if declared[0] > max_cols:
                raise SpreadsheetError(_too_wide(declared[0], max_cols))
            if declared[1] > max_rows:
                raise SpreadsheetError(_l("The sheet has more rows than allowed."))
        first = False
        if b't="e"' in chunk:
            errors.update(_error_cells(chunk))
        rows, cols = _placed(chunk)
        if rows is None or cols is None:
            most_row, most_col = _places(zf, part)  # some cell or row has no r="…"
            break
        most_row = max([most_row, *rows])
        most_col = max([most_col, *cols])
        _check_size(most_row, most_col, max_rows, max_cols)
    _check_size(most_row, most_col, max_rows, max_cols)
    return declared, errors


_FAST_ROW = re.compile(rb'<row r="(\d+)"')
_FAST_WIDE = re.compile(rb'<c r="([A-Z]{2,})\d')


def _placed(chunk: bytes) -> tuple[list[int] | None, list[int] | None]:
    """The row numbers and the cell columns past Z a chunk names (columns A to Z stand as
    26), or None for either when some row or cell does not name its place. Excel, WPS and
    the libraries write ``r`` first and no namespace prefix: counted without a match object
    per cell; anything else takes the general patterns."""
    if b":row" not in chunk and b":c " not in chunk:
        rows = _FAST_ROW.findall(chunk)
        cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
        placed = chunk.count(b'<c r="')
        if len(rows) == chunk.count(b"<row ") + chunk.count(b"<row>") and placed == cells:
            wide = [_column(c) for c in set(_FAST_WIDE.findall(chunk))]
            return [int(r) for r in rows], wide + ([26] if cells else [])
    rows, cols = _ROW_AT.findall(chunk), _CELL_AT.findall(chunk)
    return (
        [int(r) for r in rows] if len(rows) == len(_ROW_TAG.findall(chunk)) else None,
        [_column(c) for c in set(cols)] if len(cols) == len(_CELL_TAG.findall(chunk)) else None,
    )


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="e"[^>]*(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_ERROR_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)(\d+)"')
_V = re.compile(rb"<(?:\w+:)?v>([^<]*)<")


def _error_cells(chunk: bytes) -> dict[tuple[int, int], str]:
    """(row, column) -> the error text (#N/A, #DIV/0! …) of the error cells that name their
    place: calamine gives them as empty, openpyxl gave their text (so a failed VLOOKUP is a
    problem on its row, not a blank)."""
    found = {}
    for m in _ERROR_CELL.finditer(chunk):
        ref = _ERROR_REF.match(chunk, m.start())
        value = _V.search(m.group(1))
        if ref and value:
            found[(int(ref.group(2)), _column(ref.group(1)))] = value.group(1).decode()
    return found


def _places(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The last row and column any cell takes, placing a row or cell without ``r="…"`` after
    the one before it, as the readers do (the slow path: every tag in turn)."""
    row = col = most_row = most_col = 0
    for chunk in _parts(zf, part):
        for m in _TAG.finditer(chunk):
            if m.group(1) == b"row":
                row = int(m.group(3)) if m.group(3) else row + 1
                col = 0
            else:
                col = _column(m.group(2)) if m.group(2) else col + 1
            most_row, most_col = max(most_row, row), max(most_col, col)
        if most_row > 2**21 or most_col > 2**15:
            break
    return most_row, most_col


def _check_size(rows: int, cols: int, max_rows: int, max_cols: int) -> None:
    if cols > max_cols:
        raise SpreadsheetError(_too_wide(cols, max_cols))
    if rows > max_rows:
        raise SpreadsheetError(_l("The sheet has more rows than allowed."))


def count_rows(data: bytes, max_rows: int) -> int:
    """An upper bound on the rows of any worksheet, counted on the unpacked XML as it streams
    (no parser, a fraction of reading the sheet): it decides whether an upload is checked
    in the request or as a background job. Raises SpreadsheetError as check_xlsx does."""
    check_xlsx(data, max_rows)
    most = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            n, tail = 0, b""
            with zf.open(info) as part:
                while chunk := part.read(1 << 20):
                    n += _row_tags(tail + chunk)
                    tail = chunk[-16:]
                    # a tag cut by the chunk boundary is counted once: drop what the tail held
                    n -= _row_tags(tail)
                n += _row_tags(tail)
            most = max(most, n)
    return most


def _row_tags(xml: bytes) -> int:
    """At least how many row tags ``xml`` opens, counted as bytes: every ``<row`` (with or
    without attributes) and every ``:row`` (a prefixed tag, opening or closing)."""
    return xml.count(b"<row") + xml.count(b":row")


def send_xlsx(path: str, filename: str):
    """Send a finished workbook as a download and remove it from disk.

    The open handle keeps the data readable until the response is sent; the name is sent
    RFC 6266-encoded and the response is never cached."""
    f = open(path, "rb")  # noqa: SIM115 - send_file closes it when the response ends
    os.unlink(path)
    response = send_file(
        f,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
