"""A member's history names who changed the record, never their login."""

from __future__ import annotations

from app.auth.models import Role
from app.extensions import db
from app.roster import privacy, services
from tests.factories import make_member, make_user


def test_the_history_names_the_secretary_not_the_login(tree, login_as):
    sec = make_user("zx9sec", (Role.BRANCH_SECRETARY, tree.branch_a), display_name="甲支部李书记")
    m = make_member(tree.group_a)
    raw = services.member_raw(m)
    raw.update(id_number=privacy.masked_id(m), phone=privacy.masked_phone(m), work_unit="新单位")
    services.save_member(sec, raw, member=m, expected_version=m.version, note="调整单位")
    db.session.commit()
    page = login_as(sec).get(f"/roster/{m.id}").get_data(as_text=True)
    assert "甲支部李书记" in page and "zx9sec" not in page
