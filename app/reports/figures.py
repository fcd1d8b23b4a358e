"""The reports' figures computed once per change of their data (app/common/versions.py).

Every commit that writes one of a topic's tables gives the topic a new token; a figure cached
under its topics is reused until then. The key of a figure holds everything else it depends
on: the user (their scope; their grants are the roster topic's), the subtrees and periods, the
rules in force (``report_settings``, a row per tree, read before the figure is asked for:
``settings_key``) and, when the figure depends on the clock (overdue cases, the current
quarter), today's date.

Use::

    from app.reports import figures

    key = ("reports.home_figures", user.id, today, figures.settings_key())
    value = versions.cached(figures.CASES, key, compute)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appraisal.models import Appraisal
from app.cases.models import Evaluation, ServiceCase
from app.common import parts, versions
from app.extensions import db
from app.reports.models import ReportSettings
from app.reports.settings import RateRules

# The tables each topic watches ("roster", which holds the members, orgs and role grants, is
# registered by app.roster.search; app/appraisal/overview.py reads the "appraisal" topic too).
versions.watch("cases", "service_case", "evaluation", "case_step", "applicant")
versions.watch("appraisal", "appraisal", "appraisal_step", "appraisal_period")
versions.watch("catalogue", "service_item", "item_agent")
versions.watch("network", "service_point", "duty_rota", "volunteer_profile")
versions.watch("accounts", "user_account")
versions.watch("settings", ReportSettings)
# A case counts in the months of its dates (registered, accepted, completed) and of its
# latest rating: the rates and the case figures are kept per month, and a write recomputes the
# months it touched (today's, the case's), not the year's.
CASE_DATES = "case_dates"


def _ratings_of_case(session: Session, rating: Any) -> Iterable[str]:
    """The months each rating of ``rating``'s case was given in: a new rating supersedes
    the latest one, which then leaves its month's satisfaction figures."""
    stmt = select(Evaluation.created_at).where(Evaluation.case_id == rating.case_id)
    return {parts.month_of(when) for when in session.scalars(stmt)}


parts.watch_months(CASE_DATES, ServiceCase, "created_at", "accepted_at", "done_on")
parts.watch_months(CASE_DATES, Evaluation, "created_at", related=_ratings_of_case)
# The open cases are kept per group of service points (``parts.group_of`` the point's id): a
# case written recounts the open cases of its point's group (both, when it moves), a
# thirty-second of a county's; a quarter's records per org and step per group of orgs.
OPEN_CASES = "open_cases"
parts.watch_groups(OPEN_CASES, ServiceCase, "service_point_id")
APPRAISAL_ORGS = "appraisal_orgs"
parts.watch_groups(APPRAISAL_ORGS, Appraisal, "org_id")
# The counts find a quarter's records through its periods: a period written counts every group
# again (a quarter opened, closed or re-dated: rare).
versions.watch(APPRAISAL_ORGS, "appraisal_period")
# An appraisal record counts in its quarter: the dashboards' quarters are kept one by one.
APPRAISAL_QUARTERS = "appraisal_quarters"
parts.watch_quarters(APPRAISAL_QUARTERS, Appraisal, "year", "quarter")

# A login writes its time on the account; no figure reads it (the health rate reads whether
# the agents' accounts are active), so logging in leaves the figures over accounts kept.
versions.ignore("user_account", "last_login_at")

# What each figure reads. Cases count with their service point's org, so the roster topic
# (orgs) and the network topic (points) are in every case figure.
CASES = ("cases", "network", "roster")
CASE_ITEMS = ("cases", "catalogue", "network", "roster")
POINTS = ("network", "catalogue", "roster", "accounts")
RATES = ("cases", "network", "catalogue", "roster", "accounts")
ITEMS = ("catalogue", "roster")
APPRAISAL = ("appraisal", "roster")
ORGS = ("roster",)  # the orgs a user's grants reach
PLACED = ("network", "roster")  # the agents a volunteer profile places at a point
POINTS_UNDER = ("network", "roster")  # the service points under an org's subtree
# An org's dashboard page: every panel above (its rendered body is kept under all of them),
# and its service sections apart: every panel but the appraisal ones.
DASHBOARD_PAGE = ("appraisal", "cases", "catalogue", "network", "roster", "accounts")
DASHBOARD_CASES = ("cases", "catalogue", "network", "roster", "accounts")


def case_month(month: date, *, catalogue: bool = False) -> tuple[str, ...]:
    """The topics of the case figures of ``month`` (its first day): the cases and ratings of
    that month, the points and orgs they count with (and the items, ``catalogue``)."""
    base = ("catalogue", "network", "roster") if catalogue else ("network", "roster")
    return (*base, *parts.part_topics(CASE_DATES, parts.month_of(month)))


def open_cases_group(group: int) -> tuple[str, ...]:
    """The topics of the open cases of one group of points: its cases, the points (their
    orgs) and the orgs and grants (a reader's scope)."""
    return ("network", "roster", *parts.part_topics(OPEN_CASES, str(group)))


def appraisal_orgs_group(group: int) -> tuple[str, ...]:
    """The topics of the appraisal records of one group of orgs (any quarter's): its records,
    the orgs and grants (a reader's scope) and the members."""
    return ("roster", *parts.part_topics(APPRAISAL_ORGS, str(group)))


def appraisal_quarter(year: int, quarter: int) -> tuple[str, ...]:
    """The topics of the appraisal figures of one quarter: its records, the orgs and grants
    (a reader's scope) and the members."""
    return ("roster", *parts.part_topics(APPRAISAL_QUARTERS, parts.quarter_part(year, quarter)))


def settings_key() -> tuple[tuple[int, RateRules], ...]:
    """The rules in force in every tree (a row per tree, read in one query once per change of
    the settings): a key part of the figures and pages that compute with them, so that saving
    the settings shows at once."""

    def compute() -> tuple[tuple[int, RateRules], ...]:
        rows = db.session.scalars(select(ReportSettings).order_by(ReportSettings.org_id))
        return tuple((row.org_id, RateRules.of(row)) for row in rows)

    return versions.cached(("settings",), "reports.settings_key", compute)
