"""What only the org tree knows: subtree filters on the materialized path, the branch an org
counts with, and how orgs are labelled in lists. Every feature imports these from here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import false, or_, select

from app.extensions import db
from app.orgs.models import Org, OrgKind, branch_id_of

__all__ = [
    "branch_id_of",
    "branch_org_ids",
    "in_subtrees",
    "org_labels",
    "path_filter",
]


def path_filter(column: Any, paths: Iterable[str]):
    """``column`` (an org path) lies in one of the subtrees ``paths``: indexed prefix tests."""
    paths = list(paths)
    if not paths:
        return false()
    return or_(*(column.startswith(p, autoescape=True) for p in paths))


def in_subtrees(org_id_column: Any, paths: Iterable[str]):
    """``org_id_column`` names an org inside one of the subtrees ``paths``."""
    return org_id_column.in_(select(Org.id).where(path_filter(Org.path, paths)))


def branch_org_ids(org: Org) -> list[int]:
    """The ids of the branch ``org`` counts with and of everything under it (its groups)."""
    branch = org if org.branch_id == org.id else db.session.get(Org, org.branch_id)
    return list(db.session.scalars(select(Org.id).where(path_filter(Org.path, [branch.path]))))


def org_labels(orgs: Iterable[Org]) -> dict[int, str]:
    """Each org's display name, prefixed by its branch for party groups (one query)."""
    orgs = set(orgs)
    parent_ids = {o.parent_id for o in orgs if o.kind == OrgKind.GROUP and o.parent_id}
    parents = (
        dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(parent_ids))).all())
        if parent_ids
        else {}
    )
    return {
        o.id: f"{parents[o.parent_id]} · {o.name}" if o.parent_id in parents else o.name
        for o in orgs
    }
