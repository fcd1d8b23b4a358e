"""Agents' training sessions (教育培训, plan 三.7): a session for the agents of an org's
subtree, who is expected at it, and who came. Every change is audited."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm.attributes import flag_modified

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.common.pagination import Page, paginate
from app.errors import FieldErrors, NotFound, PermissionDenied, StaleRecord
from app.extensions import db
from app.network.assessment import agents_stmt, quarter_of, scope_orgs
from app.network.models import Training, TrainingAttendance
from app.orgs.models import Org
from app.roster.models import Member

MAX_HOURS = 24.0


@dataclass
class TrainingData:
    org_id: int
    title: str
    held_on: date | None
    hours: float | None
    place: str = ""
    content: str = ""


def training_page(user: User, page: int, per_page: int = 50) -> tuple[Page, dict[int, tuple]]:
    """One page of the sessions in ``user``'s scope, newest first, and per session
    (attended, expected): three queries."""
    stmt = policy.scope(select(Training), user, Training).order_by(
        Training.held_on.desc(), Training.id.desc()
    )
    found = paginate(stmt, page, per_page)
    ids = [t.id for t in found.items]
    counts = {
        tid: (int(attended or 0), expected)
        for tid, attended, expected in db.session.execute(
            select(
                TrainingAttendance.training_id,
                func.sum(case((TrainingAttendance.attended.is_(True), 1), else_=0)),
                func.count(TrainingAttendance.id),
            )
            .where(TrainingAttendance.training_id.in_(ids))
            .group_by(TrainingAttendance.training_id)
        )
    }
    return found, counts


def training_orgs(user: User) -> list[Org]:
    """The orgs ``user`` may hold a session for, in tree order."""
    return [o for o in scope_orgs(user) if policy.can(user, "training.manage", o)]


def load_training(user: User, training_id: int) -> Training:
    t = db.session.get(Training, training_id)
    if t is None or not policy.can(user, "training.view", t):
        raise NotFound(_l("No such training session in your scope."))
    return t


def candidates(user: User, org: Org, held_on: date) -> list[Member]:
    """The agents of ``org``'s subtree in the session's quarter whom ``user`` reaches."""
    return list(db.session.scalars(agents_stmt(user, quarter_of(held_on), org)).unique())


def attendance(training: Training) -> list[TrainingAttendance]:
    """The session's expected attendees (with their member), by name."""
    return list(
        db.session.scalars(
            select(TrainingAttendance)
            .join(Member, Member.id == TrainingAttendance.member_id)
            .where(TrainingAttendance.training_id == training.id)
            .order_by(Member.surname_strokes, Member.name_pinyin, Member.id)
        ).unique()
    )


def _clean(user: User, data: TrainingData) -> tuple[Org, dict]:
    errors: dict[str, str] = {}
    org = next((o for o in training_orgs(user) if o.id == data.org_id), None)
    if org is None:
        errors["org_id"] = str(_l("Choose an organisation in your scope."))
    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = str(_l("This field is required."))
    elif len(title) > 200:
        errors["title"] = str(_l("At most %(n)d characters.", n=200))
    today = timeutil.today()
    if data.held_on is None:
        errors["held_on"] = str(_l("This field is required."))
    elif not date(2000, 1, 1) <= data.held_on <= today + timedelta(days=366):
        errors["held_on"] = str(_l("Give a date from 2000 to next year."))
    if data.hours is None or not math.isfinite(data.hours) or not 0 < data.hours <= MAX_HOURS:
        errors["hours"] = str(_l("Give the hours, more than 0 and at most 24."))
    place = " ".join((data.place or "").split())
    if len(place) > 200:
        errors["place"] = str(_l("At most %(n)d characters.", n=200))
    if errors:
        raise FieldErrors(errors)
    values = {
        "title": title,
        "held_on": data.held_on,
        "hours": round(float(data.hours or 0), 1),
        "place": place,
        "content": (data.content or "").strip()[:5000],
    }
    return org, values


def _expected_ids(user: User, org: Org, held_on: date, member_ids: Iterable[int]) -> set[int]:
    allowed = {m.id for m in candidates(user, org, held_on)}
    chosen = set(member_ids)
    if not chosen <= allowed:
        raise FieldErrors({"members": str(_l("Choose agents of the organisation only."))})
    return chosen


def save_training(
    actor: User,
    training: Training | None,
    data: TrainingData,
    member_ids: Iterable[int],
    *,
    expected_version: int | None = None,
) -> Training:
    """Create a session (``training`` None) or edit one, with its expected attendees (the
    agents of the org's subtree whom ``actor`` reaches; an attendee dropped from the list
    loses their attendance record). Raises FieldErrors naming the field at fault,
    PermissionDenied, StaleRecord. Audited without anybody's name."""
    if training is not None:
        if not policy.can(actor, "training.manage", training.org):
            raise PermissionDenied(_l("You may not change this training session."))
        if expected_version is not None and training.version != expected_version:
            raise StaleRecord()
    org, values = _clean(actor, data)
    chosen = _expected_ids(actor, org, values["held_on"], member_ids)
    creating = training is None
    if training is None:
        training = Training(org_id=org.id, created_by_id=actor.id, **values)
        db.session.add(training)
        db.session.flush()
        before: set[int] = set()
    else:
        training.org_id = org.id
        for k, v in values.items():
            setattr(training, k, v)
        flag_modified(training, "title")  # the version moves even if only attendees changed
        before = set(
            db.session.scalars(
                select(TrainingAttendance.member_id).where(
                    TrainingAttendance.training_id == training.id
                )
            )
        )
    if before - chosen:
        db.session.execute(
            delete(TrainingAttendance).where(
                TrainingAttendance.training_id == training.id,
                TrainingAttendance.member_id.in_(before - chosen),
            )
        )
    db.session.add_all(
        TrainingAttendance(training_id=training.id, member_id=m) for m in sorted(chosen - before)
    )
    db.session.flush()
    audit.record(
        actor,
        "training.create" if creating else "training.update",
        training,
        org_path=org.path,
        title=training.title,
        held_on=training.held_on.isoformat(),
        expected=len(chosen),
    )
    return training


def record_attendance(
    actor: User, training: Training, attended_ids: Iterable[int], *, expected_version: int
) -> int:
    """Mark who came among the expected attendees (the others did not). Returns how many
    came. Raises PermissionDenied, StaleRecord, FieldErrors for a member not expected."""
    if not policy.can(actor, "training.manage", training.org):
        raise PermissionDenied(_l("You may not change this training session."))
    if training.version != expected_version:
        raise StaleRecord()
    rows = attendance(training)
    came = set(attended_ids)
    if not came <= {a.member_id for a in rows}:
        raise FieldErrors({"attended": str(_l("Mark only the expected attendees."))})
    for a in rows:
        a.attended = a.member_id in came
    flag_modified(training, "title")
    db.session.flush()
    audit.record(
        actor,
        "training.attendance",
        training,
        org_path=training.org.path,
        attended=len(came),
        expected=len(rows),
    )
    return len(came)
