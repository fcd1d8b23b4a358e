"""What the case's steps and pages need to know about a case: its item's materials, the
point one level up, its latest rating and the days left to its running deadline."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.cases.models import Evaluation, ServiceCase
from app.extensions import db
from app.orgs.models import ServicePoint

# The network's levels: village room → township station → district centre.
UP = {"village": "township", "township": "district"}


def latest_evaluation(case: ServiceCase) -> Evaluation | None:
    return db.session.scalar(
        select(Evaluation).where(Evaluation.case_id == case.id).order_by(Evaluation.id.desc())
    )


def item_materials(c: ServiceCase) -> list[str]:
    """The materials the item lists, one per line or separated by 、，;"""
    text = c.item.materials or ""
    for sep in ("\n", "、", "，", ",", "；", ";"):
        text = text.replace(sep, "\n")
    return [m.strip() for m in text.split("\n") if m.strip()]


def upper_point(sp: ServicePoint) -> ServicePoint | None:
    """The active point one level up whose org lies above ``sp``'s (the nearest first)."""
    level = UP.get(sp.level)
    if level is None:
        return None
    points = db.session.scalars(
        select(ServicePoint).where(ServicePoint.level == level, ServicePoint.is_active)
    ).all()
    above = [p for p in points if sp.org.is_within(p.org)]
    return max(above, key=lambda p: len(p.org.path), default=None)


def days_left(c: ServiceCase, today: date) -> int | None:
    """Calendar days to the due date (negative once late), None without a running clock."""
    due = c.running_due
    return None if due is None else (due - today).days
