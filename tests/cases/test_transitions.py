"""The case workflow's transition table, tested pair by pair: every (state, action) it lists
works for a permitted actor, every pair it does not list is refused and leaves no trace."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.cases import services
from app.cases.models import CaseStep, ServiceCase, Status
from app.cases.workflow import (
    GUARDS,
    SYSTEM_ACTIONS,
    TRANSITIONS,
    Action,
    InvalidTransition,
    allowed_actions,
    apply,
)
from app.common.crypto import encrypt
from app.errors import Conflict, PermissionDenied
from app.extensions import db

ALLOWED = sorted(TRANSITIONS)
REFUSED = [(s, a) for s in Status for a in Action if (s, a) not in TRANSITIONS]
# Every material any of the network's items lists (each handler keeps those of its own item).
MATERIALS = ["户口簿", "身份证复印件", "申请书"]
DATA = {
    Action.ACCEPT: {"materials": MATERIALS, "departments": ["民政办", "住建办"]},
    Action.ACCEPT_IMMEDIATE: {"materials": MATERIALS, "result": "证明已当场开具"},
    Action.ACCEPT_SUPPLEMENT: {"materials": ["户口簿"], "missing": "身份证复印件"},
    Action.PAPERS_ARRIVED: {"materials": MATERIALS},
    Action.ESCALATE: {"materials": MATERIALS},
    Action.COMPLETE: {"result": "已办结"},
    Action.DELIVER: {"via": "电话告知"},
    Action.EVALUATE: {"level": 5},
}
# The item a step is about: a department's part needs a joint item, on-the-spot an immediate one.
ITEM = {Action.PART_DONE: "joint", Action.ACCEPT_IMMEDIATE: "direct"}


def _actor(net, action: str):
    """The online applicant or the system for their steps, room 甲's agent for the rest."""
    return None if action == Action.OPEN_FOLLOW_UP else net.agent


def _unregistered(net) -> ServiceCase:
    """A case built but not yet registered (the state register_case leaves in no time)."""
    case = ServiceCase(
        number="甲村室〔2026〕9999",
        year=2026,
        seq=9999,
        item=net.promised,
        service_point=net.room,
        origin_point=net.room,
        applicant=services._applicant(services.ApplicantData(name="李四", phone="13900001111")),
        request="帮忙办理",
        tracking_enc=encrypt("NEWCASE234"),
        tracking_hash=services.tracking_hash("NEWCASE234"),
    )
    db.session.add(case)
    db.session.flush()
    return case


def _step(net, case, action, **kw):
    data = {**DATA.get(action, {}), **kw.pop("data", {})}
    if action == Action.ASSIGN:
        data.setdefault("member", net.agent_member)
    return apply(
        case, action, _actor(net, action), expected_version=None, comment="理由充分", data=data
    )


def _walk(net, status: str, item: str = "promised", rating: int = 5) -> ServiceCase:
    """A case of ``item`` brought to ``status`` the normal way, by room 甲's agent."""
    if status == Status.NEW:
        return _unregistered(net)
    case = net.case(getattr(net, item))
    if status in (Status.REFUSED, Status.WITHDRAWN, Status.SUPPLEMENT):
        action = {
            Status.REFUSED: Action.REFUSE,
            Status.WITHDRAWN: Action.WITHDRAW,
            Status.SUPPLEMENT: Action.ACCEPT_SUPPLEMENT,
        }[status]
        _step(net, case, action)
        return case
    path = [Status.HANDLING, Status.DONE, Status.DELIVERED, Status.EVALUATED, Status.FOLLOW_UP]
    steps = [Action.ACCEPT, Action.COMPLETE, Action.DELIVER, Action.EVALUATE, Action.OPEN_FOLLOW_UP]
    if status == Status.FOLLOW_UP:
        rating = 1
    for reached, action in zip(path, steps, strict=True):
        if status == Status.APPLIED:
            break
        if action == Action.COMPLETE:
            for part in case.parts:
                _step(net, case, Action.PART_DONE, data={"part_id": part.id})
        _step(net, case, action, data={"level": rating})
        if reached == status:
            break
    assert case.status == status
    return case


