"""Branch overview benchmark: N members (default 20,000) with four quarters of appraisal
records, then the current quarter's overview of the committee and of its biggest branch timed
through the test client (median of several requests), with query counts and page sizes.

    .venv/bin/python -m bench.overview [--members 20000] [--requests 7] [--database-url URL]

The data come from the builders of bench.roster and bench.dashboard; pass the same
--database-url twice to time a change against the same data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from sqlalchemy import event, func, select

from bench.dashboard import _appraisals
from bench.roster import build as build_members


def _targets(db) -> list[tuple[str, str]]:
    """(label, url) of the committee's and the biggest branch's overview (current quarter)."""
    from app.appraisal.models import Appraisal, AppraisalPeriod
    from app.orgs.models import Org

    period = db.session.scalars(
        select(AppraisalPeriod).order_by(
            AppraisalPeriod.year.desc(), AppraisalPeriod.quarter.desc()
        )
    ).first()
    root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
    counts: dict[int, int] = {}
    for org_id, n in db.session.execute(
        select(Appraisal.org_id, func.count())
        .where(Appraisal.period_id == period.id)
        .group_by(Appraisal.org_id)
    ):
        org = db.session.get(Org, org_id)
        counts[org.branch_id] = counts.get(org.branch_id, 0) + n
    branch_id, n = max(counts.items(), key=lambda kv: kv[1])
    base = f"/appraisal/periods/{period.id}/orgs"
    return [
        (f"committee overview ({sum(counts.values()):,} records)", f"{base}/{root.id}"),
        ("committee, every record listed, page 100", f"{base}/{root.id}?view=list&page=100"),
        (f"biggest branch overview ({n:,} records)", f"{base}/{branch_id}"),
        ("biggest branch, filtered by state", f"{base}/{branch_id}?status=assessed"),
    ]


def measure(app, n_requests: int = 7) -> dict[str, float]:
    from app.extensions import db

    with app.app_context():
        targets = _targets(db)
        engine = db.engine
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench", "password": "roster-load-2024-x"})
    out: dict[str, float] = {}
    for label, url in targets:
        client.get(url)  # warm up
        times, counts, size = [], [], 0
        for _ in range(n_requests):
            statements: list[str] = []

            def _count(conn, cursor, statement, *args, _s=statements):
                _s.append(statement)

            event.listen(engine, "before_cursor_execute", _count)
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            event.remove(engine, "before_cursor_execute", _count)
            counts.append(len(statements))
            size = len(r.data)
            assert r.status_code == 200, r.status_code
        out[f"{label}, median ms"] = statistics.median(times)
        out[f"{label}, SQL queries"] = max(counts)
        out[f"{label}, HTML KiB"] = size / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from app import create_app
    from app.common import timeutil
    from app.extensions import db

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        DEMO_MODE=True,  # made-up data: the public development keys will do
    )
    build_members(app, args.members)
    with app.app_context():
        t = time.perf_counter()
        records = _appraisals(db, timeutil.today(), random.Random(11))  # noqa: S311
        print(f"built {records:,} records in {time.perf_counter() - t:.1f} s")
    for key, value in measure(app, args.requests).items():
        print(f"{key:60s} {value:10.1f}")


if __name__ == "__main__":
    main()
