"""An ID number already on the roster is refused with one message, wherever its member is:
a secretary of another branch learns neither the member's branch nor their name."""

from __future__ import annotations

import io
import re

from app.auth.models import Role
from app.roster import importer, services
from tests.factories import make_id_number, make_member, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


def _form_errors(c, tree, id_number: str) -> str:
    r = c.post(
        "/roster/new",
        data={
            "name": "新人",
            "id_number": id_number,
            "org_id": tree.group_b.id,
            "membership": "full",
            "joined_on": "2010-07-01",
            "full_member_on": "2011-07-01",
            "post_kind": "no_post",
            "party_status": "normal",
        },
    )
    assert r.status_code == 200
    return " ".join(re.findall(r"invalid-feedback[^>]*>\s*([^<]+?)\s*<", r.get_data(as_text=True)))


def _rows(id_number: str) -> list[list]:
    return [HEADER, ["冒名", id_number, "乙党支部", "", "", "", "正式党员"]]


def test_form_and_preview_answer_the_same_in_and_out_of_scope(tree, login_as, app):
    outside = make_member(tree.group_a, name="甲外人", id_number=make_id_number(seq=71))
    inside = make_member(tree.group_b, name="乙本人", id_number=make_id_number(seq=72))
    sec_b = make_user("sec_b", (Role.BRANCH_SECRETARY, tree.branch_b))
    c = login_as(sec_b)
    out_msg = _form_errors(c, tree, services.member_raw(outside)["id_number"])
    in_msg = _form_errors(c, tree, services.member_raw(inside)["id_number"])
    assert out_msg and out_msg == in_msg
    with app.test_request_context():
        plan = importer.plan_import(
            sec_b, make_xlsx(_rows(services.member_raw(outside)["id_number"]))
        )
    assert [e.message for e in plan.errors if e.column == "身份证号"] == [out_msg]
    assert all("甲" not in e.message for e in plan.errors)


def test_the_import_preview_page_names_no_branch_and_no_member(tree, login_as):
    outside = make_member(tree.group_a, name="甲外人", id_number=make_id_number(seq=74))
    c = login_as(make_user("sec_b", (Role.BRANCH_SECRETARY, tree.branch_b)))
    r = c.post(
        "/roster/import",
        data={
            "file": (
                io.BytesIO(make_xlsx(_rows(services.member_raw(outside)["id_number"]))),
                "r.xlsx",
            )
        },
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "身份证号" in page
    assert "甲外人" not in page and "甲党支部" not in page and "范围" not in page
