"""Uploads are read with python-calamine and given as openpyxl gave them: the same values,
row numbers and column positions on messy sheets, and the same refusals on hostile ones."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest

from app.common.excel import SpreadsheetError, read_rows
from tests.common.test_excel_guards import SHEET, _rewrite, _rows


def _openpyxl_rows(data: bytes) -> list[tuple]:
    """What the reader gave before calamine: openpyxl read-only, cached values, each row up to
    its last value (the reader pads rows itself)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = [w for w in wb.worksheets if w.sheet_state == "visible"][0]
    ws.reset_dimensions()
    out = []
    for row in ws.iter_rows(values_only=True):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(tuple(row[:end]))
    wb.close()
    while out and not out[-1]:
        out.pop()
    return out


def _naive(*parts: int) -> datetime:
    return datetime(*parts)  # noqa: DTZ001 - a cell's value has no zone


def _messy() -> bytes:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "选项"
    hidden.append(["不读"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("花名册")
    ws["B2"] = "泉湖镇党员花名册"  # a title row, merged across the header
    ws.merge_cells("B2:F2")
    ws.append([None, "姓名", "身份证号", "出生日期", "联系电话", "入党时间", "备注", "公式"])
    ws.append([None, "张三", "620902199001010011", _naive(1990, 1, 1), 13800000000,
               2001.07, True, "=1+1"])  # fmt: skip
    ws.append([None, " 李四 ", 1.10105194912310e17, date(1985, 2, 28), "0937-1234567",
               _naive(2001, 7, 1, 9, 30), False, 3.5])  # fmt: skip
    ws.append([])  # a blank line between members
    ws.append([None, "王五", "62090219900101002X", "1990.1.1", None, time(10, 30),
               timedelta(hours=30), "#N/A"])  # fmt: skip
    ws["H3"] = 0  # a whole number written as 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_messy_sheet_reads_as_openpyxl_read_it(app):
    data = _messy()
    ours = [(n, row) for n, row in read_rows(data, 100)]
    assert [row for _n, row in ours] == _openpyxl_rows(data)
    assert [n for n, _row in ours] == list(range(1, len(ours) + 1))
    by_row = dict(ours)
    # Row numbers and columns are the sheet's own, whatever is empty above and to the left.
    assert by_row[3][1:3] == ("姓名", "身份证号")
    assert by_row[4][3] == _naive(1990, 1, 1) and by_row[4][4] == 13800000000
    assert isinstance(by_row[4][4], int) and by_row[4][5] == 2001.07
    assert by_row[5][3] == _naive(1985, 2, 28) and isinstance(by_row[5][2], int)
    assert by_row[6] == ()
    assert by_row[7][6] == timedelta(hours=30) and by_row[7][5] == time(10, 30)


def test_a_formula_gives_its_cached_value_or_nothing(app):
    data = _rewrite(
        _rows(1),
        SHEET,
        lambda xml: (
            re.sub(r"<dimension [^>]*/>", "", xml)
            .replace('</row><row r="2"', '<c r="C1"><f>1+1</f><v>2</v></c></row><row r="2"')
            .replace("</row></sheetData>", '<c r="C2"><f>1+1</f></c></row></sheetData>')
        ),
    )
    rows = dict(read_rows(data, 100))
    assert rows[1][2] == 2 and len(rows[2]) == 2


def _without_r(xml: str) -> str:
    """The sheet as some generators write it: no r="…" on rows or cells."""
    xml = re.sub(r"<dimension [^>]*/>", "", xml)
    return re.sub(r' r="[A-Z]*\d+"', "", xml)


def test_rows_and_cells_without_their_place_are_read_in_order(app):
    data = _rewrite(_rows(3), SHEET, _without_r)
    assert list(read_rows(data, 100)) == list(read_rows(_rows(3), 100))


def test_a_far_cell_without_its_place_is_still_refused(app):
    wide = "".join(f'<c t="inlineStr"><is><t>{i}</t></is></c>' for i in range(120))
    data = _rewrite(
        _rows(3), SHEET, lambda xml: _without_r(xml).replace("</row>", wide + "</row>", 1)
    )
    with pytest.raises(SpreadsheetError, match="122"):
        list(read_rows(data, 100))


def test_a_far_row_is_refused_before_calamine_reads_the_sheet(app, monkeypatch):
    """calamine would allocate every cell between A1 and the far one: it never reads it."""
    import app.common.excel as excel

    read: list[int] = []
    real = excel.CalamineWorkbook

    class Spy:
        @staticmethod
        def from_filelike(f):
            wb = real.from_filelike(f)

            class Book:
                sheets_metadata = wb.sheets_metadata
                sheet_names = wb.sheet_names

                def get_sheet_by_index(self, i):
                    read.append(i)
                    return wb.get_sheet_by_index(i)

            return Book()

    monkeypatch.setattr(excel, "CalamineWorkbook", Spy)
    far = '<row r="5000"><c r="CV5000" t="inlineStr"><is><t>x</t></is></c></row>'
    data = _rewrite(_rows(3), SHEET, lambda xml: xml.replace("</sheetData>", far + "</sheetData>"))
    with pytest.raises(SpreadsheetError):
        list(read_rows(data, 100))
    assert read == []
    assert len(list(read_rows(_rows(3), 100))) == 4 and read == [0]


def test_the_first_visible_sheet_is_read_when_a_hidden_one_comes_first(app):
    rows = dict(read_rows(_messy(), 100))
    assert "不读" not in str(rows)


def test_a_workbook_without_its_sheet_is_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_rows(2))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info.filename))
    with pytest.raises(SpreadsheetError):
        list(read_rows(out.getvalue(), 100))
