"""Spreadsheet plumbing with no feature knowledge: safe writing and guarded reading."""

from __future__ import annotations

import io
import os
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
MAX_UNCOMPRESSED = 200 * 1024 * 1024
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


def check_xlsx(data: bytes) -> None:
    """Refuse anything that is not a plausible .xlsx before a parser touches it."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_l("This is not an .xlsx file. Save the sheet as Excel .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from None
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise SpreadsheetError(_l("The file unpacks to more data than allowed."))
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_l("This is not an .xlsx file. Save the sheet as Excel .xlsx."))


def read_rows(data: bytes, max_rows: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(1-based row number, cell values) of the first sheet, read-only; at most max_rows."""
    check_xlsx(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on malformed files
        raise SpreadsheetError(_l("The file is damaged and cannot be read.")) from err
    try:
        # The first visible sheet: exports keep their choice lists on a hidden one.
        visible = [w for w in wb.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
        ws = (visible or wb.worksheets)[0]
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
            yield n, row
    finally:
        wb.close()


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
