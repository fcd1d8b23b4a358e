"""The roster sheet's columns: drop-down lists that import again, the birth-date cell's own
problems, other systems' headers, occupations in 人员类别, and the home address."""

from __future__ import annotations

import io
import re
from datetime import date, time
from pathlib import Path

import openpyxl
import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.auth.models import Role
from app.common.crypto import decrypt
from app.extensions import db
from app.roster import excel, importer, privacy, search, services
from app.roster.columns import COLUMNS, sheet_choices
from app.roster.models import Member
from tests.factories import make_id_number, make_member, make_user, make_xlsx

BASE = ["姓名", "身份证号", "所在党支部"]


def _drop_downs(path: str) -> dict[str, list[str]]:
    """Column key -> the values of its data validation list, read the way Excel reads them."""
    wb = openpyxl.load_workbook(path)
    ws = wb["花名册"]
    header_key = {h: k for k, h, _w in COLUMNS}
    found: dict[str, list[str]] = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        sheet, col, first, last = re.fullmatch(
            r"(\S+)!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", dv.formula1
        ).groups()
        values = [wb[sheet][f"{col}{r}"].value for r in range(int(first), int(last) + 1)]
        for ref in str(dv.sqref).split():
            letter = re.match(r"[A-Z]+", ref).group()
            found[header_key[ws[f"{letter}1"].value]] = values
    assert wb["选项"].sheet_state == "hidden"
    return found


@pytest.mark.parametrize("kind", ["export", "template"])
def test_every_drop_down_holds_exactly_what_the_import_accepts(tree, cmte, kind):
    make_member(tree.group_a, name="甲一")
    if kind == "export":
        path = excel.export_members(cmte, search.MemberFilters()).path
    else:
        path = excel.import_template()
    lists = _drop_downs(path)
    Path(path).unlink()
    assert lists == sheet_choices()
    assert "正式党员" in lists["membership"] and "党员干部" in lists["post_kind"]
    assert "村干部" in lists["agent_source"] and "正常" in lists["party_status"]
    assert lists["is_mobile"] == ["是", "否"]
    # Each value offered, typed into that column of a new member's row, imports cleanly
    # (odd sequence numbers make a man's ID number, even ones a woman's: 男 then 女).
    header = {k: h for k, h, _w in COLUMNS}
    for key, values in lists.items():
        rows = [[*BASE, header[key]]]
        for i, value in enumerate(values):
            row = [f"人{i}", make_id_number(seq=301 + i), "甲党支部", value]
            if key in ("is_mobile", "is_lost_contact") and value == "是":
                continue  # needs a destination or a date: another column's rule
            rows.append(row)
        plan = importer.plan_import(cmte, make_xlsx(rows))
        assert plan.errors == [], (key, plan.errors)


