"""The shared workflow core on a tiny ticket model of its own (no feature involved)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import audit
from app.audit import AuditEvent
from app.errors import FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db
from app.workflow import PREVIOUS, InvalidTransition, Step, Workflow
from tests.factories import make_user


class Base(DeclarativeBase):
    """Its own metadata: these tables never join the app's schema or its migrations."""


class Ticket(Base):
    __tablename__ = "wf_test_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="open")
    note: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class TicketStep(Base):
    __tablename__ = "wf_test_ticket_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("wf_test_ticket.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(String(2000), default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


TABLE = {
    ("open", "start"): "working",
    ("working", "annotate"): "working",
    ("open", "hold"): "held",
    ("working", "hold"): "held",
    ("held", "resume"): PREVIOUS,
    ("working", "finish"): "done",
    ("open", "expire"): "done",
}
PERMITS: set[tuple[str, str]] = set()
CALLS: list[str] = []


def _can(user: Any, action: str, ticket: Any) -> bool:
    CALLS.append(action)
    return (user.username, action) in PERMITS


flow = Workflow(
    "ticket",
    TABLE,
    step_model=TicketStep,
    owner_key="ticket_id",
    can=_can,
    record=audit.record,
    status_attr="state",
    needs_comment={"hold", "annotate"},
    keep_lines={"annotate"},
    system_actions={"expire"},
    guards={"finish": (lambda t, actor: bool(t.note), "Write a note before finishing.")},
    audit_details=lambda t: {"org_path": "/t/", "note": t.note},
    max_comment=20,
)


@flow.handler("annotate")
def _annotate(t: Ticket, step: Step) -> None:
    if "!" in step.comment:
        step.errors["comment"] = "No shouting."
    if step.data.get("tag") == "bad":
        step.errors["tag"] = "Unknown tag."
    if step.errors:
        return
    step.snapshot = {"before": t.note}
    t.note = step.comment


@pytest.fixture
def ticket(app):
    Base.metadata.create_all(db.engine)
    PERMITS.clear()
    CALLS.clear()
    t = Ticket()
    db.session.add(t)
    db.session.flush()
    yield t
    db.session.rollback()
    Base.metadata.drop_all(db.engine)


@pytest.fixture
def clerk(ticket):
    user = make_user("clerk")
    PERMITS.update(("clerk", f"ticket.{a}") for (_s, a) in TABLE)
    return user


def _traces(t: Ticket) -> tuple[int, int]:
    steps = db.session.scalar(select(func.count(TicketStep.id)).where(TicketStep.ticket_id == t.id))
    return steps, db.session.scalar(select(func.count(AuditEvent.id)))


def test_a_step_moves_the_record_bumps_the_version_and_leaves_a_step_and_an_event(ticket, clerk):
    step = flow.apply(ticket, "start", clerk, expected_version=1, comment="  go   now ")
    assert (ticket.state, ticket.version) == ("working", 2)
    assert (step.from_status, step.to_status, step.actor_id, step.comment) == (
        "open",
        "working",
        clerk.id,
        "go now",
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.start"))
    assert event.org_path == "/t/" and event.target_type == "Ticket"
    assert event.details == {
        "from_status": "open",
        "to_status": "working",
        "comment": "go now",
        "note": "",
    }


def test_a_step_that_keeps_the_state_still_bumps_the_version(ticket, clerk):
    flow.apply(ticket, "start", clerk, expected_version=None)
    step = flow.apply(ticket, "annotate", clerk, expected_version=2, comment="line one\nline two")
    assert (ticket.state, ticket.version, ticket.note) == ("working", 3, "line one\nline two")
    assert step.snapshot == {"before": ""}


def test_a_stale_version_is_refused_before_anything_else(ticket, clerk):
    with pytest.raises(StaleRecord):
        flow.apply(ticket, "finish", None, expected_version=7)
    assert CALLS == []


@pytest.mark.parametrize("action", ["finish", "resume", "annotate", "no_such_step"])
def test_a_step_the_table_does_not_list_is_refused_and_leaves_no_trace(ticket, clerk, action):
    before = _traces(ticket)
    with pytest.raises(InvalidTransition) as err:
        flow.apply(ticket, action, clerk, expected_version=1, comment="because")
    assert err.value.status_code == 409
    db.session.flush()
    assert (ticket.state, ticket.version, _traces(ticket)) == ("open", 1, before)
    assert CALLS == []  # refused by the table before the policy is asked


def test_the_policy_is_asked_with_the_prefixed_action(ticket, clerk):
    PERMITS.discard(("clerk", "ticket.start"))
    with pytest.raises(PermissionDenied):
        flow.apply(ticket, "start", clerk, expected_version=None)
    assert CALLS == ["ticket.start"] and ticket.state == "open"
    assert "start" not in flow.allowed_actions(ticket, clerk)


def test_only_system_actions_go_without_an_actor(ticket):
    with pytest.raises(PermissionDenied):
        flow.apply(ticket, "start", None, expected_version=None)
    step = flow.apply(ticket, "expire", None, expected_version=None)
    assert ticket.state == "done" and step.actor_id is None and step.actor_name == ""
    assert CALLS == []


def test_a_guard_holds_a_step_back_in_apply_and_in_allowed_actions(ticket, clerk):
    flow.apply(ticket, "start", clerk, expected_version=None)
    assert flow.allowed_actions(ticket, clerk) == ["annotate", "hold"]
    with pytest.raises(InvalidTransition) as err:
        flow.apply(ticket, "finish", clerk, expected_version=None)
    assert err.value.message == "Write a note before finishing."
    flow.apply(ticket, "annotate", clerk, expected_version=None, comment="checked")
    assert "finish" in flow.allowed_actions(ticket, clerk)
    flow.apply(ticket, "finish", clerk, expected_version=None)
    assert ticket.state == "done"


def test_comments_are_required_where_named_and_cut_to_length(ticket, clerk):
    with pytest.raises(FieldErrors) as err:
        flow.apply(ticket, "hold", clerk, expected_version=None, comment=" x ")
    assert set(err.value.errors) == {"comment"}
    step = flow.apply(ticket, "hold", clerk, expected_version=None, comment="a" * 50)
    assert step.comment == "a" * 20


def test_every_field_error_of_a_handler_is_raised_at_once_and_nothing_is_written(ticket, clerk):
    flow.apply(ticket, "start", clerk, expected_version=None)
    before = _traces(ticket)
    with pytest.raises(FieldErrors) as err:
        flow.apply(
            ticket, "annotate", clerk, expected_version=None, comment="now!", data={"tag": "bad"}
        )
    assert err.value.errors == {"comment": "No shouting.", "tag": "Unknown tag."}
    db.session.flush()
    assert (ticket.note, ticket.version, _traces(ticket)) == ("", 2, before)


@pytest.mark.parametrize("before", ["open", "working"])
def test_previous_goes_back_to_the_state_before_the_step_that_entered_this_one(
    ticket, clerk, before
):
    if before == "working":
        flow.apply(ticket, "start", clerk, expected_version=None)
        flow.apply(ticket, "annotate", clerk, expected_version=None, comment="self loop")
    flow.apply(ticket, "hold", clerk, expected_version=None, comment="wait")
    step = flow.apply(ticket, "resume", clerk, expected_version=None)
    assert ticket.state == before and (step.from_status, step.to_status) == ("held", before)


def test_previous_without_a_history_is_refused(ticket, clerk):
    ticket.state = "held"  # put there by hand, not by a step
    db.session.flush()
    with pytest.raises(InvalidTransition):
        flow.apply(ticket, "resume", clerk, expected_version=None)


def test_a_handler_for_an_action_the_table_never_lists_is_a_mistake():
    with pytest.raises(ValueError):
        flow.handler("anotate")
