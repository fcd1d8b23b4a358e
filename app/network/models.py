"""Running the service network (plan 三.2, 三.7, 四): duty rotas with their shifts, the
letters-and-visits register, complaints with their rectification, inspections with their
findings and notice, accountability records, agents' training and their rewards or penalties.

The phones of people who write, visit or complain are personal data, stored like the
applicants': encrypted, with a keyed hash for lookup and the last four digits for display."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member

# --- duty ---------------------------------------------------------------------------------------


class RotaKind(StrEnum):
    DUTY = "duty"  # 党员干部值班 (district and township points)
    RECEPTION = "reception"  # 领导接待日
    ROTATION = "rotation"  # 村干部轮流坐班 (village rooms)


class RotaStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Slot(StrEnum):
    DAY = "day"
    MORNING = "morning"
    AFTERNOON = "afternoon"


class DutyRota(db.Model):
    """One month of one kind of duty at one service point."""

    __tablename__ = "duty_rota"
    __table_args__ = (
        CheckConstraint(one_of("kind", RotaKind), name="kind_valid"),
        CheckConstraint(one_of("status", RotaStatus), name="status_valid"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_valid"),
        UniqueConstraint("service_point_id", "year", "month", "kind", name="uq_duty_rota_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=RotaStatus.DRAFT)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    service_point: Mapped[ServicePoint] = relationship(lazy="joined")
    shifts: Mapped[list[DutyShift]] = relationship(
        back_populates="rota",
        cascade="all, delete-orphan",
        order_by="(DutyShift.day, DutyShift.slot, DutyShift.id)",
        lazy="raise_on_sql",
    )


class DutyShift(db.Model):
    """One person on duty on one day (or half-day) of a rota. ``kept`` is recorded afterwards:
    True on duty as planned, False missed, None not yet recorded."""

    __tablename__ = "duty_shift"
    __table_args__ = (
        CheckConstraint(one_of("slot", Slot), name="slot_valid"),
        UniqueConstraint("rota_id", "day", "slot", "member_id", name="uq_duty_shift_person"),
        Index("ix_duty_shift_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int] = mapped_column(ForeignKey("duty_rota.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(20), default=Slot.DAY)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kept: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")

    rota: Mapped[DutyRota] = relationship(back_populates="shifts", lazy="raise_on_sql")
    member: Mapped[Member] = relationship(lazy="joined")


class VisitChannel(StrEnum):
    LETTER = "letter"  # 来信
    VISIT = "visit"  # 来访
    PHONE = "phone"  # 来电


class VisitStatus(StrEnum):
    OPEN = "open"
    HANDLED = "handled"  # answered or settled on the spot, how written in ``handling``
    CASE = "case"  # it was a matter for the service: a case was registered from it


class Visit(db.Model):
    """A letter or a visit at a service point (来信来访登记), and how it was handled."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(one_of("channel", VisitChannel), name="channel_valid"),
        CheckConstraint(one_of("status", VisitStatus), name="status_valid"),
        Index("ix_visit_point_received", "service_point_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20), default=VisitChannel.VISIT)
    visitor_name: Mapped[str] = mapped_column(String(50))
    phone_enc: Mapped[str] = mapped_column(Text, default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    phone_tail: Mapped[str] = mapped_column(String(4), default="")
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=VisitStatus.OPEN)
    handling: Mapped[str] = mapped_column(Text, default="")
    handled_on: Mapped[date | None] = mapped_column(Date)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    service_point: Mapped[ServicePoint] = relationship(lazy="joined")


# --- supervision --------------------------------------------------------------------------------


class ComplaintStatus(StrEnum):
    RECEIVED = "received"  # registered, no handler yet
    HANDLING = "handling"  # a handler and a deadline: being looked into
    RECTIFYING = "rectifying"  # found (partly) justified: 整改 under way
    CLOSED = "closed"  # the finding, and the rectification's result where one was due


class ComplaintFinding(StrEnum):
    UPHELD = "upheld"
    PARTLY = "partly"
    NOT_UPHELD = "not_upheld"


class ComplaintChannel(StrEnum):
    ONLINE = "online"  # the public form under /guide
    COUNTER = "counter"
    PHONE = "phone"
    LETTER = "letter"


class Complaint(db.Model):
    """监督投诉: a complaint about a service point or one of its agents."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint(one_of("status", ComplaintStatus), name="status_valid"),
        CheckConstraint(one_of("finding", ComplaintFinding, nullable=True), name="finding_valid"),
        CheckConstraint(one_of("channel", ComplaintChannel), name="channel_valid"),
        Index("ix_complaint_point_status", "service_point_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"))
    agent_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default=ComplaintChannel.COUNTER)
    complainant_name: Mapped[str] = mapped_column(String(50), default="")
    phone_enc: Mapped[str] = mapped_column(Text, default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    phone_tail: Mapped[str] = mapped_column(String(4), default="")
    content: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ComplaintStatus.RECEIVED)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    finding: Mapped[str | None] = mapped_column(String(20))
    finding_note: Mapped[str] = mapped_column(Text, default="")
    rectification: Mapped[str] = mapped_column(Text, default="")  # 整改: what must change
    rectify_due_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")  # what changed, and the reply
    closed_on: Mapped[date | None] = mapped_column(Date)
    tracking_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    service_point: Mapped[ServicePoint] = relationship(lazy="joined")
    agent: Mapped[Member | None] = relationship(lazy="joined")


class ComplaintStep(db.Model):
    """A complaint's timeline (the shared workflow core's step shape)."""

    __tablename__ = "complaint_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Inspection(db.Model):
    """督查: an inspection of the points of an org's subtree, its findings, and the notice
    (通报) that publishes them."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # the inspected subtree
    title: Mapped[str] = mapped_column(String(200))
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    inspectors: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    notice: Mapped[str] = mapped_column(Text, default="")  # 通报 text
    notice_published_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    org: Mapped[Org] = relationship(lazy="joined")
    findings: Mapped[list[InspectionFinding]] = relationship(
        back_populates="inspection",
        cascade="all, delete-orphan",
        order_by="InspectionFinding.id",
        lazy="selectin",
    )


class InspectionFinding(db.Model):
    """One problem an inspection found at a point, what must be rectified, and by when."""

    __tablename__ = "inspection_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"))
    problem: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    rectification: Mapped[str] = mapped_column(Text, default="")
    rectified_on: Mapped[date | None] = mapped_column(Date)

    inspection: Mapped[Inspection] = relationship(back_populates="findings", lazy="raise_on_sql")
    service_point: Mapped[ServicePoint | None] = relationship(lazy="joined")


class Accountability(db.Model):
    """责任追究 against a person, with its grounds; visible to the committee only."""

    __tablename__ = "accountability"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # the deciding body
    decided_on: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")


# --- agents' training and assessment ------------------------------------------------------------


class Training(db.Model):
    """教育培训: a training session for the agents of an org's subtree."""

    __tablename__ = "training"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(default=2.0)
    place: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    org: Mapped[Org] = relationship(lazy="joined")


class TrainingAttendance(db.Model):
    """Who was expected at a training, and whether they came."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("training_id", "member_id", name="uq_training_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    attended: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    member: Mapped[Member] = relationship(lazy="joined")


class AwardKind(StrEnum):
    REWARD = "reward"  # 奖
    PENALTY = "penalty"  # 惩


class AgentAward(db.Model):
    """考核奖惩: a reward or a penalty given to an agent, with its reason."""

    __tablename__ = "agent_award"
    __table_args__ = (CheckConstraint(one_of("kind", AwardKind), name="kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # the deciding body
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")
