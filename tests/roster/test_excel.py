"""Roster spreadsheets: export, template, all-or-nothing import, round trip, rollback, CLI."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import Role, User
from app.common.excel import SpreadsheetError
from app.extensions import db
from app.roster import excel, importer, search, services
from app.roster.columns import COLUMNS
from app.roster.models import ImportBatch, Member
from tests.factories import make_id_number, make_member, make_user, make_xlsx


def _read(path: str, sheet: str = "花名册") -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def _count() -> int:
    return db.session.scalar(select(func.count(Member.id)))


def test_secretary_export_holds_only_their_branch_masked(tree, login_as, tmp_path):
    make_member(tree.group_a, name="甲一")
    make_member(tree.group_b, name="乙一")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    r = c.get("/roster/export.xlsx")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    path = tmp_path / "x.xlsx"
    path.write_bytes(r.data)
    rows = _read(str(path))
    names = [row[1] for row in rows[1:]]
    assert names == ["甲一"]
    assert "*" in rows[1][5]
    assert c.get("/roster/export.xlsx?full=1").status_code == 403
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster.export"))
    assert ev.details["rows"] == 1 and ev.details["unmasked"] is False


def test_export_is_formatted_and_safe(tree, cmte):
    make_member(
        tree.group_a,
        name='=HYPERLINK("http://x","y")',
        joined_on="2001-07-01",
        full_member_on="2002-07-01",
    )
    result = excel.export_members(cmte, search.MemberFilters(), unmasked=True)
    wb = openpyxl.load_workbook(result.path)
    ws = wb["花名册"]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref
    assert ws.data_validations.dataValidation
    row = [c for c in ws[2]]
    assert row[1].value == '=HYPERLINK("http://x","y")' and row[1].data_type == "s"
    assert row[1].quotePrefix
    assert isinstance(row[10].value, datetime)  # a real Excel date
    assert row[5].number_format == "@"
    assert wb.properties.title == "党员花名册"
    Path(result.path).unlink()


def test_official_layout_has_a_sheet_per_branch_with_title_and_signature(tree, cmte):
    make_member(tree.group_a, name="甲一")
    make_member(tree.group_b, name="乙一")
    result = excel.export_members(cmte, search.MemberFilters(), official=True)
    wb = openpyxl.load_workbook(result.path)
    assert wb.sheetnames == ["甲党支部", "乙党支部"]
    rows = [r for r in wb["甲党支部"].iter_rows(values_only=True)]
    assert rows[0][0] == "甲党支部党员花名册"
    assert rows[1][1] == "姓名"
    assert any("签字" in str(v) for v in rows[-1] if v)
    Path(result.path).unlink()


def test_export_then_import_reproduces_the_same_members(tree, cmte, app):
    for i in range(5):
        make_member(
            tree.group_a if i % 2 else tree.branch_b, skills="法律咨询，驾驶", is_hardship=i == 3
        )
    before = {m.id: services.member_raw(m) for m in db.session.scalars(select(Member))}
    result = excel.export_members(cmte, search.MemberFilters(), unmasked=True)
    data = Path(result.path).read_bytes()
    Path(result.path).unlink()
    # Into an empty roster: every member comes back as it was.
    db.session.execute(db.delete(Member))
    db.session.commit()
    plan = importer.plan_import(cmte, _strip_ids(data))
    assert plan.errors == [] and plan.creates == 5
    importer.commit_import(cmte, _strip_ids(data), "roundtrip.xlsx")
    db.session.commit()
    after = sorted(
        (services.member_raw(m) for m in db.session.scalars(select(Member))),
        key=lambda r: r["id_number"],
    )
    expected = sorted(before.values(), key=lambda r: r["id_number"])
    for a, b in zip(after, expected, strict=True):
        assert sorted(a.pop("skills").split(", ")) == sorted(b.pop("skills").split(", "))
        assert a == b


def _strip_ids(data: bytes) -> bytes:
    """The system numbers of deleted members would not match: blank them."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["花名册"]
    for row in ws.iter_rows(min_row=2):
        row[0].value = None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_masked_export_reimports_as_updates_not_duplicates(tree, login_as, tmp_path):
    make_member(tree.group_a, name="甲一", work_unit="旧单位")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    data = c.get("/roster/export.xlsx").data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["花名册"]["I2"] = "新单位"
    buf = io.BytesIO()
    wb.save(buf)

    sec = db.session.scalar(select(User).where(User.username == "sec"))
    batch = importer.commit_import(sec, buf.getvalue(), "edited.xlsx")
    db.session.commit()
    assert (batch.rows_created, batch.rows_updated) == (0, 1)
    assert _count() == 1
    assert db.session.scalar(select(Member.work_unit)) == "新单位"


HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


