"""An import commit and a roll-back each ask first, saying in numbers what they will do."""

from __future__ import annotations

import html
import io
import re

from app.auth.models import Role
from tests.factories import make_id_number, make_member, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


def _asks(page: str) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'data-confirm="([^"]+)"', page)]


def test_commit_and_rollback_say_how_many_members_they_touch(tree, login_as):
    number = make_id_number(seq=703)
    make_member(tree.group_a, name="老党员", id_number=number)
    rows = [
        HEADER,
        ["新人一", make_id_number(seq=701), "甲党支部", "", "", "", "正式党员"],
        ["新人二", make_id_number(seq=702), "甲党支部", "", "", "", "正式党员"],
        ["老党员", number, "甲党支部", "", "", "", "正式党员"],
    ]
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    preview = c.post(
        "/roster/import",
        data={"file": (io.BytesIO(make_xlsx(rows)), "甲支部名册.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    [ask] = [a for a in _asks(preview.get_data(as_text=True)) if "2" in a]
    assert re.search(r"\b2\b", ask) and re.search(r"\b1\b", ask)  # 2 added, 1 updated
    assert c.post("/roster/import/commit").status_code == 302
    page = c.get("/roster/import").get_data(as_text=True)
    [ask] = [a for a in _asks(page) if "甲支部名册.xlsx" in a]
    assert re.search(r"\b2\b", ask) and re.search(r"\b1\b", ask)
