"""Uploaded spreadsheets are bounded before and while they are read: unpacked size by the row
cap, declared and real width and height, and a declared size that hides rows."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest

from app.common.excel import SpreadsheetError, count_rows, read_rows, unpack_budget
from app.roster import importer
from tests.factories import make_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(data: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML passed through ``change`` (text -> text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = change(body.decode()).encode()
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _rows(n: int) -> bytes:
    return make_xlsx([["姓名", "身份证号"]] + [[f"党员{i}", f"{i:018d}"] for i in range(n)])


def _dimension(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def _prefixed(xml: str) -> str:
    """The sheet's row tags with a namespace prefix, as some generators write them."""
    return re.sub(r"<(/?)row\b", r"<\1x:row", xml)


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml,
        lambda xml: xml.replace("<row ", "<row\n"),  # any white space after the tag's name
        _prefixed,
    ],
)
def test_counting_rows_never_counts_fewer_than_the_sheet_has(app, change):
    """The count decides whether the request or a background job checks an upload: it may
    count more (a prefixed tag twice), never fewer, however the tags are written."""
    data = _rewrite(_rows(30), SHEET, change)
    assert 31 <= count_rows(data, 1000) <= 62
    assert count_rows(_rows(30), 1000) == 31


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_counting_rows_finds_a_tag_cut_by_the_reading_chunk(app, cut):
    """The XML is counted a megabyte at a time: a tag across two chunks counts once."""

    def pad(xml: str) -> str:
        at = len(xml[: xml.index("<row")].encode())  # where the first row tag starts
        comment = "<!--" + "x" * ((1 << 20) - cut - at - 7) + "-->"
        xml = xml.replace("<sheetData>", comment + "<sheetData>", 1)
        assert len(xml[: xml.index("<row")].encode()) == (1 << 20) - cut
        return xml

    assert count_rows(_rewrite(_rows(3), SHEET, pad), 1000) == 4


def test_a_cell_holding_nan_or_infinity_reads_as_its_text(app):
    """Only a made-up file holds NaN or infinity in a number cell: it reads as the text
    (what the check then judges), so a kept plan writes what was checked."""

    def odd(xml: str) -> str:
        xml = re.sub(r'<c r="A2"( t="[^"]*")?>.*?</c>', '<c r="A2"><v>NaN</v></c>', xml)
        return re.sub(r'<c r="B2"( t="[^"]*")?>.*?</c>', '<c r="B2"><v>-inf</v></c>', xml)

    rows = dict(read_rows(_rewrite(_rows(1), SHEET, odd), 100))
    assert rows[2] == ("nan", "-inf")


def test_a_sheet_declaring_16384_columns_is_refused_before_reading(app):
    data = _rewrite(_rows(3), SHEET, _dimension("A1:XFD4"))
    with pytest.raises(SpreadsheetError, match="16384"):
        list(read_rows(data, 100))


def test_a_row_reaching_column_xfd_is_refused(app):
    def far_cell(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return xml.replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)

    data = _rewrite(_rows(3), SHEET, far_cell)
    with pytest.raises(SpreadsheetError, match="16384"):
        list(read_rows(data, 100))


def test_a_stale_dimension_is_an_error_not_missing_rows(app, tree, cmte):
    data = _rewrite(_rows(5), SHEET, _dimension("A1:B2"))
    with pytest.raises(SpreadsheetError) as err:
        list(read_rows(data, 100))
    assert "16384" not in str(err.value)
    with pytest.raises(SpreadsheetError):
        importer.plan_import(cmte, data)


def test_a_true_dimension_reads_every_row(app):
    assert len(list(read_rows(_rows(5), 100))) == 6


def test_a_dimension_taller_than_the_cap_is_refused_before_reading(app):
    data = _rewrite(_rows(3), SHEET, _dimension("A1:B1048576"))
    with pytest.raises(SpreadsheetError):
        list(read_rows(data, 100))


def _with_shared_strings(size: int) -> bytes:
    strings = "".join(f"<si><t>{'x' * 990}</t></si>" for _ in range(size // 1000))
    xml = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_rows(3))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
        dst.writestr("xl/sharedStrings.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_unpacked_size_is_bounded_by_the_row_cap(app):
    shared_budget = unpack_budget(100)[1]
    data = _with_shared_strings(shared_budget + 100_000)
    assert len(data) < 100_000  # a small upload that would unpack to megabytes
    with pytest.raises(SpreadsheetError):
        list(read_rows(data, 100))
    assert len(list(read_rows(_with_shared_strings(200_000), 100))) == 4


def _far_row(xml: str) -> str:
    xml = re.sub(r"<dimension [^>]*/>", "", xml)
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace("</sheetData>", far + "</sheetData>")


def test_hostile_files_are_refused_in_bounded_memory(app):
    """The web cap (20,000 rows): a wide declaration, a far row and too many shared strings
    each cost a few megabytes at most, not the gigabyte they once did."""
    hostile = [
        _rewrite(_rows(3), SHEET, _dimension("A1:XFD20000")),
        _rewrite(_rows(3), SHEET, _far_row),
        _with_shared_strings(unpack_budget(2_000)[1] + 1000),
    ]
    tracemalloc.start()
    try:
        for data, cap in zip(hostile, (20_000, 20_000, 2_000), strict=True):
            with pytest.raises(SpreadsheetError):
                list(read_rows(data, cap))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak


def test_the_upload_page_shows_the_error_beside_the_file(tree, login_as):
    from app.auth.models import Role
    from tests.factories import make_user

    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    data = _rewrite(_rows(3), SHEET, _dimension("A1:XFD4"))
    r = c.post(
        "/roster/import",
        data={"file": (io.BytesIO(data), "wide.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and "16384" in r.get_data(as_text=True)
