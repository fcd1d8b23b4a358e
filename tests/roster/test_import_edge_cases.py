"""Import and export edge cases from real spreadsheets and from review findings."""

from __future__ import annotations

import base64
import io
import tempfile
import zipfile
import zlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role, User
from app.common.excel import SpreadsheetError
from app.extensions import db
from app.orgs.services import create_org
from app.roster import excel, importer, search, services
from app.roster.models import Member
from tests.factories import make_id_number, make_member, make_service_point, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


def test_update_through_the_web_commit(tree, login_as):
    m = make_member(tree.group_a, name="甲一", work_unit="旧单位")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    data = c.get("/roster/export.xlsx").data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["花名册"]["I2"] = "新单位"
    buf = io.BytesIO()
    wb.save(buf)
    r = c.post(
        "/roster/import",
        data={"file": (io.BytesIO(buf.getvalue()), "e.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    assert c.post("/roster/import/commit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, m.id).work_unit == "新单位"


def test_a_sheet_with_some_columns_changes_only_those(tree, cmte):
    m = make_member(
        tree.group_a,
        name="全字段",
        phone="13912345678",
        work_unit="单位",
        skills="驾驶",
        party_status="retained",
        is_hardship=True,
    )
    number = services.member_raw(m)["id_number"]
    batch = importer.commit_import(
        cmte, make_xlsx([["姓名", "身份证号"], ["全字段改", number]]), "p.xlsx"
    )
    db.session.commit()
    assert batch.rows_updated == 1
    db.session.expire_all()
    raw = services.member_raw(db.session.get(Member, m.id))
    assert raw["name"] == "全字段改"
    assert (raw["phone"], raw["work_unit"], raw["skills"]) == ("13912345678", "单位", "驾驶")
    assert raw["party_status"] == "retained" and raw["is_hardship"] is True
    assert raw["org_id"] == tree.group_a.id


def test_a_plain_row_number_column_is_not_a_system_number(tree, cmte):
    first = make_member(tree.group_a, name="原来的人")
    row = [first.id, "新来的人", make_id_number(seq=500), "甲党支部", "", "", "", "正式党员"]
    rows = [["编号", *HEADER], row]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert plan.errors == [] and plan.creates == 1


def test_system_number_and_id_of_different_members_is_refused(tree, cmte):
    a = make_member(tree.group_a, name="甲")
    rows = [
        ["系统编号", *HEADER],
        [a.id, "乙", make_id_number(seq=501), "甲党支部", "", "", "", "正式党员"],
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert any(e.column == "身份证号" for e in plan.errors)


def test_born_on_29_february(tree, cmte):
    number = make_id_number("19880229", seq=11)
    m = make_member(
        tree.group_a, id_number=number, joined_on="2010-07-01", full_member_on="2011-07-01"
    )
    assert m.birth_date == date(1988, 2, 29)


def test_rollback_after_a_name_change_restores_search_keys(tree, cmte):
    m = make_member(tree.group_a, name="王大明")
    number = services.member_raw(m)["id_number"]
    batch = importer.commit_import(
        cmte, make_xlsx([["姓名", "身份证号"], ["张小明", number]]), "n.xlsx"
    )
    db.session.commit()
    importer.rollback_import(cmte, batch)
    db.session.commit()
    found = search.list_members(cmte, search.MemberFilters(q="wdm"), 1, 10).page
    assert [x.name for x in found.items] == ["王大明"]


def test_the_same_member_twice_in_one_file_is_refused(tree, cmte):
    m = make_member(tree.group_a, name="重复")
    number = services.member_raw(m)["id_number"]
    rows = [
        ["系统编号", "姓名", "身份证号"],
        [m.id, "重复", number],
        [m.id, "重复2", "620902********0000"],
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert any(e.row == 3 for e in plan.errors)


@pytest.mark.parametrize("arg", ["org_id=99999999999999999999999", "skill_id=-5", "org_id=abc"])
def test_odd_filter_ids_are_ignored(tree, login_as, arg):
    c = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    assert c.get(f"/roster/?{arg}").status_code == 200
    assert c.get(f"/roster/export.xlsx?{arg}").status_code == 200


def test_odd_system_numbers_and_damaged_xml_are_reported(tree, cmte):
    tail = ["甲党支部", "", "", "", "正式党员"]
    rows = [
        ["系统编号", *HEADER],
        ["1e20", "某", make_id_number(seq=9), *tail],
        ["²", "某", make_id_number(seq=8), *tail],
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert [e.column for e in plan.errors] == ["系统编号", "系统编号"]
    good = make_xlsx([HEADER, ["某", make_id_number(seq=7), "甲党支部", "", 2001, "", "正式党员"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<v>2001</v>", b"<v>abc</v>", 1)  # a number cell: "abc"
            dst.writestr(item, body)
    with pytest.raises(SpreadsheetError):
        importer.plan_import(cmte, out.getvalue())


def test_official_layout_with_odd_and_repeated_branch_names(tree, cmte):
    odd = create_org(None, name="第[一]/支部", kind="branch", parent=tree.committee)
    twin = create_org(None, name="甲党支部", kind="branch", parent=tree.committee)
    db.session.commit()
    for org in (odd, twin, tree.branch_a):
        make_member(org)
    result = excel.export_members(cmte, search.MemberFilters(), official=True)
    names = openpyxl.load_workbook(result.path).sheetnames
    Path(result.path).unlink()
    assert len(names) == 3 and len(set(names)) == 3 and "第_一__支部" in names


def test_no_full_id_in_audit_or_session_and_no_files_left(tree, login_as, tmp_path, monkeypatch):
    number = make_id_number(seq=42)
    make_member(tree.group_a, id_number=number)
    c = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    # Our own temp folder: another program writing to the shared one must not fail this test.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    c.post("/roster/", data={"q": number})
    cookie = c.get_cookie("session").value
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = zlib.decompress(raw).decode() if cookie.startswith(".") else raw.decode()
    assert number not in text
    assert c.get("/roster/export.xlsx").status_code == 200
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster.export"))
    assert number not in str(ev.details)
    bad = make_xlsx([HEADER, ["坏", "123", "甲党支部", "", "", "", "正式党员"]])
    c.post(
        "/roster/import",
        data={"file": (io.BytesIO(bad), "b.xlsx")},
        content_type="multipart/form-data",
    )
    uploads = Path(c.application.instance_path) / "imports"
    assert list(uploads.glob("*.xlsx")) == []
    assert list(tmp_path.iterdir()) == []


def test_import_cannot_use_another_branchs_service_point(tree):
    make_service_point(tree.branch_b, "乙村为民服务室")
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    rows = [
        [*HEADER, "服务点"],
        ["某", make_id_number(seq=77), "甲党支部", "", "", "", "正式党员", "乙村为民服务室"],
    ]
    plan = importer.plan_import(sec, make_xlsx(rows))
    assert [e.column for e in plan.errors] == ["服务点"]


def test_year_dot_month_typed_as_a_number(tree, cmte):
    rows = [
        HEADER,
        ["某", make_id_number("19700101", seq=3), "甲党支部", "", 2001.07, 2002.1, "正式党员"],
        [7, None, None, None, None, None, None],
    ]
    rows[2] = [None] * 7
    batch = importer.commit_import(cmte, make_xlsx(rows), "d.xlsx")
    db.session.commit()
    m = db.session.scalar(select(Member))
    assert (m.joined_on, m.full_member_on) == (date(2001, 7, 1), date(2002, 10, 1))
    assert batch.rows_created == 1
    _ = User


def test_a_failed_lookup_cell_is_a_problem_not_a_blank(tree, cmte):
    """A #N/A left by a VLOOKUP is reported on its row (calamine reads error cells as empty;
    the reader gives their text back, as openpyxl did)."""
    header = [*HEADER, "联系电话"]
    row = ["某", make_id_number(seq=78), "甲党支部", "", "", "", "正式党员", "#N/A"]
    plan = importer.plan_import(cmte, make_xlsx([header, row]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "联系电话")]
