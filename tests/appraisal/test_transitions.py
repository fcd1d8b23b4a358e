"""The transition table, tested pair by pair: every (state, action) it lists works for a
permitted actor, every pair it does not list is refused and leaves no trace."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.appraisal.models import AppraisalStep, Status
from app.appraisal.transitions import GUARDS, TRANSITIONS, Action
from app.appraisal.workflow import InvalidTransition, allowed_actions, apply
from app.audit import AuditEvent
from app.errors import Conflict, FieldErrors
from app.extensions import db
from app.workflow import PREVIOUS
from tests.appraisal.conftest import ASSESS, fill

OPEN = [Status.DRAFT, Status.SUBMITTED, Status.SIGNED, Status.ASSESSED]
# Who takes each step on 爱丽丝's record (group A, branch A) when the policy allows it.
ACTOR = {
    Action.SUBMIT: "alice_user",
    Action.WITHDRAW: "alice_user",
    Action.RETURN_TO_MEMBER: "leader_a",
    Action.SIGN: "leader_a",
    Action.RETURN_TO_SIGNER: "sec_a",
    Action.ASSESS: "sec_a",
    Action.RETURN_TO_BRANCH: "committee",
    Action.SPOT_CONFIRM: "committee",
    Action.SPOT_ADJUST: "committee",
    Action.VETO: "sec_a",
    Action.LIFT_VETO: "committee",
    Action.CLOSE: "committee",
    Action.REOPEN: "committee",
}
DATA = {
    Action.ASSESS: ASSESS,
    Action.SPOT_ADJUST: {"grade": "basically_qualified"},
    Action.VETO: {"category": "illegal"},
}
ALLOWED = sorted(TRANSITIONS)
REFUSED = [(s, a) for s in Status for a in Action if (s, a) not in TRANSITIONS]


def _walk(world, status: str, *, closed_from: str = Status.ASSESSED):
    """爱丽丝's record brought to ``status`` the normal way (closed ones by the system)."""
    a = world.record(world.alice)
    path = OPEN[: OPEN.index(closed_from if status == Status.CLOSED else status) + 1]
    if Status.SUBMITTED in path:
        fill(a)
        apply(a, Action.SUBMIT, world.alice_user, expected_version=None)
    if Status.SIGNED in path:
        apply(a, Action.SIGN, world.leader_a, expected_version=None, comment="属实")
    if Status.ASSESSED in path:
        apply(a, Action.ASSESS, world.sec_a, expected_version=None, data=ASSESS)
    if status == Status.CLOSED:
        apply(a, Action.CLOSE, None, expected_version=None)
    return a


def _prepare(world, a, action: str) -> None:
    """Make the guard of ``action`` pass, as the users before would have."""
    if action == Action.LIFT_VETO and a.status == Status.CLOSED:
        a.is_vetoed, a.veto_category, a.grade = True, "illegal", "unqualified"
    elif action == Action.LIFT_VETO:
        apply(
            a,
            Action.VETO,
            world.sec_a,
            expected_version=None,
            comment="事实",
            data={"category": "illegal"},
        )
    if action in (Action.SPOT_CONFIRM, Action.SPOT_ADJUST):
        a.is_sampled = True  # drawn for the spot check
    if action == Action.CLOSE:
        a.period.is_closed = True  # a person closes a record only once its quarter is closed
    if action == Action.SUBMIT:
        fill(a)
    db.session.flush()


def _traces(a) -> tuple[int, int]:
    steps = db.session.scalar(
        select(func.count(AppraisalStep.id)).where(AppraisalStep.appraisal_id == a.id)
    )
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    return steps, events


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_a_pair_the_table_does_not_list_is_refused_and_changes_nothing(world, status, action):
    a = _walk(world, status)
    _prepare(world, a, action)
    version, traces = a.version, _traces(a)
    with pytest.raises(InvalidTransition) as err:
        apply(
            a,
            action,
            getattr(world, ACTOR[action]),
            expected_version=a.version,
            comment="理由充分",
            data=DATA.get(action, {}),
        )
    assert err.value.status_code == 409 and isinstance(err.value, Conflict)
    db.session.flush()
    assert (a.status, a.version, _traces(a)) == (status, version, traces)
    assert action not in allowed_actions(a, getattr(world, ACTOR[action]))


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_a_pair_the_table_lists_works_for_a_permitted_actor(world, status, action):
    a = _walk(world, status)
    _prepare(world, a, action)
    actor = getattr(world, ACTOR[action])
    assert action in allowed_actions(a, actor)
    version, (steps, events) = a.version, _traces(a)
    step = apply(
        a, action, actor, expected_version=a.version, comment="理由充分", data=DATA.get(action, {})
    )
    expected = TRANSITIONS[status, action]
    if expected == PREVIOUS:
        expected = Status.ASSESSED  # _walk closes records from "assessed"
    assert a.status == expected
    assert a.version == version + 1
    assert _traces(a) == (steps + 1, events + 1)
    assert (step.action, step.from_status, step.to_status, step.actor_id) == (
        action,
        status,
        expected,
        actor.id,
    )
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == f"appraisal.{action}" and event.details["to_status"] == expected


