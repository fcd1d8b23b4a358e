"""Roster rules: validation, encryption at rest, uniqueness, history, scope, search, unmask."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.auth.models import Role
from app.errors import FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db
from app.roster import privacy, search, services, skills
from app.roster.models import Member, MemberHistory
from tests.factories import make_id_number, make_member, make_user, member_raw


def test_id_number_and_phone_are_encrypted_at_rest(tree):
    number = make_id_number("19850315", seq=123)
    make_member(tree.group_a, id_number=number, phone="13912345678")
    dump = " ".join(
        str(v) for row in db.session.execute(text("SELECT * FROM member")).all() for v in row
    )
    assert number not in dump and "13912345678" not in dump
    found = search.list_members(
        make_user("cmte", (Role.COMMITTEE, tree.committee)),
        search.MemberFilters(q=number),
        1,
        50,
    )
    assert found.page.total == 1


def test_birth_date_and_gender_are_checked_against_the_id(tree):
    raw = member_raw(
        tree.group_a, id_number="11010519491231002X", gender="男", birth_date="1950-01-01"
    )
    with pytest.raises(FieldErrors) as err:
        services.save_member(None, raw)
    assert set(err.value.errors) == {"gender", "birth_date"}


def test_missing_and_bad_fields_are_all_reported_at_once(tree):
    raw = member_raw(
        tree.group_a,
        name="",
        id_number="123",
        phone="12345",
        joined_on="not a date",
        membership="党员",
    )
    with pytest.raises(FieldErrors) as err:
        services.save_member(None, raw)
    assert {"name", "id_number", "phone", "joined_on", "membership"} <= set(err.value.errors)


def test_duplicate_id_number_is_refused(tree):
    number = make_id_number(seq=7)
    make_member(tree.group_a, id_number=number)
    with pytest.raises(FieldErrors) as err:
        services.save_member(None, member_raw(tree.group_b, id_number=number.lower()))
    assert "id_number" in err.value.errors


def test_edit_keeps_masked_id_and_records_a_dated_history(tree):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    m = make_member(tree.group_a)
    raw = services.member_raw(m)
    stored_id = raw["id_number"]
    raw.update(id_number=privacy.masked_id(m), phone=privacy.masked_phone(m), work_unit="新单位")
    services.save_member(sec, raw, member=m, expected_version=m.version, note="调整单位")
    db.session.commit()
    db.session.expire_all()
    m = db.session.get(Member, m.id)
    assert services.member_raw(m)["id_number"] == stored_id
    kinds = [h.kind for h in services.history_of(m)]
    assert kinds == ["update", "create"]
    latest = services.history_of(m)[0]
    assert latest.changes == {"work_unit": ["", "新单位"]} and latest.note == "调整单位"
    assert latest.actor_name == "用户sec"  # the display name, never the login


def test_transfer_between_branches_keeps_the_old_records(tree):
    committee = make_user("cmte", (Role.COMMITTEE, tree.committee))
    m = make_member(tree.group_a)
    raw = services.member_raw(m)
    raw["org_id"] = tree.group_b.id
    services.save_member(committee, raw, member=m, expected_version=m.version)
    db.session.commit()
    history = services.history_of(m)
    assert history[0].kind == "transfer"
    assert history[0].changes["org_id"] == ["甲第一党小组", "乙第一党小组"]
    assert len(history) == 2


def test_stale_edit_is_refused(tree):
    m = make_member(tree.group_a)
    with pytest.raises(StaleRecord):
        services.save_member(None, services.member_raw(m), member=m, expected_version=0)


def test_secretary_cannot_move_a_member_outside_their_branch(tree):
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    m = make_member(tree.group_a)
    raw = services.member_raw(m)
    raw["org_id"] = tree.group_b.id
    with pytest.raises(FieldErrors) as err:
        services.save_member(sec, raw, member=m, expected_version=m.version)
    assert "org_id" in err.value.errors


def test_scope_secretary_leader_member(tree):
    a1 = make_member(tree.group_a, name="甲一")
    a2 = make_member(tree.branch_a, name="甲二")
    b1 = make_member(tree.group_b, name="乙一")
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    leader = make_user("leader", (Role.GROUP_LEADER, tree.group_a))
    own = make_user("own", (Role.MEMBER, tree.group_a))
    a1.user_id = own.id
    db.session.commit()

    def names(user):
        page = search.list_members(user, search.MemberFilters(), 1, 50).page
        return {m.name for m in page.items}

    assert names(sec) == {"甲一", "甲二"}
    assert names(leader) == {"甲一"}
    assert names(own) == {"甲一"}
    assert services.get_member(sec, b1.id) is None
    assert services.get_member(own, a2.id) is None


@pytest.mark.parametrize(
    ("q", "expected"),
    [("赵", {"赵红梅"}), ("zhm", {"赵红梅"}), ("zhaohong", {"赵红梅"}), ("钱", {"钱多多"})],
)
def test_search_by_name_pinyin_and_tail(tree, q, expected):
    make_member(tree.group_a, name="赵红梅")
    make_member(tree.group_a, name="钱多多")
    c = make_user("cmte", (Role.COMMITTEE, tree.committee))
    page = search.list_members(c, search.MemberFilters(q=q), 1, 50).page
    assert {m.name for m in page.items} == expected


def test_search_by_id_and_phone_tail(tree):
    number = make_id_number("19700101", seq=55)
    make_member(tree.group_a, name="某甲", id_number=number, phone="13700001234")
    make_member(tree.group_a, name="某乙")
    c = make_user("cmte", (Role.COMMITTEE, tree.committee))
    for q in (number[-4:], "1234", "13700001234"):
        page = search.list_members(c, search.MemberFilters(q=q), 1, 50).page
        assert [m.name for m in page.items] == ["某甲"], q


def test_surname_stroke_order(tree):
    for name in ("王五", "丁一", "赵六", "李四"):  # strokes: 王4 丁2 赵9 李7
        make_member(tree.group_a, name=name)
    c = make_user("cmte", (Role.COMMITTEE, tree.committee))
    page = search.list_members(c, search.MemberFilters(sort="strokes"), 1, 50).page
    assert [m.name for m in page.items] == ["丁一", "王五", "李四", "赵六"]


def test_filters_and_facet_counts(tree):
    make_member(tree.group_a, post_kind="cadre", skills="法律咨询，驾驶")
    make_member(tree.group_a, membership="probationary", full_member_on=None)
    make_member(tree.group_b, is_mobile=True, mobile_destination="兰州")
    c = make_user("cmte", (Role.COMMITTEE, tree.committee))
    result = search.list_members(c, search.MemberFilters(), 1, 50)
    assert result.facets["membership"] == {"full": 2, "probationary": 1}
    assert result.facets["post_kind"] == {"cadre": 1, "no_post": 2}
    only_a = search.list_members(c, search.MemberFilters(org_id=tree.branch_a.id), 1, 50)
    assert only_a.page.total == 2
    mobile = search.list_members(c, search.MemberFilters(flag="mobile"), 1, 50)
    assert mobile.page.total == 1
    skill = next(s for s in skills.all_skills() if s.name == "法律咨询")
    by_skill = search.list_members(c, search.MemberFilters(skill_id=skill.id), 1, 50)
    assert by_skill.page.total == 1


def test_unmask_is_for_the_committee_and_audited_with_a_reason(tree):
    number = make_id_number(seq=321)
    m = make_member(tree.group_a, id_number=number)
    c = make_user("cmte", (Role.COMMITTEE, tree.committee))
    m = services.get_member(c, m.id)
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    with pytest.raises(PermissionDenied):
        privacy.unmask(sec, m, "核对身份")
    with pytest.raises(FieldErrors):
        privacy.unmask(c, m, "")
    full = privacy.unmask(c, m, "办理组织关系转接，核对身份")
    assert full["id_number"] == number
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.unmask"))
    assert ev.details["reason"] == "办理组织关系转接，核对身份"
    assert number not in str(ev.details)


def test_history_never_holds_a_full_id(tree):
    number = make_id_number(seq=444)
    make_member(tree.group_a, id_number=number)
    for h in db.session.scalars(select(MemberHistory)):
        assert number not in str(h.changes)
