"""The case workflow as the people at a service point live it: due dates on the official
calendar, the supplement clock, escalation keeping the history, the joint case's parts, the
bad-rating follow-up, the tracking code, and one audit event per step."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from app import policy
from app.audit import AuditEvent
from app.cases import pages, services
from app.cases.models import CaseStep, Evaluation, Kind, ServiceCase, Status
from app.cases.workflow import GUARDS, Action, InvalidTransition, allowed_actions, apply
from app.common import workdays
from app.errors import FieldErrors, NotFound, PermissionDenied, StaleRecord
from app.extensions import db

BEIJING = ZoneInfo("Asia/Shanghai")
BOTH = ["户口簿", "身份证复印件"]  # the promised item's materials


@contextmanager
def on(day: date):
    """Nine in the morning of ``day`` in Beijing."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING), tick=False):
        yield


def step(case, action, actor, comment="", **data):
    return apply(case, action, actor, expected_version=case.version, comment=comment, data=data)


def timeline(case) -> list[str]:
    rows = db.session.scalars(
        select(CaseStep.action).where(CaseStep.case_id == case.id).order_by(CaseStep.id)
    )
    return list(rows)


def traces(case) -> tuple[int, int]:
    return len(timeline(case)), len(db.session.scalars(select(AuditEvent.id)).all())


# --- due dates on the official calendar --------------------------------------------------------


def test_a_promised_case_accepted_before_national_day_is_due_after_it(net, server_in_utc):
    case = net.case()
    # 20:00 UTC on 29 September is 04:00 on 30 September in Beijing: the clock starts on the
    # 30th, and five working days skip 1–7 October and count the worked Saturday 10 October.
    with time_machine.travel(datetime(2026, 9, 29, 20, tzinfo=UTC), tick=False):
        step(case, Action.ACCEPT, net.agent, materials=BOTH)
    assert (case.status, case.kind) == (Status.HANDLING, Kind.PROMISED)
    assert case.clock_started_on == date(2026, 9, 30)
    assert case.due_on == date(2026, 10, 13)
    assert case.receipt_issued_at is not None  # everything is here: the receipt is issued
    assert not case.is_overdue(date(2026, 10, 13)) and case.is_overdue(date(2026, 10, 14))


def test_a_case_due_in_a_year_the_calendar_does_not_know_counts_monday_to_friday(net):
    case = net.case()
    with on(date(2026, 12, 31)):
        step(case, Action.ACCEPT, net.agent, materials=BOTH)
    # Until 2027's calendar is published: Monday to Friday, and New Year's Day off.
    assert case.due_on == date(2027, 1, 8)
    assert not workdays.knows_year(case.due_on.year)


def test_acceptance_needs_every_material_and_leaves_the_case_as_it_was(net):
    case = net.case()
    version, before = case.version, traces(case)
    with pytest.raises(FieldErrors) as err:
        step(case, Action.ACCEPT, net.agent, materials=["户口簿"])
    assert set(err.value.errors) == {"materials"}
    assert "身份证复印件" in err.value.errors["materials"]
    assert (case.status, case.kind, case.due_on, case.version) == (
        Status.APPLIED,
        None,
        None,
        version,
    )
    assert traces(case) == before


def test_a_stale_form_is_refused(net):
    case = net.case()
    with pytest.raises(StaleRecord):
        apply(case, Action.ACCEPT, net.agent, expected_version=case.version - 1, data={})


# --- the supplement clock ----------------------------------------------------------------------