@pytest.mark.parametrize("before", OPEN)
def test_reopen_goes_back_to_the_state_the_record_was_closed_in(world, before):
    a = _walk(world, Status.CLOSED, closed_from=before)
    assert a.status == Status.CLOSED
    step = apply(a, Action.REOPEN, world.committee, expected_version=a.version, comment="更正")
    assert a.status == before
    assert (step.from_status, step.to_status) == (Status.CLOSED, before)


def test_a_second_reopen_follows_the_latest_close(world):
    a = _walk(world, Status.CLOSED, closed_from=Status.SIGNED)
    apply(a, Action.REOPEN, world.committee, expected_version=None, comment="补充意见")
    assert a.status == Status.SIGNED
    apply(a, Action.ASSESS, world.sec_a, expected_version=None, data=ASSESS)
    apply(a, Action.CLOSE, None, expected_version=None)
    apply(a, Action.REOPEN, world.committee, expected_version=None, comment="更正等次")
    assert a.status == Status.ASSESSED


def test_the_branch_that_assesses_is_recorded(world):
    a = _walk(world, Status.SIGNED)
    assert a.assessed_by_id is None
    apply(a, Action.ASSESS, world.sec_a, expected_version=None, data=ASSESS)
    assert a.assessed_by_id == world.sec_a.id
    apply(
        a,
        Action.ASSESS,
        world.committee,
        expected_version=None,
        data={**ASSESS, "grade": "basically_qualified"},
    )
    assert a.assessed_by_id == world.committee.id  # the latest opinion's author


@pytest.mark.parametrize("action", sorted(GUARDS))
def test_a_step_its_guard_holds_back_is_neither_offered_nor_taken(world, action):
    # A fresh record is not sampled and its quarter is open; one veto holds back another.
    a = _walk(world, Status.ASSESSED)
    if action == Action.VETO:
        apply(
            a,
            Action.VETO,
            world.sec_a,
            expected_version=None,
            comment="事实",
            data={"category": "discipline"},
        )
    actor = getattr(world, ACTOR[action])
    assert action not in allowed_actions(a, actor)
    version, traces = a.version, _traces(a)
    with pytest.raises(InvalidTransition):
        apply(
            a, action, actor, expected_version=None, comment="理由充分", data=DATA.get(action, {})
        )
    assert (a.status, a.version, _traces(a)) == (Status.ASSESSED, version, traces)


def test_the_veto_facts_keep_their_paragraphs_other_comments_are_one_line(world):
    a = _walk(world, Status.SUBMITTED)
    step = apply(
        a,
        Action.RETURN_TO_MEMBER,
        world.leader_a,
        expected_version=None,
        comment="  请补充\n家访  情况 ",
    )
    assert step.comment == "请补充 家访 情况"
    a = _walk(world, Status.ASSESSED)
    apply(
        a,
        Action.VETO,
        world.sec_a,
        expected_version=None,
        comment="第一段\n第二段",
        data={"category": "illegal"},
    )
    assert a.veto_facts == "第一段\n第二段"


def test_a_step_refused_for_bad_input_leaves_the_record_as_it_was(world):
    a = _walk(world, Status.ASSESSED)
    db.session.flush()
    before = (a.is_vetoed, a.grade, a.veto_category, a.version)
    with pytest.raises(FieldErrors) as refused:
        apply(
            a, "veto", world.sec_a, expected_version=None, comment="", data={"category": "illegal"}
        )
    assert list(refused.value.errors) == ["comment"]
    assert (a.is_vetoed, a.grade, a.veto_category, a.version) == before
    assert a not in db.session.dirty
    db.session.commit()  # what a CLI or another caller would do next: nothing was changed
    db.session.expire_all()
    assert (a.is_vetoed, a.grade) == before[:2]
    vetoes = select(func.count(AppraisalStep.id)).where(
        AppraisalStep.appraisal_id == a.id, AppraisalStep.action == "veto"
    )
    assert db.session.scalar(vetoes) == 0
