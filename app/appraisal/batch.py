"""Working through many records at once from a branch's overview: sign several submitted
records with one opinion, or give several signed records the same branch opinion and grade.

Nothing is decided for the lot: each record goes through the workflow's ``apply`` on its own,
so the table, the policy, the rules and the 优秀 cap are checked per record and each record
gets its own timeline step and audit event. Each runs in its own savepoint: a record that is
refused keeps nothing of the attempt, the others keep theirs, and the result names every
refused record with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.appraisal.labels import STATUS_LABELS
from app.appraisal.models import Appraisal, AppraisalPeriod, BranchMeeting, Status
from app.appraisal.workflow import Action, apply
from app.auth.models import User
from app.common import timeutil
from app.errors import Conflict, DomainError, FieldErrors, StaleRecord
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.tree import in_subtrees
from app.roster.models import Member

# At most this many records in one batch (a page of the overview holds 50).
MAX_RECORDS = 100

# What each batch action does, and the state a record must be in for it. A batch grades only
# records waiting for their first branch opinion: changing an opinion already given is done
# on the record's own page, where the earlier opinion is in view.
WAITING = {Action.SIGN: Status.SUBMITTED, Action.ASSESS: Status.SIGNED}
# The reach (app.policy.reach) of those a batch is offered to; ``apply`` decides per record.
_REACH = {Action.SIGN: "appraisal.sign", Action.ASSESS: "appraisal.assess"}


@dataclass(frozen=True)
class Refusal:
    appraisal_id: int
    name: str
    reason: str


@dataclass
class BatchResult:
    action: str
    done: list[tuple[int, str]] = field(default_factory=list)  # (record id, member's name)
    refused: list[Refusal] = field(default_factory=list)


def offers(user: User, org: Org, status: str) -> str | None:
    """The batch action the overview of ``org`` offers ``user`` for its records in ``status``
    (signing the submitted ones, grading the signed ones), or None. Only a branch's or a
    group's overview offers one: a branch committee meeting decides its own branch's grades."""
    if org.kind not in (OrgKind.BRANCH, OrgKind.GROUP):
        return None
    for action, waiting in WAITING.items():
        if status != waiting:
            continue
        paths = policy.subtrees(user, _REACH[action])
        if any(org.path.startswith(p) or p.startswith(org.path) for p in paths):
            return str(action)
    return None


def parse_selection(values: list[str]) -> dict[int, int]:
    """The ticked records as {id: version the page showed}, from "id:version" values;
    anything else is dropped (a hand-made value cannot name more than a record's id)."""
    out: dict[int, int] = {}
    for value in values:
        head, _sep, tail = str(value).partition(":")
        if head.isdigit() and tail.isdigit() and len(head) < 10 and len(tail) < 10:
            out[int(head)] = int(tail)
    return out


def branch_meetings(org: Org, *, limit: int = 20) -> list[BranchMeeting]:
    """The recent meetings (half a year) of ``org``'s branch, newest first: one query."""
    since = timeutil.today() - timedelta(days=180)
    return list(
        db.session.scalars(
            select(BranchMeeting)
            .where(BranchMeeting.org_id == org.branch_id, BranchMeeting.held_on >= since)
            .order_by(BranchMeeting.held_on.desc(), BranchMeeting.id.desc())
            .limit(limit)
        )
    )


def sign_records(
    actor: User, period: AppraisalPeriod, org: Org, selected: Mapping[int, int], opinion: str
) -> BatchResult:
    """Sign each ticked record of ``org``'s subtree in ``period`` with the same ``opinion``.

    ``selected`` maps record ids to the versions the page showed (a record changed since is
    refused, not overwritten). Returns what was done and each refused record with its reason.
    Raises FieldErrors (``ids``, or the opinion's ``comment``) when nothing could be done for
    the same reason for every record. The caller commits."""
    return _run(actor, period, org, selected, Action.SIGN, lambda _a: {"comment": opinion})


def grade_records(
    actor: User,
    period: AppraisalPeriod,
    org: Org,
    selected: Mapping[int, int],
    data: Mapping[str, Any],
) -> BatchResult:
    """Record the same branch opinion (the meeting, what the masses report, the grade, the
    comment: ``data`` as the record page's assess step takes it) on each ticked signed record.

    A new meeting given in ``data`` is recorded once, with the first record it decides; the
    others of the branch point to it. The cap on 优秀 is counted record by record, so a batch
    of excellent grades stops at the cap and names the records it could not grade.
    Raises and returns as ``sign_records``."""
    meeting_of: dict[int, int] = {}  # branch id -> the meeting recorded by this batch

    def step_data(a: Appraisal) -> dict[str, Any]:
        out = dict(data)
        if not out.get("meeting_id") and a.org.branch_id in meeting_of:
            out["meeting_id"] = meeting_of[a.org.branch_id]
        return out

    def after(a: Appraisal) -> None:
        if a.branch_meeting_id is not None:
            meeting_of.setdefault(a.org.branch_id, a.branch_meeting_id)

    return _run(actor, period, org, selected, Action.ASSESS, step_data, after)


def _run(
    actor: User,
    period: AppraisalPeriod,
    org: Org,
    selected: Mapping[int, int],
    action: Action,
    step_data,
    after=None,
) -> BatchResult:
    if not selected:
        raise FieldErrors({"ids": str(_l("Tick at least one record."))})
    if len(selected) > MAX_RECORDS:
        raise FieldErrors({"ids": str(_l("Tick at most %(n)d records at a time.", n=MAX_RECORDS))})
    records = _load(actor, period, org, list(selected))
    names = {a.id: a.member.name for a in records}  # read now: a rolled-back record expires
    result = BatchResult(str(action))
    field_errors: list[dict[str, str]] = []
    for a in records:
        try:
            with db.session.begin_nested():
                if a.status != WAITING[action]:
                    raise _not_waiting(a, action)
                data = step_data(a)
                apply(
                    a,
                    action,
                    actor,
                    expected_version=selected[a.id],
                    comment=str(data.get("comment") or ""),
                    data=data,
                )
        except StaleDataError:
            result.refused.append(Refusal(a.id, names[a.id], str(StaleRecord().message)))
            continue
        except DomainError as e:
            if isinstance(e, FieldErrors):
                field_errors.append(e.errors)
            result.refused.append(Refusal(a.id, names[a.id], _reason(e)))
            continue
        result.done.append((a.id, names[a.id]))
        if after is not None:
            after(a)
    for missing in set(selected) - set(names):
        result.refused.append(
            Refusal(missing, "", str(_l("Not found among the records you may read here.")))
        )
    # The same field error for every record is about what was typed once (an opinion left
    # empty, a grade not chosen): it goes beside that field, as on the record's own page.
    if not result.done and field_errors and len(field_errors) == len(result.refused):
        if all(e == field_errors[0] for e in field_errors):
            raise FieldErrors(field_errors[0])
    return result


def _load(actor: User, period: AppraisalPeriod, org: Org, ids: list[int]) -> list[Appraisal]:
    """The ticked records ``actor`` may read in ``org``'s subtree and ``period``, in the
    overview's order: one query."""
    stmt = (
        policy.scope(select(Appraisal), actor, Appraisal)
        .join(Member, Member.id == Appraisal.member_id)
        .where(
            Appraisal.id.in_(ids),
            Appraisal.period_id == period.id,
            in_subtrees(Appraisal.org_id, [org.path]),
        )
        .options(
            joinedload(Appraisal.member),
            joinedload(Appraisal.org),
            joinedload(Appraisal.period),
        )
        .order_by(Appraisal.org_id, Member.surname_strokes, Member.name_pinyin, Appraisal.id)
    )
    return list(db.session.scalars(stmt).unique())


def _not_waiting(a: Appraisal, action: Action) -> DomainError:
    now = str(STATUS_LABELS.get(a.status, a.status))
    if action == Action.ASSESS and a.status == Status.ASSESSED:
        return Conflict(
            _l("It already has the branch opinion; change it on the record's own page.")
        )
    return Conflict(_l("It is not waiting for this step (now: %(state)s).", state=now))


def _reason(e: DomainError) -> str:
    """A refusal in one line: every field's message of a FieldErrors, else the message."""
    if isinstance(e, FieldErrors):
        return " ".join(dict.fromkeys(str(m) for m in e.errors.values()))
    return str(e.message)
