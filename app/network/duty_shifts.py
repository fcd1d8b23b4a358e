"""Editing a rota by hand (add, replace, remove a person on a day) and recording afterwards
whether each shift was kept. Every change is audited and moves the rota's version."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app import audit, policy
from app.auth.models import User
from app.common.workdays import is_workday
from app.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.network.duty import _check_version, _touch, is_past_or_today, pool
from app.network.duty_labels import WEEKDAY_NAMES
from app.network.models import DutyRota, DutyShift, RotaStatus, Slot
from app.roster.models import Member
from app.volunteers.models import WEEKDAYS


def get_shift(rota: DutyRota, shift_id: int) -> DutyShift:
    """The rota's shift ``shift_id``; NotFound when it belongs to another rota."""
    shift = next((s for s in rota.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound(_l("No such shift on this rota."))
    return shift


def _require(actor: User, rota: DutyRota) -> None:
    if not policy.can(actor, "duty.manage", rota.service_point):
        raise PermissionDenied(_l("You may not edit the rotas of this service point."))
    if rota.status != RotaStatus.DRAFT:
        # A published rota is edited only through its workflow: withdraw it to a draft first.
        raise Conflict(_l("The rota is published: withdraw it to a draft before editing it."))


def _candidate(rota: DutyRota, member_id: int | None) -> tuple[Member, frozenset[str]]:
    for member, days in pool(rota.service_point, rota.kind):
        if member.id == member_id:
            return member, days
    raise FieldErrors({"member_id": str(_l("Choose somebody from this rota's pool."))})


def _check_place(
    rota: DutyRota, day: date | None, member_id: int | None, *, ignore: DutyShift | None = None
) -> Member:
    """The member may stand on ``day`` of ``rota``: a working day of its month, free that
    weekday, not already on that day. Raises FieldErrors naming the field at fault."""
    if day is None or (day.year, day.month) != (rota.year, rota.month):
        raise FieldErrors({"day": str(_l("Choose a day of this rota's month."))})
    if not is_workday(day):
        raise FieldErrors(
            {"day": str(_l("%(d)s is not a working day on the official calendar.", d=day))}
        )
    member, days = _candidate(rota, member_id)
    if days and WEEKDAYS[day.weekday()] not in days:
        raise FieldErrors(
            {
                "member_id": str(
                    _l(
                        "%(name)s is not available on %(weekday)s (volunteer profile).",
                        name=member.name,
                        weekday=WEEKDAY_NAMES[day.weekday()],
                    )
                )
            }
        )
    if any(s.day == day and s.member_id == member.id and s is not ignore for s in rota.shifts):
        raise FieldErrors(
            {"member_id": str(_l("%(name)s is already on duty that day.", name=member.name))}
        )
    return member


def add_shift(
    actor: User,
    rota: DutyRota,
    day: date | None,
    slot: str,
    member_id: int | None,
    *,
    expected_version: int,
) -> DutyShift:
    """Put a member on ``day`` (``slot``) of the rota. Raises StaleRecord, PermissionDenied,
    FieldErrors (day, slot, member_id)."""
    _check_version(rota, expected_version)
    _require(actor, rota)
    if slot not in {s.value for s in Slot}:
        raise FieldErrors({"slot": str(_l("Choose the whole day or a half-day."))})
    member = _check_place(rota, day, member_id)
    shift = DutyShift(rota_id=rota.id, day=day, slot=slot, member_id=member.id)
    db.session.add(shift)
    _touch(rota)
    audit.record(
        actor,
        "duty_shift.add",
        rota,
        org_path=rota.service_point.org.path,
        day=day.isoformat(),
        member_id=member.id,
    )
    db.session.flush()
    return shift


def replace_shift(
    actor: User, rota: DutyRota, shift: DutyShift, member_id: int | None, *, expected_version: int
) -> None:
    """Put another member on the shift's day and slot (its kept record starts again)."""
    _check_version(rota, expected_version)
    _require(actor, rota)
    member = _check_place(rota, shift.day, member_id, ignore=shift)
    before = shift.member_id
    shift.member_id = member.id
    shift.member = member
    shift.kept = None
    _touch(rota)
    audit.record(
        actor,
        "duty_shift.replace",
        rota,
        org_path=rota.service_point.org.path,
        day=shift.day.isoformat(),
        old=before,
        new=member.id,
    )
    db.session.flush()


def remove_shift(actor: User, rota: DutyRota, shift: DutyShift, *, expected_version: int) -> None:
    """Take a member off a day of the rota."""
    _check_version(rota, expected_version)
    _require(actor, rota)
    audit.record(
        actor,
        "duty_shift.remove",
        rota,
        org_path=rota.service_point.org.path,
        day=shift.day.isoformat(),
        member_id=shift.member_id,
    )
    rota.shifts.remove(shift)
    db.session.delete(shift)
    _touch(rota)
    db.session.flush()


KEPT_VALUES = {"kept": True, "missed": False, "": None}


def record_kept(
    actor: User, rota: DutyRota, shift: DutyShift, value: str, *, expected_version: int
) -> None:
    """Record whether the shift was kept (``kept``), missed (``missed``) or clear it (``""``):
    on a published rota, for a day that has come. The agents' assessment reads it."""
    _check_version(rota, expected_version)
    if not policy.can(actor, "duty.record", rota.service_point):
        raise PermissionDenied(_l("You may not record the duty of this service point."))
    if shift.member.user_id is not None and shift.member.user_id == actor.id:
        # The agents' figures read it: nobody records their own shift as kept.
        raise PermissionDenied(_l("Somebody else records whether your own shift was kept."))
    if value not in KEPT_VALUES:
        raise FieldErrors({"kept": str(_l("Choose kept or missed."))})
    if rota.status != RotaStatus.PUBLISHED:
        raise Conflict(_l("Publish the rota before recording whether shifts were kept."))
    if not is_past_or_today(shift.day):
        raise Conflict(_l("This day has not come yet."))
    shift.kept = KEPT_VALUES[value]
    _touch(rota)
    audit.record(
        actor,
        "duty_shift.kept",
        rota,
        org_path=rota.service_point.org.path,
        day=shift.day.isoformat(),
        member_id=shift.member_id,
        kept=value or "-",
    )
    db.session.flush()