def test_the_supplement_clock_stops_until_the_papers_arrive(net):
    case = net.case()
    with on(date(2026, 9, 24)):
        step(
            case, Action.ACCEPT_SUPPLEMENT, net.agent, materials=["户口簿"], missing="身份证复印件"
        )
    assert (case.status, case.kind, case.due_on) == (Status.SUPPLEMENT, Kind.SUPPLEMENT, None)
    assert case.missing_materials == "身份证复印件"
    assert case.materials_received == ["户口簿"]
    assert not case.is_overdue(date(2026, 12, 31))  # waiting for papers is never late

    # Completing a 补办件 before its papers arrive is not a step the table knows.
    with pytest.raises(InvalidTransition):
        step(case, Action.COMPLETE, net.agent, result="已办结")
    assert case.status == Status.SUPPLEMENT and case.done_on is None

    with on(date(2026, 10, 9)):  # the clock starts on the day the papers arrive
        step(case, Action.PAPERS_ARRIVED, net.agent, materials=BOTH)
    assert (case.status, case.kind) == (Status.HANDLING, Kind.PROMISED)
    assert case.clock_started_on == date(2026, 10, 9)
    assert case.due_on == date(2026, 10, 15)  # 10 (worked Saturday), 12, 13, 14, 15 October
    assert case.missing_materials == ""
    last = db.session.scalar(select(CaseStep).order_by(CaseStep.id.desc()).limit(1))
    assert last.snapshot == {"missing_was": "身份证复印件", "due_on": "2026-10-15"}

    with on(date(2026, 10, 14)):
        step(case, Action.COMPLETE, net.agent, result="已办结")
    assert case.status == Status.DONE and case.done_on <= case.due_on


# --- escalation --------------------------------------------------------------------------------


def _escalated(net) -> ServiceCase:
    case = net.case()
    with on(date(2026, 11, 2)):
        step(case, Action.ACCEPT, net.agent, materials=BOTH)
        step(case, Action.ASSIGN, net.agent, member=net.agent_member)
        step(case, Action.NOTE, net.agent, comment="已联系申请人")
    with on(date(2026, 11, 5)):
        step(case, Action.ESCALATE, net.agent, comment="超出村级权限")
    return case


def test_escalation_moves_the_case_up_and_keeps_its_history(net):
    case = _escalated(net)
    assert (case.service_point, case.origin_point) == (net.township, net.room)
    assert (case.status, case.kind) == (Status.HANDLING, Kind.ESCALATED)
    assert case.first_agent_member_id == net.agent_member.id
    assert case.agent_member_id is None  # the station assigns its own agent
    assert case.due_on == workdays.add_workdays(date(2026, 11, 5), net.promised.promised_days)
    assert timeline(case) == ["register", "accept", "assign", "note", "escalate"]
    last = db.session.scalar(select(CaseStep).order_by(CaseStep.id.desc()).limit(1))
    assert last.snapshot == {"from_point": net.room.name, "to_point": net.township.name}


def test_the_village_point_still_sees_an_escalated_case_but_no_longer_handles_it(net):
    case = _escalated(net)
    # It sees it: the rule and the scoped query agree.
    assert policy.can(net.agent, "case.view", case)
    assert services.get_case(net.agent, case.id) is case
    listed = db.session.scalars(policy.scope(select(ServiceCase), net.agent, ServiceCase)).all()
    assert case in listed
    # Another village's agent sees nothing of it.
    with pytest.raises(NotFound):
        services.get_case(net.agent_b, case.id)

    # The case belongs to the station now: the village agent may not assign or complete it.
    assert allowed_actions(case, net.agent) == ["withdraw", "urge"]
    version, before = case.version, traces(case)
    for action, data in ((Action.ASSIGN, {"member": net.agent_member}), (Action.NOTE, {})):
        with pytest.raises(PermissionDenied) as err:
            step(case, action, net.agent, comment="我来办", **data)
        assert err.value.status_code == 403
    assert (case.version, case.agent_member_id, traces(case)) == (version, None, before)


def test_the_upper_point_assigns_its_own_agent_and_the_village_delivers(net):
    case = _escalated(net)
    step(case, Action.ASSIGN, net.township_agent, member=net.township_member)
    assert case.agent_member_id == net.township_member.id
    assert case.first_agent_member_id == net.agent_member.id  # the first agent stays on record
    step(case, Action.COMPLETE, net.township_agent, result="危房鉴定完成")
    # The point that registered it sees it through: it hands the result to the applicant.
    assert Action.DELIVER in allowed_actions(case, net.agent)
    step(case, Action.DELIVER, net.agent, via="上门告知")
    assert case.status == Status.DELIVERED and case.delivered_via == "上门告知"


def test_the_district_centre_cannot_escalate(net):
    case = net.case(point=net.district, actor=net.cmte)
    with pytest.raises(InvalidTransition) as err:
        step(case, Action.ESCALATE, net.cmte, comment="上报")
    assert str(err.value) == str(GUARDS[Action.ESCALATE][1])
    assert case.service_point == net.district


