"""Branch committee meetings (支委会): the record of a meeting shared by every appraisal
opinion it decided, and the recent ones a secretary picks from."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from app.appraisal.models import Appraisal, BranchMeeting
from app.common import timeutil
from app.extensions import db

RECENT_DAYS = 180


def recent_meetings(appraisal: Appraisal, *, limit: int = 20) -> list[BranchMeeting]:
    """The meetings of the record's branch held in the last half year, newest first, and the
    one that decided the record, whenever it was. One query."""
    since = timeutil.today() - timedelta(days=RECENT_DAYS)
    recent = BranchMeeting.held_on >= since
    if appraisal.branch_meeting_id is not None:
        recent = or_(recent, BranchMeeting.id == appraisal.branch_meeting_id)
    return list(
        db.session.scalars(
            select(BranchMeeting)
            .where(BranchMeeting.org_id == appraisal.org.branch_id, recent)
            .order_by(BranchMeeting.held_on.desc(), BranchMeeting.id.desc())
            .limit(limit)
        )
    )


def meeting_label(m: BranchMeeting) -> str:
    """A meeting in one line for a choice list: its date and who attended (shortened)."""
    attendees = m.attendees if len(m.attendees) <= 30 else m.attendees[:29] + "…"
    return f"{m.held_on.isoformat()} · {attendees}"
