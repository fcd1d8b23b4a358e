"""The organisation tree (materialized path) and the service points attached to it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.constraints import one_of
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class OrgKind(StrEnum):
    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    GROUP = "group"


# Which kinds may sit directly under which. A root must be a committee.
ALLOWED_CHILDREN: dict[OrgKind, tuple[OrgKind, ...]] = {
    OrgKind.COMMITTEE: (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH),
    OrgKind.GENERAL_BRANCH: (OrgKind.BRANCH,),
    OrgKind.BRANCH: (OrgKind.GROUP,),
    OrgKind.GROUP: (),
}


class ServiceLevel(StrEnum):
    DISTRICT = "district"
    TOWNSHIP = "township"
    VILLAGE = "village"


def branch_id_of(org_id: int, kind: str, parent_id: int | None) -> int:
    """The branch an org counts with, from its row's columns: a group's is its parent."""
    return parent_id if kind == OrgKind.GROUP and parent_id else org_id


class Org(db.Model):
    """A party organisation: committee, general branch, branch or party group.

    ``path`` is ``/1/4/9/``: the ids from the root down to this org. A subtree is one indexed
    prefix filter (``path LIKE '/1/4/%'``).
    """

    __tablename__ = "org"
    __table_args__ = (
        CheckConstraint(one_of("kind", OrgKind), name="kind_valid"),
        UniqueConstraint("parent_id", "name", name="uq_org_parent_id_name"),
        Index("ix_org_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="")
    depth: Mapped[int] = mapped_column(default=0)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Rows closed by one deactivation share its moment, so reactivation reopens only those.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: every UPDATE says WHERE version = <loaded>, and bumps it.
    __mapper_args__ = {"version_id_col": version}

    parent: Mapped[Org | None] = relationship(remote_side=[id], lazy="raise_on_sql")

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this org, itself included."""
        return [int(p) for p in self.path.strip("/").split("/") if p]

    @property
    def branch_id(self) -> int:
        """The branch this org counts with: a party group's parent branch, else itself."""
        return branch_id_of(self.id, self.kind, self.parent_id)

    def is_within(self, other: Org) -> bool:
        """True when self is other or lies in other's subtree."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Org {self.id} {self.kind} {self.path}>"


class ServicePoint(db.Model):
    """为民服务中心 / 站 / 室: a service point run by an org."""

    __tablename__ = "service_point"
    __table_args__ = (CheckConstraint(one_of("level", ServiceLevel), name="level_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    hotline: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[str] = mapped_column(String(100), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: every UPDATE says WHERE version = <loaded>, and bumps it.
    __mapper_args__ = {"version_id_col": version}

    org: Mapped[Org] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ServicePoint {self.id} {self.level} {self.name}>"


def _labels():
    kinds = {
        OrgKind.COMMITTEE: _l("Party committee"),
        OrgKind.GENERAL_BRANCH: _l("General branch"),
        OrgKind.BRANCH: _l("Party branch"),
        OrgKind.GROUP: _l("Party group"),
    }
    levels = {
        ServiceLevel.DISTRICT: _l("District service centre"),
        ServiceLevel.TOWNSHIP: _l("Township service station"),
        ServiceLevel.VILLAGE: _l("Village service room"),
    }
    return kinds, levels


ORG_KIND_LABELS, SERVICE_LEVEL_LABELS = _labels()
