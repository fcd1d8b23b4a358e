"""Members, the shared skill vocabulary, the dated change history and import batches."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.constraints import one_of
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org, ServicePoint


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Membership(StrEnum):
    FULL = "full"
    PROBATIONARY = "probationary"


class PostKind(StrEnum):
    CADRE = "cadre"
    NO_POST = "no_post"


class AgentSource(StrEnum):
    VILLAGE_CADRE = "village_cadre"
    STATIONED = "stationed"  # 驻村
    SECONDED = "seconded"  # 挂职
    PAIRED = "paired"  # 结对帮扶
    SENT_DOWN = "sent_down"  # 下派锻炼
    VOLUNTEER = "volunteer"


class PartyStatus(StrEnum):
    NORMAL = "normal"  # 正常
    RETAINED = "retained"  # 保留党籍
    SUSPENDED = "suspended"  # 停止党籍
    RESTORED = "restored"  # 恢复党籍
    EXPELLED = "expelled"  # 开除党籍
    TRANSFERRED_OUT = "transferred_out"
    DECEASED = "deceased"


EDUCATION_LEVELS = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中", "小学及以下")
# 职业: what the member does for a living, in the categories party statistics use.
OCCUPATIONS = (
    "在岗职工",
    "工人",
    "农牧渔民",
    "专业技术人员",
    "企业管理人员",
    "党政机关工作人员",
    "学生",
    "军人武警",
    "个体从业人员",
    "离退休人员",
    "无固定职业",
    "其他职业",
)


member_skill = Table(
    "member_skill",
    db.metadata,
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id"), primary_key=True, index=True),
)


class Skill(db.Model):
    """A specialty in the shared vocabulary (法律咨询, 农机维修, 电商 ...)."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(40), default="")


class Member(db.Model):
    """A party member on the roster. Not a login; ``user_id`` links one where it exists.

    The ID number and phone are stored encrypted with a keyed hash for lookup; ``id_tail`` and
    ``phone_tail`` (the last four characters, shown in every masked form anyway) serve search.
    The home address is stored encrypted too (it is never searched).
    """

    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint(one_of("gender", Gender), name="gender_valid"),
        CheckConstraint(one_of("membership", Membership), name="membership_valid"),
        CheckConstraint(one_of("post_kind", PostKind), name="post_kind_valid"),
        CheckConstraint(
            "agent_source IS NULL OR " + one_of("agent_source", AgentSource),
            name="agent_source_valid",
        ),
        CheckConstraint(one_of("party_status", PartyStatus), name="party_status_valid"),
        CheckConstraint(
            "membership <> 'probationary' OR full_member_on IS NULL",
            name="probationary_not_yet_full",
        ),
        Index("ix_member_org_name", "org_id", "name_pinyin"),
        # The customary order walks this index: a page is found without sorting 100k rows.
        Index("ix_member_strokes", "surname_strokes", "name_pinyin"),
        # Covers the list page's per-filter counts, so they need no table scan.
        Index("ix_member_facets", "membership", "post_kind", "party_status", "agent_source"),
        # Most members have no login: after ANALYZE, SQLite reads the unique index's NULLs as
        # one key shared by the whole roster and scans every member for "my own record"
        # (50 ms on a county's home page); this index holds only the linked ones.
        Index(
            "ix_member_login",
            "user_id",
            sqlite_where=text("user_id IS NOT NULL"),
            postgresql_where=text("user_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), info={"pi_class": "personal"})
    name_pinyin: Mapped[str] = mapped_column(String(200), default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(20), default="", index=True)
    surname_strokes: Mapped[int] = mapped_column(default=99)
    gender: Mapped[str] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    birth_date: Mapped[date] = mapped_column(Date)
    id_number_enc: Mapped[str] = mapped_column(String(120), info={"pi_class": "sensitive"})
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_tail: Mapped[str] = mapped_column(String(4), index=True)
    phone_enc: Mapped[str] = mapped_column(String(120), default="", info={"pi_class": "sensitive"})
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    phone_tail: Mapped[str] = mapped_column(String(4), default="", index=True)
    address_enc: Mapped[str] = mapped_column(
        String(600), default="", info={"pi_class": "sensitive"}
    )
    education: Mapped[str] = mapped_column(String(20), default="")
    work_unit: Mapped[str] = mapped_column(String(100), default="")
    job_title: Mapped[str] = mapped_column(String(60), default="")
    occupation: Mapped[str | None] = mapped_column(String(20))
    joined_on: Mapped[date | None] = mapped_column(Date)
    full_member_on: Mapped[date | None] = mapped_column(Date)
    membership: Mapped[str] = mapped_column(String(20), default=Membership.FULL)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    post_kind: Mapped[str] = mapped_column(String(20), default=PostKind.NO_POST)
    agent_source: Mapped[str | None] = mapped_column(String(20))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"), index=True)
    party_status: Mapped[str] = mapped_column(String(20), default=PartyStatus.NORMAL, index=True)
    is_mobile: Mapped[bool] = mapped_column(default=False)  # 流动党员
    mobile_destination: Mapped[str] = mapped_column(String(100), default="")
    is_lost_contact: Mapped[bool] = mapped_column(default=False)  # 失联党员
    lost_contact_since: Mapped[date | None] = mapped_column(Date)
    is_hardship: Mapped[bool] = mapped_column(default=False, info={"pi_class": "sensitive"})
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    # The named mentor (培养联系人) of a probationary member: the login who signs for them.
    mentor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: every UPDATE says WHERE version = <loaded>, and bumps it.
    __mapper_args__ = {"version_id_col": version}

    org: Mapped[Org] = relationship(lazy="raise_on_sql")
    service_point: Mapped[ServicePoint | None] = relationship(lazy="raise_on_sql")
    # Lists load skills with selectinload (asserted by a query-count test); single-member
    # code may load them lazily.
    skills: Mapped[list[Skill]] = relationship(secondary=member_skill, order_by="Skill.name")

    def __repr__(self) -> str:
        return f"<Member {self.id}>"


class SanctionKind(StrEnum):
    WARNING = "warning"  # 警告
    SERIOUS_WARNING = "serious_warning"  # 严重警告
    REMOVAL_FROM_POST = "removal_from_post"  # 撤销党内职务
    PROBATION = "probation"  # 留党察看


class Sanction(db.Model):
    """A party disciplinary sanction (党纪处分) and the period it is in effect."""

    __tablename__ = "sanction"
    __table_args__ = (
        CheckConstraint(one_of("kind", SanctionKind), name="kind_valid"),
        CheckConstraint("ends_on IS NULL OR ends_on >= decided_on", name="ends_after_decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # in effect until (inclusive)
    reason: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportBatch(db.Model):
    """One committed spreadsheet import, which its author (or an admin) can roll back."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MemberHistory(db.Model):
    """A dated change to a member: creation, edits, transfers, status changes, imports.

    ``changes`` maps field -> [old, new] for display (sensitive values masked); ``before``
    keeps the stored values an import overwrote, so the batch can be rolled back.
    """

    __tablename__ = "member_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_on: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    member: Mapped[Member | None] = relationship(lazy="raise_on_sql")
