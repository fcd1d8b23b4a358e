"""Duty rotas (plan 三.2): who may stand at a point (the pool), generating a fair month,
editing it by hand, publishing it, and recording afterwards whether each shift was kept.

District and township points keep two kinds of rota, 党员干部值班 (``duty``) and 领导接待日
(``reception``); a village room keeps 村干部轮流坐班 (``rotation``). One rota per point, kind
and month. Who is in the pool (our rule, shown on the page):

- ``duty``: the point's agents (an agent grant at the point, the roster's service point, or the
  volunteer profile's) and the cadres of the point's own organisation;
- ``reception``: the cadres of the point's own organisation, and the point's agents who are
  cadres (the leaders who receive the public);
- ``rotation``: the cadres of the village's branch and its groups, and the room's agents who
  are cadres.

Only members in good standing (normal or restored) are in a pool. Their availability is their
volunteer profile's weekday codes (none stated: every working day).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.common.timeutil import utcnow
from app.errors import (
    Conflict,
    FieldErrors,
    NotFound,
    PermissionDenied,
    StaleRecord,
    ValidationError,
)
from app.extensions import db
from app.network import duty_workflow
from app.network.duty_plan import Person, Plan, Settings, plan_month
from app.network.models import DutyRota, DutyShift, RotaKind, RotaStatus
from app.orgs.models import ServicePoint
from app.orgs.tree import in_subtrees
from app.policy.duty import point_agent_users
from app.roster.models import Member
from app.volunteers.models import WEEKDAYS, VolunteerProfile

IN_GOOD_STANDING = ("normal", "restored")
# Our defaults (the seed fixes none): shown on the page, the manager may change them.
DEFAULTS = {
    RotaKind.DUTY: Settings(per_day=2),
    RotaKind.RECEPTION: Settings(per_day=1, weekday=2),  # Wednesday
    RotaKind.ROTATION: Settings(per_day=1),
}
MAX_PER_DAY = 10


def kinds_for(sp: ServicePoint) -> list[str]:
    """The kinds of rota a point keeps: a village room its rotation, the others the cadres'
    duty and the leaders' reception day."""
    if sp.level == "village":
        return [RotaKind.ROTATION]
    return [RotaKind.DUTY, RotaKind.RECEPTION]


# --- the pool ---------------------------------------------------------------------------------


def _agents_of(sp: ServicePoint):
    profiled = select(VolunteerProfile.member_id).where(VolunteerProfile.service_point_id == sp.id)
    return or_(
        Member.user_id.in_(point_agent_users(sp.id)),
        Member.service_point_id == sp.id,
        Member.id.in_(profiled),
    )


def _pool_filter(sp: ServicePoint, kind: str):
    cadre = Member.post_kind == "cadre"
    if kind == RotaKind.DUTY:
        return or_(_agents_of(sp), and_(cadre, Member.org_id == sp.org_id))
    if kind == RotaKind.RECEPTION:
        return and_(cadre, or_(Member.org_id == sp.org_id, _agents_of(sp)))
    return and_(cadre, or_(in_subtrees(Member.org_id, [sp.org.path]), _agents_of(sp)))


def pool(sp: ServicePoint, kind: str) -> list[tuple[Member, frozenset[str]]]:
    """The members who may stand on a ``kind`` rota at ``sp``, with their weekday codes, by
    name (one query)."""
    rows = db.session.execute(
        select(Member, VolunteerProfile.availability)
        .outerjoin(VolunteerProfile, VolunteerProfile.member_id == Member.id)
        .where(_pool_filter(sp, kind), Member.party_status.in_(IN_GOOD_STANDING))
        .order_by(Member.name_pinyin, Member.id)
    ).all()
    return [(m, frozenset(a or [])) for m, a in rows]


def _people(sp: ServicePoint, kind: str) -> list[Person]:
    return [Person(m.id, m.name, days) for m, days in pool(sp, kind)]


