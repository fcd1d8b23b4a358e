"""Accountability records (责任追究, plan 三.2): a measure decided against a person, with its
reason and, where there is one, the complaint or inspection behind it. The committee over the
person records and reads them; nobody else, not the person's branch secretary and not the
person. Every record is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.common.pagination import Page, paginate
from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.network.models import Accountability, Complaint, Inspection
from app.network.supervision_labels import MEASURE_LABELS
from app.orgs.models import Org
from app.policy.supervision import deciding_org_id
from app.roster.models import Member, PostKind


@dataclass
class AccountabilityData:
    member_id: int | None
    measure: str
    reason: str
    decided_on: date | None
    complaint_id: int | None = None
    inspection_id: int | None = None


def candidates(user: User, wanted: int | None = None) -> list[Member]:
    """Whom ``user`` may hold accountable: the agents and cadres in their scope (and the
    member asked for, when in scope), by name."""
    stmt = policy.scope(select(Member), user, Member)
    cadres = stmt.where(
        (Member.service_point_id.is_not(None)) | (Member.post_kind == PostKind.CADRE)
    )
    found = {m.id: m for m in db.session.scalars(cadres.order_by(Member.name).limit(500))}
    if wanted and wanted not in found:
        extra = db.session.scalar(stmt.where(Member.id == wanted))
        if extra is not None:
            found[extra.id] = extra
    return [m for m in found.values() if policy.can(user, "accountability.create", m)]


def linkable_complaints(user: User) -> list[Complaint]:
    stmt = policy.scope(select(Complaint), user, Complaint)
    return list(db.session.scalars(stmt.order_by(Complaint.id.desc()).limit(200)))


def linkable_inspections(user: User) -> list[Inspection]:
    stmt = policy.scope(select(Inspection), user, Inspection)
    return list(db.session.scalars(stmt.order_by(Inspection.id.desc()).limit(200)))


def record_accountability(actor: User, data: AccountabilityData) -> Accountability:
    """Record a measure against a member under ``actor``'s committee. Raises PermissionDenied,
    FieldErrors naming each field at fault."""
    errors: dict[str, str] = {}
    member = db.session.get(Member, data.member_id) if data.member_id else None
    if member is None or not policy.can(actor, "accountability.create", member):
        errors["member_id"] = str(_l("Choose the person from the list."))
    if data.measure not in MEASURE_LABELS:
        errors["measure"] = str(_l("Choose a measure from the list."))
    reason = " ".join((data.reason or "").split())[:4000]
    if len(reason) < 5:
        errors["reason"] = str(_l("Write the grounds of the measure."))
    if data.decided_on is None or data.decided_on > timeutil.today():
        errors["decided_on"] = str(_l("Give the day it was decided, not in the future."))
    complaint = _linked(actor, Complaint, data.complaint_id, "complaint_id", errors)
    inspection = _linked(actor, Inspection, data.inspection_id, "inspection_id", errors)
    if errors:
        raise FieldErrors(errors)
    a = Accountability(
        member_id=member.id,
        org_id=deciding_org_id(actor, member),
        decided_on=data.decided_on,
        measure=data.measure,
        reason=reason,
        complaint_id=complaint.id if complaint else None,
        inspection_id=inspection.id if inspection else None,
        created_by_id=actor.id,
    )
    db.session.add(a)
    db.session.flush()
    audit.record(
        actor,
        "accountability.create",
        a,
        org_path=db.session.get(Org, member.org_id).path,
        member_id=member.id,
        measure=data.measure,
        decided_on=str(data.decided_on),
    )
    return a


def _linked(actor: User, model: type, wanted: int | None, name: str, errors: dict):
    if not wanted:
        return None
    stmt = policy.scope(select(model), actor, model).where(model.id == wanted)
    found = db.session.scalar(stmt)
    if found is None:
        errors[name] = str(_l("Choose one from the list."))
    return found


def get_accountability(user: User, accountability_id: int) -> Accountability:
    """The record if ``user`` may read it; NotFound otherwise (nothing revealed)."""
    stmt = policy.scope(select(Accountability), user, Accountability).where(
        Accountability.id == accountability_id
    )
    a = db.session.scalar(stmt)
    if a is None or not policy.can(user, "accountability.view", a):
        raise NotFound(_l("No such record in your scope."))
    return a


def list_accountability(user: User, page: int, per_page: int = 25) -> Page:
    """The records ``user`` may read, newest decision first."""
    if not policy.can(user, "accountability.list"):
        raise PermissionDenied(_l("Accountability records are the party committee's."))
    stmt = policy.scope(select(Accountability), user, Accountability)
    stmt = stmt.order_by(Accountability.decided_on.desc(), Accountability.id.desc())
    return paginate(stmt, page, per_page)


@dataclass
class Links:
    complaint: Complaint | None
    inspection: Inspection | None


def links_of(user: User, a: Accountability) -> Links:
    """The complaint and inspection behind ``a``, where ``user`` may open them."""
    c = db.session.get(Complaint, a.complaint_id) if a.complaint_id else None
    i = db.session.get(Inspection, a.inspection_id) if a.inspection_id else None
    return Links(
        c if c is not None and policy.can(user, "complaint.view", c) else None,
        i if i is not None and policy.can(user, "inspection.view", i) else None,
    )
