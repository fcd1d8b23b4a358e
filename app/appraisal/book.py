"""The member's appraisal book (写实考核簿) and probation review form (预备党员考察表): every
quarter in the reader's scope with its timeline, read in two queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.models import Appraisal, AppraisalStep
from app.auth.models import User
from app.errors import NotFound
from app.extensions import db
from app.roster.models import Member


@dataclass
class Book:
    member: Member
    records: list[Appraisal]
    steps: dict[int, list[AppraisalStep]]
    probation: bool


def book_of(user: User, member_id: int, *, probation: bool = False) -> Book:
    """The quarters of ``member_id`` that ``user`` may read, oldest first (only the
    probationary ones for the probation form). Raises NotFound when there are none."""
    stmt = (
        policy.scope(select(Appraisal), user, Appraisal)
        .where(Appraisal.member_id == member_id)
        .order_by(Appraisal.year, Appraisal.quarter)
        .options(
            joinedload(Appraisal.member), joinedload(Appraisal.org), joinedload(Appraisal.period)
        )
    )
    records = list(db.session.scalars(stmt).unique())
    if probation:
        records = [r for r in records if r.is_probationary]
    if not records:
        raise NotFound(_l("No appraisal of this member in your scope."))
    steps: dict[int, list[AppraisalStep]] = {}
    for s in db.session.scalars(
        select(AppraisalStep)
        .where(AppraisalStep.appraisal_id.in_([r.id for r in records]))
        .order_by(AppraisalStep.id)
    ):
        steps.setdefault(s.appraisal_id, []).append(s)
    return Book(records[0].member, records, steps, probation)
