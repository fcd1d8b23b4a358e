"""Responsibility areas (责任区, rule 4.3.2): the co-workers a member looks after, the key
persons among them, and the talks and visits logged through the quarter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.appraisal.models import Appraisal, ContactLog, ResponsibilityPerson
from app.appraisal.services import quarter_bounds
from app.auth.models import User
from app.common import timeutil
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db

KINDS = {"talk": _l("Talk"), "visit": _l("Home visit"), "help": _l("Help given")}


@dataclass
class PersonRow:
    person: ResponsibilityPerson
    logs: list[ContactLog] = field(default_factory=list)
    # Calendar months of the quarter (so far) with no talk: a key person needs one a month.
    months_without_talk: list[int] = field(default_factory=list)


def _require(actor: User, appraisal: Appraisal) -> None:
    if not policy.can(actor, "appraisal.responsibility", appraisal):
        raise PermissionDenied(_l("Only the member or their branch keeps this area."))


def area(appraisal: Appraisal, *, today: date | None = None) -> list[PersonRow]:
    """The member's people with this quarter's logs and the flags (two queries)."""
    today = today or timeutil.today()
    start, end = quarter_bounds(appraisal.year, appraisal.quarter)
    people = list(
        db.session.scalars(
            select(ResponsibilityPerson)
            .where(
                ResponsibilityPerson.member_id == appraisal.member_id,
                ResponsibilityPerson.is_active,
            )
            .order_by(ResponsibilityPerson.is_key.desc(), ResponsibilityPerson.id)
        )
    )
    rows = {p.id: PersonRow(p) for p in people}
    if rows:
        for log in db.session.scalars(
            select(ContactLog)
            .where(
                ContactLog.person_id.in_(rows),
                ContactLog.occurred_on >= start,
                ContactLog.occurred_on < end,
            )
            .order_by(ContactLog.occurred_on)
        ):
            rows[log.person_id].logs.append(log)
    # Only months that have fully passed (or the current one, once it has) can be missed.
    months = [m for m in range(start.month, start.month + 3) if date(appraisal.year, m, 1) <= today]
    for row in rows.values():
        if row.person.is_key:
            talked = {log.occurred_on.month for log in row.logs if log.kind == "talk"}
            row.months_without_talk = [m for m in months if m not in talked]
    return list(rows.values())


def add_person(actor: User, appraisal: Appraisal, name: str, note: str, is_key: bool):
    _require(actor, appraisal)
    name = " ".join((name or "").split())[:50]
    if not name:
        raise FieldErrors({"name": str(_l("This field is required."))})
    person = ResponsibilityPerson(
        member_id=appraisal.member_id,
        name=name,
        note=" ".join((note or "").split())[:200],
        is_key=bool(is_key),
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        actor,
        "appraisal.area_person",
        person,
        org_path=appraisal.org.path,
        member_id=appraisal.member_id,
        is_key=person.is_key,
    )
    return person


def log_contact(
    actor: User,
    appraisal: Appraisal,
    person_id: int,
    kind: str,
    occurred_on: date | None,
    summary: str,
) -> ContactLog:
    _require(actor, appraisal)
    person = db.session.get(ResponsibilityPerson, person_id)
    errors = {}
    if person is None or person.member_id != appraisal.member_id:
        errors["person_id"] = str(_l("Choose a person from the list."))
    if kind not in KINDS:
        errors["kind"] = str(_l("Choose talk, home visit or help."))
    if occurred_on is None:
        errors["occurred_on"] = str(_l("Give the date."))
    elif occurred_on > timeutil.today():
        errors["occurred_on"] = str(_l("This date is in the future."))
    if errors:
        raise FieldErrors(errors)
    log = ContactLog(
        person_id=person.id,
        kind=kind,
        occurred_on=occurred_on,
        summary=(summary or "").strip()[:1000],
        logged_by_id=actor.id,
    )
    db.session.add(log)
    db.session.flush()
    return log
