"""The letters-and-visits register at a service point (来信来访登记, plan 四.1): entering a
letter, visit or call at the counter, recording how it was handled, and turning one into a
service case where it is one.

The visitor's phone is personal data: stored encrypted, with a keyed hash and its last four
digits; shown masked, never written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.auth.models import User
from app.cases import services as case_services
from app.cases.models import Channel, ServiceCase
from app.common import timeutil
from app.common.chinese import normalize_digits
from app.common.crypto import blind_index, decrypt, encrypt
from app.common.pagination import Page, paginate
from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.network import duty_workflow
from app.network.models import Visit, VisitChannel, VisitStatus
from app.orgs.models import ServicePoint
from app.volunteers.models import ServiceItem

PER_PAGE = 25


@dataclass
class VisitData:
    received_on: date | None
    channel: str
    visitor_name: str
    phone: str
    subject: str
    content: str = ""


def _phone(raw: str) -> str:
    return normalize_digits(raw or "").strip().replace(" ", "").replace("-", "")


def masked_phone(v: Visit) -> str:
    return f"*******{v.phone_tail}" if v.phone_tail else ""


def _check(data: VisitData) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timeutil.today()
    if data.received_on is None or not date(2000, 1, 1) <= data.received_on <= today:
        errors["received_on"] = str(_l("Give the date it came in, not after today."))
    if data.channel not in {c.value for c in VisitChannel}:
        errors["channel"] = str(_l("Choose a letter, a visit or a phone call."))
    if len(" ".join((data.visitor_name or "").split())) < 2:
        errors["visitor_name"] = str(_l("Give the visitor's name."))
    phone = _phone(data.phone)
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 15):
        errors["phone"] = str(_l("Give a phone number of digits only."))
    if len((data.subject or "").strip()) < 2:
        errors["subject"] = str(_l("Say in a few words what it is about."))
    return errors


def register_visit(actor: User, sp: ServicePoint, data: VisitData) -> Visit:
    """Enter a letter, visit or call at ``sp``. Raises PermissionDenied, FieldErrors naming
    each field at fault. Audited (without the phone)."""
    if not policy.can(actor, "visit.register", sp):
        raise PermissionDenied(_l("You may not keep the register of this service point."))
    errors = _check(data)
    if errors:
        raise FieldErrors(errors)
    phone = _phone(data.phone)
    visit = Visit(
        service_point_id=sp.id,
        received_on=data.received_on,
        channel=data.channel,
        visitor_name=" ".join(data.visitor_name.split())[:50],
        phone_enc=encrypt(phone) if phone else "",
        phone_hash=blind_index(phone, "visitor-phone") if phone else "",
        phone_tail=phone[-4:],
        subject=" ".join(data.subject.split())[:200],
        content=(data.content or "").strip()[:4000],
        status=VisitStatus.OPEN,
        received_by_id=actor.id,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(
        actor,
        "visit.register",
        visit,
        org_path=sp.org.path,
        service_point=sp.name,
        visit_channel=data.channel,
    )
    return visit


def get_visit(user: User, visit_id: int) -> Visit:
    """The visit if ``user`` may see the register it is in; NotFound otherwise."""
    stmt = policy.scope(select(Visit), user, Visit).where(Visit.id == visit_id)
    visit = db.session.scalar(stmt)
    if visit is None or not policy.can(user, "visit.view", visit.service_point):
        raise NotFound(_l("No such letter or visit in your scope."))
    return visit


def list_visits(
    user: User, sp: ServicePoint, *, status: str = "", month: str = "", page: int = 1
) -> Page:
    """The point's register, the latest first, filtered by status and month (YYYY-MM)."""
    stmt = policy.scope(select(Visit), user, Visit).where(Visit.service_point_id == sp.id)
    if status in {s.value for s in VisitStatus}:
        stmt = stmt.where(Visit.status == status)
    bounds = month_bounds(month)
    if bounds:
        stmt = stmt.where(Visit.received_on >= bounds[0], Visit.received_on < bounds[1])
    return paginate(stmt.order_by(Visit.received_on.desc(), Visit.id.desc()), page, PER_PAGE)


def month_bounds(month: str) -> tuple[date, date] | None:
    """``"2026-10"`` → (2026-10-01, 2026-11-01); None for anything else."""
    try:
        year, mon = (int(x) for x in (month or "").split("-"))
        start = date(year, mon, 1)
    except ValueError:
        return None
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def handle_visit(
    actor: User, visit: Visit, handled_on: date | None, handling: str, *, expected_version: int
) -> None:
    """Record how an open letter or visit was handled (answered, settled, passed on). Raises
    StaleRecord, InvalidTransition, PermissionDenied, FieldErrors (handled_on, handling)."""
    errors: dict[str, str] = {}
    if handled_on is None or not visit.received_on <= handled_on <= timeutil.today():
        errors["handled_on"] = str(_l("Between the day it came in and today."))
    text = (handling or "").strip()
    if len(text) < 2:
        errors["handling"] = str(_l("Write what was done."))
    duty_workflow.check(visit, "handle", actor, expected_version=expected_version)
    if errors:
        raise FieldErrors(errors)
    visit.handled_on = handled_on
    visit.handling = text[:4000]
    visit.handled_by_id = actor.id
    duty_workflow.move(visit, "handle", actor, expected_version=expected_version)


def visit_to_case(
    actor: User,
    visit: Visit,
    item: ServiceItem,
    request: str,
    *,
    phone: str = "",
    village: str = "",
    expected_version: int,
) -> tuple[ServiceCase, str]:
    """Register a case at the visit's point with the visitor as applicant (their phone from
    the register, or ``phone`` when the register has none) and link the two. Returns the case
    and its tracking code. Raises StaleRecord, InvalidTransition, PermissionDenied,
    FieldErrors (item_id, request, phone, name)."""
    duty_workflow.check(visit, "to_case", actor, expected_version=expected_version)
    known = decrypt(visit.phone_enc) if visit.phone_enc else ""
    case, code = case_services.register_case(
        actor,
        visit.service_point,
        item,
        case_services.ApplicantData(name=visit.visitor_name, phone=known or phone, village=village),
        request,
        Channel.PHONE if visit.channel == VisitChannel.PHONE else Channel.COUNTER,
    )
    visit.case_id = case.id
    if visit.handled_on is None:
        visit.handled_on = timeutil.today()
        visit.handled_by_id = actor.id
    duty_workflow.move(
        visit, "to_case", actor, expected_version=expected_version, case_number=case.number
    )
    return case, code


def linked_case(visit: Visit) -> ServiceCase | None:
    return db.session.get(ServiceCase, visit.case_id) if visit.case_id else None
