"""The catalogue of service items (代理事项一览表): saving items, the lists a user reaches, and
the public guide's queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import audit, policy
from app.auth.models import User
from app.errors import FieldErrors, NotFound, PermissionDenied, StaleRecord
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from app.orgs.services import scoped_orgs
from app.roster.skills import resolve_skills
from app.volunteers.labels import CATEGORY_LABELS
from app.volunteers.models import CATEGORIES, HANDLING, LEVELS, ServiceItem

# --- catalogue ------------------------------------------------------------------------------


def _clean_item(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    out = {
        "name": " ".join(str(data.get("name") or "").split())[:100],
        "category": data.get("category") or "",
        "level": data.get("level") or "",
        "handling": data.get("handling") or "direct",
        "materials": str(data.get("materials") or "").strip()[:3000],
        "steps": str(data.get("steps") or "").strip()[:3000],
        "legal_basis": " ".join(str(data.get("legal_basis") or "").split())[:300],
        "notes": str(data.get("notes") or "").strip()[:3000],
        "is_published": bool(data.get("is_published")),
    }
    if not out["name"]:
        errors["name"] = str(_l("This field is required."))
    for key, allowed in (("category", CATEGORIES), ("level", LEVELS), ("handling", HANDLING)):
        if out[key] not in allowed:
            errors[key] = str(_l("Choose one from the list."))
    try:
        days = int(data.get("promised_days") or 0)
        if not 0 <= days <= 365:
            raise ValueError
        out["promised_days"] = days
    except (TypeError, ValueError):
        errors["promised_days"] = str(_l("Enter a number of working days from 0 to 365."))
    if out["handling"] == "direct" and out.get("promised_days", 0) > 1:
        errors["promised_days"] = str(_l("An item handled on the spot takes at most 1 day."))
    skills = data.get("skills") or ""
    if isinstance(skills, str):
        skills = [s for s in re.split(r"[,，、;；\s]+", skills) if s]
    out["skills"] = sorted({" ".join(s.split())[:40] for s in skills})
    return out, errors


def save_item(
    actor: User | None,
    org: Org,
    data: dict[str, Any],
    *,
    item: ServiceItem | None = None,
    expected_version: int | None = None,
) -> ServiceItem:
    """Create or edit a catalogue item maintained by ``org``. Audited."""
    if actor is not None and not policy.can(actor, "volunteers.catalogue_edit", org):
        raise PermissionDenied(_l("You may not edit this catalogue."))
    if item is not None and expected_version is not None and item.version != expected_version:
        raise StaleRecord()
    clean, errors = _clean_item(data)
    clash = db.session.scalar(
        select(ServiceItem.id).where(
            ServiceItem.org_id == org.id, ServiceItem.name == clean["name"]
        )
    )
    if clash is not None and (item is None or clash != item.id):
        errors["name"] = str(_l("The catalogue already has an item with this name."))
    if errors:
        raise FieldErrors(errors)
    skills = resolve_skills(clean.pop("skills"))
    if item is None:
        item = ServiceItem(org_id=org.id)
        db.session.add(item)
    for k, v in clean.items():
        setattr(item, k, v)
    item.skills = skills
    db.session.flush()
    audit.record(
        actor, "volunteers.item_save", item, org_path=org.path, published=item.is_published
    )
    return item


@dataclass
class ItemFilters:
    q: str = ""
    category: str = ""
    level: str = ""
    published: str = ""


def _items_stmt(user: User):
    """The catalogue the user reaches: their orgs' items and those of the levels above."""
    return select(ServiceItem).where(
        policy.reach(ServiceItem.org_id, user, policy.reach_roles("volunteers.read"))
    )


def get_item(user: User, item_id: int) -> ServiceItem:
    """The item if the user reaches it, with the org that keeps it (the page asks whether the
    user may edit it). Raises NotFound otherwise."""
    stmt = _items_stmt(user).where(ServiceItem.id == item_id).options(joinedload(ServiceItem.org))
    item = db.session.scalar(stmt)
    if item is None:
        raise NotFound(_l("No such item in your scope."))
    return item


def editable_orgs(user: User) -> list[Org]:
    """The organisations whose catalogue ``user`` keeps (no party groups), in tree order."""
    return [
        o
        for o in scoped_orgs(user)
        if o.kind != OrgKind.GROUP and policy.can(user, "volunteers.catalogue_edit", o)
    ]


def get_editable_item(user: User, item_id: int) -> ServiceItem:
    """An item ``user`` may edit; NotFound for any other (an item above one's reach included)."""
    item = get_item(user, item_id)
    if not policy.can(user, "volunteers.catalogue_edit", item.org):
        raise NotFound(_l("No such item in your scope."))
    return item


def list_items(user: User, f: ItemFilters) -> list[ServiceItem]:
    stmt = _items_stmt(user).options(selectinload(ServiceItem.skills))
    if f.q:
        stmt = stmt.where(ServiceItem.name.contains(f.q.strip()[:40], autoescape=True))
    if f.category in CATEGORIES:
        stmt = stmt.where(ServiceItem.category == f.category)
    if f.level in LEVELS:
        stmt = stmt.where(ServiceItem.level == f.level)
    if f.published in ("1", "0"):
        stmt = stmt.where(ServiceItem.is_published.is_(f.published == "1"))
    return list(
        db.session.scalars(stmt.order_by(ServiceItem.level, ServiceItem.category, ServiceItem.name))
    )


def _published_stmt():
    return (
        select(ServiceItem)
        .join(Org, Org.id == ServiceItem.org_id)
        .where(ServiceItem.is_published, Org.is_active)  # a closed org's items are withdrawn
    )


def published_catalogue() -> list[ServiceItem]:
    """Every published item for the public guide, nearest level first (village room, township
    station, district centre)."""
    items = db.session.scalars(_published_stmt().order_by(ServiceItem.category, ServiceItem.name))
    return sorted(items, key=lambda i: LEVELS.index(i.level))


def guide_catalogue(level: str = "", query: str = "") -> dict[str, dict[str, list[ServiceItem]]]:
    """The published catalogue grouped by level and category, optionally one level only and
    only the items matching every word of ``query`` (see ``item_matches``)."""
    words = query.casefold().split()
    grouped: dict[str, dict[str, list[ServiceItem]]] = {}
    for i in published_catalogue():
        if level in LEVELS and i.level != level:
            continue
        if words and not item_matches(i, words):
            continue
        grouped.setdefault(i.level, {}).setdefault(i.category, []).append(i)
    return grouped


def item_matches(item: ServiceItem, words: list[str]) -> bool:
    """Whether every (casefolded) word is in the item's name, category, materials, steps or
    notes: a citizen types what they need ("低保", "医保 报销"), not the item's exact name."""
    text = " ".join(
        (
            item.name,
            str(CATEGORY_LABELS.get(item.category, "")),
            item.materials,
            item.steps,
            item.notes,
        )
    ).casefold()
    return all(w in text for w in words)


def published_item(item_id: int) -> ServiceItem:
    """A published item of an active org, for the public guide; NotFound otherwise."""
    item = db.session.scalar(_published_stmt().where(ServiceItem.id == item_id))
    if item is None:
        raise NotFound(_l("No such item in your scope."))
    return item


def public_points(level: str | None = None) -> list[ServicePoint]:
    """The active service points, nearest level first (or those of one level)."""
    points = db.session.scalars(
        select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)
    )
    return sorted(
        (p for p in points if level is None or p.level == level),
        key=lambda p: LEVELS.index(p.level),
    )
