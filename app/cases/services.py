"""Registering cases (at the counter, by phone or online), their numbers and tracking codes,
finding one in scope or by its code, and the agents proposed for a case."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit, policy
from app.auth.models import User
from app.cases.models import Applicant, CaseStep, Channel, ServiceCase
from app.cases.workflow import WORKFLOW, Action, apply
from app.common import timeutil
from app.common.chinese import normalize_digits
from app.common.crypto import blind_index, decrypt, encrypt
from app.common.idcard import IdNumberError, parse_id
from app.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.cleaning import ID_ERRORS
from app.roster.models import Member
from app.volunteers.agents import candidates as volunteer_candidates
from app.volunteers.agents import need_for
from app.volunteers.matching import Match, rank
from app.volunteers.models import ServiceItem

# No 0/O, 1/I/L: read out over the phone without mistakes.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_SHORT = (("为民服务中心", "中心"), ("为民服务站", "站"), ("为民服务室", "室"))


def point_short_name(sp: ServicePoint) -> str:
    """泉湖村为民服务室 → 泉湖村室, for the case number."""
    for long, short in _SHORT:
        if sp.name.endswith(long):
            return sp.name[: -len(long)] + short
    return sp.name


def tracking_hash(code: str) -> str:
    return blind_index(code.strip().upper(), "case-tracking")


def phone_hash(phone: str) -> str:
    return blind_index(normalize_digits(phone or "").strip(), "applicant-phone")


def tracking_code(case: ServiceCase) -> str:
    """The code the applicant holds (printed on the receipt and the handling card)."""
    return decrypt(case.tracking_enc)


@dataclass
class ApplicantData:
    name: str
    phone: str
    village: str = ""
    address: str = ""
    id_number: str = ""


def _applicant(data: ApplicantData) -> Applicant:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())[:50]
    phone = normalize_digits(data.phone or "").strip()
    if len(name) < 2:
        errors["name"] = str(_l("Give the applicant's name."))
    if not phone.isdigit() or not 7 <= len(phone) <= 15:
        errors["phone"] = str(_l("Give a phone number of digits only."))
    id_number = (data.id_number or "").strip().upper()
    if id_number:
        try:
            parse_id(id_number)
        except IdNumberError as err:
            errors["id_number"] = str(ID_ERRORS.get(str(err), err))
    if errors:
        raise FieldErrors(errors)
    return Applicant(
        name=name,
        phone_enc=encrypt(phone),
        phone_hash=phone_hash(phone),
        phone_tail=phone[-4:],
        id_number_enc=encrypt(id_number) if id_number else "",
        id_number_hash=blind_index(id_number, "id") if id_number else None,
        village=" ".join((data.village or "").split())[:100],
        address_enc=encrypt(data.address.strip()[:200]) if data.address else "",
    )


def _next_seq(sp: ServicePoint, year: int) -> int:
    last = db.session.scalar(
        select(func.max(ServiceCase.seq)).where(
            ServiceCase.origin_point_id == sp.id, ServiceCase.year == year
        )
    )
    return (last or 0) + 1


def _numbered_case(
    sp: ServicePoint, item: ServiceItem, person: Applicant, channel: str, text: str
) -> tuple[ServiceCase, str]:
    """A new case with the point's next number for the year and a fresh tracking code. Two
    registrations at the same point at the same moment would take the same number: the
    second tries the next one (in a savepoint, so nothing else is undone)."""
    year = timeutil.today().year
    for _attempt in range(5):
        seq = _next_seq(sp, year)
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        case = ServiceCase(
            number=f"{point_short_name(sp)}〔{year}〕{seq:04d}",
            year=year,
            seq=seq,
            item=item,
            service_point=sp,
            origin_point=sp,
            applicant=person,
            channel=channel,
            request=text,
            tracking_enc=encrypt(code),
            tracking_hash=tracking_hash(code),
        )
        try:
            with db.session.begin_nested():
                db.session.add(case)
                db.session.flush()
        except IntegrityError:
            continue
        return case, code
    raise Conflict(_l("The service point is busy registering; try again in a moment."))


def register_case(
    actor: User | None,
    sp: ServicePoint,
    item: ServiceItem,
    applicant: ApplicantData,
    request: str,
    channel: str = Channel.COUNTER,
) -> tuple[ServiceCase, str]:
    """Register a matter for ``item`` at ``sp``: the applicant, a case number for the point
    and year, and a tracking code (returned once, with the case). ``actor`` None is the online
    applicant. Raises PermissionDenied, FieldErrors naming each field at fault."""
    if actor is not None and not policy.can(actor, "case.intake", sp):
        raise PermissionDenied(_l("You may not register cases at this service point."))
    errors: dict[str, str] = {}
    if not sp.is_active:
        errors["service_point_id"] = str(_l("This service point is closed."))
    # item.org is raise_on_sql; get() finds it in the session when the caller loaded it.
    if not item.is_published or not db.session.get(Org, item.org_id).is_active:
        errors["item_id"] = str(_l("Choose an item of the published catalogue."))
    text = " ".join((request or "").split())[:2000]
    if len(text) < 2:
        errors["request"] = str(_l("Say what the applicant needs."))
    try:
        person = _applicant(applicant)
    except FieldErrors as err:
        errors.update(err.errors)
    if errors:
        raise FieldErrors(errors)
    db.session.add(person)
    db.session.flush()
    case, code = _numbered_case(sp, item, person, channel, text)
    apply(case, Action.REGISTER, actor, expected_version=None)
    return case, code


def reveal_phone(actor: User, case: ServiceCase) -> str:
    """The applicant's full phone number, for calling them back (受理, 回访); audited with the
    case number, never the number. Raises PermissionDenied."""
    if not policy.can(actor, "case.reveal_phone", case):
        raise PermissionDenied(_l("You may not see this applicant's phone number."))
    audit.record(
        actor,
        "case.reveal_phone",
        case,
        org_path=case.service_point.org.path,
        case_number=case.number,
    )
    return decrypt(case.applicant.phone_enc)


def get_case(user: User, case_id: int) -> ServiceCase:
    """The case if ``user`` may see it; NotFound otherwise (nothing revealed)."""
    stmt = policy.scope(select(ServiceCase), user, ServiceCase).where(ServiceCase.id == case_id)
    case = db.session.scalar(stmt)
    if case is None or not policy.can(user, "case.view", case):
        raise NotFound(_l("No such case in your scope."))
    return case


def find_by_code(code: str, phone: str) -> ServiceCase | None:
    """The case whose tracking code and applicant phone both match (public tracking page);
    None for anything else, whichever of the two is wrong."""
    code = (code or "").strip().upper()
    if not code or not phone:
        return None
    case = db.session.scalar(
        select(ServiceCase).where(ServiceCase.tracking_hash == tracking_hash(code))
    )
    if case is None or case.applicant.phone_hash != phone_hash(phone):
        return None
    return case


def case_candidates(user: User, case: ServiceCase, limit: int = 10) -> list[Match]:
    """The agents the matcher proposes for ``case``: its item's skills and category, today's
    weekday, nearness to the point that owns it. A person decides."""
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[timeutil.today().weekday()]
    need = need_for(case.item, case.service_point, weekday)
    return rank(need, volunteer_candidates(user), limit)


def assignable(user: User, member_id: int | None) -> Member | None:
    """The member ``user`` may hand a case to: one of the matcher's candidates in their scope
    (an agent without roster rights: only themself)."""
    if not member_id:
        return None
    if member_id not in {c.member_id for c in volunteer_candidates(user)}:
        return None
    return db.session.get(Member, member_id)


def rate(
    actor: User | None,
    case: ServiceCase,
    level: int,
    comment: str,
    expected_version: int | None,
) -> CaseStep:
    """The applicant's rating (1 非常不满意 … 5 非常满意) of a delivered case: online (``actor``
    None; the caller has checked the tracking code and phone) or recorded by an agent from a
    return visit. A first bad rating (不满意, 非常不满意) opens the follow-up at once, by the
    system. Raises StaleRecord, InvalidTransition (not delivered), PermissionDenied,
    FieldErrors (level). The caller commits."""
    step = apply(
        case,
        Action.EVALUATE,
        actor,
        expected_version=expected_version,
        comment=comment or "",
        data={"level": level},
    )
    if WORKFLOW.offered(case, Action.OPEN_FOLLOW_UP, None):
        apply(case, Action.OPEN_FOLLOW_UP, None, expected_version=None)
    return step


# Staff-only steps: progress notes and urging never reach the public tracking page.
_INTERNAL_STEPS = (Action.NOTE, Action.URGE)


@dataclass
class PublicStep:
    action: str
    at: datetime
    detail: str = ""


def public_timeline(case: ServiceCase) -> list[PublicStep]:
    """The case's steps as the applicant sees them on the tracking page: each step's name and
    time, and only the words meant for the applicant (the refusal reason, the missing papers,
    the result, how it was delivered, the point it went up to). Staff comments stay inside."""
    steps = db.session.scalars(
        select(CaseStep)
        .where(CaseStep.case_id == case.id, CaseStep.action.not_in(_INTERNAL_STEPS))
        .order_by(CaseStep.id)
    )
    return [PublicStep(s.action, s.created_at, _public_detail(case, s)) for s in steps]


def _public_detail(case: ServiceCase, step: CaseStep) -> str:
    snap = step.snapshot or {}
    if step.action == Action.REFUSE:
        return step.comment
    if step.action == Action.ACCEPT_SUPPLEMENT:
        return str(snap.get("missing", ""))
    if step.action in (Action.COMPLETE, Action.ACCEPT_IMMEDIATE):
        return str(snap.get("result", ""))
    if step.action == Action.ESCALATE:
        return str(snap.get("to_point", ""))
    if step.action == Action.DELIVER:
        return case.delivered_via
    return ""
