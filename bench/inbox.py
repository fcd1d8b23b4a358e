"""Inbox benchmark: the committee's and a branch secretary's inbox (/appraisal/) and home page
at county scale, beside a bare page (a minimal Flask page rendering a 50-row table), with
their SQL query counts. Median of several requests through the real app and test client.

    .venv/bin/python -m bench.inbox --database-url URL [--members 100000]

Reuses a database built by ``bench.dashboard`` at URL (members, four quarters of records and a
year of cases), building it first when it holds fewer members.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import event, func, select

from bench.common import BARE
from bench.dashboard import build_all


def _time(client, url: str, n: int, engine=None) -> tuple[float, int]:
    client.get(url)  # warm up
    times, counts = [], []
    for _ in range(n):
        statements: list[str] = []

        def _count(conn, cursor, statement, *args, _s=statements):
            _s.append(statement)

        if engine is not None:
            event.listen(engine, "before_cursor_execute", _count)
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        if engine is not None:
            event.remove(engine, "before_cursor_execute", _count)
        counts.append(len(statements))
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times), max(counts)


def measure(app, n_requests: int = 9) -> dict[str, float]:
    from app.demo.common import DEMO_PASSWORD
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    out: dict[str, float] = {}
    out["bare page, median ms"], _ = _time(BARE.test_client(), "/", n_requests)
    for who, password in (("bench", "roster-load-2024-x"), ("secretary", DEMO_PASSWORD)):
        client = app.test_client()
        r = client.post("/auth/login", data={"username": who, "password": password})
        assert r.status_code == 302, (who, r.status_code)
        for label, url in (("inbox", "/appraisal/"), ("home page", "/")):
            ms, queries = _time(client, url, n_requests, engine)
            out[f"{who} {label}, median ms"] = ms
            out[f"{who} {label}, SQL queries"] = queries
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--cases-per-day", type=int, default=100)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    from app.extensions import db
    from app.roster.models import Member

    app = build_all(args.database_url, args.members, args.cases_per_day)
    with app.app_context():
        members = db.session.scalar(select(func.count(Member.id)))
    print(f"{members:,} members")
    for key, value in measure(app).items():
        print(f"{key:45s} {value:10.1f}")


if __name__ == "__main__":
    main()