# --- finding ---------------------------------------------------------------------------------


def get_point(user: User, sp_id: int) -> ServicePoint:
    """The point if ``user`` may see its rotas and register; NotFound otherwise."""
    sp = db.session.get(ServicePoint, sp_id)
    if sp is None or not policy.can(user, "duty.view", sp):
        raise NotFound(_l("No such service point in your scope."))
    return sp


def get_rota(user: User, rota_id: int) -> DutyRota:
    """The rota with its shifts if ``user`` may see it; NotFound otherwise."""
    stmt = (
        policy.scope(select(DutyRota), user, DutyRota)
        .where(DutyRota.id == rota_id)
        .options(selectinload(DutyRota.shifts))
    )
    rota = db.session.scalar(stmt)
    if rota is None or not policy.can(user, "duty.view", rota.service_point):
        raise NotFound(_l("No such rota in your scope."))
    return rota


def rotas_of(user: User, sp: ServicePoint) -> list[DutyRota]:
    """The point's rotas, the latest month first."""
    stmt = policy.scope(select(DutyRota), user, DutyRota).where(DutyRota.service_point_id == sp.id)
    return list(
        db.session.scalars(
            stmt.order_by(DutyRota.year.desc(), DutyRota.month.desc(), DutyRota.kind)
        )
    )


# --- generating --------------------------------------------------------------------------------


def check_settings(kind: str, settings: Settings) -> None:
    errors: dict[str, str] = {}
    if not 1 <= settings.per_day <= MAX_PER_DAY:
        errors["per_day"] = str(_l("Between 1 and %(n)d people a day.", n=MAX_PER_DAY))
    if kind == RotaKind.RECEPTION and settings.weekday not in range(5):
        errors["weekday"] = str(_l("Choose the reception weekday, Monday to Friday."))
    if errors:
        raise FieldErrors(errors)


def _require_manage(actor: User, sp: ServicePoint) -> None:
    if not policy.can(actor, "duty.manage", sp):
        raise PermissionDenied(_l("You may not manage the rotas of this service point."))


def _effective(kind: str, settings: Settings) -> Settings:
    # Only a reception rota keeps to one weekday.
    if kind != RotaKind.RECEPTION:
        return Settings(per_day=settings.per_day, half_days=settings.half_days)
    return settings


def _fill(rota: DutyRota, plan: Plan) -> None:
    for day, slot, member_id in plan.shifts:
        db.session.add(DutyShift(rota_id=rota.id, day=day, slot=slot, member_id=member_id))


def generate_rota(
    actor: User, sp: ServicePoint, kind: str, year: int, month: int, settings: Settings
) -> tuple[DutyRota, Plan]:
    """Plan a fair month of ``kind`` at ``sp`` and save it as a draft. Raises
    PermissionDenied, FieldErrors (kind, month, per_day, weekday: one rota per point, kind and
    month). Audited with the settings used."""
    _require_manage(actor, sp)
    if not sp.is_active:
        raise ValidationError(_l("This service point is closed."))
    errors: dict[str, str] = {}
    if kind not in kinds_for(sp):
        errors["kind"] = str(_l("This point does not keep that kind of rota."))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        errors["month"] = str(_l("Give a month such as 2026-10."))
    if errors:
        raise FieldErrors(errors)
    check_settings(kind, settings)
    settings = _effective(kind, settings)
    taken = select(DutyRota.id).where(
        DutyRota.service_point_id == sp.id,
        DutyRota.kind == kind,
        DutyRota.year == year,
        DutyRota.month == month,
    )
    if db.session.scalar(taken) is not None:
        raise FieldErrors({"month": str(_already())})
    rota = DutyRota(
        service_point=sp, kind=kind, year=year, month=month, created_by_id=actor.id, note=""
    )
    try:
        with db.session.begin_nested():
            db.session.add(rota)
            db.session.flush()
    except IntegrityError:
        # Someone generated the same month a moment ago.
        raise FieldErrors({"month": str(_already())}) from None
    plan = plan_month(year, month, _people(sp, kind), settings)
    _fill(rota, plan)
    audit.record(
        actor,
        "duty_rota.generate",
        rota,
        org_path=sp.org.path,
        service_point=sp.name,
        rota_kind=kind,
        period=f"{year}-{month:02d}",
        rows=len(plan.shifts),
        settings=_settings_detail(settings),
    )
    db.session.flush()
    return rota, plan


