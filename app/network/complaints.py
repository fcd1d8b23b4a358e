"""Complaints (监督投诉, plan 三.2 and 三.5): registering one (online, at the counter, by phone or
letter) with its number and tracking code, finding one in scope or by its code and phone, and
who may handle one. What the pages list is in ``complaints_pages``.

The complainant's phone is personal data: encrypted, with a keyed hash for the lookup and the
last four digits for display; it and the name never go to the audit log or the logs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit, policy
from app.auth.models import User
from app.cases.services import point_short_name
from app.common import timeutil
from app.common.chinese import normalize_digits
from app.common.crypto import blind_index, decrypt, encrypt
from app.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.network.complaints_workflow import Action, apply
from app.network.models import (
    Complaint,
    ComplaintChannel,
)
from app.orgs.models import Org, ServiceLevel, ServicePoint
from app.policy.cases import agent_point_ids
from app.roster.models import Member

_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def tracking_hash(code: str) -> str:
    return blind_index((code or "").strip().upper(), "complaint-tracking")


def phone_hash(phone: str) -> str:
    return blind_index(normalize_digits(phone or "").strip(), "complainant-phone")


# --- the supervising body shown to the public ---------------------------------------------------


@dataclass
class Supervisor:
    name: str
    phone: str
    is_default: bool


def supervisor_for(sp: ServicePoint | None = None) -> Supervisor:
    """Who receives and supervises complaints (plan 三.5: 公开…监督机构). Our default: the party
    committee at the top of the tree and the district service centre's hotline; the committee
    may set SUPERVISION_BODY and SUPERVISION_PHONE in the configuration instead."""
    config = current_app.config if has_app_context() else {}
    name, phone = config.get("SUPERVISION_BODY", ""), config.get("SUPERVISION_PHONE", "")
    if name and phone:
        return Supervisor(name, phone, False)
    root_id = int(sp.org.path.strip("/").split("/")[0]) if sp is not None else None
    root_q = select(Org).where(Org.parent_id.is_(None), Org.is_active)
    if root_id is not None:
        root_q = root_q.where(Org.id == root_id)
    root = db.session.scalar(root_q.order_by(Org.id).limit(1))
    centre = db.session.scalar(
        select(ServicePoint)
        .where(ServicePoint.level == ServiceLevel.DISTRICT, ServicePoint.is_active)
        .order_by(ServicePoint.id)
        .limit(1)
    )
    return Supervisor(
        name or (root.name if root else ""),
        phone or (centre.hotline if centre else ""),
        True,
    )


# --- registering ------------------------------------------------------------------------------


@dataclass
class ComplaintData:
    content: str
    name: str = ""
    phone: str = ""
    agent_member_id: int | None = None  # staff choose among the point's agents
    agent_name: str = ""  # the public form: a name, matched against the point's agents
    case_number: str = ""


def point_agents(sp: ServicePoint) -> list[Member]:
    """The agents serving at ``sp`` (roster members assigned to the point), by name."""
    return list(
        db.session.scalars(
            select(Member).where(Member.service_point_id == sp.id).order_by(Member.name)
        )
    )


def agents_at(point_ids: list[int]) -> list[Member]:
    """The agents of several points (the counter entry's choices), by point and name."""
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.service_point_id.in_(point_ids))
            .order_by(Member.service_point_id, Member.name)
        )
    )


def _check(sp: ServicePoint, data: ComplaintData, channel: str) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())[:50]
    phone = normalize_digits(data.phone or "").replace(" ", "").replace("-", "").strip()
    content = " ".join((data.content or "").split())[:4000]
    if not sp.is_active:
        errors["service_point_id"] = str(_l("This service point is closed."))
    if len(name) < 2:
        errors["name"] = str(_l("Give the complainant's name."))
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 15):
        errors["phone"] = str(_l("Give a phone number of digits only."))
    elif not phone and channel == ComplaintChannel.ONLINE:
        errors["phone"] = str(_l("Give your phone number: you need it to follow the complaint."))
    if len(content) < 5:
        errors["content"] = str(_l("Say what happened (at least a few words)."))
    agents = point_agents(sp)
    agent = None
    if data.agent_member_id:
        agent = next((m for m in agents if m.id == data.agent_member_id), None)
        if agent is None:
            errors["agent_member_id"] = str(_l("Choose one of this point's agents."))
    elif data.agent_name.strip():
        wanted = "".join(data.agent_name.split())
        agent = next((m for m in agents if m.name == wanted), None)
        if agent is None:  # an unknown name stays in the text, for the handler to look into
            content = f"{content}（{_l('Agent named')}：{data.agent_name.strip()[:50]}）"
    return {"name": name, "phone": phone, "content": content, "agent": agent}, errors


