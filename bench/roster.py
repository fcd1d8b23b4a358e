"""Roster benchmark: build N members (default 100,000) and time the list page and the export.

    .venv/bin/python -m bench.roster [--members 100000] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder. Members are inserted
in bulk (Core inserts of precomputed rows), as any large import path must be; then the
measured operations run through the real app: the list page via the test client (median of
several requests) and the Excel export via the same service the download uses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select


def build(app, n: int) -> None:
    from app.auth.models import Role
    from app.auth.services import create_user, grant_role
    from app.common.chinese import name_initials, name_pinyin, surname_strokes
    from app.common.crypto import encrypt
    from app.common.idcard import check_char
    from app.demo import GIVEN, SURNAMES, seed_demo
    from app.extensions import db
    from app.orgs.models import Org
    from app.roster.models import Member, member_skill
    from app.roster.privacy import id_hash, phone_hash
    from app.roster.skills import resolve_skills

    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        if not db.session.scalar(select(func.count()).where(Member.id > 0)) >= n:
            rng = random.Random(7)  # noqa: S311
            groups = list(db.session.scalars(select(Org.id).where(Org.kind == "group")))
            skills = [s.id for s in resolve_skills(["法律咨询", "农机维修", "电商销售", "驾驶"])]
            db.session.commit()
            first_new = (db.session.scalar(select(func.max(Member.id))) or 0) + 1
            t = time.perf_counter()
            batch, links = [], []
            for i in range(n):
                born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
                born = born.replace(day=min(born.day, 28))
                first17 = f"62{i % 10000:04d}{born:%Y%m%d}{rng.randint(0, 999):03d}"
                number = first17 + check_char(first17)
                phone = f"139{i:08d}"
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                batch.append({
                    "name": name, "name_pinyin": name_pinyin(name),
                    "name_initials": name_initials(name), "surname_strokes": surname_strokes(name),
                    "gender": "male" if int(number[16]) % 2 else "female", "ethnicity": "汉族",
                    "birth_date": born, "id_number_enc": encrypt(number),
                    "id_number_hash": id_hash(number), "id_tail": number[-4:],
                    "phone_enc": encrypt(phone), "phone_hash": phone_hash(phone),
                    "phone_tail": phone[-4:], "education": "大学本科", "work_unit": "某单位",
                    "job_title": "职员", "joined_on": born.replace(year=born.year + 25),
                    "full_member_on": born.replace(year=born.year + 26), "membership": "full",
                    "org_id": groups[i % len(groups)], "post_kind": "no_post",
                    "party_status": "normal", "is_mobile": False, "mobile_destination": "",
                    "is_lost_contact": False, "is_hardship": False, "version": 1,
                })  # fmt: skip
                if len(batch) == 5000:
                    db.session.execute(insert(Member), batch)
                    batch = []
            if batch:
                db.session.execute(insert(Member), batch)
            ids = db.session.scalars(select(Member.id).where(Member.id >= first_new)).all()
            links = [{"member_id": mid, "skill_id": skills[mid % 4]} for mid in ids if mid % 3 == 0]
            db.session.execute(insert(member_skill), links)
            user, _ = create_user(None, "bench", "压测", "roster-load-2024-x",
                                  must_change_password=False)  # fmt: skip
            grant_role(None, user, Role.COMMITTEE, db.session.scalar(
                select(Org).where(Org.parent_id.is_(None))))  # fmt: skip
            db.session.commit()
            print(f"built {n:,} members in {time.perf_counter() - t:.1f} s")


def measure(app, n_requests: int = 15, import_rows: int = 5000) -> dict[str, float]:
    from app.auth.services import find_user
    from app.extensions import db
    from app.roster.excel import export_members
    from app.roster.importer import commit_import, plan_import
    from app.roster.search import MemberFilters

    out: dict[str, float] = {}
    client = app.test_client()
    client.post("/auth/login", data={"username": "bench", "password": "roster-load-2024-x"})
    for label, url in (
        ("list page 1 (stroke order)", "/roster/"),
        ("list page 200 (pinyin)", "/roster/?sort=pinyin&page=200"),
        ("list filtered (branch + status)", "/roster/?org_id=5&party_status=normal"),
    ):
        client.get(url)  # warm up
        times = []
        for _ in range(n_requests):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.status_code
        out[f"{label}, median ms"] = statistics.median(times)
    client.post("/roster/", data={"q": "zh"})
    t = time.perf_counter()
    client.get("/roster/")
    out["search by pinyin initials, ms"] = (time.perf_counter() - t) * 1000

    with app.app_context():
        actor = find_user("bench")
        t = time.perf_counter()
        result = export_members(actor, MemberFilters(), unmasked=True)
        out["export all (masked off), s"] = time.perf_counter() - t
        out["export rows"] = result.rows
        Path(result.path).unlink()
        # Again under tracemalloc (which slows it ~3x) to show the memory stays bounded.
        tracemalloc.start()
        result = export_members(actor, MemberFilters(), unmasked=True)
        out["export peak Python memory, MiB"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        out["export file, MiB"] = Path(result.path).stat().st_size / 2**20
        Path(result.path).unlink()
        db.session.rollback()

        # Import: a file of new members, checked and written, then rolled back.
        rows = import_rows
        data = _import_file(rows)
        t = time.perf_counter()
        plan = plan_import(actor, data)
        out[f"import check {rows:,} rows, s"] = time.perf_counter() - t
        assert not plan.errors, plan.errors[:3]
        t = time.perf_counter()
        commit_import(actor, data, "bench.xlsx")
        db.session.flush()
        out[f"import check + write {rows:,} rows, s"] = time.perf_counter() - t
        db.session.rollback()
    return out


def _import_file(rows: int) -> bytes:
    import io

    import openpyxl

    from app.common.idcard import check_char

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "专长"])
    for i in range(rows):
        first17 = f"65{i % 10000:04d}19900101{i % 1000:03d}"
        ws.append([f"导入{i}", first17 + check_char(first17), "泉湖村党支部", "第一党小组",
                   "2012-07-01", "2013-07-01", "驾驶"])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from app import create_app

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        PAGE_SIZE=50,
        WTF_CSRF_ENABLED=False,
        DEMO_MODE=True,  # made-up data: the public development keys will do
    )
    build(app, args.members)
    for key, value in measure(app).items():
        print(f"{key:45s} {value:10.1f}")


if __name__ == "__main__":
    main()
