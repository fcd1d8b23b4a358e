"""Inspections (督查, plan 四.2): the committee, or a general branch over its own subtree,
inspects the service points under an org, records each problem found at a point with what must
change and by when, and publishes a notice (通报); the points record their rectification.
Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.common.pagination import Page, paginate
from app.errors import Conflict, FieldErrors, NotFound, PermissionDenied, StaleRecord
from app.extensions import db
from app.network.models import Inspection, InspectionFinding
from app.orgs.models import Org, OrgKind, ServicePoint
from app.orgs.tree import path_filter
from app.policy.supervision import inspection_paths


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _block(text: str | None, limit: int) -> str:
    """Multi-line text (a notice keeps its paragraphs)."""
    lines = [" ".join(line.split()) for line in (text or "").strip().splitlines()]
    return "\n".join(lines)[:limit]


# --- who and where -----------------------------------------------------------------------------


def inspectable_orgs(user: User) -> list[Org]:
    """The active orgs whose subtree ``user`` may inspect (the form's choices)."""
    paths = inspection_paths(user)
    stmt = select(Org).where(Org.is_active, path_filter(Org.path, paths)).order_by(Org.path)
    return [o for o in db.session.scalars(stmt) if o.kind != OrgKind.GROUP]


def points_under(org: Org) -> list[ServicePoint]:
    """The active service points of ``org``'s subtree: where findings may be recorded."""
    stmt = (
        select(ServicePoint)
        .join(Org, Org.id == ServicePoint.org_id)
        .where(ServicePoint.is_active, path_filter(Org.path, [org.path]))
        .order_by(ServicePoint.level, ServicePoint.name)
    )
    return list(db.session.scalars(stmt))


# --- inspections --------------------------------------------------------------------------------


@dataclass
class InspectionData:
    title: str
    inspected_on: date | None
    inspectors: str = ""
    summary: str = ""


def _checked(data: InspectionData) -> dict:
    errors: dict[str, str] = {}
    title = _clean(data.title, 200)
    if len(title) < 2:
        errors["title"] = str(_l("Give the inspection a title."))
    if data.inspected_on is None:
        errors["inspected_on"] = str(_l("Enter a date like 2026-10-08."))
    elif data.inspected_on > timeutil.today():
        errors["inspected_on"] = str(_l("An inspection is recorded once it has taken place."))
    if errors:
        raise FieldErrors(errors)
    return {
        "title": title,
        "inspected_on": data.inspected_on,
        "inspectors": _clean(data.inspectors, 200),
        "summary": _block(data.summary, 4000),
    }


def create_inspection(actor: User, org: Org, data: InspectionData) -> Inspection:
    """Record an inspection of ``org``'s subtree. Raises PermissionDenied, FieldErrors."""
    if not policy.can(actor, "inspection.create", org):
        raise PermissionDenied(_l("You may not inspect this organisation."))
    fields = _checked(data)
    i = Inspection(org=org, created_by_id=actor.id, **fields)
    db.session.add(i)
    db.session.flush()
    audit.record(actor, "inspection.create", i, org_path=org.path, inspection_title=i.title)
    return i


def _require_manage(actor: User, i: Inspection, version: int | None) -> None:
    if not policy.can(actor, "inspection.manage", i):
        raise PermissionDenied(_l("You may not change this inspection."))
    if version is not None and version != i.version:
        raise StaleRecord()


def update_inspection(
    actor: User, i: Inspection, data: InspectionData, notice: str, version: int | None
) -> Inspection:
    """Edit the inspection's facts and its notice text; the notice is fixed once published.
    Raises PermissionDenied, StaleRecord, FieldErrors."""
    _require_manage(actor, i, version)
    fields = _checked(data)
    text = _block(notice, 10000)
    if i.notice_published_on is not None and text != i.notice:
        raise FieldErrors({"notice": str(_l("The notice is published and can no longer change."))})
    if i.notice_published_on is not None and fields["title"] != i.title:
        # The published notice is headed by the inspection's title.
        raise FieldErrors({"title": str(_l("The notice is published and can no longer change."))})
    changed = [k for k, v in fields.items() if getattr(i, k) != v]
    if text != i.notice:
        changed.append("notice")
    for k, v in fields.items():
        setattr(i, k, v)
    i.notice = text
    db.session.flush()
    audit.record(actor, "inspection.update", i, org_path=i.org.path, fields=changed)
    return i


def publish_notice(actor: User, i: Inspection, version: int | None) -> Inspection:
    """Publish the notice (通报): from now on those over the inspected points read it, and its
    text is fixed. Raises PermissionDenied, StaleRecord, Conflict (already published),
    FieldErrors (no text yet)."""
    _require_manage(actor, i, version)
    if i.notice_published_on is not None:
        raise Conflict(_l("The notice is already published."))
    if len(i.notice.strip()) < 10:
        raise FieldErrors({"notice": str(_l("Write the notice before publishing it."))})
    i.notice_published_on = timeutil.today()
    db.session.flush()
    audit.record(actor, "inspection.publish", i, org_path=i.org.path, published=True)
    return i


# --- findings ---------------------------------------------------------------------------------


@dataclass
class FindingData:
    service_point_id: int | None
    problem: str
    requirement: str = ""
    due_on: date | None = None


def add_finding(actor: User, i: Inspection, data: FindingData) -> InspectionFinding:
    """A problem found at one of the inspected points, what must change and by when.
    Raises PermissionDenied, FieldErrors."""
    _require_manage(actor, i, None)
    if i.notice_published_on is not None:
        # The published notice lists the findings: a later problem is another inspection's.
        raise Conflict(_l("The notice is published: its findings can no longer change."))
    errors: dict[str, str] = {}
    sp = next((p for p in points_under(i.org) if p.id == data.service_point_id), None)
    if sp is None:
        errors["service_point_id"] = str(_l("Choose one of the inspected service points."))
    problem = _block(data.problem, 2000)
    if len(problem) < 2:
        errors["problem"] = str(_l("Write the problem found."))
    if data.due_on is not None and data.due_on < i.inspected_on:
        errors["due_on"] = str(_l("The deadline cannot be before the inspection."))
    if errors:
        raise FieldErrors(errors)
    f = InspectionFinding(
        inspection_id=i.id,
        service_point=sp,
        problem=problem,
        requirement=_block(data.requirement, 2000),
        due_on=data.due_on,
    )
    db.session.add(f)
    db.session.flush()
    audit.record(actor, "inspection.finding_add", i, org_path=i.org.path, service_point=sp.name)
    return f


def rectify_finding(
    actor: User, f: InspectionFinding, text: str, on: date | None
) -> InspectionFinding:
    """Record how a finding was rectified and when. Raises PermissionDenied, FieldErrors."""
    if not policy.can(actor, "inspection.rectify", f):
        raise PermissionDenied(_l("You may not record this rectification."))
    if f.rectified_on is not None:
        raise Conflict(_l("The rectification is already recorded."))
    errors: dict[str, str] = {}
    body = _block(text, 2000)
    if len(body) < 2:
        errors["rectification"] = str(_l("Write what was rectified."))
    if on is None or on > timeutil.today() or on < f.inspection.inspected_on:
        errors["rectified_on"] = str(_l("Give the day it was rectified, not in the future."))
    if errors:
        raise FieldErrors(errors)
    f.rectification, f.rectified_on = body, on
    db.session.flush()
    sp_name = f.service_point.name if f.service_point else ""
    audit.record(
        actor,
        "inspection.finding_rectify",
        f.inspection,
        org_path=f.inspection.org.path,
        service_point=sp_name,
    )
    return f


# --- reading ----------------------------------------------------------------------------------


def get_inspection(user: User, inspection_id: int) -> Inspection:
    """The inspection if ``user`` may see it; NotFound otherwise."""
    stmt = policy.scope(select(Inspection), user, Inspection).where(Inspection.id == inspection_id)
    i = db.session.scalar(stmt)
    if i is None or not policy.can(user, "inspection.view", i):
        raise NotFound(_l("No such inspection in your scope."))
    return i


def get_finding(user: User, finding_id: int) -> InspectionFinding:
    stmt = policy.scope(select(InspectionFinding), user, InspectionFinding).where(
        InspectionFinding.id == finding_id
    )
    f = db.session.scalar(stmt.options(selectinload(InspectionFinding.inspection)))
    if f is None or not policy.can(user, "inspection.view_finding", f):
        raise NotFound(_l("No such finding in your scope."))
    return f


def visible_findings(user: User, i: Inspection) -> list[InspectionFinding]:
    """All the findings for those who hold the inspection; the findings at one's own points
    for those over an inspected point."""
    if policy.can(user, "inspection.manage", i):
        return list(i.findings)
    return [f for f in i.findings if policy.can(user, "inspection.view_finding", f)]


def list_inspections(user: User, page: int, per_page: int = 25) -> Page:
    stmt = policy.scope(select(Inspection), user, Inspection)
    return paginate(
        stmt.order_by(Inspection.inspected_on.desc(), Inspection.id.desc()), page, per_page
    )
