"""Appraisal templates, periods, appraisals (one per member per quarter) and their steps."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.constraints import one_of
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org
from app.roster.models import Member


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED = "signed"
    ASSESSED = "assessed"
    CLOSED = "closed"


class Grade(StrEnum):
    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    UNQUALIFIED = "unqualified"


class VetoCategory(StrEnum):
    DISCIPLINE = "discipline"  # 严重违纪
    ACCIDENT_PRECURSOR = "accident_precursor"  # 事故苗头
    ILLEGAL = "illegal"  # 违法行为
    OTHER = "other"  # 其他严重问题: only the committee records it


class ChecklistKind(StrEnum):
    """The responsibility area's three checklists (rule 4.3.2)."""

    CLEAR = "clear"  # 三必清: what a member must know of each person
    VISIT = "visit"  # 三必访: when a member must visit
    TALK = "talk"  # 四必谈: when a member must talk


# The rules' wording, seeded for a committee with no checklist of its own.
DEFAULT_CHECKLISTS: dict[str, list[str]] = {
    ChecklistKind.CLEAR: ["思想状况", "家庭情况", "困难问题"],
    ChecklistKind.VISIT: ["生病住院时", "家庭有婚丧嫁娶或重大变故时", "生活困难时"],
    ChecklistKind.TALK: ["岗位变动时", "受到处分时", "发生矛盾纠纷时", "工作表现下滑时"],
}


# The rules' five dimensions (4.1) and the three cadres also record.
DEFAULT_DIMENSIONS: list[dict[str, str]] = [
    {"key": "political", "label": "政治思想",
     "guidance": "政治理论学习的时间、内容和收获；参加党组织的学习情况。"},
    {"key": "party_spirit", "label": "党性观念",
     "guidance": "参加组织生活、按时交纳党费、完成党组织交办任务的情况。"},
    {"key": "job_duties", "label": "本职工作",
     "guidance": "本季度承担的工作任务及完成情况，发挥先锋模范作用的事例。"},
    {"key": "ideological_work", "label": "思想工作",
     "guidance": "与责任区职工谈心、家访、帮扶的次数和内容，重点人的思想动态。"},
    {"key": "technical", "label": "技术业务",
     "guidance": "业务和技术学习、培训、考试、技能竞赛的情况和成绩。"},
]  # fmt: skip
CADRE_DIMENSIONS: list[dict[str, str]] = [
    {"key": "integrity", "label": "廉洁", "guidance": "遵守廉洁自律规定的情况。"},
    {"key": "diligence", "label": "勤政", "guidance": "履职尽责、深入基层、解决实际问题的情况。"},
    {
        "key": "close_to_masses",
        "label": "密切联系群众",
        "guidance": "联系群众、听取意见、为群众办实事的情况。",
    },
]