# --- joint cases -------------------------------------------------------------------------------


def test_a_joint_case_completes_only_when_every_department_is_done(net):
    case = net.case(net.joint)
    with pytest.raises(FieldErrors) as err:  # a joint item names its departments
        step(case, Action.ACCEPT, net.agent, materials=["申请书"])
    assert set(err.value.errors) == {"departments"}
    step(case, Action.ACCEPT, net.agent, materials=["申请书"], departments=["民政办", "住建办"])
    assert [p.department for p in case.parts] == ["民政办", "住建办"]
    civil, housing = case.parts

    step(case, Action.PART_DONE, net.agent, comment="已审核", part_id=civil.id)
    assert civil.done_on is not None and civil.note == "已审核"
    with pytest.raises(FieldErrors) as err:  # a part is done once
        step(case, Action.PART_DONE, net.agent, part_id=civil.id)
    assert set(err.value.errors) == {"part_id"}
    assert Action.COMPLETE not in allowed_actions(case, net.agent)
    with pytest.raises(InvalidTransition):
        step(case, Action.COMPLETE, net.agent, result="已办结")
    assert case.status == Status.HANDLING

    step(case, Action.PART_DONE, net.agent, part_id=housing.id)
    step(case, Action.COMPLETE, net.agent, result="已办结")
    assert case.status == Status.DONE


def test_a_joint_case_refused_for_missing_papers_records_no_departments(net):
    case = net.case(net.joint)
    with pytest.raises(FieldErrors) as err:
        step(case, Action.ACCEPT, net.agent, materials=[], departments=["民政办", "住建办"])
    assert set(err.value.errors) == {"materials"}
    db.session.flush()  # nothing of the refused step is waiting to be written
    assert case.parts == [] and case.status == Status.APPLIED
    step(case, Action.ACCEPT, net.agent, materials=["申请书"], departments=["民政办", "民政办"])
    assert [p.department for p in case.parts] == ["民政办"]  # named twice, recorded once


# --- on the spot -------------------------------------------------------------------------------


def test_an_immediate_case_is_done_and_delivered_on_the_spot_by_its_agent(net):
    case = net.case(net.direct)
    with on(date(2026, 11, 27)):
        step(case, Action.ACCEPT_IMMEDIATE, net.agent, result="证明已开具")
    today = date(2026, 11, 27)
    assert (case.status, case.kind) == (Status.DELIVERED, Kind.IMMEDIATE)
    assert (case.due_on, case.done_on, case.delivered_on) == (today, today, today)
    assert case.agent_member_id == case.first_agent_member_id == net.agent_member.id


def test_a_refused_case_keeps_the_reason_the_applicant_receives(net):
    case = net.case()
    step(case, Action.REFUSE, net.agent, comment="不属于本服务室受理范围")
    assert case.status == Status.REFUSED
    assert case.refused_reason == "不属于本服务室受理范围"
    assert allowed_actions(case, net.agent) == []


# --- rating and the bad-rating follow-up -------------------------------------------------------


def _delivered(net) -> ServiceCase:
    case = net.case()
    step(case, Action.ACCEPT, net.agent, materials=BOTH)
    step(case, Action.COMPLETE, net.agent, result="已办结")
    step(case, Action.DELIVER, net.agent, via="电话告知")
    return case


def _ratings(case) -> list[tuple[int, int, str]]:
    rows = db.session.scalars(
        select(Evaluation).where(Evaluation.case_id == case.id).order_by(Evaluation.id)
    )
    return [(e.level, e.round, e.source) for e in rows]


@pytest.mark.parametrize("level", [1, 2])
def test_a_bad_rating_opens_a_follow_up_that_a_second_rating_closes(net, level):
    case = _delivered(net)
    with on(date(2026, 9, 30)):
        step(case, Action.EVALUATE, None, comment="办得太慢", level=level)  # online
        step(case, Action.OPEN_FOLLOW_UP, None)  # the system
    assert case.status == Status.FOLLOW_UP
    assert case.visit_due_on == date(2026, 10, 8)  # one working day, after 国庆节
    assert case.fix_due_on == date(2026, 10, 27)  # fifteen working days
    assert case.is_overdue(date(2026, 10, 28))

    step(case, Action.RETURN_VISIT, net.agent, comment="电话回访，已致歉")
    assert case.status == Status.FOLLOW_UP
    with on(date(2026, 10, 20)):
        step(case, Action.FIX, net.agent, comment="补发材料")
    assert (case.status, case.delivered_on) == (Status.DELIVERED, date(2026, 10, 20))
    assert (case.visit_due_on, case.fix_due_on) == (None, None)

    step(case, Action.EVALUATE, net.agent, comment="回访满意", level=4)
    assert case.status == Status.EVALUATED
    assert _ratings(case) == [(level, 1, "online"), (4, 2, "return_visit")]
    assert timeline(case)[-5:] == ["evaluate", "open_follow_up", "return_visit", "fix", "evaluate"]


