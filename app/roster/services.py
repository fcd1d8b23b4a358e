"""Roster rules: find, create, edit and transfer members, with a dated history (skills in
roster/skills.py, mentors in roster/mentors.py, blind indexes in roster/privacy.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import audit, policy
from app.auth.models import User
from app.auth.names import NamedStep, named
from app.common.chinese import name_initials, name_pinyin, surname_strokes
from app.common.crypto import decrypt, encrypt
from app.common.idcard import mask_id, mask_phone
from app.errors import FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.cleaning import clean_member
from app.roster.models import Member, MemberHistory, Skill
from app.roster.privacy import (
    id_hash,
    keep_masked,
    mask_address,
    masked_address,
    masked_id,
    masked_phone,
    phone_hash,
)
from app.roster.skills import resolve_skills

# Fields copied as they are from cleaned values onto the row.
PLAIN_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "work_unit",
    "job_title",
    "occupation",
    "joined_on",
    "full_member_on",
    "membership",
    "org_id",
    "post_kind",
    "agent_source",
    "service_point_id",
    "party_status",
    "is_mobile",
    "mobile_destination",
    "is_lost_contact",
    "lost_contact_since",
    "is_hardship",
)


def get_member(user: User, member_id: int) -> Member | None:
    """The member if the user may see it (None otherwise: the caller answers 404)."""
    stmt = (
        policy.scope(select(Member), user, Member)
        .where(Member.id == member_id)
        .options(
            joinedload(Member.org), joinedload(Member.service_point), selectinload(Member.skills)
        )
    )
    return db.session.scalar(stmt)


def history_of(member: Member) -> list[NamedStep]:
    """The member's history, newest first, each change naming who made it (never a login)."""
    return named(
        db.session.scalars(
            select(MemberHistory)
            .where(MemberHistory.member_id == member.id)
            .order_by(MemberHistory.occurred_at.desc(), MemberHistory.id.desc())
        )
    )


