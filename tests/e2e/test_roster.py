"""A branch secretary imports a roster file, filters the list and exports what it shows."""

from __future__ import annotations

import re

import openpyxl
import pytest

from tests.e2e.support import login, nav, need_browser, shot, shot_both
from tests.factories import make_id_number

need_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

NEW_MEMBERS = [
    # 姓名, 身份证号, 联系电话, 入党时间, 转正时间, 党员类别, 家庭住址
    (
        "试导甲",
        make_id_number("19850312", 101),
        "13800001111",
        "2010-07-01",
        "2011-07-01",
        "正式党员",
    ),
    ("试导乙", make_id_number("19920506", 202), "13800002222", "2025-06-01", None, "预备党员"),
]


def _fill_template(template: str, target: str) -> None:
    """Write the two new members into the downloaded template, as a secretary would."""
    wb = openpyxl.load_workbook(template)
    ws = wb["花名册"]
    column = {cell.value: cell.column for cell in ws[1]}
    for row, (name, id_number, phone, joined, full, membership) in enumerate(NEW_MEMBERS, 2):
        values = {
            "姓名": name,
            "身份证号": id_number,
            "联系电话": phone,
            "入党时间": joined,
            "转正时间": full,
            "党员类别": membership,
            "所在党支部": "泉湖村党支部",
            "人员类别": "无职党员",
            "党籍状态": "正常",
            "职业": "农牧渔民",
        }
        for header, value in values.items():
            if value:
                ws.cell(row, column[header], value)
    wb.save(target)


def test_secretary_imports_filters_and_exports(new_page, tmp_path):
    page = new_page("desktop")
    login(page, "secretary")
    nav(page, "花名册")
    expect(page.get_by_role("heading", level=1)).to_have_text("花名册")
    shot(page, "roster-list")

    page.get_by_role("link", name="导入").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板").click()
    template.value.save_as(tmp_path / "template.xlsx")
    _fill_template(tmp_path / "template.xlsx", tmp_path / "新党员.xlsx")
    page.get_by_label("电子表格（.xlsx）").set_input_files(tmp_path / "新党员.xlsx")
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_text("所有行均已通过检查")).to_be_visible()
    expect(page.get_by_text("将新增 2 名党员")).to_be_visible()
    shot(page, "roster-import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    shot(page, "roster-import-done")

    page.goto("/roster/")
    page.get_by_label("搜索").fill("试导")
    page.get_by_label("党员类别").select_option("probationary")
    page.get_by_role("button", name="搜索").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("试导乙")
    expect(rows.first).to_contain_text(re.compile(r"620902\*+\d{4}"))  # the ID stays masked
    shot_both(page, "roster-filtered")

    with page.expect_download() as export:
        page.get_by_role("link", name="导出", exact=True).click()
    assert export.value.suggested_filename.endswith(".xlsx")
    export.value.save_as(tmp_path / "export.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "export.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)
    ]
    rows = [r for r in rows if r["姓名"]]
    assert [r["姓名"] for r in rows] == ["试导乙"]
    assert rows[0]["党员类别"] == "预备党员"
    assert rows[0]["所在党支部"] == "泉湖村党支部"
    assert "*" in rows[0]["身份证号"]  # masked in the export too, unless asked otherwise


def test_roster_on_a_phone(new_page):
    page = new_page("phone")
    login(page, "secretary")
    page.goto("/roster/")
    expect(page.get_by_role("heading", level=1)).to_have_text("花名册")
    shot(page, "roster-list")
    page.get_by_role("link", name="刘志刚").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("刘志刚")
    shot(page, "roster-member")