def _numbered(sp: ServicePoint, fields: dict, channel: str) -> tuple[Complaint, str]:
    """A new complaint with the point's next number for the year and a fresh tracking code;
    two at the same moment would take the same number: the second tries the next one."""
    today = timeutil.today()
    prefix = f"{point_short_name(sp)}投诉〔{today.year}〕"
    for _attempt in range(5):
        taken = db.session.scalar(
            select(func.count(Complaint.id)).where(Complaint.number.startswith(prefix))
        )
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        phone = fields["phone"]
        c = Complaint(
            number=f"{prefix}{(taken or 0) + 1 + _attempt:04d}",
            service_point=sp,
            agent_member_id=fields["agent"].id if fields["agent"] else None,
            channel=channel,
            complainant_name=fields["name"],
            phone_enc=encrypt(phone) if phone else "",
            phone_hash=phone_hash(phone) if phone else "",
            phone_tail=phone[-4:],
            content=fields["content"],
            received_on=today,
            tracking_hash=tracking_hash(code),
        )
        try:
            with db.session.begin_nested():
                db.session.add(c)
                db.session.flush()
        except IntegrityError:
            continue
        return c, code
    raise Conflict(_l("Many complaints are coming in at once; try again in a moment."))


def register_complaint(
    actor: User | None,
    sp: ServicePoint,
    data: ComplaintData,
    channel: str = ComplaintChannel.COUNTER,
) -> tuple[Complaint, str]:
    """Register a complaint about ``sp`` (or one of its agents): its number, a tracking code
    (returned once, with the complaint) and the deadline (COMPLAINT_DAYS working days). ``actor``
    None is the online complainant. Raises PermissionDenied, FieldErrors naming each field."""
    if actor is not None and not policy.can(actor, "complaint.intake", sp):
        raise PermissionDenied(_l("You may not take complaints in at this service point."))
    if channel not in set(ComplaintChannel):
        raise FieldErrors({"channel": str(_l("Choose how the complaint came in."))})
    fields, errors = _check(sp, data, channel)
    if errors:
        raise FieldErrors(errors)
    c, code = _numbered(sp, fields, channel)
    apply(c, Action.REGISTER, actor, expected_version=None)
    return c, code


# --- finding one ------------------------------------------------------------------------------


def get_complaint(user: User, complaint_id: int) -> Complaint:
    """The complaint if ``user`` may see it; NotFound otherwise (nothing revealed)."""
    stmt = policy.scope(select(Complaint), user, Complaint).where(Complaint.id == complaint_id)
    c = db.session.scalar(stmt)
    if c is None or not policy.can(user, "complaint.view", c):
        raise NotFound(_l("No such complaint in your scope."))
    return c


def find_by_code(code: str, phone: str) -> Complaint | None:
    """The complaint whose tracking code and phone both match; None whichever is wrong."""
    code = (code or "").strip().upper()
    phone = normalize_digits(phone or "").replace(" ", "").replace("-", "").strip()
    if not code or not phone:
        return None
    c = db.session.scalar(select(Complaint).where(Complaint.tracking_hash == tracking_hash(code)))
    if c is None or not c.phone_hash or c.phone_hash != phone_hash(phone):
        return None
    return c


def reveal_phone(actor: User, c: Complaint) -> str:
    """The complainant's full phone, to call them back; audited with the number, never the
    phone. Raises PermissionDenied."""
    if not policy.can(actor, "complaint.reveal_phone", c):
        raise PermissionDenied(_l("You may not see this complainant's phone number."))
    audit.record(
        actor,
        "complaint.reveal_phone",
        c,
        org_path=c.service_point.org.path,
        complaint_number=c.number,
    )
    return decrypt(c.phone_enc) if c.phone_enc else ""


def intake_points(user: User) -> list[ServicePoint]:
    """The active points where ``user`` may take a complaint in, their own first."""
    own = agent_point_ids(user)
    stmt = select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)
    points = [sp for sp in db.session.scalars(stmt) if policy.can(user, "complaint.intake", sp)]
    return sorted(points, key=lambda sp: sp.id not in own)
