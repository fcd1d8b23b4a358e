"""The member's withdraw (撤回): a submission goes back to her draft while nobody has signed
it, through the one transition function, with its timeline step and audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.appraisal.models import AppraisalStep
from app.appraisal.workflow import InvalidTransition, allowed_actions, apply, check, withdraw
from app.audit import AuditEvent
from app.errors import PermissionDenied
from app.extensions import db
from tests.appraisal.conftest import ASSESS, fill


def _submitted(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    return world.record(world.alice)


def test_the_member_withdraws_before_anyone_signs(world):
    a = _submitted(world)
    assert "withdraw" in allowed_actions(a, world.alice_user)
    step = withdraw(a, world.alice_user, expected_version=a.version)
    db.session.commit()
    a = world.record(world.alice)
    assert a.status == "draft"
    assert (step.action, step.from_status, step.to_status) == ("withdraw", "submitted", "draft")
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "appraisal.withdraw" and event.actor_id == world.alice_user.id
    # Her text is kept: she changes it and submits again.
    assert a.self_record and "withdraw" not in allowed_actions(a, world.alice_user)
    apply(a, "submit", world.alice_user, expected_version=a.version)
    assert a.status == "submitted"


def test_after_the_signature_the_withdraw_is_refused_in_words(world):
    a = _submitted(world)
    apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    db.session.commit()
    a = world.record(world.alice)
    assert "withdraw" not in allowed_actions(a, world.alice_user)
    with pytest.raises(InvalidTransition) as refused:
        withdraw(a, world.alice_user, expected_version=a.version)
    assert "已签署，不能再撤回" in str(refused.value.message)
    with pytest.raises(InvalidTransition):
        check(a, "withdraw", world.alice_user)
    assert world.record(world.alice).status == "signed"


def test_a_record_returned_to_its_signer_was_signed_and_cannot_be_withdrawn(world):
    a = _submitted(world)
    apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    apply(a, "return_to_signer", world.sec_a, expected_version=None, comment="请重签")
    db.session.commit()
    a = world.record(world.alice)
    assert a.status == "submitted"
    assert "withdraw" not in allowed_actions(a, world.alice_user)
    with pytest.raises(InvalidTransition):
        withdraw(a, world.alice_user, expected_version=a.version)


@pytest.mark.parametrize("who", ["leader_a", "sec_a", "committee"])
def test_nobody_else_withdraws_her_submission(world, who):
    a = _submitted(world)
    user = getattr(world, who)
    assert "withdraw" not in allowed_actions(a, user)
    with pytest.raises(PermissionDenied):
        withdraw(a, user, expected_version=a.version)
    with pytest.raises(PermissionDenied):
        apply(a, "withdraw", user, expected_version=a.version)
    assert world.record(world.alice).status == "submitted"


def test_the_withdraw_page_flow(world, login_as):
    a = _submitted(world)
    c = login_as(world.alice_user)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'id="form-withdraw"' in page and "data-confirm=" in page
    r = c.post(f"/appraisal/{a.id}/step/withdraw", data={"step_withdraw-version": a.version})
    assert r.status_code == 302
    assert world.record(world.alice).status == "draft"
    steps = db.session.scalars(
        select(AppraisalStep.action).where(AppraisalStep.appraisal_id == a.id)
    ).all()
    assert steps == ["submit", "withdraw"]
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'id="form-withdraw"' not in page


def test_the_page_refuses_a_late_withdraw_with_its_reason(world, login_as):
    a = _submitted(world)
    apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    apply(a, "assess", world.sec_a, expected_version=None, data=ASSESS)
    db.session.commit()
    a = world.record(world.alice)
    c = login_as(world.alice_user)
    r = c.post(f"/appraisal/{a.id}/step/withdraw", data={"step_withdraw-version": a.version})
    assert r.status_code == 409
    assert world.record(world.alice).status == "assessed"
