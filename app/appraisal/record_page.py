"""What the record page shows around the record: the deadline of the step it waits at, the
viewer's actions split into the main one and the others, and the records before and after it
in the branch's list for those who work through many."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select

from app import policy
from app.appraisal.inbox import waits_for
from app.appraisal.labels import DEADLINE_LABELS
from app.appraisal.models import Appraisal, Status
from app.auth.models import User
from app.common import timeutil
from app.extensions import db
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
from app.roster.models import Member

# The step a record moves forward by, in the order one of them is the viewer's main action;
# every other action (returns, veto, adjust, exemplary) sits behind it.
MAIN_ACTIONS = ("submit", "withdraw", "sign", "assess", "spot_confirm", "reopen")
# The period's deadline for the step a record waits at.
_DUE = {
    Status.DRAFT: "self_due",
    Status.SUBMITTED: "sign_due",
    Status.SIGNED: "opinion_due",
    Status.ASSESSED: "spot_due",
}


@dataclass(frozen=True)
class Deadline:
    label: str
    on: date
    overdue: bool


def deadline(a: Appraisal, *, today: date | None = None) -> Deadline | None:
    """The period's deadline for the step the record waits at (the spot check's only for a
    record drawn and not yet checked); None when it waits for nothing."""
    key = _DUE.get(a.status)  # type: ignore[call-overload]
    if key is None or a.period.is_closed:
        return None
    if key == "spot_due" and not (a.is_sampled and a.spot_result is None):
        return None
    on = getattr(a.period, key)
    return Deadline(str(DEADLINE_LABELS[key]), on, on < (today or timeutil.today()))


def split_actions(a: Appraisal, actions: list[str]) -> tuple[str | None, list[str]]:
    """The viewer's main action (the first of ``MAIN_ACTIONS`` they may take) and the rest.
    Revising an opinion already given is not the record's next step: it sits behind."""
    main = next(
        (x for x in MAIN_ACTIONS if x in actions and not (x == "assess" and a.status != "signed")),
        None,
    )
    return main, [x for x in actions if x != main]


@dataclass(frozen=True)
class Neighbour:
    appraisal_id: int
    name: str


@dataclass(frozen=True)
class Neighbours:
    """The records before and after this one in the branch's list of the quarter, the next
    one waiting for the viewer's step, and where this one stands."""

    previous: Neighbour | None
    next: Neighbour | None
    next_waiting: Neighbour | None
    position: int
    total: int


def neighbours(user: User, a: Appraisal, branch: Org) -> Neighbours | None:
    """This record's neighbours in the branch overview's order (org, surname strokes, pinyin),
    among the records of the quarter ``user`` may read: one query whatever the branch size.
    None when the viewer does not work through the branch (a member reads only their own)."""
    if not policy.can(user, "appraisal.overview", branch):
        return None
    stmt = (
        select(
            Appraisal.id,
            Member.name,
            case((waits_for(user), True), else_=False),
        )
        .join(Member, Member.id == Appraisal.member_id)
        .where(Appraisal.period_id == a.period_id, in_subtrees(Appraisal.org_id, [branch.path]))
        .order_by(Appraisal.org_id, Member.surname_strokes, Member.name_pinyin, Appraisal.id)
    )
    rows = list(db.session.execute(policy.scope(stmt, user, Appraisal)))
    ids = [r[0] for r in rows]
    if a.id not in ids:
        return None
    i = ids.index(a.id)

    def at(j: int) -> Neighbour | None:
        return Neighbour(rows[j][0], rows[j][1]) if 0 <= j < len(rows) else None

    # The next one waiting, from here on and then from the top (never this one).
    after = rows[i + 1 :] + rows[:i]
    waiting = next((Neighbour(r[0], r[1]) for r in after if r[2]), None)
    return Neighbours(at(i - 1), at(i + 1), waiting, i + 1, len(rows))


def own_member_id(user: User) -> int | None:
    """The roster entry linked to ``user``'s login, if any (a login has at most one)."""
    return db.session.scalar(select(Member.id).where(Member.user_id == user.id))
