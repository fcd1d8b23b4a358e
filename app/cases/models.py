"""Applicants (citizens, no login), their service cases, each case's timeline, the departments'
parts of a joint case, and the applicant's evaluations."""

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
from app.orgs.models import ServicePoint
from app.roster.models import Member
from app.volunteers.models import ServiceItem


class Status(StrEnum):
    NEW = "new"  # built, not yet registered (the first step registers it)
    APPLIED = "applied"  # registered (online or at the counter), waiting to be accepted
    SUPPLEMENT = "supplement"  # 补办件: papers missing, the clock stopped
    HANDLING = "handling"  # 承办: accepted, in an agent's hands
    DONE = "done"  # 办结: the result is recorded, not yet delivered
    DELIVERED = "delivered"  # 反馈: the result reached the applicant, awaiting a rating
    FOLLOW_UP = "follow_up"  # a bad rating: return visit and fix, then one more rating
    EVALUATED = "evaluated"  # 评价: closed with the applicant's rating
    REFUSED = "refused"  # 不予受理, with the reason the applicant receives
    WITHDRAWN = "withdrawn"  # 撤回 by the applicant


OPEN_STATUSES = (
    Status.APPLIED,
    Status.SUPPLEMENT,
    Status.HANDLING,
    Status.DONE,
    Status.DELIVERED,
    Status.FOLLOW_UP,
)


class Kind(StrEnum):
    IMMEDIATE = "immediate"  # 即办件
    PROMISED = "promised"  # 承诺件
    SUPPLEMENT = "supplement"  # 补办件
    ESCALATED = "escalated"  # 上报件


class Channel(StrEnum):
    COUNTER = "counter"  # walked in
    PHONE = "phone"
    ONLINE = "online"  # 网络代理服务 (plan 三.5)


class Applicant(db.Model):
    """A citizen who applies (申办人). Not a user; the phone and any ID number are stored like
    the roster's: encrypted, with a keyed hash for lookup, shown masked."""

    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone_enc: Mapped[str] = mapped_column(Text, default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    phone_tail: Mapped[str] = mapped_column(String(4), default="")
    id_number_enc: Mapped[str] = mapped_column(Text, default="")
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    village: Mapped[str] = mapped_column(String(100), default="")
    address_enc: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deadlines:
    """A case's clock read from its state and dates: shared by the mapped case and the plain
    rows the lists read (``app.cases.pages.CaseRow``)."""

    __slots__ = ()
    status: str
    due_on: date | None
    visit_due_on: date | None
    fix_due_on: date | None
    done_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def running_due(self) -> date | None:
        """The deadline the case works to now: the promised date while in hand; in a follow-up
        the return visit's, then once visited the fix's. A stopped clock has none."""
        if self.status == Status.HANDLING:
            return self.due_on
        if self.status == Status.FOLLOW_UP:
            return self.visit_due_on or self.fix_due_on
        return None

    def is_overdue(self, today: date) -> bool:
        """Past the running deadline, or completed after the promised date (pages.late_clause
        is the same rule in SQL)."""
        due = self.running_due
        if due is not None:
            return due < today
        if self.status == Status.DONE and self.due_on and self.done_on:
            return self.done_on > self.due_on
        return False


class ServiceCase(Deadlines, db.Model):
    """One matter of one applicant, for a catalogue item, owned by a service point.

    ``service_point_id`` is the point that owns the case now (it moves up when escalated);
    ``origin_point_id`` the one that registered it, whose agent sees it through."""

    __tablename__ = "service_case"
    __table_args__ = (
        CheckConstraint(one_of("status", Status), name="status_valid"),
        CheckConstraint(one_of("kind", Kind, nullable=True), name="kind_valid"),
        CheckConstraint(one_of("channel", Channel), name="channel_valid"),
        UniqueConstraint("origin_point_id", "year", "seq", name="uq_service_case_point_year_seq"),
        # A point's cases by state; its open ones counted from the index alone (the holder, the
        # dates that make one overdue): the dashboards' and home page's open cases.
        Index(
            "ix_service_case_point_status",
            "service_point_id",
            "status",
            "agent_member_id",
            "due_on",
            "done_on",
            "visit_due_on",
            "fix_due_on",
        ),
        # The open cases of the points one serves or supervises; all open cases (committee).
        Index("ix_service_case_origin_status", "origin_point_id", "status"),
        Index("ix_service_case_status", "status"),
        # The six rates and the dashboards' case figures read a span of dates (app/reports).
        Index("ix_service_case_created_at", "created_at"),
        Index("ix_service_case_accepted_at", "accepted_at"),
        Index("ix_service_case_done_on", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)  # 泉湖村室〔2026〕0042
    year: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"), index=True)
    # The old value is kept when it changes even if it was not loaded: the open cases are
    # kept per group of points, and a moved case recounts both (app/reports/figures.py).
    service_point_id: Mapped[int] = mapped_column(
        ForeignKey("service_point.id"), active_history=True
    )
    origin_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default=Channel.COUNTER)
    status: Mapped[str] = mapped_column(String(20), default=Status.NEW)
    kind: Mapped[str | None] = mapped_column(String(20))
    request: Mapped[str] = mapped_column(Text, default="")  # what the applicant needs
    # 受理: the item's materials ticked off as received, and what is still missing.
    materials_received: Mapped[list[str]] = mapped_column(JSON, default=list)
    missing_materials: Mapped[str] = mapped_column(Text, default="")
    receipt_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The clock: working days from the acceptance (or from the papers' arrival).
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    clock_started_on: Mapped[date | None] = mapped_column(Date)
    agent_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    first_agent_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    result: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    delivered_via: Mapped[str] = mapped_column(String(100), default="")
    delivered_on: Mapped[date | None] = mapped_column(Date)
    refused_reason: Mapped[str] = mapped_column(Text, default="")
    # The bad-rating follow-up: a return visit within one working day, a fix within fifteen.
    visit_due_on: Mapped[date | None] = mapped_column(Date)
    fix_due_on: Mapped[date | None] = mapped_column(Date)
    # The tracking code the applicant holds: encrypted (to print it again), and keyed-hashed.
    tracking_enc: Mapped[str] = mapped_column(Text, default="")
    tracking_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    # What every page and rule of a case reads comes with it (one query with joins).
    item: Mapped[ServiceItem] = relationship(lazy="joined")
    service_point: Mapped[ServicePoint] = relationship(
        foreign_keys=[service_point_id], lazy="joined"
    )
    origin_point: Mapped[ServicePoint] = relationship(foreign_keys=[origin_point_id], lazy="joined")
    applicant: Mapped[Applicant] = relationship(lazy="joined")
    agent: Mapped[Member | None] = relationship(foreign_keys=[agent_member_id], lazy="joined")
    parts: Mapped[list[CasePart]] = relationship(
        cascade="all, delete-orphan", order_by="CasePart.id", lazy="selectin"
    )


class CasePart(db.Model):
    """A department's part of a joint case (联合代理); the case completes when all are done."""

    __tablename__ = "case_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    department: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)


class CaseStep(db.Model):
    """The case's timeline: every step, who took it, from which state to which."""

    __tablename__ = "case_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evaluation(db.Model):
    """The applicant's rating (非常满意 5 … 非常不满意 1), online or from a return visit."""

    __tablename__ = "evaluation"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_valid"),
        CheckConstraint("source IN ('online', 'return_visit')", name="source_valid"),
        # The satisfaction rate: the ratings given in a span of dates (app/reports/rates.py).
        Index("ix_evaluation_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id"), index=True)
    level: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(default=1)  # 2 after a bad rating's follow-up
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
