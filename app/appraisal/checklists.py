"""The responsibility area's checklists (三必清 / 三必访 / 四必谈, rule 4.3.2): data that a
committee or general branch edits for its subtree (the nearest list up the tree applies), the
rules' wording when none exists, and the check of a talk's or visit's tag (the quarter's
coverage is in responsibility.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.appraisal.models import (
    DEFAULT_CHECKLISTS,
    Appraisal,
    ChecklistItem,
    ChecklistKind,
)
from app.auth.models import User
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.orgs.models import Org

KIND_LABELS = {
    ChecklistKind.CLEAR.value: _l("Three must-knows (三必清)"),
    ChecklistKind.VISIT.value: _l("Three must-visits (三必访)"),
    ChecklistKind.TALK.value: _l("Four must-talks (四必谈)"),
}
# Which logged contacts may fulfil an item of each list: a visit list is met by visits, a
# talk list by talks; knowing a person (三必清) comes from any contact.
FULFILLED_BY = {
    ChecklistKind.CLEAR.value: ("talk", "visit", "help"),
    ChecklistKind.VISIT.value: ("visit",),
    ChecklistKind.TALK.value: ("talk",),
}
_ORDER = {k: i for i, k in enumerate(KIND_LABELS)}
LABEL_MAX = 60


def _sorted(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    return sorted(items, key=lambda i: (_ORDER.get(i.kind, 9), i.position, i.id or 0))


def nearest(items: Iterable[ChecklistItem], org: Org) -> list[ChecklistItem]:
    """Of ``items`` (loaded for ``org``'s ancestors), those of the nearest org that has any."""
    by_org: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_org.setdefault(item.org_id, []).append(item)
    for org_id in reversed(org.ancestor_ids):
        if org_id in by_org:
            return _sorted(by_org[org_id])
    return []


def items_for(org: Org, *, active_only: bool = True) -> list[ChecklistItem]:
    """The checklist that applies to ``org``: its nearest ancestor's (itself included) that
    has one, in list order. One query."""
    stmt = select(ChecklistItem).where(ChecklistItem.org_id.in_(org.ancestor_ids))
    items = nearest(db.session.scalars(stmt), org)
    return [i for i in items if i.is_active] if active_only else items


def ensure_defaults(org: Org) -> None:
    """Seed the rules' wording at ``org`` when no list applies to it yet (opening a quarter
    does this, so every record has a checklist to tag its talks and visits with)."""
    exists = db.session.scalar(
        select(ChecklistItem.id).where(ChecklistItem.org_id.in_(org.ancestor_ids)).limit(1)
    )
    if exists is None:
        db.session.add_all(
            ChecklistItem(org_id=org.id, kind=kind, label=label, position=n)
            for kind, labels in DEFAULT_CHECKLISTS.items()
            for n, label in enumerate(labels, start=1)
        )
        db.session.flush()


def editable_rows(org: Org) -> list[dict[str, Any]]:
    """What the edit page shows for ``org``: its own items, or else the list it inherits (or
    the rules' wording) to start its own from. Inherited rows carry id 0: saving copies them."""
    items = items_for(org, active_only=False)
    if items:
        own = items[0].org_id == org.id
        return [
            {
                "id": i.id if own else 0,
                "kind": i.kind,
                "label": i.label,
                "position": i.position,
                "is_active": i.is_active,
            }
            for i in items
        ]
    return [
        {"id": 0, "kind": kind, "label": label, "position": n, "is_active": True}
        for kind, labels in DEFAULT_CHECKLISTS.items()
        for n, label in enumerate(labels, start=1)
    ]


def save_checklists(
    actor: User, org: Org, rows: list[dict[str, Any]], new: dict[str, str] | None = None
) -> list[ChecklistItem]:
    """The committee edits ``org``'s lists: each row renames, reorders (``position``) or
    (de)activates an item of its own (id 0: a new item, as when the lists are first made its
    own); ``new`` adds one at the end of its list. Items are never deleted: talks and visits
    tagged with them keep their tag. Raises PermissionDenied, FieldErrors (``rows``,
    ``new_label``). Audited with what was added and changed."""
    if not policy.can(actor, "appraisal.manage_periods", org):
        raise PermissionDenied(_l("Only the party committee edits the checklists."))
    own = {
        i.id: i
        for i in db.session.scalars(select(ChecklistItem).where(ChecklistItem.org_id == org.id))
    }
    clean = [_clean_row(r, own) for r in rows]
    if new and (new.get("label") or "").strip():
        kind = new.get("kind")
        if kind not in KIND_LABELS:
            raise FieldErrors({"new_kind": str(_l("Choose the list."))})
        label = _clean_label(new["label"], "new_label")
        last = max((r["position"] for r in clean if r["kind"] == kind), default=0)
        clean.append({"id": 0, "kind": kind, "label": label, "position": last + 1, "active": True})
    created: list[str] = []
    updated: list[str] = []
    for r in clean:
        item = own.get(r["id"])
        if item is None:
            item = ChecklistItem(org_id=org.id, kind=r["kind"], label=r["label"])
            db.session.add(item)
            created.append(r["label"])
        elif (item.label, item.position, item.is_active) != (
            r["label"],
            r["position"],
            r["active"],
        ):
            updated.append(r["label"])
        item.label, item.position, item.is_active = r["label"], r["position"], r["active"]
    db.session.flush()
    audit.record(actor, "appraisal.checklists", org, created=created, updated=updated)
    return items_for(org, active_only=False)


def _clean_label(value: Any, field_name: str) -> str:
    label = " ".join(str(value or "").split())
    if not label:
        raise FieldErrors({field_name: str(_l("Every item needs a name."))})
    if len(label) > LABEL_MAX:
        raise FieldErrors({field_name: str(_l("Use at most %(n)d characters.", n=LABEL_MAX))})
    return label


def _clean_row(row: dict[str, Any], own: dict[int, ChecklistItem]) -> dict[str, Any]:
    item_id = int(row.get("id") or 0)
    kind = row.get("kind")
    if (item_id and item_id not in own) or kind not in KIND_LABELS:
        raise FieldErrors({"rows": str(_l("The lists could not be read; reload."))})
    if item_id and own[item_id].kind != kind:
        raise FieldErrors({"rows": str(_l("The lists could not be read; reload."))})
    try:
        position = int(row.get("position") or 0)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= 999:
        raise FieldErrors({"rows": str(_l("Give each item's place as a number."))})
    return {
        "id": item_id,
        "kind": kind,
        "label": _clean_label(row.get("label"), "rows"),
        "position": position,
        "active": bool(row.get("is_active")),
    }


def item_choices(appraisal: Appraisal) -> list[tuple[int, str]]:
    """The active items a talk or visit of this record's member may be tagged with."""
    return [(i.id, f"{KIND_LABELS[i.kind]} · {i.label}") for i in items_for(appraisal.org)]


def check_tag(appraisal: Appraisal, item_id: int | None, kind: str) -> ChecklistItem | None:
    """The item a contact of ``kind`` is tagged with, checked against the record's lists:
    FieldErrors on ``checklist_item_id`` for an item not in them or of another kind."""
    if not item_id:
        return None
    item = next((i for i in items_for(appraisal.org) if i.id == item_id), None)
    if item is None:
        raise FieldErrors({"checklist_item_id": str(_l("Choose an item from the list."))})
    if kind not in FULFILLED_BY[item.kind]:
        raise FieldErrors(
            {
                "checklist_item_id": str(
                    _l("This item is met by a visit or a talk as its list says, not by this kind.")
                )
            }
        )
    return item
