"""Reading and changing the committee's report settings (``ReportSettings``).

``rules_for(paths)`` gives the ``RateRules`` that govern the subtrees ``paths`` (those of the
tree they belong to, or the defaults); ``save_settings`` is the one audited way to change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select

from app import audit
from app.auth.models import User
from app.errors import StaleRecord
from app.extensions import db
from app.orgs.models import Org
from app.reports.models import (
    CatalogueRule,
    DutyRule,
    EmptyRateRule,
    ExpectedRule,
    ReportSettings,
)


@dataclass(frozen=True)
class RateRules:
    """The open choices of the rates and the ranking, as plain values (defaults = ours)."""

    duty_rule: str = DutyRule.STAFFED.value
    catalogue_rule: str = CatalogueRule.OWN.value
    expected_rule: str = ExpectedRule.ACTIVE.value
    count_withdrawn: bool = False
    complaint_penalty: float = 2.0
    empty_rate_rule: str = EmptyRateRule.LEFT_OUT.value

    @classmethod
    def of(cls, row: ReportSettings | None) -> RateRules:
        if row is None:
            return cls()
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def root_id(paths: Sequence[str]) -> int | None:
    """The id of the tree's root that the first of ``paths`` lies in."""
    for p in paths:
        head = p.strip("/").split("/")[0]
        if head.isdigit():
            return int(head)
    return None


def settings_row(root: int | None) -> ReportSettings | None:
    if root is None:
        return None
    return db.session.scalar(select(ReportSettings).where(ReportSettings.org_id == root))


def rules_for(paths: Sequence[str]) -> RateRules:
    """The rules governing ``paths`` (one query; the defaults when the tree has no row)."""
    return RateRules.of(settings_row(root_id(paths)))


def save_settings(
    actor: User, root: Org, data: dict[str, Any], *, expected_version: int | None
) -> ReportSettings:
    """Store the committee's choices for ``root``'s tree (the caller checked
    ``report.settings``). Audited with the before/after values. Raises ``StaleRecord``
    when the row changed since the form was loaded."""
    row = settings_row(root.id)
    # Version 0 stands for "no row yet" (the defaults were shown).
    current = row.version if row is not None else 0
    if expected_version is not None and current != expected_version:
        raise StaleRecord()
    if row is None:
        row = ReportSettings(org_id=root.id)
        db.session.add(row)
        before: dict[str, Any] = {}
    else:
        before = {f.name: getattr(row, f.name) for f in fields(RateRules)}
    for f in fields(RateRules):
        if f.name in data:
            value = data[f.name]
            setattr(row, f.name, float(value) if f.name == "complaint_penalty" else value)
    row.updated_by_id = actor.id
    db.session.flush()
    after = {f.name: getattr(row, f.name) for f in fields(RateRules)}
    audit.record(actor, "report.settings", row, org_path=root.path, old=before, new=after)
    return row