def _traces(case) -> tuple[int, int]:
    steps = db.session.scalar(select(func.count(CaseStep.id)).where(CaseStep.case_id == case.id))
    return steps, db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_a_pair_the_table_does_not_list_is_refused_and_changes_nothing(net, status, action):
    case = _walk(net, status, ITEM.get(action, "promised"))
    data = {"part_id": case.parts[0].id} if case.parts else {}
    version, traces = case.version, _traces(case)
    with pytest.raises(InvalidTransition) as err:
        _step(net, case, action, data=data)
    assert err.value.status_code == 409 and isinstance(err.value, Conflict)
    db.session.flush()
    assert (case.status, case.version, _traces(case)) == (status, version, traces)
    assert action not in allowed_actions(case, net.agent)


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_a_pair_the_table_lists_works_for_a_permitted_actor(net, status, action):
    rating = 2 if action == Action.OPEN_FOLLOW_UP else 5  # only a bad rating is followed up
    case = _walk(net, status, ITEM.get(action, "promised"), rating)
    actor = _actor(net, action)
    if actor is not None:
        assert action in allowed_actions(case, actor)
    data = {"part_id": case.parts[0].id} if action == Action.PART_DONE else {}
    version, (steps, events) = case.version, _traces(case)
    step = _step(net, case, action, data=data)
    expected = TRANSITIONS[status, action]
    assert case.status == expected
    assert case.version == version + 1
    assert _traces(case) == (steps + 1, events + 1)
    assert (step.action, step.from_status, step.to_status, step.actor_id) == (
        action,
        status,
        expected,
        getattr(actor, "id", None),
    )
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == f"case.{action}"
    assert (event.details["to_status"], event.details["case_number"]) == (expected, case.number)


def test_only_the_applicants_and_the_systems_steps_are_taken_without_a_person(net):
    assert set(SYSTEM_ACTIONS) == {Action.REGISTER, Action.EVALUATE, Action.OPEN_FOLLOW_UP}
    case = _walk(net, Status.HANDLING)
    version, traces = case.version, _traces(case)
    with pytest.raises(PermissionDenied) as err:
        apply(case, Action.NOTE, None, expected_version=None, comment="进展")
    assert err.value.status_code == 403
    assert (case.version, _traces(case)) == (version, traces)


def _guard_holds_back(net, action: str) -> ServiceCase:
    if action == Action.COMPLETE:  # a joint case with a department's part still open
        return _walk(net, Status.HANDLING, "joint")
    if action == Action.RETURN_VISIT:  # the applicant was visited already
        case = _walk(net, Status.FOLLOW_UP)
        _step(net, case, Action.RETURN_VISIT)
        return case
    if action == Action.PART_DONE:  # a case of a single point has no departments' parts
        return _walk(net, Status.HANDLING)
    if action == Action.ESCALATE:  # the district centre is the top
        return net.case(point=net.district, actor=net.cmte)
    return _walk(net, Status.EVALUATED, rating=3)  # a fair rating opens no follow-up


@pytest.mark.parametrize("action", sorted(GUARDS))
def test_a_step_its_guard_holds_back_is_neither_offered_nor_taken(net, action):
    case = _guard_holds_back(net, action)
    actor = None if action == Action.OPEN_FOLLOW_UP else net.cmte
    if actor is not None:
        assert action not in allowed_actions(case, actor)
    status, version, traces = case.status, case.version, _traces(case)
    with pytest.raises(InvalidTransition) as err:
        apply(case, action, actor, expected_version=None, comment="理由充分", data=DATA.get(action))
    assert str(err.value) == str(GUARDS[action][1])
    assert (case.status, case.version, _traces(case)) == (status, version, traces)
