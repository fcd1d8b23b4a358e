"""Dashboard benchmark: N members (default 100,000) with four quarters of appraisal records and
a year of cases, then the committee's dashboard and home page timed, with their query counts.

    .venv/bin/python -m bench.dashboard [--members 100000] [--cases-per-day 100]
                                        [--database-url URL]

The members come from bench.roster; records and cases are inserted in bulk (Core inserts),
shaped to every state; the pages run through the real app and test client.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, insert, select

from bench.roster import build as build_members

STEPS = ["draft", "submitted", "signed", "assessed", "closed"]
GRADES = ["excellent", "qualified", "qualified", "qualified", "basically_qualified"]
CASE_STATES = ["applied", "handling", "done", "delivered", "evaluated", "evaluated", "refused"]


def _appraisals(db, today: date, rng: random.Random) -> int:
    from app.appraisal.models import Appraisal, AppraisalPeriod
    from app.orgs.models import Org
    from app.roster.models import Member

    root = db.session.scalar(select(Org.id).where(Org.parent_id.is_(None)))
    members = db.session.execute(select(Member.id, Member.org_id)).all()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    done = 0
    for back in range(4):
        q, y = quarter - back, year
        if q < 1:
            q, y = q + 4, year - 1
        exists = db.session.scalar(
            select(AppraisalPeriod.id).where(
                AppraisalPeriod.year == y, AppraisalPeriod.quarter == q
            )
        )
        if exists:
            period_id = exists
        else:
            due = date(y, q * 3, 20)
            period_id = db.session.execute(
                insert(AppraisalPeriod).values(
                    org_id=root, year=y, quarter=q, self_due=due, sign_due=due,
                    opinion_due=due, spot_due=due, templates={}, opened_at=datetime.now(UTC),
                ).returning(AppraisalPeriod.id)
            ).scalar_one()  # fmt: skip
        rows = []
        have = set(
            db.session.scalars(
                select(Appraisal.member_id).where(Appraisal.year == y, Appraisal.quarter == q)
            )
        )
        for member_id, org_id in members:
            if member_id in have:
                continue
            status = STEPS[rng.randrange(5)] if back == 0 else "closed"
            grade = rng.choice(GRADES) if status in ("assessed", "closed") else None
            sampled = grade is not None and rng.random() < 0.1
            rows.append({
                "period_id": period_id, "member_id": member_id, "org_id": org_id, "year": y,
                "quarter": q, "status": status, "grade": grade, "is_vetoed": False,
                "is_sampled": sampled, "spot_result": "confirmed" if sampled else None,
                "self_record": {}, "version": 1,
            })  # fmt: skip
            if len(rows) == 10000:
                db.session.execute(insert(Appraisal), rows)
                done += len(rows)
                rows = []
        if rows:
            db.session.execute(insert(Appraisal), rows)
            done += len(rows)
    db.session.commit()
    return done


def _cases(db, today: date, per_day: int, rng: random.Random) -> int:
    from app.cases.models import Applicant, ServiceCase
    from app.orgs.models import ServicePoint
    from app.roster.models import Member
    from app.volunteers.models import ServiceItem

    points = db.session.scalars(select(ServicePoint.id)).all()
    items = db.session.scalars(select(ServiceItem.id)).all()
    agents = db.session.scalars(select(Member.id).limit(500)).all()
    applicant = db.session.execute(
        insert(Applicant).values(name="压测申办人").returning(Applicant.id)
    ).scalar_one()
    start = (db.session.scalar(select(func.max(ServiceCase.id))) or 0) + 1
    rows, n = [], 0
    for day in range(365):
        on = today - timedelta(days=day)
        for _ in range(per_day):
            n += 1
            status = rng.choice(CASE_STATES)
            rows.append({
                "number": f"压测〔{on.year}〕{start + n:07d}", "year": on.year,
                "seq": 900000 + start + n, "item_id": rng.choice(items),
                "service_point_id": (sp := rng.choice(points)), "origin_point_id": sp,
                "applicant_id": applicant, "channel": "counter", "status": status,
                "kind": "promised", "request": "压测", "materials_received": [],
                "due_on": on + timedelta(days=7), "agent_member_id": rng.choice(agents),
                "done_on": on + timedelta(days=5) if status != "applied" else None,
                "tracking_hash": f"bench{start + n}",
                "created_at": datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
                "updated_at": datetime(on.year, on.month, on.day, 2, tzinfo=UTC), "version": 1,
            })  # fmt: skip
            if len(rows) == 5000:
                db.session.execute(insert(ServiceCase), rows)
                rows = []
    if rows:
        db.session.execute(insert(ServiceCase), rows)
    db.session.commit()
    return n


def measure(app, n_requests: int = 7) -> dict[str, float]:
    from app.extensions import db

    out: dict[str, float] = {}
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench", "password": "roster-load-2024-x"})
    for label, url in (("committee dashboard", "/reports/"), ("home page", "/")):
        client.get(url)  # warm up
        times, counts = [], []
        for _ in range(n_requests):
            statements: list[str] = []
            with app.app_context():
                engine = db.engine

            def _count(conn, cursor, statement, *args, _s=statements):
                _s.append(statement)

            event.listen(engine, "before_cursor_execute", _count)
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            event.remove(engine, "before_cursor_execute", _count)
            counts.append(len(statements))
            assert r.status_code == 200, r.status_code
        out[f"{label}, median ms"] = statistics.median(times)
        out[f"{label}, SQL queries"] = max(counts)
    return out


def build_all(url: str, members: int, cases_per_day: int):
    """The app on ``url`` with ``members`` members, their four quarters of records and a year
    of cases; what the database already holds is kept (run again, it adds nothing)."""
    from app import create_app
    from app.cases.models import Applicant
    from app.common import timeutil
    from app.extensions import db

    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        DEMO_MODE=True,  # made-up data: the public development keys will do
    )
    build_members(app, members)
    rng = random.Random(11)  # noqa: S311
    with app.app_context():
        today = timeutil.today()
        t = time.perf_counter()
        records = _appraisals(db, today, rng)
        built = db.session.scalar(select(Applicant.id).where(Applicant.name == "压测申办人"))
        cases = 0 if built else _cases(db, today, cases_per_day, rng)
        print(f"built {records:,} records and {cases:,} cases in {time.perf_counter() - t:.1f} s")
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--cases-per-day", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = build_all(url, args.members, args.cases_per_day)
    for key, value in measure(app).items():
        print(f"{key:45s} {value:10.1f}")


if __name__ == "__main__":
    main()
