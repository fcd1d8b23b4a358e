"""The 七一 selection: a round opened by a committee for its subtree, the branches'
nominations within quota, the objections raised during the public notice, and the timeline."""

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


class RoundStatus(StrEnum):
    NOMINATING = "nominating"  # the branches nominate within quota
    REVIEWING = "reviewing"  # nominations closed; the committee approves or sends back
    NOTICE = "notice"  # 公示: the approved list is public, objections are heard
    FINAL = "final"  # the final list is approved


class NominationStatus(StrEnum):
    NEW = "new"  # built, not yet nominated (the first step nominates it)
    NOMINATED = "nominated"  # the branch's nomination, waiting for the committee
    SENT_BACK = "sent_back"  # the committee asked the branch to revise or reconsider
    APPROVED = "approved"  # the committee approved it: on the notice, then the final list
    WITHDRAWN = "withdrawn"  # the branch withdrew it
    DROPPED = "dropped"  # taken off the list by the committee (an objection upheld)


class QuotaMode(StrEnum):
    COUNT = "count"  # the same number for every branch
    SHARE = "share"  # a share of the branch's members, rounded as the committee states


class Rounding(StrEnum):
    FLOOR = "floor"
    ROUND = "round"  # half up
    CEIL = "ceil"


class SelectionRound(db.Model):
    """A year's selection (e.g. 2027年"七一"优秀共产党员评选) over a committee's subtree."""

    __tablename__ = "selection_round"
    __table_args__ = (
        CheckConstraint(one_of("status", RoundStatus), name="status_valid"),
        CheckConstraint(one_of("quota_mode", QuotaMode), name="quota_mode_valid"),
        CheckConstraint(one_of("quota_rounding", Rounding), name="quota_rounding_valid"),
        UniqueConstraint("org_id", "year", name="uq_selection_round_org_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    year: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.NOMINATING)
    # The appraisal quarters the selection reads, as [[year, quarter], ...] oldest first.
    quarters: Mapped[list[list[int]]] = mapped_column(JSON)
    quota_mode: Mapped[str] = mapped_column(String(10), default=QuotaMode.SHARE)
    quota_value: Mapped[float] = mapped_column(default=0.1)
    quota_rounding: Mapped[str] = mapped_column(String(10), default=Rounding.ROUND)
    # A number set by hand for a branch, {branch_id: n}, over the rule above.
    quota_overrides: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Eligibility rules switched off, {rule key: reason}; every other rule applies.
    rules_off: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    nominations_due: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date)
    notice_starts: Mapped[date] = mapped_column(Date)
    notice_ends: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Org] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def window(self) -> list[tuple[int, int]]:
        return [(int(y), int(q)) for y, q in self.quarters]


class Nomination(db.Model):
    """A branch's nomination of one member, with its reason (推荐理由) and deeds (主要事迹)."""

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint(one_of("status", NominationStatus), name="status_valid"),
        UniqueConstraint("round_id", "member_id", name="uq_nomination_round_member"),
        Index("ix_nomination_round_branch", "round_id", "branch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_round.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    status: Mapped[str] = mapped_column(String(20), default=NominationStatus.NEW)
    reason: Mapped[str] = mapped_column(Text, default="")
    deeds: Mapped[str] = mapped_column(String(200), default="")
    # Why a flagged candidate (a quarter missing or open) is nominated all the same.
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The candidate's figures and rank when nominated (the list may move later).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    round: Mapped[SelectionRound] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(lazy="joined")
    branch: Mapped[Org] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Objection(db.Model):
    """An objection (异议) raised during the notice against a nominee, and how it was answered."""

    __tablename__ = "objection"
    __table_args__ = (
        CheckConstraint(
            one_of("outcome", ("upheld", "dismissed"), nullable=True), name="outcome_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    raised_by: Mapped[str] = mapped_column(String(100), default="", info={"pi_class": "personal"})
    content: Mapped[str] = mapped_column(Text, info={"pi_class": "sensitive"})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    answer: Mapped[str] = mapped_column(Text, default="", info={"pi_class": "sensitive"})
    answered_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_open(self) -> bool:
        return self.outcome is None


class SelectionStep(db.Model):
    """The round's timeline: its own steps and every nomination's, who took them, when."""

    __tablename__ = "selection_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_round.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
