"""What the home page shows: the user's grants in words, their own roster entry, their to-dos."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.appraisal.inbox import Inbox, inbox
from app.auth.models import ROLE_LABELS, User
from app.extensions import db
from app.orgs.models import Org
from app.policy import grant_reach
from app.roster.models import Member

REACH_TEXTS = {
    "own": _l("You see your own records only."),
    "mentees": _l("You read the probation records of the members you mentor."),
    "service_point": _l("You handle cases at your service point."),
    "subtree": _l("Covers this organisation and everything under it."),
}


HOME_SHOWN = 5


@dataclass
class GrantLine:
    role: str
    trail: list[str]  # 党工委 › 泉湖镇党总支 › 泉湖村党支部
    service_point: str
    reach: str


@dataclass
class HomePage:
    grants: list[GrantLine]
    own_member: Member | None
    box: Inbox


def home_page(user: User) -> HomePage:
    """Everything the home page shows ``user`` (a query for the org names, one for the roster
    entry, and the inbox's)."""
    own = db.session.scalar(
        select(Member).where(Member.user_id == user.id).options(joinedload(Member.org))
    )
    # The card shows the five oldest due of every kind together, and the true total.
    return HomePage(grants=grant_lines(user), own_member=own, box=inbox(user, limit=HOME_SHOWN))


def grant_lines(user: User) -> list[GrantLine]:
    """Each grant as the role, the full path of its org, its service point and how far it
    reaches (asked of policy)."""
    ids = {i for g in user.grants for i in g.org.ancestor_ids}
    names = (
        dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(ids))).all())
        if ids
        else {}
    )
    return [
        GrantLine(
            role=str(ROLE_LABELS.get(g.role, g.role)),
            trail=[names.get(i, "") for i in g.org.ancestor_ids],
            service_point=g.service_point.name if g.service_point else "",
            reach=str(REACH_TEXTS[grant_reach(g.role)]),
        )
        for g in user.grants
    ]