def test_bad_rows_write_nothing_and_each_is_reported(tree, cmte):
    good = [f"好人{i}" for i in range(3)]
    rows = [HEADER] + [
        [n, make_id_number(seq=i + 100), "甲党支部", "", "2001.07", "2002年7月", "正式党员"]
        for i, n in enumerate(good)
    ]
    rows.insert(3, ["坏人", "110105194912310021", "甲党支部", "", "2001-07-01", "", "正式党员"])
    rows.append(["", make_id_number(seq=5), "丙党支部", "", "昨天", "", "党员"])
    with pytest.raises(importer.ImportRejected) as err:
        importer.commit_import(cmte, make_xlsx(rows), "bad.xlsx")
    problems = {(e.row, e.column) for e in err.value.plan.errors}
    assert (4, "身份证号") in problems
    assert {(6, "姓名"), (6, "所在党支部"), (6, "入党时间"), (6, "党员类别")} <= problems
    db.session.rollback()
    assert _count() == 0
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0


EXCEL_DATE = datetime(2001, 7, 1)  # noqa: DTZ001 - Excel cells carry no time zone


def test_accepts_what_real_spreadsheets_contain(tree, cmte):
    number = make_id_number("19800101", seq=101)
    rows = [
        ["性别", "  姓名 ", "公民身份号码", "入党日期", "转正日期", "所在支部", "党小组", "学历"],
        [
            "男",
            "  张 三 ",
            number.lower() + " ",
            EXCEL_DATE,
            "2002.7",
            "甲党支部",
            "甲第一党小组",
            "大学本科",
        ],
    ]
    data = make_xlsx(rows, title_rows=[["甲党支部党员花名册"], []])
    plan = importer.plan_import(cmte, data)
    assert plan.errors == [], plan.errors
    importer.commit_import(cmte, data, "real.xlsx")
    db.session.commit()
    m = db.session.scalar(select(Member))
    assert m.name == "张 三" and m.joined_on == date(2001, 7, 1)
    assert m.full_member_on == date(2002, 7, 1) and m.org_id == tree.group_a.id


def test_id_typed_as_a_number_is_refused_with_a_hint(tree, cmte):
    rows = [HEADER, ["数字", 1.1010519491231e17, "甲党支部", "", "", "", "正式党员"]]
    with pytest.raises(importer.ImportRejected) as err:
        importer.commit_import(cmte, make_xlsx(rows), "n.xlsx")
    assert any(e.column == "身份证号" and "文本" in e.message for e in err.value.plan.errors)


def test_duplicate_ids_within_the_file_are_reported(tree, cmte):
    number = make_id_number(seq=3)
    rows = [HEADER] + [["甲", number, "甲党支部", "", "", "", "正式党员"]] * 2
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert any(e.row == 3 and "2" in e.message for e in plan.errors)


def test_secretary_cannot_import_into_another_branch(tree):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    rows = [HEADER, ["外人", make_id_number(seq=4), "乙党支部", "", "", "", "正式党员"]]
    plan = importer.plan_import(sec, make_xlsx(rows))
    assert [e.column for e in plan.errors] == ["所在党支部"]


@pytest.mark.parametrize(
    "data",
    [b"not a zip at all", b"PK\x03\x04garbage", "姓名,身份证号\n张三,1".encode()],
)
def test_files_that_are_not_xlsx_are_refused(tree, cmte, data):
    with pytest.raises(SpreadsheetError):
        importer.plan_import(cmte, data)


def test_rollback_removes_created_and_restores_updated(tree, cmte):
    existing = make_member(tree.group_a, name="原有", work_unit="旧单位")
    rows = [
        ["系统编号", *HEADER, "工作单位"],
        [
            existing.id,
            "原有",
            services.member_raw(existing)["id_number"],
            "甲党支部",
            "甲第一党小组",
            "2005-07-01",
            "2006-07-01",
            "正式党员",
            "新单位",
        ],
        ["", "新增", make_id_number(seq=222), "甲党支部", "", "", "", "正式党员", ""],
    ]
    batch = importer.commit_import(cmte, make_xlsx(rows), "b.xlsx")
    db.session.commit()
    assert _count() == 2 and (batch.rows_created, batch.rows_updated) == (1, 1)
    importer.rollback_import(cmte, batch)
    db.session.commit()
    db.session.expire_all()
    assert _count() == 1
    assert db.session.get(Member, existing.id).work_unit == "旧单位"
    assert importer.rollback_blocker(batch) is not None  # once only


def test_rollback_is_refused_after_a_later_change(tree, cmte):
    rows = [HEADER, ["后改", make_id_number(seq=12), "甲党支部", "", "", "", "正式党员"]]
    batch = importer.commit_import(cmte, make_xlsx(rows), "c.xlsx")
    db.session.commit()
    m = db.session.scalar(select(Member))
    raw = services.member_raw(m)
    raw["work_unit"] = "后来改的"
    services.save_member(cmte, raw, member=m, expected_version=m.version)
    db.session.commit()
    assert importer.rollback_blocker(batch)


