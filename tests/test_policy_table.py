"""Every named action in app/policy, for every role granted on branch A, against a target inside
branch A and one inside branch B. A new action without a row here fails the completeness test."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import policy
from app.appraisal import services as appraisal_services
from app.appraisal.models import Appraisal
from app.auth.models import Role, RoleGrant
from app.cases import services as case_services
from app.extensions import db
from app.volunteers.services import save_item
from tests.factories import make_member, make_service_point, make_tree, make_user

ROLES = [r.value for r in Role]
STEWARDS = {"admin", "committee", "branch_secretary"}
MANAGERS = {"admin", "committee"}
EDITORS = {"committee", "branch_secretary"}
READERS = {"committee", "branch_secretary", "group_leader"}
APPRAISERS = {"committee", "branch_secretary", "group_leader", "mentor"}
ASSESSORS = {"committee", "branch_secretary"}
VOLUNTEERS = {"committee", "branch_secretary", "agent"}

# action -> (target kind, roles on branch A allowed on the target in A, checked outside too)
TABLE: dict[str, tuple[str | None, set[str], bool]] = {
    "org.list": (None, STEWARDS, False),
    "org.view": ("group", STEWARDS, True),
    "org.create_root": (None, set(), False),
    "org.create_child": ("branch", STEWARDS, True),
    "org.edit": ("group", STEWARDS, True),
    "org.move": ("group", MANAGERS, True),
    "org.move_into": ("branch", MANAGERS, True),
    "org.deactivate": ("group", STEWARDS, True),
    "service_point.manage": ("branch", MANAGERS, True),
    "service_point.view": ("service_point", STEWARDS, True),
    "user.manage": (None, {"admin"}, False),
    "user.view": ("user", {"admin"}, True),
    "user.edit": ("user", {"admin"}, True),
    "user.reset_password": ("user", {"admin"}, True),
    "user.deactivate": ("user", {"admin"}, True),
    "role.grant": ("group", {"admin"}, True),
    "role.revoke": ("grant", {"admin"}, True),
    "roster.list": (None, READERS, False),
    "roster.view": ("member", READERS, True),
    "roster.create": ("group", EDITORS, True),
    "roster.edit": ("member", EDITORS, True),
    "roster.export": (None, EDITORS, False),
    "roster.export_unmasked": (None, {"committee"}, False),
    "roster.import": (None, EDITORS, False),
    "roster.import_rollback": ("batch", set(), False),  # neither its author nor a root admin
    "job.view": ("job", set(), False),  # its owner only, whatever their roles
    "roster.unmask": ("member", {"committee"}, True),
    "roster.sanction": ("member", EDITORS, True),
    "roster.view_sanctions": ("member", READERS, True),
    "roster.view_sanction_reason": ("member", EDITORS, True),
    "appraisal.list": (None, APPRAISERS, False),
    # The targets are full members: a mentor reads only probationary records of mentees (or of
    # members with no named mentor), so none of these (see the mentor test below).
    "appraisal.view": ("appraisal", APPRAISERS - {"mentor"}, True),
    # A member with no login dictates the self-record to the branch secretary.
    "appraisal.edit_self": ("appraisal", {"branch_secretary"}, True),
    "appraisal.submit": ("appraisal", {"branch_secretary"}, True),
    "appraisal.withdraw": ("appraisal", {"branch_secretary"}, True),
    "appraisal.sign": ("appraisal", {"branch_secretary", "group_leader"}, True),
    "appraisal.return_to_member": ("appraisal", {"branch_secretary", "group_leader"}, True),
    "appraisal.assess": ("appraisal", ASSESSORS, True),
    "appraisal.return_to_signer": ("appraisal", ASSESSORS, True),
    "appraisal.veto": ("appraisal", ASSESSORS, True),
    "appraisal.veto_other": ("appraisal", {"committee"}, True),
    "appraisal.lift_veto": ("appraisal", {"committee"}, True),
    "appraisal.spot_confirm": ("appraisal", {"committee"}, True),
    "appraisal.spot_adjust": ("appraisal", {"committee"}, True),
    "appraisal.return_to_branch": ("appraisal", {"committee"}, True),
    "appraisal.reopen": ("appraisal", {"committee"}, True),
    "appraisal.close": ("appraisal", {"committee"}, True),
    "appraisal.mark_exemplary": ("appraisal", {"committee"}, True),
    "appraisal.responsibility": ("appraisal", ASSESSORS, True),
    "appraisal.manage_periods": ("branch", {"committee"}, True),
    "appraisal.overview": ("branch", APPRAISERS, True),
    "volunteers.list": (None, VOLUNTEERS, False),
    "volunteers.catalogue_edit": ("branch", EDITORS, True),
    "volunteers.profile_view": ("member", VOLUNTEERS, True),
    "volunteers.profile_edit": ("member", EDITORS, True),
    "volunteers.confirm_skill": ("member", EDITORS, True),
    "volunteers.posts_manage": ("branch", EDITORS, True),
    "volunteers.post_record": ("member", EDITORS, True),
    # Who holds a post and what they did: the roster's readers and the agents over the holder.
    "volunteers.post_holder_view": ("member", READERS | VOLUNTEERS, True),
    "volunteers.designate": ("service_point", EDITORS, True),
    "case.list": (None, VOLUNTEERS, False),
    "case.view": ("case", VOLUNTEERS, True),
    "case.intake": ("service_point", VOLUNTEERS, True),
    "case.register": ("case", VOLUNTEERS, True),
    # Every step a person takes: the point's agents and the secretaries and committee over it.
    **{
        f"case.{step}": ("case", VOLUNTEERS, True)
        for step in (
            "accept",
            "accept_immediate",
            "accept_supplement",
            "papers_arrived",
            "escalate",
            "refuse",
            "withdraw",
            "assign",
            "note",
            "part_done",
            "complete",
            "deliver",
            "evaluate",
            "return_visit",
            "fix",
        )
    },
    "case.open_follow_up": ("case", set(), True),  # the system opens it, never a person
    "case.urge": ("case", VOLUNTEERS, True),
    "case.reveal_phone": ("case", VOLUNTEERS, True),
    "case.ledger": ("service_point", VOLUNTEERS, True),
    "case.board": ("service_point", VOLUNTEERS, True),
    # Dashboards: an org's for the committee and secretaries over it; a point's for its staff.
    "report.view": (None, VOLUNTEERS, False),
    "report.org": ("branch", ASSESSORS, True),
    "report.point": ("service_point", VOLUNTEERS, True),
    "report.compare": ("branch", {"committee"}, True),
    "report.settings": ("branch", {"committee"}, True),
    "audit.view": (None, {"admin"}, False),
    # Duty rotas and the letters-and-visits register: a point's agents and the supervisors over it;
    # the rotas are planned and published by the secretaries and the committee only.
    "network.view": (None, VOLUNTEERS, False),
    "duty.view": ("service_point", VOLUNTEERS, True),
    "duty.manage": ("service_point", EDITORS, True),
    "duty.record": ("service_point", VOLUNTEERS, True),
    **{
        f"visit.{step}": ("service_point", VOLUNTEERS, True)
        for step in ("view", "register", "handle", "to_case")
    },
    # Agents' assessment and training: an agent reads their own figures (not these targets').
    "assessment.list": (None, ASSESSORS | {"agent"}, False),
    "assessment.view": ("member", ASSESSORS, True),
    "assessment.export": (None, ASSESSORS, False),
    "award.record": ("member", ASSESSORS, True),
    "training.list": (None, ASSESSORS, False),
    "training.manage": ("branch", ASSESSORS, True),
    "training.view": ("training", ASSESSORS, True),
    # The 七一 selection: the committee over a round runs it; branch staff nominate.
    "selection.list": (None, ASSESSORS, False),
    "selection.open": ("branch", {"committee"}, True),
    "selection.view": ("round", ASSESSORS, True),
    "selection.candidates": ("branch", ASSESSORS, True),
    **{
        f"selection.{step}": ("round", {"committee"}, True)
        for step in (
            "close_nominations",
            "reopen_nominations",
            "publish_notice",
            "withdraw_notice",
            "approve_final",
            "switch_rule",
            "set_quota",
            "edit_dates",
            "lists",
        )
    },
    **{
        f"nomination.{step}": ("nomination", ASSESSORS, True)
        for step in ("nominate", "revise", "withdraw")
    },
    **{
        f"nomination.{step}": ("nomination", {"committee"}, True)
        for step in (
            "approve",
            "send_back",
            "drop",
            "object",
            "uphold",
            "dismiss",
            "read_objections",
        )
    },
    # Supervision: the point's staff take complaints in; its supervisors (and the handler)
    # read and decide them. Inspections: the committee holds them, those over an inspected
    # point see its findings. Accountability: the committee over the person only.
    "complaint.list": (None, EDITORS, False),
    "complaint.view": ("complaint", EDITORS, True),
    "complaint.intake": ("service_point", VOLUNTEERS, True),
    "complaint.register": ("complaint", VOLUNTEERS, True),
    **{
        f"complaint.{step}": ("complaint", EDITORS, True)
        for step in ("assign", "uphold", "dismiss", "close", "reveal_phone")
    },
    "inspection.list": (None, VOLUNTEERS, False),
    "inspection.create": ("branch", {"committee"}, True),
    "inspection.manage": ("inspection", {"committee"}, True),
    "inspection.view": ("inspection", VOLUNTEERS, True),
    "inspection.view_finding": ("finding", VOLUNTEERS, True),
    "inspection.rectify": ("finding", EDITORS, True),
    "accountability.list": (None, {"committee"}, False),
    "accountability.create": ("member", {"committee"}, True),
    "accountability.view": ("accountability", {"committee"}, True),
}


class Targets:
    """One object of each kind inside branch A (``a``) and inside branch B (``b``)."""

    def __init__(self) -> None:
        t = make_tree()
        self.tree = t
        room_b = make_service_point(t.branch_b, "乙村为民服务室")
        holder_a = make_user("holder_a", (Role.MEMBER, t.group_a))
        holder_b = make_user("holder_b", (Role.MEMBER, t.group_b))
        member_a, member_b = make_member(t.group_a), make_member(t.group_b)
        db.session.commit()
        period = appraisal_services.open_period(
            None,
            t.committee,
            2026,
            3,
            appraisal_services.Deadlines(
                date(2026, 9, 30), date(2026, 10, 7), date(2026, 10, 15), date(2026, 10, 25)
            ),
        )
        db.session.commit()
        records = {
            a.member_id: a
            for a in db.session.scalars(select(Appraisal).where(Appraisal.period_id == period.id))
        }
        self.a = self._kinds(t.branch_a, t.group_a, t.room_a, holder_a, member_a, records)
        self.b = self._kinds(t.branch_b, t.group_b, room_b, holder_b, member_b, records)
        self.a["case"], self.b["case"] = (
            self._case(t.branch_a, t.room_a),
            self._case(t.branch_b, room_b),
        )

    @staticmethod
    def _case(branch, room):
        item = save_item(
            None,
            branch,
            {
                "name": f"{branch.name}低保申请",
                "category": "civil_affairs",
                "level": "village",
                "handling": "promised",
                "promised_days": 5,
                "is_published": True,
            },
        )
        applicant = case_services.ApplicantData(name="王秀英", phone="13800001111")
        case, _code = case_services.register_case(None, room, item, applicant, "申请低保")
        db.session.commit()
        return case

    @staticmethod
    def _kinds(branch, group, room, holder, member, records) -> dict[str, object]:
        return {
            "branch": branch,
            "group": group,
            "service_point": room,
            "user": holder,
            "grant": db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == holder.id)),
            "member": member,
            "appraisal": records[member.id],
            "batch": SimpleNamespace(user_id=-1),
            "job": SimpleNamespace(user_id=-1),
            # A round opened over the branch, and a nomination of one of its members.
            "round": SimpleNamespace(org=branch),
            "training": SimpleNamespace(org=branch),
            "nomination": SimpleNamespace(
                branch=branch, round=SimpleNamespace(org=branch), member=member
            ),
            # A complaint about the point naming no agent; an inspection of the branch with
            # one finding there; an accountability record against the member.
            "complaint": SimpleNamespace(
                service_point=room, agent_member_id=None, handler_id=None, status="received"
            ),
            "inspection": SimpleNamespace(
                org=branch, findings=[SimpleNamespace(service_point=room)]
            ),
            "finding": SimpleNamespace(service_point=room, inspection=SimpleNamespace(org=branch)),
            "accountability": SimpleNamespace(member=member),
        }


@pytest.fixture
def targets(app):
    return Targets()


def _user_with(role: str, t) -> object:
    if role == Role.AGENT:
        return make_user(f"as_{role}", (role, t.branch_a, t.room_a))
    return make_user(f"as_{role}", (role, t.branch_a))


def test_every_named_action_has_a_row():
    assert set(TABLE) == set(policy.actions())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_granted_on_branch_a(targets, role):
    user = _user_with(role, targets.tree)
    wrong = []
    for action, (kind, allowed, outside) in TABLE.items():
        inside = targets.a[kind] if kind else None
        if policy.can(user, action, inside) is not (role in allowed):
            wrong.append((action, "inside", role in allowed))
        if outside and policy.can(user, action, targets.b[kind]):
            wrong.append((action, "outside branch A", False))
    assert wrong == []


def test_a_grant_on_a_deactivated_org_confers_nothing(targets):
    t = targets.tree
    user = make_user("on_closed", *[(r, t.committee) for r in ROLES if r != Role.AGENT])
    t.committee.is_active = False  # as a deactivation leaves it; the grants stay on record
    db.session.flush()
    allowed = [
        action
        for action, (kind, _allowed, _outside) in TABLE.items()
        if policy.can(user, action, targets.a[kind] if kind else None)
    ]
    assert allowed == []


def test_a_mentor_reads_only_the_probation_records_they_sign_for(app):
    """A mentor on branch A: the probationary record of their named mentee and of a member with
    no named mentor yet (any mentor of the org signs then); never another mentor's mentee, a
    full member, or anyone in branch B."""
    from app.roster.mentors import assign_mentor

    t = make_tree()
    mentor = make_user("mentor_a", (Role.MENTOR, t.branch_a))
    other = make_user("mentor_a2", (Role.MENTOR, t.branch_a))
    mentor_b = make_user("mentor_b", (Role.MENTOR, t.branch_b))
    probie = {"membership": "probationary", "full_member_on": None, "joined_on": "2026-03-01"}
    mentee = make_member(t.group_a, **probie)
    others = make_member(t.group_a, **probie)
    unnamed = make_member(t.group_a, **probie)
    full = make_member(t.group_a)
    in_b = make_member(t.group_b, **probie)
    cmte = make_user("cmte", (Role.COMMITTEE, t.committee))
    assign_mentor(cmte, mentee, mentor)
    assign_mentor(cmte, others, other)
    assign_mentor(cmte, in_b, mentor_b)
    db.session.commit()
    appraisal_services.open_period(
        None,
        t.committee,
        2026,
        3,
        appraisal_services.Deadlines(
            date(2026, 9, 30), date(2026, 10, 7), date(2026, 10, 15), date(2026, 10, 25)
        ),
    )
    db.session.commit()
    rec = {a.member_id: a for a in db.session.scalars(select(Appraisal))}
    expected = {mentee.id: True, unnamed.id: True, others.id: False, full.id: False, in_b.id: False}
    for action in ("appraisal.view", "appraisal.sign"):
        got = {m: policy.can(mentor, action, rec[m]) for m in expected}
        assert got == expected, action
    listed = db.session.scalars(policy.scope(select(Appraisal.member_id), mentor, Appraisal))
    assert set(listed) == {mentee.id, unnamed.id}