def test_values_outside_a_list_are_refused_by_the_import(tree, cmte):
    rows = [
        [*BASE, "党员类别", "党籍状态"],
        ["某", make_id_number(seq=1), "甲党支部", "党员", "好"],
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert {e.column for e in plan.errors} == {"党员类别", "党籍状态"}


def _birth_problems(cmte, cell, id_number) -> list[str]:
    plan = importer.plan_import(
        cmte, make_xlsx([[*BASE, "出生日期"], ["某", id_number, "甲党支部", cell]])
    )
    return [e.message for e in plan.errors if e.column == "出生日期"]


def test_blank_and_month_only_birth_dates_say_what_is_wrong(tree, cmte):
    number = make_id_number("19800115", seq=5)
    mismatch = str(_l("The date of birth does not match the ID number."))
    # Cells that only look blank (spaces, Excel's zero date) are blank: the ID gives the date.
    for cell in (None, "", "   ", time(0, 0)):  # a zero date reads as midnight
        assert _birth_problems(cmte, cell, number) == [], repr(cell)
    # A month that agrees with the ID number is enough (出生年月 columns give no day).
    for cell in ("1980-01", "1980.01", 1980.01, "1980年1月"):
        assert _birth_problems(cmte, cell, number) == [], repr(cell)
    assert _birth_problems(cmte, "1980-03", number) == [
        str(_l("The year and month of birth do not match the ID number."))
    ]
    assert _birth_problems(cmte, "1980-01", "123") == [
        str(_l("The date of birth is incomplete; give the day."))
    ]
    assert _birth_problems(cmte, "1980-01-16", number) == [mismatch]


REAL_HEADER = [
    *BASE,
    "人员类别",
    "转为正式党员日期",
    "工作岗位",
    "是否流动党员",
    "外出流向",
    "是否失联党员",
    "失去联系日期",
    "家庭住址",
    "籍贯",
    "序号",
]


def test_other_systems_headers_map_to_our_columns_and_ignored_ones_are_named(tree, cmte):
    number = make_id_number("19700101", seq=21)
    rows = [
        REAL_HEADER,
        [
            "张三",
            number,
            "甲党支部",
            "农牧渔民",
            "2001-07-01",
            "村医",
            "是",
            "兰州",
            "否",
            "",
            "甘肃省白银市靖远县乌兰镇新民村3社12号",
            "靖远",
            1,
        ],
        [
            "李四",
            make_id_number("19700101", seq=22),
            "甲党支部",
            "党员干部",
            "2002-07-01",
            "支书",
            "否",
            "",
            "是",
            "2020-05-01",
            "",
            "",
            2,
        ],
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert plan.errors == []
    assert plan.ignored_columns == ["籍贯", "序号"]
    importer.commit_import(cmte, make_xlsx(rows), "real.xlsx")
    db.session.commit()
    zhang = db.session.scalar(select(Member).where(Member.name == "张三"))
    assert zhang.full_member_on == date(2001, 7, 1) and zhang.job_title == "村医"
    assert zhang.is_mobile and zhang.mobile_destination == "兰州" and not zhang.is_lost_contact
    assert (zhang.occupation, zhang.post_kind) == ("农牧渔民", "no_post")
    assert decrypt(zhang.address_enc) == "甘肃省白银市靖远县乌兰镇新民村3社12号"
    li = db.session.scalar(select(Member).where(Member.name == "李四"))
    assert (li.post_kind, li.occupation) == ("cadre", None)
    assert li.is_lost_contact and li.lost_contact_since == date(2020, 5, 1)


def test_an_occupation_in_the_category_column_keeps_the_members_post_kind(tree, cmte):
    m = make_member(tree.group_a, name="干部", post_kind="cadre")
    number = services.member_raw(m)["id_number"]
    rows = [["姓名", "身份证号", "人员类别"], ["干部", number, "离退休人员"]]
    importer.commit_import(cmte, make_xlsx(rows), "o.xlsx")
    db.session.commit()
    db.session.expire_all()
    m = db.session.get(Member, m.id)
    assert (m.post_kind, m.occupation) == ("cadre", "离退休人员")


def test_a_category_that_is_neither_is_refused_naming_both_lists(tree, cmte):
    rows = [[*BASE, "人员类别"], ["某", make_id_number(seq=31), "甲党支部", "教师"]]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert [e.column for e in plan.errors] == ["人员类别"]
    assert "无职党员" in plan.errors[0].message and "农牧渔民" in plan.errors[0].message


def test_the_preview_names_ignored_columns_even_when_rows_fail(tree, login_as):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    for number in (make_id_number(seq=41), "123"):
        rows = [[*BASE, "籍贯"], ["某", number, "甲党支部", "靖远"]]
        page = c.post(
            "/roster/import",
            data={"file": (io.BytesIO(make_xlsx(rows)), "r.xlsx")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        assert "籍贯" in page and "alert-warning" in page


ADDRESS = "甘肃省白银市靖远县乌兰镇新民村3社12号"


def test_home_address_is_encrypted_masked_and_unmasked_only_by_the_committee(tree, login_as):
    m = make_member(tree.group_a, name="有地址", address=ADDRESS, occupation="学生")
    dump = " ".join(str(v) for row in db.session.execute(text("SELECT * FROM member")) for v in row)
    assert ADDRESS not in dump and "学生" in dump
    masked = privacy.masked_address(m)
    assert masked.startswith("甘肃省") and "*" in masked and "3社12号" not in masked
    sec = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = sec.get(f"/roster/{m.id}").get_data(as_text=True)
    assert masked in page and ADDRESS not in page and "学生" in page
    form = sec.get(f"/roster/{m.id}/edit").get_data(as_text=True)
    assert re.search(r'name="address"[^>]*value="([^"]+)"', form).group(1) == masked
    export = sec.get("/roster/export.xlsx").data
    assert ADDRESS not in str(list(openpyxl.load_workbook(io.BytesIO(export))["花名册"].values))
    cmte = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    page = cmte.post(f"/roster/{m.id}/unmask", data={"reason": "走访"}).get_data(as_text=True)
    assert ADDRESS in page
    audit = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert ADDRESS not in audit


def test_editing_keeps_a_masked_address_and_history_shows_it_masked(tree):
    m = make_member(tree.group_a, address=ADDRESS)
    raw = services.member_raw(m)
    raw.update(address=privacy.masked_address(m), work_unit="新单位")
    services.save_member(None, raw, member=m)
    db.session.commit()
    assert decrypt(m.address_enc) == ADDRESS
    raw.update(address="甘肃省兰州市城关区某路1号")
    services.save_member(None, raw, member=m)
    db.session.commit()
    change = services.history_of(m)[0].changes["address"]
    assert change == [
        privacy.mask_address(ADDRESS),
        privacy.mask_address("甘肃省兰州市城关区某路1号"),
    ]
    assert "某路1号" not in str(change)


def test_occupation_and_address_round_trip_through_the_unmasked_export(tree, cmte):
    make_member(tree.group_a, name="往返", address=ADDRESS, occupation="在岗职工")
    result = excel.export_members(cmte, search.MemberFilters(), unmasked=True)
    data = Path(result.path).read_bytes()
    Path(result.path).unlink()
    ws = openpyxl.load_workbook(io.BytesIO(data))["花名册"]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert (row["职业"], row["家庭住址"]) == ("在岗职工", ADDRESS)
    plan = importer.plan_import(cmte, data)
    assert plan.errors == [] and plan.updates == 1


def test_a_new_house_number_that_masks_alike_is_still_a_recorded_change(tree):
    m = make_member(tree.group_a, address=ADDRESS, phone="13912345678")
    moved = ADDRESS.replace("3社12号", "9社99号")
    assert privacy.mask_address(moved) == privacy.mask_address(ADDRESS)  # the premise
    raw = services.member_raw(m)
    raw.update(address=moved, phone="13912340078")  # same masked phone too
    services.save_member(None, raw, member=m)
    db.session.commit()
    assert decrypt(m.address_enc) == moved
    changes = services.history_of(m)[0].changes
    assert set(changes) == {"address", "phone"}
    assert "9社99号" not in str(changes) and "13912340078" not in str(changes)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == m.id)).all()
    assert [e.action for e in events][-1] == "member.update"
