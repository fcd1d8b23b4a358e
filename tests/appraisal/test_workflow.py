"""The transition table, who may take each step, and the rules each step enforces."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.appraisal import services
from app.appraisal.models import Appraisal, AppraisalStep
from app.appraisal.workflow import InvalidTransition, apply
from app.audit import AuditEvent
from app.errors import FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, MASSES, fill


def _to(world, member, status):
    """Walk a record to ``status`` the normal way."""
    a = world.record(member)
    if status == "draft":
        return a
    fill(a)
    sec = world.sec_a if a.org_id == world.tree.group_a.id else world.sec_b
    actor = db.session.get(type(world.sec_a), a.member.user_id) if a.member.user_id else sec
    apply(a, "submit", actor, expected_version=None)
    if status == "submitted":
        return a
    in_a = a.org_id == world.tree.group_a.id
    signer = world.mentor_a if a.is_probationary else (world.leader_a if in_a else world.leader_b)
    apply(a, "sign", signer, expected_version=None, comment="属实")
    if status == "signed":
        return a
    apply(a, "assess", world.sec_a if in_a else world.sec_b, expected_version=None, data=ASSESS)
    return a


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("alice_user", "sign", "submitted"),  # nobody signs their own record
        ("leader_b", "sign", "submitted"),  # another group's leader
        ("leader_a", "assess", "signed"),  # a leader does not give the branch opinion
        ("sec_b", "assess", "signed"),  # another branch's secretary
        ("sec_a", "spot_confirm", "assessed"),  # a secretary does not spot-check
        ("sec_a", "lift_veto", "assessed"),  # only the committee lifts a veto
        ("leader_a", "submit", "draft"),  # only the member (or the secretary, see below)
    ],
)
def test_forbidden_steps(world, who, action, status):
    a = _to(world, world.alice, status)
    a.is_sampled = True
    with pytest.raises(PermissionDenied):
        apply(a, action, getattr(world, who), expected_version=None, comment="试试", data=ASSESS)


def test_group_leader_cannot_sign_their_own_record(world):
    a = _to(world, world.leader_member, "submitted")
    with pytest.raises(PermissionDenied):
        apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    apply(a, "sign", world.sec_a, expected_version=None, comment="属实")  # the branch signs
    assert a.status == "signed"


def test_mentor_signs_for_a_probationary_member(world):
    a = _to(world, world.probie, "submitted")
    assert a.is_probationary
    with pytest.raises(PermissionDenied):
        apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    apply(a, "sign", world.mentor_a, expected_version=None, comment="表现良好")
    apply(
        a,
        "assess",
        world.sec_a,
        expected_version=None,
        data={**ASSESS, "grade": None, "comment": "考察合格"},
    )
    assert a.status == "assessed" and a.grade is None  # reviewed, not graded


def test_steps_outside_the_table_are_refused(world):
    a = _to(world, world.alice, "draft")
    with pytest.raises(InvalidTransition):
        apply(a, "assess", world.sec_a, expected_version=None, data=ASSESS)


def test_secretary_enters_a_self_record_for_a_member_without_login(world):
    a = _to(world, world.bob, "draft")
    fill(a)
    apply(a, "submit", world.sec_b, expected_version=None)
    assert a.status == "submitted"
    with pytest.raises(PermissionDenied):  # but never for a member who has a login
        b = _to(world, world.alice, "draft")
        fill(b)
        apply(b, "submit", world.sec_a, expected_version=None)


def test_submit_needs_every_dimension(world):
    a = world.record(world.alice)
    with pytest.raises(FieldErrors) as err:
        apply(a, "submit", world.alice_user, expected_version=None)
    assert "self_record" in err.value.errors


def test_returns_need_a_reason_and_keep_the_signed_revision(world):
    a = _to(world, world.alice, "submitted")
    with pytest.raises(FieldErrors):
        apply(a, "return_to_member", world.leader_a, expected_version=None, comment="")
    apply(a, "return_to_member", world.leader_a, expected_version=None, comment="请补充")
    a.self_record = {**a.self_record, "political": {"text": "补充后的内容"}}
    apply(a, "submit", world.alice_user, expected_version=None)
    steps = db.session.scalars(
        select(AppraisalStep)
        .where(AppraisalStep.appraisal_id == a.id, AppraisalStep.action == "submit")
        .order_by(AppraisalStep.id)
    ).all()
    assert [s.snapshot["revision"] for s in steps] == [1, 2]
    assert steps[0].snapshot["self_record"]["political"]["text"] == "本季度情况"
    assert steps[1].snapshot["self_record"]["political"]["text"] == "补充后的内容"


def test_each_step_is_audited_with_its_comment_on_the_timeline(world):
    a = _to(world, world.alice, "signed")
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    apply(a, "return_to_signer", world.sec_a, expected_version=None, comment="意见过简")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 1
    assert services.timeline(a)[-1].comment == "意见过简"


def test_stale_write_is_refused_and_nothing_is_lost(world):
    a = _to(world, world.alice, "signed")
    db.session.commit()
    seen = a.version
    apply(a, "assess", world.sec_a, expected_version=seen, data=ASSESS)
    db.session.commit()
    a = world.record(world.alice)
    with pytest.raises(StaleRecord):
        apply(
            a,
            "veto",
            world.sec_a,
            expected_version=seen,
            comment="事实",
            data={"category": "illegal"},
        )
    assert world.record(world.alice).grade == "qualified"


def test_veto_forces_unqualified_and_only_the_committee_lifts_it(world):
    a = _to(world, world.alice, "assessed")
    with pytest.raises(FieldErrors):
        apply(a, "veto", world.sec_a, expected_version=None, comment="事实", data={})
    apply(
        a,
        "veto",
        world.sec_a,
        expected_version=None,
        comment="酒后驾驶被查处",
        data={"category": "illegal"},
    )
    assert a.is_vetoed and a.grade == "unqualified"
    with pytest.raises(FieldErrors):
        apply(
            a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "grade": "excellent"}
        )
    with pytest.raises(PermissionDenied):
        apply(a, "lift_veto", world.sec_a, expected_version=None, comment="复核")
    apply(a, "lift_veto", world.committee, expected_version=None, comment="经复核不属实")
    assert not a.is_vetoed
    db.session.flush()


def test_database_refuses_a_vetoed_record_that_is_not_unqualified(world):
    a = world.record(world.alice)
    a.is_vetoed = True
    a.grade = "excellent"
    with pytest.raises(IntegrityError):  # the CHECK constraint
        db.session.flush()
    db.session.rollback()


def test_excellent_share_is_capped_per_branch(world):
    # Branch A has 6 graded members (the probationary one is not graded): at most 2 excellent.
    members = [
        m for m in db.session.scalars(select(Appraisal)) if m.org_id == world.tree.group_a.id
    ]
    assert len(members) == 7
    graded = 0
    for m in db.session.scalars(
        select(Member).where(Member.org_id == world.tree.group_a.id, Member.membership == "full")
    ):
        if m.id == world.leader_member.id:
            continue
        a = _to(world, m, "signed")
        grade = "excellent" if graded < 3 else "qualified"
        if graded < 2:
            data = {**ASSESS, **MASSES, "grade": grade}
            apply(a, "assess", world.sec_a, expected_version=None, data=data)
        elif graded == 2:
            with pytest.raises(FieldErrors) as err:
                apply(
                    a,
                    "assess",
                    world.sec_a,
                    expected_version=None,
                    data={**ASSESS, **MASSES, "grade": "excellent"},
                )
            assert "2" in err.value.errors["grade"] and "6" in err.value.errors["grade"]
        graded += 1


def test_closed_period_is_read_only_and_reopen_needs_a_reason(world):
    a = _to(world, world.alice, "assessed")
    db.session.commit()
    services.close_period(world.committee, world.period, reason="季度期满")
    db.session.commit()
    a = world.record(world.alice)
    assert a.status == "closed"
    with pytest.raises(InvalidTransition):
        apply(
            a,
            "veto",
            world.sec_a,
            expected_version=None,
            comment="事实",
            data={"category": "illegal"},
        )
    with pytest.raises(PermissionDenied):
        apply(a, "reopen", world.sec_a, expected_version=None, comment="更正")
    with pytest.raises(FieldErrors) as err:
        apply(a, "reopen", world.committee, expected_version=None, comment=" ")
    assert set(err.value.errors) == {"comment"}


def test_spot_check_sample_is_reproducible_and_audited(world):
    for m in (world.alice, world.bob):
        _to(world, m, "assessed")
    db.session.commit()
    first = services.draw_sample(world.committee, world.period, 0.1, seed="abc")
    db.session.rollback()
    again = services.draw_sample(world.committee, world.period, 0.1, seed="abc")
    assert first == again and len(first) == 2  # at least one per branch
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal.draw_sample"))
    assert ev.details["seed"] == "abc"
    with pytest.raises(PermissionDenied):
        services.draw_sample(world.sec_a, world.period, 0.1)
    a = world.record(world.alice)
    apply(
        a,
        "spot_adjust",
        world.committee,
        expected_version=None,
        comment="材料不实",
        data={"grade": "basically_qualified"},
    )
    assert a.grade == "basically_qualified" and a.spot_result == "adjusted"