def _already():
    return _l("This point already has that rota for this month: open it from the list.")


def _settings_detail(s: Settings) -> str:
    text = f"{s.per_day}/{'half' if s.half_days else 'day'}"
    return f"{text}/{WEEKDAYS[s.weekday]}" if s.weekday is not None else text


def regenerate_rota(
    actor: User, rota: DutyRota, settings: Settings, *, expected_version: int
) -> Plan:
    """Plan a draft rota's month again from the pool as it is now, replacing every shift.
    Raises StaleRecord, Conflict (published), PermissionDenied, FieldErrors. Audited."""
    _check_version(rota, expected_version)
    _require_manage(actor, rota.service_point)
    if rota.status != RotaStatus.DRAFT:
        raise Conflict(_l("Withdraw the rota to a draft before planning it again."))
    check_settings(rota.kind, settings)
    settings = _effective(rota.kind, settings)
    _drop_shifts(rota)
    plan = plan_month(rota.year, rota.month, _people(rota.service_point, rota.kind), settings)
    _fill(rota, plan)
    _touch(rota)
    audit.record(
        actor,
        "duty_rota.regenerate",
        rota,
        org_path=rota.service_point.org.path,
        rows=len(plan.shifts),
        settings=_settings_detail(settings),
    )
    db.session.flush()
    db.session.expire(rota, ["shifts"])
    return plan


def delete_rota(actor: User, rota: DutyRota, *, expected_version: int) -> None:
    """Delete a draft rota with its shifts. Raises StaleRecord, Conflict, PermissionDenied."""
    _check_version(rota, expected_version)
    _require_manage(actor, rota.service_point)
    if rota.status != RotaStatus.DRAFT:
        raise Conflict(_l("Only a draft rota can be deleted; withdraw it first."))
    audit.record(
        actor,
        "duty_rota.delete",
        rota,
        org_path=rota.service_point.org.path,
        rota_kind=rota.kind,
        period=f"{rota.year}-{rota.month:02d}",
    )
    _drop_shifts(rota)
    db.session.delete(rota)
    db.session.flush()


def publish_rota(actor: User, rota: DutyRota, *, expected_version: int) -> None:
    """Publish a draft: from now on it is shown as who is on duty."""
    if db.session.scalar(select(DutyShift.id).where(DutyShift.rota_id == rota.id).limit(1)) is None:
        raise Conflict(_l("The rota has nobody on it yet: add people before publishing."))
    duty_workflow.move(rota, "publish", actor, expected_version=expected_version)


def withdraw_rota(actor: User, rota: DutyRota, *, expected_version: int) -> None:
    """Take a published rota back to a draft (it is no longer shown as on duty)."""
    duty_workflow.move(rota, "withdraw", actor, expected_version=expected_version)


# --- helpers shared with the shift edits --------------------------------------------------------


def _check_version(rota: DutyRota, expected_version: int | None) -> None:
    if expected_version is not None and rota.version != expected_version:
        raise StaleRecord()


def _drop_shifts(rota: DutyRota) -> None:
    # One statement, whether or not the rota's shifts were loaded.
    db.session.execute(sql_delete(DutyShift).where(DutyShift.rota_id == rota.id))
    db.session.expire(rota, ["shifts"])


def _touch(rota: DutyRota) -> None:
    # A change to a shift is a change to the rota: its version moves, stale forms are refused.
    rota.updated_at = utcnow()


def is_past_or_today(day: date) -> bool:
    return day <= timeutil.today()
