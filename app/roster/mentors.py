"""Mentors of probationary members: the logins who may mentor a member (holders of a mentor
grant over the member's org) and naming or clearing a member's mentor, which is written to
the member's dated history and audited like any other roster change.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import audit, policy
from app.auth.models import User
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.roster.models import Member, MemberHistory


def mentor_choices(member: Member) -> list[User]:
    """The logins who may mentor ``member``: holders of a mentor grant over the member's org."""
    return list(db.session.scalars(policy.mentors_over(member.org)).unique())


def assign_mentor(actor: User, member: Member, mentor: User | None) -> None:
    """Name (or clear) the mentor of a probationary member. Recorded in the history."""
    if not policy.can(actor, "roster.edit", member):
        raise PermissionDenied(_l("You may not edit this member."))
    if mentor is not None and mentor.id not in {u.id for u in mentor_choices(member)}:
        raise FieldErrors({"mentor_user_id": str(_l("Choose a mentor of this organisation."))})
    old = member.mentor_user_id
    new = mentor.id if mentor else None
    if old == new:
        return
    old_name = db.session.get(User, old).display_name if old else None
    member.mentor_user_id = new
    db.session.add(
        MemberHistory(
            member_id=member.id,
            actor_id=actor.id,
            actor_name=actor.username,
            kind="update",
            changes={"mentor": [old_name, mentor.display_name if mentor else None]},
        )
    )
    audit.record(actor, "member.mentor", member, org_path=member.org.path, mentor_user_id=new)