class AppraisalTemplate(db.Model):
    """The dimensions members record, per org and post kind; each edit is a new version."""

    __tablename__ = "appraisal_template"
    __table_args__ = (
        CheckConstraint("post_kind IN ('cadre', 'no_post')", name="post_kind_valid"),
        UniqueConstraint("org_id", "post_kind", name="uq_appraisal_template_org_id_post_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    post_kind: Mapped[str] = mapped_column(String(20))
    dimensions: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class AppraisalPeriod(db.Model):
    """A quarter opened by a committee for its subtree, with a deadline for each step."""

    __tablename__ = "appraisal_period"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_valid"),
        UniqueConstraint("org_id", "year", "quarter", name="uq_appraisal_period_org_year_q"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    self_due: Mapped[date] = mapped_column(Date)
    sign_due: Mapped[date] = mapped_column(Date)
    opinion_due: Mapped[date] = mapped_column(Date)
    spot_due: Mapped[date] = mapped_column(Date)
    # The template versions the period was opened with: later template edits do not move it.
    templates: Mapped[dict[str, Any]] = mapped_column(JSON)
    excellent_cap: Mapped[float] = mapped_column(default=1 / 3)
    is_closed: Mapped[bool] = mapped_column(default=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who closed the quarter, why when records were unfinished, and how many were, per state:
    # the quarter's page shows them after the records themselves all read "closed".
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    close_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    closed_unfinished: Mapped[dict[str, int] | None] = mapped_column(JSON)
    spot_seed: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Org] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


class BranchMeeting(db.Model):
    """A branch committee meeting (支委会) that decided the opinions on some records."""

    __tablename__ = "branch_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # the branch
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "personal"})
    decision: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appraisal(db.Model):
    """One member's record for one quarter, moved only by app/appraisal/workflow.py."""

    __tablename__ = "appraisal"
    __table_args__ = (
        UniqueConstraint("member_id", "year", "quarter", name="uq_appraisal_member_year_q"),
        CheckConstraint(one_of("status", Status), name="status_valid"),
        CheckConstraint(one_of("grade", Grade, nullable=True), name="grade_valid"),
        CheckConstraint(one_of("veto_category", VetoCategory, nullable=True), name="veto_valid"),
        CheckConstraint("NOT is_vetoed OR grade = 'unqualified'", name="vetoed_means_unqualified"),
        # The branch overview and dashboards count by (period, org, status) without a join.
        Index("ix_appraisal_period_org_status", "period_id", "org_id", "status"),
        Index("ix_appraisal_year_quarter_status", "year", "quarter", "status"),
        # The inbox: what waits at a step (status) in the open quarters of a subtree, the spot
        # check's sampled-and-unchecked and the member (nobody acts on their own record) read
        # from the index too (the committee's count 2.2 -> 0.9 ms on a county); on PostgreSQL
        # the id as well, so the page's oldest ids are picked from the index alone (SQLite's
        # entries hold the row id: 1,953 spot checks waiting, 3.0 -> 1.8 ms).
        Index(
            "ix_appraisal_inbox",
            "status",
            "period_id",
            "org_id",
            "is_sampled",
            "spot_result",
            "member_id",
            postgresql_include=["id"],
        ),
        # The dashboard's quarter figures, read from the index alone.
        Index(
            "ix_appraisal_quarter_figures",
            "year",
            "quarter",
            "grade",
            "is_vetoed",
            "is_sampled",
            "spot_result",
            "org_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("appraisal_period.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    # Its old value kept on a change even if not loaded: a quarter's records are counted per
    # group of orgs, and a moved record recounts both (app/reports/figures.py).
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True, active_history=True)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT)
    is_probationary: Mapped[bool] = mapped_column(default=False)
    post_kind: Mapped[str] = mapped_column(String(20), default="no_post")
    self_record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    record_revision: Mapped[int] = mapped_column(default=0)
    sign_opinion: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The meeting's date stays here too (reports and exports read it without a join).
    branch_meeting_on: Mapped[date | None] = mapped_column(Date)
    branch_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch_meeting.id"), index=True
    )
    masses_opinion: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    branch_comment: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    grade: Mapped[str | None] = mapped_column(String(30))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    is_vetoed: Mapped[bool] = mapped_column(default=False)
    veto_category: Mapped[str | None] = mapped_column(String(30))
    veto_facts: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    is_sampled: Mapped[bool] = mapped_column(default=False)
    spot_result: Mapped[str | None] = mapped_column(String(20))  # confirmed / adjusted / returned
    is_exemplary: Mapped[bool] = mapped_column(default=False)
    exemplary_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    period: Mapped[AppraisalPeriod] = relationship(lazy="raise_on_sql")
    member: Mapped[Member] = relationship(lazy="raise_on_sql")
    org: Mapped[Org] = relationship(lazy="raise_on_sql")
    branch_meeting: Mapped[BranchMeeting | None] = relationship(lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}


class AppraisalStep(db.Model):
    """The timeline: who did what to the record, when, from which state to which.

    ``snapshot`` freezes what was signed or assessed (the self-record as submitted), so a
    later revision after a return never rewrites what an earlier signature saw.
    """

    __tablename__ = "appraisal_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponsibilityPerson(db.Model):
    """A co-worker in a member's responsibility area (责任区, rule 4.3.2)."""

    __tablename__ = "responsibility_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(50), info={"pi_class": "personal"})
    note: Mapped[str] = mapped_column(String(200), default="", info={"pi_class": "sensitive"})
    is_key: Mapped[bool] = mapped_column(default=False)  # 重点人
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChecklistItem(db.Model):
    """One item of a committee's (or general branch's) 三必清 / 三必访 / 四必谈 list."""

    __tablename__ = "checklist_item"
    __table_args__ = (CheckConstraint(one_of("kind", ChecklistKind), name="kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactLog(db.Model):
    """A talk or home visit with a person of the responsibility area."""

    __tablename__ = "contact_log"
    __table_args__ = (CheckConstraint("kind IN ('talk', 'visit', 'help')", name="kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("responsibility_person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    # The 三必清 / 三必访 / 四必谈 item this talk or visit fulfils, if any.
    checklist_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_item.id"), index=True
    )
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