def test_a_second_bad_rating_opens_no_second_follow_up(net):
    case = _delivered(net)
    step(case, Action.EVALUATE, None, level=1)
    step(case, Action.OPEN_FOLLOW_UP, None)
    step(case, Action.RETURN_VISIT, net.agent, comment="已回访")
    step(case, Action.FIX, net.agent, comment="已整改")
    step(case, Action.EVALUATE, None, level=2)
    version, before = case.version, traces(case)
    with pytest.raises(InvalidTransition) as err:
        step(case, Action.OPEN_FOLLOW_UP, None)
    assert str(err.value) == str(GUARDS[Action.OPEN_FOLLOW_UP][1])
    assert (case.status, case.version, traces(case)) == (Status.EVALUATED, version, before)
    assert _ratings(case) == [(1, 1, "online"), (2, 2, "online")]


def test_a_good_rating_closes_the_case_without_a_follow_up(net):
    case = _delivered(net)
    step(case, Action.EVALUATE, None, level=3)
    assert case.status == Status.EVALUATED and not case.is_open
    with pytest.raises(InvalidTransition):
        step(case, Action.OPEN_FOLLOW_UP, None)


def test_a_rating_needs_a_level_of_one_to_five(net):
    case = _delivered(net)
    for bad in (None, 0, 6, "5"):
        with pytest.raises(FieldErrors) as err:
            step(case, Action.EVALUATE, None, level=bad)
        assert set(err.value.errors) == {"level"}
    assert case.status == Status.DELIVERED and _ratings(case) == []


def test_a_person_may_not_open_a_follow_up(net):
    case = _delivered(net)
    step(case, Action.EVALUATE, None, level=1)
    with pytest.raises(PermissionDenied):
        step(case, Action.OPEN_FOLLOW_UP, net.cmte)
    assert case.status == Status.EVALUATED


# --- the tracking code -------------------------------------------------------------------------


def test_the_tracking_code_and_the_phone_find_only_their_own_case(net):
    case = net.case(phone="13800001234")
    other = net.case(phone="13900005678")
    code = services.tracking_code(case)
    assert services.find_by_code(code, "13800001234") is case
    assert services.find_by_code(f"  {code.lower()} ", "13800001234") is case  # as typed
    assert services.find_by_code(code, "13900005678") is None  # another applicant's phone
    assert services.find_by_code(services.tracking_code(other), "13800001234") is None
    assert (
        services.find_by_code(code[:-1] + ("2" if code[-1] != "2" else "3"), "13800001234") is None
    )
    assert services.find_by_code("", "13800001234") is None
    assert services.find_by_code(code, "") is None


# --- the audit trail ---------------------------------------------------------------------------


def test_every_step_writes_one_audit_event_with_the_case_number(net):
    case = _delivered(net)
    step(case, Action.EVALUATE, None, level=2)
    step(case, Action.OPEN_FOLLOW_UP, None)
    step(case, Action.URGE, net.secretary)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "ServiceCase", AuditEvent.target_id == case.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [f"case.{a}" for a in timeline(case)]
    assert [e.action for e in events] == [
        "case.register",
        "case.accept",
        "case.complete",
        "case.deliver",
        "case.evaluate",
        "case.open_follow_up",
        "case.urge",
    ]
    assert {e.details["case_number"] for e in events} == {case.number}
    assert {e.org_path for e in events} == {net.room.org.path}
    assert [e.actor_id for e in events][-3:] == [None, None, net.secretary.id]


# --- found in review ---------------------------------------------------------------------------


