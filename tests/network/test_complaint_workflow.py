"""The complaint workflow's table: every (status, action) pair allowed or refused, what each
step writes (timeline, audit without the complainant's name or phone), and that the agent a
complaint names never handles or decides it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.common import timeutil
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.network.complaints_workflow import (
    TRANSITIONS,
    Action,
    InvalidTransition,
    apply,
    eligible_handlers,
)
from app.network.models import ComplaintStatus, ComplaintStep
from tests.network.supervision_world import PHONE, build

S = ComplaintStatus


@pytest.fixture
def w(app):
    return build()


def _data(w, action):
    later = timeutil.today() + timedelta(days=10)
    return {
        "register": {},
        "assign": {"handler_id": w.sec.id, "due_on": later},
        "uphold": {
            "finding": "partly",
            "finding_note": "确有推诿",
            "rectification": "公开承诺，限期办结",
            "rectify_due_on": later,
        },
        "dismiss": {"reply": "经核实，材料不全，已说明"},
        "close": {"result": "已整改并回复投诉人"},
    }[action]


def _bring_to(w, c, status):
    path = {
        S.RECEIVED: [],
        S.HANDLING: ["assign"],
        S.RECTIFYING: ["assign", "uphold"],
        S.CLOSED: ["assign", "dismiss"],
    }[status]
    for action in path:
        apply(c, action, w.cmte, expected_version=c.version, data=_data(w, action))
    db.session.commit()
    assert c.status == status


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", [a for a in Action if a != Action.REGISTER])
def test_the_table_allows_exactly_its_pairs(w, status, action):
    c = w.complaint()
    _bring_to(w, c, status)
    if (status, action) in TRANSITIONS:
        apply(c, action, w.cmte, expected_version=c.version, data=_data(w, action))
        assert c.status == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            apply(c, action, w.cmte, expected_version=c.version, data=_data(w, action))


def test_register_happens_once(w):
    c = w.complaint()
    with pytest.raises(InvalidTransition):
        apply(c, Action.REGISTER, None, expected_version=c.version)


def test_a_complaint_goes_through_rectification_to_closed(w):
    c = w.complaint(about=w.colleague)
    assert c.due_on is not None and c.due_on > c.received_on
    for action in ("assign", "uphold", "close"):
        apply(c, action, w.sec, expected_version=c.version, data=_data(w, action))
    db.session.commit()
    assert (c.status, c.finding, c.handler_id) == (S.CLOSED, "partly", w.sec.id)
    assert c.rectification == "公开承诺，限期办结" and c.result == "已整改并回复投诉人"
    assert c.closed_on == timeutil.today()
    done = ["register", "assign", "uphold", "close"]
    steps = db.session.scalars(
        select(ComplaintStep.action).where(ComplaintStep.complaint_id == c.id)
    )
    assert list(steps) == done
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("complaint.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [f"complaint.{a}" for a in done]
    dumped = json.dumps([e.details for e in events], ensure_ascii=False)
    assert "赵投诉" not in dumped and PHONE not in dumped and PHONE[-4:] not in dumped


def test_not_upheld_closes_with_the_reply(w):
    c = w.complaint()
    _bring_to(w, c, S.CLOSED)
    assert c.finding == "not_upheld" and c.result == "经核实，材料不全，已说明"


def test_the_accused_agent_is_never_the_handler(w):
    w.agent_member.user_id = w.agent.id
    # The accused also holds a secretary grant over the point: still refused.
    from app.auth import services as auth_services
    from app.auth.models import Role

    auth_services.grant_role(None, w.agent, Role.BRANCH_SECRETARY, w.t.branch_a)
    db.session.commit()
    c = w.complaint(about=w.agent_member)
    assert w.agent.id not in {u.id for u in eligible_handlers(c)}
    with pytest.raises(PermissionDenied):
        apply(c, "assign", w.agent, expected_version=c.version, data=_data(w, "assign"))
    data = {**_data(w, "assign"), "handler_id": w.agent.id}
    with pytest.raises(FieldErrors) as err:
        apply(c, "assign", w.cmte, expected_version=c.version, data=data)
    assert "handler_id" in err.value.errors
    apply(c, "assign", w.cmte, expected_version=c.version, data=_data(w, "assign"))
    for action in ("uphold", "dismiss"):
        with pytest.raises(PermissionDenied):
            apply(c, action, w.agent, expected_version=c.version, data=_data(w, action))


def test_a_refused_step_changes_nothing(w):
    c = w.complaint()
    _bring_to(w, c, S.HANDLING)
    bad = {"finding": "upheld", "finding_note": "", "rectification": "", "rectify_due_on": None}
    with pytest.raises(FieldErrors) as err:
        apply(c, "uphold", w.cmte, expected_version=c.version, data=bad)
    assert set(err.value.errors) == {"finding_note", "rectification", "rectify_due_on"}
    db.session.rollback()
    assert c.status == S.HANDLING and c.finding is None


def test_branch_b_cannot_take_a_step(w):
    c = w.complaint()
    with pytest.raises(PermissionDenied):
        apply(c, "assign", w.sec_b, expected_version=c.version, data=_data(w, "assign"))
