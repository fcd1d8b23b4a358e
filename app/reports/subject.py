"""What a report page is about: an org's subtree or one service point, chosen among those the
user may report on (``report.org`` / ``report.point``), and the choices of the picker."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.auth.models import User
from app.common import versions
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from app.orgs.tree import path_filter
from app.policy.cases import agent_point_ids
from app.policy.reports import dashboard_paths


@dataclass(frozen=True)
class Subject:
    """The subtree ``org`` (all its points), or one ``point`` (its org's catalogue)."""

    org: Org | None = None
    point: ServicePoint | None = None

    @property
    def name(self) -> str:
        return self.point.name if self.point is not None else self.org.name  # type: ignore[union-attr]

    @property
    def paths(self) -> list[str]:
        return [self.point.org.path if self.point is not None else self.org.path]  # type: ignore[union-attr]

    @property
    def point_ids(self) -> list[int] | None:
        return [self.point.id] if self.point is not None else None

    @property
    def key(self) -> str:
        """The picker's value: "org-4" or "point-7"."""
        return f"point-{self.point.id}" if self.point is not None else f"org-{self.org.id}"  # type: ignore[union-attr]

    @property
    def args(self) -> dict[str, str]:
        """The URL arguments naming the subject."""
        return {"of": self.key}


def choices(user: User) -> list[tuple[str, str]]:
    """The picker's (key, label) pairs: the orgs (not party groups: their figures are their
    branch's) whose subtrees ``user`` reports on, indented in tree order; a user with none
    gets their service points instead. Read as rows once per change of the tree, the grants
    or the points (a county committee picks among 800 orgs on every report page)."""

    def compute() -> list[tuple[str, str]]:
        paths = dashboard_paths(user)
        if paths:
            stmt = (
                select(Org.id, Org.name, Org.depth)
                .where(path_filter(Org.path, paths), Org.kind != OrgKind.GROUP, Org.is_active)
                .order_by(Org.path)
            )
            rows = db.session.execute(stmt)
            return [(f"org-{i}", "　" * depth + name) for i, name, depth in rows]
        ids = agent_point_ids(user)
        if not ids:
            return []
        stmt = (
            select(ServicePoint.id, ServicePoint.name)
            .where(ServicePoint.id.in_(ids))
            .order_by(ServicePoint.name)
        )
        return [(f"point-{i}", name) for i, name in db.session.execute(stmt)]

    key = ("reports.subjects", user.id, user.is_active)
    return versions.cached(("roster", "network"), key, compute)


def resolve(user: User, key: str | None) -> tuple[Subject, list[tuple[str, str]]]:
    """The subject named by ``key`` ("org-4" / "point-7"; None: the first choice) with the
    picker's choices. Raises NotFound when the user may not report on it (nothing revealed)."""
    options = choices(user)
    if not key:
        if not options:
            raise NotFound(_l("No organisation in your scope."))
        key = options[0][0]
    kind, _sep, raw = key.partition("-")
    target = None
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**63):
        raw = ""  # not an id a database row can carry: nothing to look up
    if raw.isdigit() and kind == "org":
        org = db.session.get(Org, int(raw))
        if org is not None and org.kind != OrgKind.GROUP and policy.can(user, "report.org", org):
            target = Subject(org=org)
    elif raw.isdigit() and kind == "point":
        sp = db.session.get(ServicePoint, int(raw))
        if sp is not None and policy.can(user, "report.point", sp):
            target = Subject(point=sp)
    if target is None:
        raise NotFound(_l("No such organisation in your scope."))
    return target, options
