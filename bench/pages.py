"""The pages people open all day, on the generated county, each beside the bare page.

    .venv/bin/python -m bench.pages --database-url URL [--quick]

Logged in as the county's committee (``bench``), the first branch's secretary and its agent
(bench/generate.py); every page through the real app and test client, with the most SQL
statements any one request ran.
"""

from __future__ import annotations

from sqlalchemy import select

from bench.common import Figure, login, page_figure
from bench.run import run_alone


def _ids(app) -> tuple[int, int, int, int]:
    from app.appraisal.models import AppraisalPeriod
    from app.auth.models import RoleGrant, User
    from app.extensions import db
    from app.orgs.models import Org, ServicePoint

    with app.app_context():
        period = db.session.scalar(
            select(AppraisalPeriod.id).order_by(AppraisalPeriod.year.desc(),
                                                AppraisalPeriod.quarter.desc()).limit(1)
        )  # fmt: skip
        branch = db.session.scalar(
            select(RoleGrant.org_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(User.username == "bench-secretary")
        )
        root = db.session.scalar(select(Org.id).where(Org.parent_id.is_(None)).order_by(Org.id))
        district = db.session.scalar(
            select(ServicePoint.id).where(ServicePoint.org_id == root).order_by(ServicePoint.id)
        )
        return period, branch, root, district


def run(app, quick: bool = False) -> list[Figure]:
    n = 5 if quick else 40
    period, branch, root, district = _ids(app)
    committee, secretary, agent = login(app), login(app, "bench-secretary"), None
    agent = login(app, "bench-agent")
    pages = [
        # What any logged-in page costs here: the session, the layout and a small form.
        ("logged-in form page, the layout alone (committee)", committee, "/auth/password"),
        ("roster list page 1 (committee)", committee, "/roster/"),
        ("roster list, branch + status filter (committee)", committee,
         f"/roster/?org_id={branch}&party_status=normal"),
        ("roster list page 1 (secretary)", secretary, "/roster/"),
        ("inbox (committee)", committee, "/appraisal/"),
        ("inbox (secretary)", secretary, "/appraisal/"),
        ("home page (committee)", committee, "/"),
        ("home page (secretary)", secretary, "/"),
        ("appraisal overview, whole county (committee)", committee,
         f"/appraisal/periods/{period}/orgs/{root}"),
        ("appraisal overview, one branch (secretary)", secretary,
         f"/appraisal/periods/{period}/orgs/{branch}"),
        ("my cases (agent)", agent, "/cases/"),
        ("case board, district centre (committee)", committee, f"/cases/points/{district}"),
        ("six-rate report (committee)", committee, "/reports/rates"),
        ("committee dashboard", committee, "/reports/"),
    ]  # fmt: skip
    figures = [page_figure(app, client, label, url, n) for label, client, url in pages]
    return figures + _cold(app, 5 if quick else 15, committee, secretary, district)


def _cold(app, n: int, committee, secretary, district: int) -> list[Figure]:
    """The pages whose figures are computed once per change of their data (app/common/
    versions.py), as the first view after a change sees them: the memo emptied before each
    request. (The figures above are the warm views.)"""
    from app.common.versions import clear_memo

    pages = [
        ("roster list page 1 (committee), cold", committee, "/roster/"),
        ("inbox (committee), cold", committee, "/appraisal/"),
        ("case board, district centre (committee), cold", committee, f"/cases/points/{district}"),
        ("home page (committee), cold", committee, "/"),
        ("home page (secretary), cold", secretary, "/"),
        ("six-rate report (committee), cold", committee, "/reports/rates"),
        ("committee dashboard, cold", committee, "/reports/"),
    ]
    figures = [page_figure(app, c, label, url, n, clear_memo) for label, c, url in pages]
    return figures + _after_writes(app, n, committee)


def _after_writes(app, n: int, committee) -> list[Figure]:
    """The committee's figures as the first view after one write sees them, the kind that
    comes many times a minute at quarter's end: a case of this month handled (the cases'
    topic, this month's and its point's group of open cases: app/reports/figures.py, the
    latest case's point), an appraisal record of this quarter signed (the appraisal topic,
    this quarter's and its org's group: the latest record's org). The figures kept per month and per
    quarter for the others are reused, as they are on a server."""
    from sqlalchemy import func, select

    from app.appraisal.models import Appraisal
    from app.cases.models import ServiceCase
    from app.common import parts, timeutil, versions
    from app.extensions import db
    from app.reports import figures as report_figures

    today = timeutil.today()
    with app.app_context():
        latest = db.session.scalar(select(func.max(ServiceCase.id)))
        point_id = db.session.get(ServiceCase, latest).service_point_id
        record = db.session.scalar(select(func.max(Appraisal.id)))
        org_id = db.session.get(Appraisal, record).org_id
    case_write = [
        "cases",
        parts.part_topic(report_figures.CASE_DATES, parts.month_of(today)),
        parts.part_topic(report_figures.OPEN_CASES, str(parts.group_of(point_id))),
    ]
    quarter = parts.quarter_part(today.year, (today.month - 1) // 3 + 1)
    record_write = [
        "appraisal",
        parts.part_topic(report_figures.APPRAISAL_QUARTERS, quarter),
        parts.part_topic(report_figures.APPRAISAL_ORGS, str(parts.group_of(org_id))),
    ]

    def bump(topics: list[str]):
        def before() -> None:
            with app.app_context():
                versions.bump(db.session, topics)
                db.session.commit()

        return before

    pages = [
        ("home page (committee), after a case write", "/", case_write),
        ("six-rate report (committee), after a case write", "/reports/rates", case_write),
        ("committee dashboard, after a case write", "/reports/", case_write),
        ("home page (committee), after an appraisal write", "/", record_write),
        ("committee dashboard, after an appraisal write", "/reports/", record_write),
    ]
    return [
        page_figure(app, committee, label, url, n, bump(topics)) for label, url, topics in pages
    ]


def main() -> None:
    run_alone(run)


if __name__ == "__main__":
    main()
