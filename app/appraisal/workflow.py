"""The appraisal workflow: one short handler per action over the transition table and the
guards of app/appraisal/transitions.py, run by the shared core in app/workflow.py.

draft → submitted → signed → assessed → closed, with a return path at each step, the member's
withdraw (撤回) while nobody has signed yet, the spot check beside "assessed", and the veto
beside everything. A reopened record goes back to the
state it was closed in. No code sets ``Appraisal.status`` anywhere else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.appraisal.cap import excellent_cap, lock_cap
from app.appraisal.models import (
    Appraisal,
    AppraisalStep,
    BranchMeeting,
    Grade,
    VetoCategory,
)
from app.appraisal.transitions import (
    _SIGNED,
    GUARDS,
    NEEDS_COMMENT,
    SYSTEM_ACTIONS,
    TRANSITIONS,
    Action,
    S,
)
from app.auth.models import User
from app.common import timeutil
from app.errors import PermissionDenied, StaleRecord
from app.extensions import db
from app.workflow import InvalidTransition, Step, Workflow

__all__ = [
    "NEEDS_COMMENT",
    "SYSTEM_ACTIONS",
    "TRANSITIONS",
    "Action",
    "InvalidTransition",
    "allowed_actions",
    "apply",
    "dimensions_for",
    "withdraw",
]


WORKFLOW = Workflow(
    "appraisal",
    TRANSITIONS,
    step_model=AppraisalStep,
    owner_key="appraisal_id",
    can=policy.can,
    record=audit.record,
    needs_comment=NEEDS_COMMENT,
    keep_lines={Action.VETO},  # the facts of a veto keep their paragraphs
    system_actions=SYSTEM_ACTIONS,
    guards=GUARDS,
    audit_details=lambda a: {"org_path": a.org.path, "member_id": a.member_id},
)


def apply(
    appraisal: Appraisal,
    action: str,
    actor: User | None,
    *,
    expected_version: int | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AppraisalStep:
    """Apply ``action`` to ``appraisal`` for ``actor`` (views, services, the demo seed):
    check the table, the policy and the rules, change the record, append a timeline step,
    audit it; the version moves with the UPDATE.

    Raises StaleRecord when ``expected_version`` is behind, InvalidTransition for a step the
    table does not allow now, PermissionDenied, or FieldErrors naming each field at fault.
    The caller commits.
    """
    return WORKFLOW.apply(
        appraisal, action, actor, expected_version=expected_version, comment=comment, data=data
    )


def withdraw(appraisal: Appraisal, actor: User, *, expected_version: int | None) -> AppraisalStep:
    """The member (or the secretary who entered a member's record for them) takes a submitted
    self-record back to a draft (撤回) while nobody has signed it. Refused for anyone else
    (PermissionDenied), and once it is signed with a message that says so (InvalidTransition);
    otherwise as ``apply`` (StaleRecord). The caller commits."""
    if expected_version is not None and appraisal.version != expected_version:
        raise StaleRecord()
    _refuse_late_withdraw(appraisal, actor)
    return apply(appraisal, Action.WITHDRAW, actor, expected_version=expected_version)


def _refuse_late_withdraw(appraisal: Appraisal, actor: User | None) -> None:
    """A withdraw by someone else, or of a record already signed, refused in words."""
    if actor is None or not policy.can(actor, "appraisal.withdraw", appraisal):
        raise PermissionDenied(_l("You may not take this step on this record."))
    if appraisal.status in (S.SIGNED, S.ASSESSED, S.CLOSED):
        raise InvalidTransition(_SIGNED)


def check(appraisal: Appraisal, action: str, user: User | None) -> None:
    """Refuse ``action`` now as ``apply`` would (InvalidTransition, PermissionDenied),
    changing nothing; returns quietly when the step may be taken."""
    if action == Action.WITHDRAW:
        _refuse_late_withdraw(appraisal, user)
    WORKFLOW.check(appraisal, action, user)


def allowed_actions(appraisal: Appraisal, user: User) -> list[str]:
    """The actions ``user`` may take on the record now (to show the right forms)."""
    return WORKFLOW.allowed_actions(appraisal, user)


def dimensions_for(appraisal: Appraisal) -> list[dict[str, str]]:
    """The dimensions this record uses: the period's frozen template for the post kind."""
    templates = appraisal.period.templates or {}
    return templates.get(appraisal.post_kind) or templates.get("no_post") or []


# --- one handler per action: its own checks and changes -------------------------------------


@WORKFLOW.handler(Action.SUBMIT)
def _submit(a: Appraisal, step: Step) -> None:
    record = a.self_record or {}
    missing = [
        d["label"]
        for d in dimensions_for(a)
        if not str((record.get(d["key"]) or {}).get("text", "")).strip()
    ]
    if missing:
        step.errors["self_record"] = str(
            _l("Fill in every dimension before submitting: %(items)s.", items="、".join(missing))
        )
        return
    a.record_revision += 1
    step.snapshot = {"revision": a.record_revision, "self_record": a.self_record}


@WORKFLOW.handler(Action.SIGN)
def _sign(a: Appraisal, step: Step) -> None:
    a.sign_opinion = step.comment
    a.signed_by_id = step.actor.id
    a.signed_at = timeutil.utcnow()
    step.snapshot = {"revision": a.record_revision, "opinion": step.comment}


@WORKFLOW.handler(Action.ASSESS)
def _assess(a: Appraisal, step: Step) -> None:
    data = step.data
    meeting = _meeting_of(a, step)
    grade = data.get("grade") or None
    # Probationary members are reviewed, not graded, unless a grade is given on purpose.
    if (grade is not None or not a.is_probationary) and grade not in set(Grade):
        step.errors["grade"] = str(_l("Choose a grade."))
    elif a.is_vetoed and grade not in (None, Grade.UNQUALIFIED):
        step.errors["grade"] = str(_l("A vetoed record stays unqualified."))
    elif grade == Grade.EXCELLENT:
        _check_excellent_cap(a, step.errors)
    final = Grade.UNQUALIFIED if a.is_vetoed else grade
    masses = " ".join(str(data.get("masses") or "").split())[:2000]
    # Both ends of the scale rest on what the masses report (群众反映), not only the branch.
    if final in (Grade.EXCELLENT, Grade.UNQUALIFIED) and len(masses) < 2:
        step.errors["masses"] = str(
            _l("Write what the masses report: it is required for excellent or unqualified.")
        )
    comment = " ".join(str(data.get("comment") or "").split())[:2000]
    if len(comment) < 2:
        step.errors["comment"] = str(_l("Write the branch's opinion."))
    if step.errors or meeting is None:
        return
    if meeting.id is None:
        db.session.add(meeting)
    a.branch_meeting = meeting
    a.branch_meeting_on = meeting.held_on
    a.grade = final
    a.branch_comment = comment
    a.masses_opinion = masses
    a.assessed_by_id = step.actor.id
    if a.spot_result == "returned":
        a.spot_result = None  # back in the committee's spot-check list
    step.snapshot = {
        "grade": a.grade,
        "meeting_on": str(meeting.held_on),
        "comment": comment,
        "masses": masses,
    }
    if a.grade == Grade.UNQUALIFIED:
        _drop_exemplary_mark(a, step, Action.ASSESS)


def _meeting_of(a: Appraisal, step: Step) -> BranchMeeting | None:
    """The branch committee meeting (支委会) that decided: one of the branch's meetings
    (``meeting_id``), or a new one from ``meeting_on``, ``attendees`` and ``decision`` (not
    yet added to the session). None, with the errors set, when neither is right."""
    data = step.data
    branch_id = a.org.branch_id
    if data.get("meeting_id"):
        meeting_id = int(data["meeting_id"])
        meeting = db.session.get(BranchMeeting, meeting_id) if 0 < meeting_id < 2**31 else None
        if meeting is None or meeting.org_id != branch_id:
            step.errors["meeting_id"] = str(_l("Choose a meeting of this branch."))
            return None
        return meeting
    held_on = data.get("meeting_on")
    if not isinstance(held_on, date):
        step.errors["meeting_on"] = str(_l("Give the date of the branch committee meeting."))
    elif held_on > timeutil.today():
        step.errors["meeting_on"] = str(_l("This date is in the future."))
    attendees = " ".join(str(data.get("attendees") or "").split())[:1000]
    if len(attendees) < 2:
        step.errors["attendees"] = str(_l("Say who attended the meeting."))
    if step.errors:
        return None
    return BranchMeeting(
        org_id=branch_id,
        held_on=held_on,
        attendees=attendees,
        decision=" ".join(str(data.get("decision") or "").split())[:2000],
        created_by_id=step.actor.id,
    )


@WORKFLOW.handler(Action.RETURN_TO_BRANCH)
def _return_to_branch(a: Appraisal, step: Step) -> None:
    if a.is_sampled:
        a.spot_result = "returned"


@WORKFLOW.handler(Action.SPOT_CONFIRM)
def _spot_confirm(a: Appraisal, step: Step) -> None:
    a.spot_result = "confirmed"


@WORKFLOW.handler(Action.SPOT_ADJUST)
def _spot_adjust(a: Appraisal, step: Step) -> None:
    grade = step.data.get("grade")
    if grade not in set(Grade):
        step.errors["grade"] = str(_l("Choose a grade."))
    elif a.is_vetoed and grade != Grade.UNQUALIFIED:
        step.errors["grade"] = str(_l("A vetoed record stays unqualified."))
    elif grade == Grade.EXCELLENT and a.grade != Grade.EXCELLENT:
        _check_excellent_cap(a, step.errors)
    if step.errors:
        return
    step.snapshot = {"from": a.grade, "to": grade}
    a.grade = grade
    a.spot_result = "adjusted"
    if grade == Grade.UNQUALIFIED:
        _drop_exemplary_mark(a, step, Action.SPOT_ADJUST)


@WORKFLOW.handler(Action.VETO)
def _veto(a: Appraisal, step: Step) -> None:
    category = step.data.get("category")
    if category not in set(VetoCategory):
        step.errors["category"] = str(_l("Choose the category."))
        return
    # The rules name three problems "等问题"; anything else serious is the committee's call.
    if category == VetoCategory.OTHER and not policy.can(step.actor, "appraisal.veto_other", a):
        step.errors["category"] = str(
            _l("Only the party committee records a veto for another serious problem.")
        )
        return
    step.snapshot = {"category": category, "grade_before": a.grade}
    a.is_vetoed = True
    a.veto_category = category
    a.veto_facts = step.comment
    a.grade = Grade.UNQUALIFIED
    _drop_exemplary_mark(a, step, Action.VETO)


def _drop_exemplary_mark(a: Appraisal, step: Step, action: str) -> None:
    """A vetoed or 不合格 record keeps no exemplary mark (rule 4.4.2): the step removes it,
    says so in its snapshot, and the audit log gets the mark's own event."""
    if not a.is_exemplary:
        return
    step.snapshot = {**(step.snapshot or {}), "exemplary_removed": a.exemplary_note}
    a.is_exemplary = False
    a.exemplary_note = ""
    audit.record(
        step.actor,
        "appraisal.exemplary",
        a,
        org_path=a.org.path,
        on=False,
        removed_by=str(action),
    )


@WORKFLOW.handler(Action.LIFT_VETO)
def _lift_veto(a: Appraisal, step: Step) -> None:
    # The grade the branch had given before the veto comes back.
    veto = db.session.scalar(
        select(AppraisalStep)
        .where(AppraisalStep.appraisal_id == a.id, AppraisalStep.action == Action.VETO)
        .order_by(AppraisalStep.id.desc())
        .limit(1)
    )
    a.is_vetoed = False
    a.veto_category = None
    a.grade = (veto.snapshot or {}).get("grade_before") if veto else None


def _check_excellent_cap(appraisal: Appraisal, errors: dict[str, str]) -> None:
    """优秀 is capped per branch and quarter (a share of the members graded, default 1/3):
    refused, with the same figures the pages state, when one more would break it. The cap is
    locked first, so the count and the grade written after it are one step."""
    lock_cap(appraisal.org)
    cap = excellent_cap(appraisal.period, appraisal.org, excluding=appraisal.id)
    if not cap.admits_one_more():
        errors["grade"] = " ".join(
            (cap.statement(), str(_l("No more members of the branch can be graded excellent.")))
        )
