"""What every benchmark shares: the bare page, timing with medians and p95, the figure row.

A benchmark module exposes ``run(app, quick: bool = False) -> list[Figure]``: each figure is
one operation's samples beside its floor's samples measured in the same run, so ``bench.run``
can print one table (operation, median, p95, floor, ratio, SQL queries).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, render_template_string
from sqlalchemy import event

BARE = Flask("bare")
BENCH_USER, BENCH_PASSWORD = "bench", "roster-load-2024-x"


@BARE.route("/")
def _bare() -> str:
    rows = [(i, f"姓名{i}", f"第{i % 7}党小组") for i in range(50)]
    return render_template_string(
        "<table>{% for r in rows %}<tr><td>{{ r[0] }}</td><td>{{ r[1] }}</td>"
        "<td>{{ r[2] }}</td></tr>{% endfor %}</table>",
        rows=rows,
    )


@dataclass
class Figure:
    """One measured operation beside its floor (both lists of seconds)."""

    operation: str
    samples: list[float]
    floor: str = ""
    floor_samples: list[float] = field(default_factory=list)
    queries: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def sample(fn: Callable[[], object], n: int, warm: int = 1) -> list[float]:
    """Run ``fn`` ``warm`` times untimed, then ``n`` times timed; seconds per run."""
    for _ in range(warm):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def login(app, username: str = BENCH_USER, password: str = BENCH_PASSWORD):
    client = app.test_client()
    r = client.post("/auth/login", data={"username": username, "password": password})
    assert r.status_code == 302, (username, r.status_code)
    return client


def page_samples(
    app, client, url: str, n: int, before: Callable[[], object] | None = None
) -> tuple[list[float], list[float], int]:
    """Time ``n`` GETs of ``url`` (after one warm-up), each right after a GET of the bare
    page, so that both see the machine in the same moment (on a shared machine the speed
    drifts by tens of percent within a minute). Returns the page's samples, the bare page's
    and the most SQL statements any one request ran. ``before`` runs untimed before each
    timed GET (e.g. ``versions.clear_memo`` for the first view after a change)."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    bare = BARE.test_client()
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    for _ in range(3):
        bare.get("/")
    counts: list[int] = []
    times: list[float] = []
    floor: list[float] = []
    for _ in range(n):
        statements: list[str] = []

        def _count(conn, cursor, statement, *args, _s=statements):
            _s.append(statement)

        t = time.perf_counter()
        bare.get("/")
        floor.append(time.perf_counter() - t)
        if before is not None:
            before()
        event.listen(engine, "before_cursor_execute", _count)
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
        event.remove(engine, "before_cursor_execute", _count)
        assert r.status_code == 200, (url, r.status_code)
        counts.append(len(statements))
    return times, floor, max(counts)


def page_figure(
    app,
    client,
    operation: str,
    url: str,
    n: int,
    before: Callable[[], object] | None = None,
) -> Figure:
    """A page beside the bare page, the two timed in turn."""
    times, floor, queries = page_samples(app, client, url, n, before)
    return Figure(operation, times, "bare page", floor, queries)


def make_app(url: str, **overrides):
    from app import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "DEMO_MODE": True,  # made-up data: the public development keys will do
        "RATELIMIT_ENABLED": False,
        **overrides,
    }
    app = create_app("development", **settings)
    from app.common.versions import ensure_tokens
    from app.extensions import db

    with app.app_context():
        ensure_tokens(db.engine)  # as wsgi.py does when a server starts
    return app
