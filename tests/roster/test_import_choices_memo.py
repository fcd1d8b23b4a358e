"""The import reads each choice text once per file: a remembered reading must belong to its
own text and column, so a good row after a bad one (and the reverse) is judged on its own."""

from __future__ import annotations

from app.roster import importer
from app.roster.cleaning import clean_member
from tests.factories import make_id_number, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "党员类别", "人员类别", "党籍状态"]


def test_each_row_is_judged_on_its_own_choices(tree, cmte):
    values = [
        ("正式党员", "无职党员", "正常"),
        ("坏类别", "无职党员", "正常"),
        ("正式党员", "农牧渔民", "正常"),
        ("预备党员", "坏人员", "正常"),
        ("正式党员", "无职党员", "正常"),
        ("正式党员", "党员干部", "坏状态"),
        ("Full member", "无职党员", "正常"),
    ]
    rows = [HEADER] + [
        [f"甲{i}", make_id_number(seq=600 + i), "甲党支部", *v] for i, v in enumerate(values)
    ]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert sorted((e.row, e.column) for e in plan.errors) == [
        (3, "党员类别"),
        (5, "人员类别"),
        (7, "党籍状态"),
    ]
    by_row = {pr.row: pr.values for pr in plan.rows}
    assert by_row[2]["membership"] == "full" and by_row[2]["post_kind"] == "no_post"
    assert by_row[4]["post_kind"] == "no_post" and by_row[4]["occupation"] == "农牧渔民"
    assert by_row[6]["post_kind"] == "no_post"
    assert by_row[8]["membership"] == "full"


def test_a_memo_gives_what_each_row_gives_without_one(app, tree):
    memo: dict = {}
    for membership in ["正式党员", "预备党员", "坏", "正式党员", "", "probationary", "坏"]:
        raw = {"name": "甲", "id_number": make_id_number(seq=700), "org_id": tree.branch_a.id,
               "membership": membership}  # fmt: skip
        alone, memoised = clean_member(raw), clean_member(raw, memo=memo)
        assert (memoised.values, memoised.errors) == (alone.values, alone.errors)


def test_a_control_character_is_named_on_its_own_field(app, tree):
    """A text holding a control character (a pasted bell, a stray escape) is refused on the
    field that holds it, and on no other; tabs and line breaks are white space."""
    raw = {
        "name": "乙一",
        "id_number": make_id_number(seq=700),
        "work_unit": "村委会\x07",
        "address": "泉湖村\x1b3号",
        "job_title": "村民\t主任\n",
        "org_id": tree.group_a.id,
    }
    assert clean_member(raw).errors == {
        "work_unit": "不允许包含控制字符。",
        "address": "不允许包含控制字符。",
    }
    raw.update(work_unit="村委会", address="泉湖村3号")
    cleaned = clean_member(raw)
    assert cleaned.errors == {} and cleaned.values["job_title"] == "村民 主任"