def test_import_over_http_previews_then_commits(tree, login_as):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    rows = [HEADER, ["网页导入", make_id_number(seq=31), "甲党支部", "", "", "", "正式党员"]]
    r = c.post(
        "/roster/import",
        data={"file": (io.BytesIO(make_xlsx(rows)), "r.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and _count() == 0
    r = c.post("/roster/import/commit")
    assert r.status_code == 302 and _count() == 1
    assert c.get("/roster/import/template.xlsx").status_code == 200


def test_cli_import_names_bad_rows_and_writes_nothing(tree, runner, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        make_xlsx([[*HEADER, "备注栏"], ["坏", "123", "甲党支部", "", "", "", "正式党员", "x"]])
    )
    r = runner.invoke(args=["roster", "import", str(path)])
    assert r.exit_code != 0
    assert "第2行 身份证号" in r.output
    assert "ignored columns: 备注栏" in r.output
    assert _count() == 0


def test_cli_export_then_import_round_trips(tree, runner, tmp_path):
    make_member(tree.group_a, name="命令行")
    path = tmp_path / "out.xlsx"
    r = runner.invoke(args=["roster", "export", str(path), "--full"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["roster", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert _count() == 1


def test_official_title_naming_a_formula_stays_text(tree, cmte):
    tree.branch_a.name = '=HYPERLINK("http://x","y")'
    make_member(tree.group_a, name="甲一")
    db.session.commit()
    result = excel.export_members(cmte, search.MemberFilters(), official=True)
    ws = openpyxl.load_workbook(result.path).worksheets[0]
    cell = ws["A1"]
    assert cell.value == '=HYPERLINK("http://x","y")党员花名册' and cell.data_type == "s"
    assert cell.quotePrefix
    Path(result.path).unlink()


def _full_members(tree) -> None:
    """Two members with every exported field set, and one with only the required ones."""
    make_member(
        tree.group_a,
        name="王建国",
        id_number="62090219800101007X",
        phone="13812345678",
        address="甘肃省酒泉市肃州区泉湖乡泉湖村三组12号",
        ethnicity="回族",
        education="大学本科",
        work_unit="泉湖村村委会",
        job_title="村委会主任",
        occupation="农牧渔民",
        joined_on="2001-07-01",
        full_member_on="2002-07-01",
        post_kind="cadre",
        agent_source="village_cadre",
        service_point_id=tree.room_a.id,
        skills="法律咨询，驾驶",
        is_mobile=True,
        mobile_destination="新疆乌鲁木齐",
        is_lost_contact=True,
        lost_contact_since="2024-03-01",
        is_hardship=True,
    )
    make_member(
        tree.branch_b,
        name="李秀英",
        id_number="620902199002020020",
        phone="0937-2612345",
        address="酒泉市西大街8号",
        membership="probationary",
        joined_on="2025-07-01",
        full_member_on="",
        party_status="retained",
    )
    make_member(tree.group_a, name="赵一", id_number="620902198503030038", phone="")


_FULL_ROWS = [
    (
        "王建国", "男", "回族", date(1980, 1, 1), "62090219800101007X", "13812345678",
        "大学本科", "泉湖村村委会", "村委会主任", date(2001, 7, 1), date(2002, 7, 1),
        "正式党员", "甲党支部", "甲第一党小组", "党员干部", "村干部", "甲村为民服务室",
        "法律咨询，驾驶", "正常", "是", "新疆乌鲁木齐", "是", date(2024, 3, 1), "是",
        "农牧渔民", "甘肃省酒泉市肃州区泉湖乡泉湖村三组12号",
    ),
    (
        "赵一", "男", "汉族", date(1985, 3, 3), "620902198503030038", None,
        None, None, None, date(2005, 7, 1), date(2006, 7, 1),
        "正式党员", "甲党支部", "甲第一党小组", "无职党员", None, None,
        None, "正常", "否", None, "否", None, "否",
        None, None,
    ),
    (
        "李秀英", "女", "汉族", date(1990, 2, 2), "620902199002020020", "0937-2612345",
        None, None, None, date(2025, 7, 1), None,
        "预备党员", "乙党支部", None, "无职党员", None, None,
        None, "保留党籍", "否", None, "否", None, "否",
        None, "酒泉市西大街8号",
    ),
]  # fmt: skip
# The same rows masked: the ID keeps its first 6 and last 4, a mobile its first 3 and last 4,
# a landline its area code and last 2, an address its start.
_MASKED = {
    "62090219800101007X": "620902********007X",
    "620902198503030038": "620902********0038",
    "620902199002020020": "620902********0020",
    "13812345678": "138****5678",
    "0937-2612345": "0937-*****45",
    "甘肃省酒泉市肃州区泉湖乡泉湖村三组12号": "甘肃省酒泉市****",
    "酒泉市西大街8号": "酒泉****",
}


@pytest.mark.parametrize("unmasked", [True, False])
def test_export_writes_every_field_of_each_member(tree, cmte, unmasked):
    _full_members(tree)
    result = excel.export_members(cmte, search.MemberFilters(), unmasked=unmasked)
    rows = _read(result.path)
    Path(result.path).unlink()
    assert rows[0] == tuple(header for _k, header, _w in COLUMNS)
    # Excel dates read back as midnight datetimes.
    got = [tuple(v.date() if isinstance(v, datetime) else v for v in row[1:]) for row in rows[1:]]
    expected = [
        tuple(v if unmasked or not isinstance(v, str) else _MASKED.get(v, v) for v in row)
        for row in _FULL_ROWS
    ]
    assert got == expected
    ids = [row[0] for row in rows[1:]]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3