def _display(name: str, value: Any) -> Any:
    """A history value: sensitive fields masked, dates as ISO text."""
    if name == "id_number":
        return mask_id(value) if value else ""
    if name == "phone":
        return mask_phone(value) if value else ""
    if name == "address":
        return mask_address(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(member: Member) -> dict[str, Any]:
    """The stored values of a member, for rolling an import back."""
    data = {k: _display(k, getattr(member, k)) for k in PLAIN_FIELDS}
    data.update(
        id_number_enc=member.id_number_enc,
        id_number_hash=member.id_number_hash,
        id_tail=member.id_tail,
        phone_enc=member.phone_enc,
        phone_hash=member.phone_hash,
        phone_tail=member.phone_tail,
        address_enc=member.address_enc,
        skills=[s.name for s in member.skills],
    )
    return data


def check_org_for(actor: User | None, org_id: Any, errors: dict[str, str]) -> Org | None:
    org = db.session.get(Org, org_id) if isinstance(org_id, int) else None
    if org is None or not org.is_active or org.kind not in ("branch", "group"):
        errors.setdefault("org_id", str(_l("Choose an active branch or party group.")))
        return None
    if actor is not None and not policy.can(actor, "roster.create", org):
        errors.setdefault("org_id", str(_l("This organisation is outside your scope.")))
        return None
    return org


def save_member(
    actor: User | None,
    raw: dict[str, Any],
    *,
    member: Member | None = None,
    expected_version: int | None = None,
    note: str = "",
    effective_on: date | None = None,
    batch_id: int | None = None,
    kind: str | None = None,
    skill_cache: dict[str, Skill] | None = None,
) -> Member:
    """Create (``member`` None) or update a member from raw values; write history and audit.

    Who may call: an editor whose scope covers both the member's current and new org
    (``actor`` None is the system: seeding and tests). Raises FieldErrors naming each field at
    fault, StaleRecord when ``expected_version`` is behind, PermissionDenied otherwise.
    """
    if member is not None:
        if expected_version is not None and member.version != expected_version:
            raise StaleRecord()
        if actor is not None and not policy.can(actor, "roster.edit", member):
            raise PermissionDenied(_l("You may not edit this member."))
        raw = keep_masked(member, raw)
    v = _checked_values(actor, raw, member, check_id_clash=batch_id is None)
    skills = resolve_skills(v["skills"], cache=skill_cache)
    creating = member is None
    before = None
    if creating:
        member = Member()
        db.session.add(member)
        old_display: dict[str, Any] = {}
    else:
        before = snapshot(member)
        old_display = _display_values(member)
        hidden_changes = _sensitive_changes(member, v)
    _apply_values(member, v, skills, creating=creating)
    new_display = _display_values(member, v)
    if creating:
        changes = {k: [None, val] for k, val in new_display.items() if val not in (None, "", False)}
    else:
        changes = {
            k: [old_display.get(k), val]
            for k, val in new_display.items()
            if old_display.get(k) != val or k in hidden_changes
        }
        if not changes:
            return member
    if batch_id is None:
        db.session.flush()  # the audit row names the member's id
    _record_change(
        actor,
        member,
        kind or _change_kind(creating, changes),
        changes,
        note=note,
        effective_on=effective_on,
        before=before,
        batch_id=batch_id,
    )
    return member


def _record_change(
    actor: User | None,
    member: Member,
    kind: str,
    changes: dict[str, list],
    *,
    note: str,
    effective_on: date | None,
    before: dict[str, Any] | None,
    batch_id: int | None,
) -> None:
    """The dated history row; and, outside an import (audited as one batch), the audit event
    naming the fields changed (never their values)."""
    _name_linked_rows(changes)
    db.session.add(
        MemberHistory(
            member=member,
            actor_id=getattr(actor, "id", None),
            actor_name=getattr(actor, "username", ""),
            kind=kind,
            note=note[:200],
            effective_on=effective_on,
            changes=changes,
            before=before if batch_id else None,
            batch_id=batch_id,
        )
    )
    if batch_id is None:
        org = db.session.get(Org, member.org_id)
        audit.record(
            actor,
            f"member.{kind}",
            member,
            org_path=org.path if org else "",
            actor_name=getattr(actor, "username", "") if actor else "",
            fields=sorted(changes),
        )


def _checked_values(
    actor: User | None, raw: dict[str, Any], member: Member | None, *, check_id_clash: bool
) -> dict[str, Any]:
    """The cleaned values, once the organisation, service point and ID number pass the rules
    that need the database. Raises FieldErrors naming every field at fault."""
    cleaned = clean_member(raw)
    errors = dict(cleaned.errors)
    v = cleaned.values
    if "org_id" not in errors:
        check_org_for(actor, v["org_id"], errors)
    if v.get("service_point_id"):
        sp = db.session.get(ServicePoint, v["service_point_id"])
        if sp is None or not sp.is_active:
            errors.setdefault("service_point_id", str(_l("Choose an active service point.")))
        elif (
            actor is not None
            and (member is None or sp.id != member.service_point_id)
            and not policy.can(actor, "service_point.view", sp)
        ):
            errors.setdefault(
                "service_point_id", str(_l("This service point is outside your scope."))
            )
    if v.get("id_number") and check_id_clash:
        # An import checked every ID against the database and the file just before writing.
        clash = db.session.scalar(
            select(Member.id).where(Member.id_number_hash == id_hash(v["id_number"]))
        )
        if clash is not None and (member is None or clash != member.id):
            errors.setdefault("id_number", str(_l("Another member already has this ID number.")))
    if errors:
        raise FieldErrors(errors)
    return v


def _apply_values(member: Member, v: dict[str, Any], skills: list[Skill], *, creating: bool):
    """Copy cleaned values onto the row: plain fields as they are, sensitive ones encrypted
    (re-encrypted only when they changed), and the name's search and sort keys."""
    for k in PLAIN_FIELDS:
        setattr(member, k, v.get(k))
    if v["id_number"] and (creating or member.id_number_hash != id_hash(v["id_number"])):
        member.id_number_enc = encrypt(v["id_number"])
        member.id_number_hash = id_hash(v["id_number"])
        member.id_tail = v["id_number"][-4:]
    new_phone = v["phone"]
    if creating or phone_hash(new_phone) != member.phone_hash:
        member.phone_enc = encrypt(new_phone)
        member.phone_hash = phone_hash(new_phone)
        member.phone_tail = new_phone[-4:] if new_phone else ""
    if creating or v["address"] != decrypt(member.address_enc):
        member.address_enc = encrypt(v["address"])
    member.name_pinyin = name_pinyin(member.name)
    member.name_initials = name_initials(member.name)
    member.surname_strokes = surname_strokes(member.name)
    member.skills = skills


def _sensitive_changes(member: Member, v: dict[str, Any]) -> set[str]:
    """The sensitive fields whose stored value changes: compared in full, since two numbers
    or addresses may look alike once masked (a new house number keeps the masked address)."""
    changed = set()
    if v["id_number"] and member.id_number_hash != id_hash(v["id_number"]):
        changed.add("id_number")
    if phone_hash(v["phone"]) != member.phone_hash:
        changed.add("phone")
    if v["address"] != decrypt(member.address_enc):
        changed.add("address")
    return changed


def _display_values(member: Member, v: dict[str, Any] | None = None) -> dict[str, Any]:
    """The member as the history shows it: sensitive values masked. ``v`` gives the cleaned
    values just applied (the stored ones are encrypted)."""
    shown = {k: _display(k, getattr(member, k)) for k in PLAIN_FIELDS}
    if v is None:
        shown["id_number"] = masked_id(member)
        shown["phone"] = masked_phone(member)
        shown["address"] = masked_address(member)
        shown["skills"] = ", ".join(s.name for s in member.skills)
    else:
        shown["id_number"] = mask_id(v["id_number"])
        shown["phone"] = mask_phone(v["phone"]) if v["phone"] else ""
        shown["address"] = mask_address(v["address"])
        shown["skills"] = ", ".join(v["skills"])
    return shown


def creation_changes(v: dict[str, Any]) -> dict[str, list]:
    """The history's changes for a member created from cleaned values ``v``, as save_member
    records them (sensitive values masked; the org and service point still as ids)."""
    changes: dict[str, list] = {}
    # One pass, as save_member's ``val not in (None, "", False)`` on the displayed values
    # (a date shows as its ISO text), without its slow mixed-type equality.
    for k in PLAIN_FIELDS:
        val = v.get(k)
        if val is None or val is False or val == "" or (type(val) is int and not val):
            continue
        changes[k] = [None, val.isoformat() if isinstance(val, date) else val]
    for k, val in (
        ("id_number", mask_id(v["id_number"])),
        ("phone", mask_phone(v["phone"]) if v["phone"] else ""),
        ("address", mask_address(v["address"])),
        ("skills", ", ".join(v["skills"])),
    ):
        if val is not None and val != "":
            changes[k] = [None, val]
    return changes


def _change_kind(creating: bool, changes: dict[str, Any]) -> str:
    if creating:
        return "create"
    if "org_id" in changes:
        return "transfer"
    if "party_status" in changes:
        return "status"
    return "update"


def _name_linked_rows(changes: dict[str, list]) -> None:
    """History shows the organisation and service point by name, not id."""
    for key, model in (("org_id", Org), ("service_point_id", ServicePoint)):
        if key not in changes:
            continue
        ids = [i for i in changes[key] if i]
        names = dict(
            db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
        )
        changes[key] = [names.get(i, i) if i else None for i in changes[key]]


def member_raw(member: Member) -> dict[str, Any]:
    """The member's values in the shape clean_member() takes (for forms and exports)."""
    raw = {k: getattr(member, k) for k in PLAIN_FIELDS}
    raw["id_number"] = decrypt(member.id_number_enc)
    raw["phone"] = decrypt(member.phone_enc)
    raw["address"] = decrypt(member.address_enc)
    raw["skills"] = ", ".join(s.name for s in member.skills)
    return raw
