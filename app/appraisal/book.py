"""The member's appraisal book (写实考核簿) and probation review form (预备党员考察表): every
quarter in the reader's scope with its timeline, read in two queries; and the year at a glance
(four quarters: state, grade, veto, exemplary mark) for the book and the roster page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.models import Appraisal, AppraisalStep
from app.auth.models import User
from app.auth.names import NamedStep, named
from app.common import timeutil
from app.errors import NotFound
from app.extensions import db
from app.roster.models import Member


@dataclass
class Book:
    member: Member
    records: list[Appraisal]
    steps: dict[int, list[NamedStep]]
    probation: bool


def book_of(user: User, member_id: int, *, probation: bool = False) -> Book:
    """The quarters of ``member_id`` that ``user`` may read, oldest first (only the
    probationary ones for the probation form). Raises NotFound when there are none."""
    stmt = (
        policy.scope(select(Appraisal), user, Appraisal)
        .where(Appraisal.member_id == member_id)
        .order_by(Appraisal.year, Appraisal.quarter)
        .options(
            joinedload(Appraisal.member),
            joinedload(Appraisal.org),
            joinedload(Appraisal.period),
            joinedload(Appraisal.branch_meeting),
        )
    )
    records = list(db.session.scalars(stmt).unique())
    if probation:
        records = [r for r in records if r.is_probationary]
    if not records:
        raise NotFound(_l("No appraisal of this member in your scope."))
    steps: dict[int, list[NamedStep]] = {}
    for s in named(
        db.session.scalars(
            select(AppraisalStep)
            .where(AppraisalStep.appraisal_id.in_([r.id for r in records]))
            .order_by(AppraisalStep.id)
        )
    ):
        steps.setdefault(s.appraisal_id, []).append(s)
    return Book(records[0].member, records, steps, probation)


@dataclass
class Glance:
    """A member's year at a glance: ``quarters`` maps 1…4 to the record, or None where the
    reader has none; ``years`` lists every year with a record, for switching."""

    year: int
    quarters: dict[int, Appraisal | None] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)


def glance_of(records: list[Appraisal], year: int | None = None) -> Glance | None:
    """The year at a glance from records already read: ``year`` if the member has a record
    in it, else the current year if they have, else their latest. None without records."""
    years = sorted({r.year for r in records})
    if not years:
        return None
    if year not in years:
        current = timeutil.today().year
        year = current if current in years else years[-1]
    by_quarter = {r.quarter: r for r in records if r.year == year}
    return Glance(year, {q: by_quarter.get(q) for q in (1, 2, 3, 4)}, years)


def year_glance(user: User, member_id: int, year: int | None = None) -> Glance | None:
    """The year at a glance of the records of ``member_id`` that ``user`` may read (None when
    there are none: the page then shows nothing). One query."""
    stmt = policy.scope(select(Appraisal), user, Appraisal).where(Appraisal.member_id == member_id)
    return glance_of(list(db.session.scalars(stmt)), year)
