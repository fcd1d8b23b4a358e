"""Opening a quarter benchmark: the committee opens a new quarter for its whole subtree (N
members, default 100,000), beside the floor: one bare ``INSERT INTO appraisal … SELECT … FROM
member JOIN org`` of the same rows, measured in the same run.

    .venv/bin/python -m bench.open_quarter [--members 100000] [--database-url URL] [--quick]

The members come from bench.roster. Each sample runs in its own transaction and is rolled back
(outside the timing), then vacuumed on PostgreSQL, so every sample starts from the same data.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date

from sqlalchemy import event, select, text

from bench.common import Figure, make_app

YEAR, QUARTER = 2030, 1  # a quarter nobody has opened
DUE = [date(2030, 3, 30), date(2030, 4, 6), date(2030, 4, 14), date(2030, 4, 24)]

# The floor: the same rows and columns the app writes, in one statement, with nothing around it.
FLOOR_SQL = """
INSERT INTO appraisal (period_id, member_id, org_id, year, quarter, status, is_probationary,
    post_kind, self_record, record_revision, sign_opinion, masses_opinion, branch_comment,
    is_vetoed, veto_facts, is_sampled, is_exemplary, exemplary_note, created_at, updated_at,
    version)
SELECT :period_id, m.id, m.org_id, :year, :quarter, 'draft', m.membership = 'probationary',
    m.post_kind, '{}', 0, '', '', '', FALSE, '', FALSE, FALSE, '', CURRENT_TIMESTAMP,
    CURRENT_TIMESTAMP, 1
FROM member m JOIN org o ON o.id = m.org_id
WHERE o.path LIKE :prefix AND m.party_status IN ('normal', 'restored')
"""


def build(app, members: int) -> None:
    from bench.roster import build as build_members

    build_members(app, members)


def _tidy(db) -> None:
    """Statistics as a live database keeps them, and on PostgreSQL the rolled-back rows of the
    previous sample vacuumed away (this server runs without autovacuum): without it each sample
    would probe more dead index entries than the last, and a planner without statistics takes
    100,000 rows for one."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE appraisal, appraisal_period, member, org"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def run(app, quick: bool = False) -> list[Figure]:
    from app.appraisal import periods
    from app.appraisal.models import AppraisalPeriod
    from app.auth.services import find_user
    from app.extensions import db
    from app.orgs.models import Org

    n = 3 if quick else 7
    with app.app_context():
        engine = db.engine
        statements: list[str] = []

        def _count(conn, cursor, statement, *args):
            statements.append(statement)

        def ours() -> tuple[float, int]:
            _tidy(db)
            actor = find_user("bench")
            root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
            statements.clear()
            event.listen(engine, "before_cursor_execute", _count)
            t = time.perf_counter()
            period = periods.open_period(actor, root, YEAR, QUARTER, periods.Deadlines(*DUE))
            db.session.flush()
            elapsed = time.perf_counter() - t
            event.remove(engine, "before_cursor_execute", _count)
            created = db.session.scalar(
                text("SELECT count(*) FROM appraisal WHERE period_id = :p"), {"p": period.id}
            )
            db.session.rollback()
            return elapsed, created

        def floor() -> tuple[float, int]:
            _tidy(db)
            root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
            period = AppraisalPeriod(
                org_id=root.id, year=YEAR, quarter=QUARTER, self_due=DUE[0], sign_due=DUE[1],
                opinion_due=DUE[2], spot_due=DUE[3], templates={},
            )  # fmt: skip
            db.session.add(period)
            db.session.flush()
            params = {"period_id": period.id, "year": YEAR, "quarter": QUARTER}
            conn = db.session.connection()
            t = time.perf_counter()
            result = conn.execute(text(FLOOR_SQL), {**params, "prefix": root.path + "%"})
            elapsed = time.perf_counter() - t
            created = result.rowcount
            db.session.rollback()
            return elapsed, created

        ours()  # warm up both, so neither pays for a cold cache alone
        floor()
        mine, base, queries, rows = [], [], 0, set()
        for _ in range(n):  # interleaved: the machine's drift hits both alike
            elapsed, created = ours()
            mine.append(elapsed)
            queries = max(queries, len(statements))
            rows.add(created)
            elapsed, created = floor()
            base.append(elapsed)
            rows.add(created)
    assert len(rows) == 1, f"ours and the floor wrote different row counts: {rows}"
    return [
        Figure(
            f"open a quarter ({rows.pop():,} records)",
            mine,
            "one INSERT … SELECT",
            base,
            queries,
            engine.dialect.name,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = make_app(url)
    build(app, args.members)
    for f in run(app, args.quick):
        print(
            f"{f.operation} [{f.note}]: median {f.median:.2f} s (p95 {f.p95:.2f} s), "
            f"{f.floor} {f.floor_median:.2f} s, ratio {f.ratio:.2f}×, {f.queries} SQL statements"
        )


if __name__ == "__main__":
    main()
