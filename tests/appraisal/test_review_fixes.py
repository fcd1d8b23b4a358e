"""Behaviour fixed after review: reopening, closing, vetoes, syncing, the inbox loop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.appraisal import services
from app.appraisal.inbox import inbox
from app.appraisal.workflow import InvalidTransition, allowed_actions, apply
from app.audit import AuditEvent
from app.auth.models import Role
from app.errors import Conflict, PermissionDenied
from app.extensions import db
from app.roster.mentors import assign_mentor, mentor_choices
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, fill
from tests.factories import make_member, make_user


def _assessed(world, member):
    a = world.record(member)
    fill(a)
    apply(
        a,
        "submit",
        world.alice_user if member is world.alice else world.sec_b,
        expected_version=None,
    )
    in_a = a.org_id == world.tree.group_a.id
    apply(
        a, "sign", world.leader_a if in_a else world.leader_b, expected_version=None, comment="属实"
    )
    apply(a, "assess", world.sec_a if in_a else world.sec_b, expected_version=None, data=ASSESS)
    return a


def test_records_close_only_with_their_quarter(world, login_as):
    a = world.record(world.bob)
    r = login_as(world.committee).post(
        f"/appraisal/{a.id}/step/close", data={"step_close-version": a.version}
    )
    assert r.status_code == 409  # an impossible step
    assert world.record(world.bob).status == "draft"


def test_reopen_restores_the_state_and_allows_correction_then_close(world):
    _assessed(world, world.alice)
    db.session.commit()
    services.close_period(world.committee, world.period, reason="季度期满")
    db.session.commit()
    draft = world.record(world.bob)
    apply(draft, "reopen", world.committee, expected_version=None, comment="补录")
    assert draft.status == "draft"  # it was closed as a draft
    a = world.record(world.alice)
    apply(a, "reopen", world.committee, expected_version=None, comment="更正等次")
    assert a.status == "assessed"
    assert "assess" in allowed_actions(a, world.sec_a)
    apply(a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "grade": "qualified"})
    apply(a, "close", world.committee, expected_version=None)
    assert a.status == "closed"
    with pytest.raises(Conflict):
        services.add_missing_records(world.period)


def test_lifting_a_veto_brings_back_the_branch_grade(world):
    a = _assessed(world, world.alice)
    apply(
        a, "veto", world.sec_a, expected_version=None, comment="事实", data={"category": "illegal"}
    )
    assert a.grade == "unqualified"
    apply(a, "lift_veto", world.committee, expected_version=None, comment="不属实")
    assert a.grade == "qualified"


def test_a_draft_follows_full_membership_and_post_kind(world):
    probie = db.session.get(Member, world.probie.id)
    probie.membership = "full"
    probie.full_member_on = probie.joined_on  # the date does not matter here
    probie.post_kind = "cadre"
    db.session.commit()
    services.add_missing_records(world.period)
    db.session.commit()
    a = world.record(world.probie)
    assert not a.is_probationary and a.post_kind == "cadre"


def test_secretary_signs_for_members_outside_groups_and_sees_it(world):
    m = make_member(world.tree.branch_a, name="无组党员")
    services.add_missing_records(world.period)
    db.session.commit()
    a = world.record(m)
    fill(a)
    apply(a, "submit", world.sec_a, expected_version=None)
    db.session.commit()
    tasks = {(i.task, i.member_name) for i in inbox(world.sec_a).items}
    assert ("sign", "无组党员") in tasks


def test_spot_return_comes_back_to_the_committee(world):
    a = _assessed(world, world.alice)
    db.session.commit()
    services.draw_sample(world.committee, world.period, 1.0, seed="s")
    db.session.commit()
    a = world.record(world.alice)
    apply(a, "return_to_branch", world.committee, expected_version=None, comment="材料不全")
    apply(a, "assess", world.sec_a, expected_version=None, data=ASSESS)
    db.session.commit()
    tasks = {(i.task, i.member_name) for i in inbox(world.committee).items}
    assert ("spot", "爱丽丝") in tasks


def test_the_audit_event_carries_the_comment(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    apply(a, "return_to_member", world.leader_a, expected_version=None, comment="请补充家访情况")
    ev = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "appraisal.return_to_member")
    )
    assert ev.details["comment"] == "请补充家访情况"


def test_no_draw_after_close(world):
    services.close_period(world.committee, world.period, reason="季度期满")
    with pytest.raises(Conflict):
        services.draw_sample(world.committee, world.period, 0.5)
    _ = InvalidTransition


def test_only_the_named_mentor_signs_for_a_probationary_member(world):
    other = make_user("mentor_b2", (Role.MENTOR, world.tree.branch_a))
    probie = db.session.get(Member, world.probie.id)
    assert {u.username for u in mentor_choices(probie)} == {"mentor_a", "mentor_b2"}
    assign_mentor(world.sec_a, probie, world.mentor_a)
    db.session.commit()
    a = world.record(world.probie)
    fill(a)
    apply(a, "submit", world.sec_a, expected_version=None)
    with pytest.raises(PermissionDenied):
        apply(a, "sign", other, expected_version=None, comment="属实")
    apply(a, "sign", world.mentor_a, expected_version=None, comment="属实")
    assert a.status == "signed"
