"""The committee's choices where the plan leaves the six rates and the October ranking open.

One row per tree (``org_id`` is its root committee); a tree without a row uses the defaults,
so the rates work before anyone opens the settings page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.constraints import one_of
from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class DutyRule(StrEnum):
    STAFFED = "staffed"  # an agent account or a volunteer attached to the point
    ACCOUNT = "account"  # an agent account at the point
    ROTA = "rota"  # a published duty rota for a month of the period


class CatalogueRule(StrEnum):
    OWN = "own"  # a published item of the point's own org, or one designated at the point
    INHERITED = "inherited"  # also the published items of the orgs above (the township's …)


class EmptyRateRule(StrEnum):
    LEFT_OUT = "left_out"  # a rate with nothing to count ("—") is left out of the mean
    ZERO = "zero"  # it counts as 0 % in the mean (nothing published, nothing rated …)


class ExpectedRule(StrEnum):
    ACTIVE = "active"  # the active points
    ALL = "all"  # every point ever set up, closed ones counting as not in order


class ReportSettings(db.Model):
    """Our defaults for the rates' open definitions and the townships' ranking; the committee
    may change them on the settings page (audited)."""

    __tablename__ = "report_settings"
    __table_args__ = (
        CheckConstraint(one_of("duty_rule", DutyRule), name="duty_rule_valid"),
        CheckConstraint(one_of("catalogue_rule", CatalogueRule), name="catalogue_rule_valid"),
        CheckConstraint(one_of("expected_rule", ExpectedRule), name="expected_rule_valid"),
        CheckConstraint(one_of("empty_rate_rule", EmptyRateRule), name="empty_rate_rule_valid"),
        CheckConstraint("complaint_penalty BETWEEN 0 AND 100", name="penalty_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), unique=True)
    duty_rule: Mapped[str] = mapped_column(String(20), default=DutyRule.STAFFED)
    catalogue_rule: Mapped[str] = mapped_column(String(20), default=CatalogueRule.OWN)
    expected_rule: Mapped[str] = mapped_column(String(20), default=ExpectedRule.ACTIVE)
    count_withdrawn: Mapped[bool] = mapped_column(default=False)
    # Percentage points taken off a township's score per upheld complaint of the year.
    complaint_penalty: Mapped[float] = mapped_column(default=2.0)
    # How a township's rate with nothing to count enters its score.
    empty_rate_rule: Mapped[str] = mapped_column(
        String(20), default=EmptyRateRule.LEFT_OUT, server_default=EmptyRateRule.LEFT_OUT
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
