"""Service items (代理事项), volunteer profiles and the agents designated per item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.constraints import one_of
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member, Skill

# Service categories named in the plan (3.3 and 3.8), as stable codes.
CATEGORIES = (
    "civil_affairs", "disability", "stability", "rural_insurance", "medical_aid",
    "family_planning", "land", "labour", "land_resources", "business", "tax",
    "public_welfare", "consumer", "party_building", "policy_advice", "technical_support",
    "sales_help", "information",
)  # fmt: skip
LEVELS = ("village", "township", "district")
HANDLING = ("direct", "promised", "joint")  # 直接 / 承诺 / 联合代理 (simple / general / special)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


item_skill = Table(
    "service_item_skill",
    db.metadata,
    Column("item_id", ForeignKey("service_item.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id"), primary_key=True),
)


class ServiceItem(db.Model):
    """An item of the public catalogue (代理事项一览表)."""

    __tablename__ = "service_item"
    __table_args__ = (
        CheckConstraint(one_of("category", CATEGORIES), name="category_valid"),
        CheckConstraint(one_of("level", LEVELS), name="level_valid"),
        CheckConstraint(one_of("handling", HANDLING), name="handling_valid"),
        CheckConstraint("promised_days BETWEEN 0 AND 365", name="days_valid"),
        UniqueConstraint("org_id", "name", name="uq_service_item_org_id_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # who maintains it
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(30), index=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    handling: Mapped[str] = mapped_column(String(20), default="direct")
    promised_days: Mapped[int] = mapped_column(default=0)
    materials: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Org] = relationship(lazy="raise_on_sql")
    skills: Mapped[list[Skill]] = relationship(secondary=item_skill, order_by="Skill.name")

    __mapper_args__ = {"version_id_col": version}


class VolunteerProfile(db.Model):
    """What a roster member offers: skills with a level, willing categories, availability."""

    __tablename__ = "volunteer_profile"
    __table_args__ = (CheckConstraint("max_cases BETWEEN 0 AND 50", name="max_cases_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), unique=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)  # weekday codes
    max_cases: Mapped[int] = mapped_column(default=3)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    member: Mapped[Member] = relationship(lazy="raise_on_sql")
    service_point: Mapped[ServicePoint | None] = relationship(lazy="raise_on_sql")
    skills: Mapped[list[ProfileSkill]] = relationship(
        cascade="all, delete-orphan", order_by="ProfileSkill.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ProfileSkill(db.Model):
    """A skill a member declares, with a level (1 basic … 3 expert). It counts in matching
    once a secretary has confirmed it."""

    __tablename__ = "profile_skill"
    __table_args__ = (
        UniqueConstraint("profile_id", "skill_id", name="uq_profile_skill_profile_id_skill_id"),
        CheckConstraint("level BETWEEN 1 AND 3", name="level_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profile.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"), index=True)
    level: Mapped[int] = mapped_column(default=1)
    is_confirmed: Mapped[bool] = mapped_column(default=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    skill: Mapped[Skill] = relationship(lazy="joined")


class ItemAgent(db.Model):
    """The member designated to take an item at a service point, and the backup (AB 岗)."""

    __tablename__ = "item_agent"
    __table_args__ = (
        CheckConstraint("role IN ('primary', 'backup')", name="role_valid"),
        UniqueConstraint("item_id", "service_point_id", "role", name="uq_item_agent_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id", ondelete="CASCADE"))
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Post(db.Model):
    """A post for members without posts (无职党员设岗定责): a name, its duties, its org."""

    __tablename__ = "member_post"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_member_post_org_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    duties: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org: Mapped[Org] = relationship(lazy="joined")


class PostAssignment(db.Model):
    __tablename__ = "member_post_assignment"
    __table_args__ = (
        UniqueConstraint("post_id", "member_id", name="uq_member_post_assignment_post_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("member_post.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")


class PostRecord(db.Model):
    """What a member did on their post, dated."""

    __tablename__ = "member_post_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("member_post.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")
