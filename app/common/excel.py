"""Spreadsheet plumbing with no feature knowledge: safe writing and guarded reading."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Any

import openpyxl
import xlsxwriter
from flask import send_file
from flask_babel import lazy_gettext as _l
from openpyxl.xml import DEFUSEDXML

# openpyxl parses XML with defusedxml only when it is installed; refuse to run without it.
assert DEFUSEDXML, "defusedxml must be installed to read uploaded spreadsheets safely"

MAX_ENTRIES = 200
# What a sheet of ``max_rows`` rows may unpack to (see unpack_budget): generous for a roster
# (its export takes about 1 KiB a row), yet far below what would fill the server's memory.
SHEET_BYTES_PER_ROW = 4 * 1024
SHARED_STRINGS_BYTES_PER_ROW = 2 * 1024
OTHER_PARTS_BYTES = 16 * 1024 * 1024
MAX_COLUMNS = 100
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


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
    if value and value.startswith(_DANGEROUS_START) and quoted_fmt is not None:
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
    """(1-based row number, cell values) of the first visible sheet, read-only.

    Raises SpreadsheetError, before or while reading, for a sheet of more than ``max_rows``
    rows or ``max_cols`` columns (as declared or as found), and for a sheet whose declared
    size (its ``<dimension>``) is smaller than what it holds: openpyxl would silently drop the
    rows and columns outside it."""
    check_xlsx(data, max_rows)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on malformed files
        raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from err
    try:
        # The first visible sheet: exports keep their choice lists on a hidden one.
        visible = [w for w in wb.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
        ws = (visible or wb.worksheets)[0]
        yield from _guarded_rows(ws, max_rows, max_cols)
    finally:
        wb.close()


def _guarded_rows(ws, max_rows: int, max_cols: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    declared = (ws.max_column, ws.max_row) if ws.max_column and ws.max_row else None
    if declared and declared[0] > max_cols:
        raise SpreadsheetError(_too_wide(declared[0], max_cols))
    if declared and declared[1] > max_rows:
        raise SpreadsheetError(_l("The sheet has more rows than allowed."))
    # Read what the sheet holds, not what it claims: no padding to a declared width, no row
    # dropped past a declared height (each is checked against the declaration instead).
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    n = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except Exception as err:  # malformed sheet XML surfaces only while reading rows
            raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from err
        n += 1
        if n > max_rows:
            raise SpreadsheetError(_l("The sheet has more rows than allowed."))
        if len(row) > max_cols:
            raise SpreadsheetError(_too_wide(len(row), max_cols))
        if declared and _outside(row, n, declared):
            raise SpreadsheetError(
                _l(
                    "The sheet's recorded size does not match its content, so rows could be "
                    "missed. Open the file in Excel or WPS, save it again and upload it."
                )
            )
        yield n, row


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
                    n += len(_ROW_TAG.findall(tail + chunk))
                    tail = chunk[-16:]
                    # a tag cut by the chunk boundary is counted once: drop what the tail held
                    n -= len(_ROW_TAG.findall(tail))
                n += len(_ROW_TAG.findall(tail))
            most = max(most, n)
    return most


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