def test_a_joint_case_escalated_before_acceptance_names_its_departments(net):
    case = net.case(net.joint)
    with pytest.raises(FieldErrors) as err:
        step(case, Action.ESCALATE, net.agent, comment="须上级联办", materials=["申请书"])
    assert set(err.value.errors) == {"departments"}
    assert case.status == Status.APPLIED and case.parts == []
    step(case, Action.ESCALATE, net.agent, comment="须上级联办", departments=["民政办"])
    assert [p.department for p in case.parts] == ["民政办"]
    assert case.service_point_id == net.township.id


def test_a_missed_return_visit_is_overdue_and_the_visit_clears_it(net):
    case = _delivered(net)
    with on(date(2026, 11, 2)):
        step(case, Action.EVALUATE, None, level=1)
        step(case, Action.OPEN_FOLLOW_UP, None)
    assert case.visit_due_on == date(2026, 11, 3)
    assert case.is_overdue(date(2026, 11, 4))  # the fix is not due, the visit is late
    step(case, Action.RETURN_VISIT, net.agent, comment="上门回访")
    assert case.visit_due_on is None and not case.is_overdue(date(2026, 11, 4))


def test_a_delivery_time_instead_of_a_date_is_a_field_error(net):
    case = net.case()
    step(case, Action.ACCEPT, net.agent, materials=BOTH)
    step(case, Action.COMPLETE, net.agent, result="已办结")
    with pytest.raises(FieldErrors) as err:
        step(case, Action.DELIVER, net.agent, via="电话告知", on=datetime(2026, 1, 5, tzinfo=UTC))
    assert set(err.value.errors) == {"on"}


def test_papers_arriving_must_complete_the_materials_and_name_a_joint_items_departments(net):
    case = net.case(net.joint)
    step(case, Action.ACCEPT_SUPPLEMENT, net.agent, materials=[], missing="申请书")
    accepted_at = case.accepted_at
    with pytest.raises(FieldErrors) as err:
        step(case, Action.PAPERS_ARRIVED, net.agent, materials=[])
    assert set(err.value.errors) == {"materials", "departments"}
    assert case.status == Status.SUPPLEMENT and case.due_on is None
    step(case, Action.PAPERS_ARRIVED, net.agent, materials=["申请书"], departments=["民政办"])
    assert [p.department for p in case.parts] == ["民政办"] and case.status == Status.HANDLING
    assert case.accepted_at == accepted_at  # the first acceptance stays on record


def test_the_lists_and_the_case_agree_on_what_is_overdue(net):
    late = net.case()
    step(late, Action.ACCEPT, net.agent, materials=BOTH)
    done_late = net.case()
    step(done_late, Action.ACCEPT, net.agent, materials=BOTH)
    done_on_time = net.case()
    step(done_on_time, Action.ACCEPT, net.agent, materials=BOTH)
    step(done_on_time, Action.COMPLETE, net.agent, result="已办结")
    visit_late = _delivered(net)
    step(visit_late, Action.EVALUATE, None, level=1)
    step(visit_late, Action.OPEN_FOLLOW_UP, None)
    db.session.flush()
    later = late.due_on + (late.due_on - date(2026, 1, 1))  # well past every due date
    done_late.due_on = date(2000, 1, 3)  # as if it had been promised long ago
    step(done_late, Action.COMPLETE, net.agent, result="已办结")
    db.session.flush()
    cases = [late, done_late, done_on_time, visit_late]
    in_python = {c.id for c in cases if c.is_overdue(later)}
    in_sql = set(db.session.scalars(select(ServiceCase.id).where(pages.late_clause(later))))
    assert in_python == in_sql == {late.id, done_late.id, visit_late.id}
    assert done_late.running_due is None and visit_late.running_due == visit_late.visit_due_on


def test_a_number_taken_a_moment_ago_moves_the_registration_to_the_next(net, monkeypatch):
    first = net.case()
    real = services._next_seq
    calls = []

    def stale(sp, year):  # as if a concurrent registration had not been seen yet
        calls.append(1)
        return first.seq if len(calls) == 1 else real(sp, year)

    monkeypatch.setattr(services, "_next_seq", stale)
    second = net.case()
    assert second.seq == first.seq + 1 and len(calls) == 2
    assert db.session.get(ServiceCase, first.id).number != second.number
