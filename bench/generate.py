"""A county to benchmark on, generated deterministically from a seed.

    .venv/bin/python -m bench.generate --database-url URL [--seed 7] [--members 100000]
        [--branches 400] [--years 4] [--cases 200000] [--profiles 10000] [--items 2000]

One root committee (压测县委) over 20 township committees, ``branches`` village branches
under them (two party groups each, about 250 members per branch, as real branches are), one
service room per branch, one station per township and a district centre; ``members`` members
with encrypted IDs and phones, a third with skills; ``items`` catalogue items; ``profiles``
volunteer profiles; ``years`` years of quarterly appraisals at the root (1.6 million records
for the defaults, every past quarter closed with its four steps, the current quarter spread
over every state); ``cases`` cases over the same years with their steps and ratings.

Rows go in through the app's models as Core bulk inserts (executemany), with explicit ids so
child rows need no read-back. Logins (password ``roster-load-2024-x``): ``bench`` (the
committee over the county), ``bench-secretary`` (secretary of the first branch),
``bench-agent`` (agent at that branch's room). Run it on an empty database; on one that
already holds the county it does nothing.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench.common import BENCH_PASSWORD, BENCH_USER, make_app

ROOT_NAME = "压测县委"
TOWNSHIPS = 20
BATCH = 10_000
STEP_PATH = ["draft", "submitted", "signed", "assessed", "closed"]
STEP_ACTIONS = ["submit", "sign", "assess", "close"]
GRADES = ["excellent", "qualified", "qualified", "qualified", "qualified", "basically_qualified"]
CASE_PATH = ["applied", "handling", "done", "delivered", "evaluated"]
CASE_ACTIONS = ["accept", "finish", "deliver", "evaluate"]


class County:
    """Ids handed out in order, so child rows reference parents without reading them back."""

    def __init__(self, db, rng: random.Random) -> None:
        self.db = db
        self.rng = rng
        self.next_ids: dict[str, int] = {}

    def ids(self, model, n: int) -> range:
        table = model.__tablename__
        if table not in self.next_ids:
            self.next_ids[table] = (self.db.session.scalar(select(func.max(model.id))) or 0) + 1
        start = self.next_ids[table]
        self.next_ids[table] = start + n
        return range(start, start + n)

    def insert(self, model, rows: list[dict]) -> None:
        for i in range(0, len(rows), BATCH):
            self.db.session.execute(insert(model), rows[i : i + BATCH])


def _tree(c: County, branches: int):
    from app.orgs.models import Org, ServicePoint

    root_id, *_ = c.ids(Org, 1)
    orgs = [dict(id=root_id, name=ROOT_NAME, kind="committee", parent_id=None,
                 path=f"/{root_id}/", depth=0)]  # fmt: skip
    towns = list(c.ids(Org, TOWNSHIPS))
    for i, tid in enumerate(towns):
        orgs.append(dict(id=tid, name=f"压测第{i + 1}镇党委", kind="committee", parent_id=root_id,
                         path=f"/{root_id}/{tid}/", depth=1, sort_order=i))  # fmt: skip
    branch_ids = list(c.ids(Org, branches))
    group_ids = list(c.ids(Org, branches * 2))
    for i, bid in enumerate(branch_ids):
        tid = towns[i % TOWNSHIPS]
        bpath = f"/{root_id}/{tid}/{bid}/"
        orgs.append(dict(id=bid, name=f"压测{i + 1}村党支部", kind="branch", parent_id=tid,
                         path=bpath, depth=2, sort_order=i))  # fmt: skip
        for g in range(2):
            gid = group_ids[2 * i + g]
            orgs.append(dict(id=gid, name=f"第{g + 1}党小组", kind="group", parent_id=bid,
                             path=f"{bpath}{gid}/", depth=3, sort_order=g))  # fmt: skip
    c.insert(Org, orgs)
    points = [dict(id=pid, org_id=org, level=level, name=name)
              for pid, (org, level, name) in zip(
                  c.ids(ServicePoint, 1 + TOWNSHIPS + branches),
                  [(root_id, "district", "压测县为民服务中心")]
                  + [(t, "township", f"压测第{i + 1}镇为民服务站") for i, t in enumerate(towns)]
                  + [(b, "village", f"压测{i + 1}村为民服务室") for i, b in enumerate(branch_ids)],
                  strict=True)]  # fmt: skip
    c.insert(ServicePoint, points)
    return root_id, towns, branch_ids, group_ids, [p["id"] for p in points]


def _members(c: County, n: int, group_ids: list[int], skills: list[int]) -> list[tuple]:
    from app.common.chinese import name_initials, name_pinyin, surname_strokes
    from app.common.crypto import encrypt
    from app.common.idcard import check_char
    from app.demo import GIVEN, SURNAMES
    from app.roster.models import Member, member_skill
    from app.roster.privacy import id_hash, phone_hash

    rng = c.rng
    rows, links, out = [], [], []
    for i, mid in enumerate(c.ids(Member, n)):
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
        born = born.replace(day=min(born.day, 28))
        first17 = f"63{i % 10000:04d}{born:%Y%m%d}{i // 10000 % 1000:03d}"
        number = first17 + check_char(first17)
        phone = f"137{i:08d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        org_id = group_ids[i % len(group_ids)]
        probationary = rng.random() < 0.03
        status = "normal" if rng.random() < 0.97 else rng.choice(["suspended", "deceased"])
        post = "cadre" if rng.random() < 0.05 else "no_post"
        rows.append({
            "id": mid, "name": name, "name_pinyin": name_pinyin(name),
            "name_initials": name_initials(name), "surname_strokes": surname_strokes(name),
            "gender": "male" if int(number[16]) % 2 else "female", "ethnicity": "汉族",
            "birth_date": born, "id_number_enc": encrypt(number),
            "id_number_hash": id_hash(number), "id_tail": number[-4:],
            "phone_enc": encrypt(phone), "phone_hash": phone_hash(phone),
            "phone_tail": phone[-4:], "education": "高中", "work_unit": "务农",
            "job_title": "", "joined_on": born.replace(year=born.year + 25),
            "full_member_on": None if probationary else born.replace(year=born.year + 26),
            "membership": "probationary" if probationary else "full", "org_id": org_id,
            "post_kind": post, "party_status": status, "is_mobile": rng.random() < 0.04,
            "mobile_destination": "", "is_lost_contact": rng.random() < 0.005,
            "is_hardship": rng.random() < 0.02, "version": 1,
        })  # fmt: skip
        if i % 3 == 0:
            links.append({"member_id": mid, "skill_id": skills[rng.randrange(len(skills))]})
        out.append((mid, org_id, status, probationary, post))
    c.insert(Member, rows)
    c.db.session.execute(insert(member_skill), links)
    return out


def _catalogue(c: County, n_items: int, orgs: list[tuple[int, str]], skills: list[int]):
    from app.volunteers.models import CATEGORIES, ServiceItem, item_skill

    rows, links = [], []
    for i, iid in enumerate(c.ids(ServiceItem, n_items)):
        org_id, level = orgs[i % len(orgs)]
        handling = ("direct", "promised", "joint")[i % 3]
        rows.append(dict(id=iid, org_id=org_id, name=f"压测事项{i + 1}", level=level,
                         category=CATEGORIES[i % len(CATEGORIES)], handling=handling,
                         promised_days=0 if handling == "direct" else 5 + i % 10,
                         materials="身份证", steps="受理、办理、反馈", is_published=True,
                         version=1))  # fmt: skip
        links.append({"item_id": iid, "skill_id": skills[i % len(skills)]})
    c.insert(ServiceItem, rows)
    c.db.session.execute(insert(item_skill), links)
    return [r["id"] for r in rows]


def _profiles(c: County, members: list[tuple], n: int, points: list[int], skills: list[int]):
    from app.volunteers.models import CATEGORIES, ProfileSkill, VolunteerProfile

    rng = c.rng
    chosen = rng.sample([m[0] for m in members if m[2] == "normal"], n)
    rows, skill_rows = [], []
    pids = c.ids(VolunteerProfile, n)
    for pid, mid in zip(pids, chosen, strict=True):
        rows.append(dict(id=pid, member_id=mid, categories=rng.sample(CATEGORIES, 2),
                         availability=["sat", "sun"], max_cases=3, note="", version=1,
                         service_point_id=rng.choice(points), is_active=True))  # fmt: skip
        for sid in rng.sample(skills, rng.randint(1, 3)):
            skill_rows.append(dict(profile_id=pid, skill_id=sid, level=rng.randint(1, 3),
                                   is_confirmed=rng.random() < 0.5))  # fmt: skip
    c.insert(VolunteerProfile, rows)
    c.insert(ProfileSkill, skill_rows)


def _quarters(today: date, years: int) -> list[tuple[int, int]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for back in range(years * 4):
        q, y = quarter - back, year
        while q < 1:
            q, y = q + 4, y - 1
        out.append((y, q))
    return out[::-1]


def _appraisals(c: County, root_id: int, members: list[tuple], quarters, user_id: int) -> int:
    from app.appraisal.models import Appraisal, AppraisalPeriod, AppraisalStep

    rng = c.rng
    appraised = [m for m in members if m[2] == "normal"]
    total = 0
    for k, (y, q) in enumerate(quarters):
        current = k == len(quarters) - 1
        due = date(y, q * 3, 20)
        (pid,) = c.ids(AppraisalPeriod, 1)
        c.insert(AppraisalPeriod, [dict(
            id=pid, org_id=root_id, year=y, quarter=q, self_due=due, sign_due=due,
            opinion_due=due, spot_due=due, templates={}, is_closed=not current,
            opened_at=datetime(y, q * 3 - 2, 1, 1, tzinfo=UTC), version=1,
        )])  # fmt: skip
        ids = c.ids(Appraisal, len(appraised))
        rows, steps = [], []
        at = datetime(y, q * 3, 25, 8, tzinfo=UTC)
        for aid, (mid, org_id, _status, probationary, post) in zip(ids, appraised, strict=True):
            reached = rng.randrange(5) if current else 4
            status = STEP_PATH[reached]
            grade = rng.choice(GRADES) if reached >= 3 else None
            sampled = grade is not None and rng.random() < 0.1
            rows.append({
                "id": aid, "period_id": pid, "member_id": mid, "org_id": org_id, "year": y,
                "quarter": q, "status": status, "grade": grade, "is_probationary": probationary,
                "post_kind": post, "is_vetoed": False, "is_sampled": sampled,
                "spot_result": "confirmed" if sampled and not current else None,
                "self_record": {"study": "学习党章"} if reached else {}, "record_revision": 1,
                "created_at": at, "updated_at": at, "version": 1 + reached,
            })  # fmt: skip
            for s in range(reached):
                steps.append({
                    "appraisal_id": aid, "action": STEP_ACTIONS[s], "from_status": STEP_PATH[s],
                    "to_status": STEP_PATH[s + 1], "actor_id": user_id, "actor_name": "压测",
                    "comment": "", "created_at": at,
                })  # fmt: skip
        c.insert(Appraisal, rows)
        c.insert(AppraisalStep, steps)
        c.db.session.commit()
        total += len(rows)
        print(f"  {y} Q{q}: {len(rows):,} records, {len(steps):,} steps", flush=True)
    return total


def _cases(c: County, n: int, years: int, today: date, items: list[int], points: list[int],
           agents: list[int], user_id: int) -> None:  # fmt: skip
    from app.cases.models import Applicant, ServiceCase

    rng = c.rng
    applicants = [dict(id=aid, name=f"申办人{i}", village=f"压测{i % 400 + 1}村")
                  for i, aid in enumerate(c.ids(Applicant, max(1, n // 10)))]  # fmt: skip
    c.insert(Applicant, applicants)
    seqs: dict[tuple[int, int], int] = {}
    span = years * 365
    cases, steps, ratings = [], [], []
    for i, cid in enumerate(c.ids(ServiceCase, n)):
        on = today - timedelta(days=span * i // n)
        point = points[rng.randrange(len(points))]
        seq = seqs[(point, on.year)] = seqs.get((point, on.year), 0) + 1
        recent = (today - on).days < 30
        reached = rng.randrange(5) if recent else (4 if rng.random() < 0.95 else 3)
        refused = not recent and rng.random() < 0.02
        status = "refused" if refused else CASE_PATH[reached]
        at = datetime(on.year, on.month, on.day, 2, tzinfo=UTC)
        cases.append({
            "id": cid, "number": f"压测{point}〔{on.year}〕{seq:05d}", "year": on.year,
            "seq": seq, "item_id": items[rng.randrange(len(items))], "service_point_id": point,
            "origin_point_id": point, "applicant_id": applicants[i % len(applicants)]["id"],
            "channel": ("counter", "phone", "online")[i % 3], "status": status,
            "kind": "promised", "request": "压测申请", "materials_received": [],
            "accepted_at": at, "due_on": on + timedelta(days=7),
            "agent_member_id": None if refused else agents[rng.randrange(len(agents))],
            "done_on": on + timedelta(days=rng.randint(1, 9)) if reached >= 2 else None,
            "delivered_on": on + timedelta(days=10) if reached >= 3 else None,
            "refused_reason": "不属于代理范围" if refused else "",
            "tracking_hash": f"county-{cid}", "created_at": at, "updated_at": at, "version": 1,
        })  # fmt: skip
        for s in range(0 if refused else reached):
            steps.append({
                "case_id": cid, "action": CASE_ACTIONS[s], "from_status": CASE_PATH[s],
                "to_status": CASE_PATH[s + 1], "actor_id": user_id, "actor_name": "压测",
                "comment": "", "created_at": at,
            })  # fmt: skip
        if status == "evaluated":
            level = 5 if rng.random() < 0.8 else rng.randint(2, 4)
            ratings.append({"case_id": cid, "level": level, "source": "online", "round": 1,
                            "created_at": at})  # fmt: skip
        if len(cases) >= BATCH * 5:
            _flush_cases(c, cases, steps, ratings)
    _flush_cases(c, cases, steps, ratings)


def _flush_cases(c: County, cases: list, steps: list, ratings: list) -> None:
    from app.cases.models import CaseStep, Evaluation, ServiceCase

    c.insert(ServiceCase, cases)
    c.insert(CaseStep, steps)
    c.insert(Evaluation, ratings)
    c.db.session.commit()
    cases.clear()
    steps.clear()
    ratings.clear()


def _users(root_id: int, branch_id: int, point_id: int) -> int:
    from app.auth.models import Role
    from app.auth.services import create_user, grant_role
    from app.extensions import db
    from app.orgs.models import Org, ServicePoint

    root, branch = db.session.get(Org, root_id), db.session.get(Org, branch_id)
    logins = (
        (BENCH_USER, "压测县委", Role.COMMITTEE, root, {}),
        ("bench-secretary", "压测书记", Role.BRANCH_SECRETARY, branch, {}),
        ("bench-agent", "压测代理员", Role.AGENT, branch,
         {"service_point": db.session.get(ServicePoint, point_id)}),
    )  # fmt: skip
    first = None
    for username, display, role, org, extra in logins:
        user, _ = create_user(None, username, display, BENCH_PASSWORD, must_change_password=False)
        grant_role(None, user, role, org, **extra)
        first = first or user.id
    db.session.commit()
    return first


def _fix_sequences(db) -> None:
    """PostgreSQL: explicit ids leave the tables' sequences behind; move them past the max."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False:
            seq = f"pg_get_serial_sequence('{table.name}', 'id')"
            top = f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1'  # noqa: S608
            sql = f"SELECT setval({seq}, {top}, false) WHERE {seq} IS NOT NULL"  # noqa: S608
            db.session.execute(text(sql))
    db.session.commit()


def _planner_settings(db) -> None:
    """PostgreSQL's planner told about fast disks, as the README's deployment does (for the
    sessions that start after this one); a warning when the database is not ours to alter."""
    if db.engine.dialect.name != "postgresql":
        return
    name = db.engine.dialect.identifier_preparer.quote(db.engine.url.database)
    try:
        db.session.execute(text(f"ALTER DATABASE {name} SET random_page_cost = 1.1"))
        db.session.commit()
    except SQLAlchemyError as err:
        db.session.rollback()
        print(f"random_page_cost left as it is: {err.__class__.__name__}", flush=True)


def _statistics(db) -> None:
    """The planner's statistics for the new rows and, on PostgreSQL, the visibility map that
    autovacuum would set on a server after such a load (index-only scans read it; this
    machine's PostgreSQL runs without autovacuum)."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))


def generate(app, *, seed: int = 7, members: int = 100_000, branches: int = 400,
             years: int = 4, cases: int = 200_000, profiles: int = 10_000,
             items: int = 2_000) -> None:  # fmt: skip
    from app.common import timeutil, versions
    from app.extensions import db
    from app.orgs.models import Org
    from app.roster.skills import resolve_skills

    with app.app_context():
        db.create_all()
        _planner_settings(db)
        if db.session.scalar(select(Org.id).where(Org.name == ROOT_NAME)):
            print("the county is already there")
            return
        t0 = time.perf_counter()
        c = County(db, random.Random(seed))  # noqa: S311 - made-up data
        root_id, towns, branch_ids, group_ids, points = _tree(c, branches)
        new_skills = resolve_skills([f"压测专长{i + 1}" for i in range(200)])
        db.session.commit()
        skills = [s.id for s in new_skills]
        user_id = _users(root_id, branch_ids[0], points[1 + TOWNSHIPS])
        rows = _members(c, members, group_ids, skills)
        db.session.commit()
        print(f"tree and {len(rows):,} members: {time.perf_counter() - t0:.0f} s", flush=True)
        levels = ([(root_id, "district")] + [(t, "township") for t in towns]
                  + [(b, "village") for b in branch_ids])  # fmt: skip
        item_ids = _catalogue(c, items, levels, skills)
        _profiles(c, rows, profiles, points, skills)
        db.session.commit()
        quarters = _quarters(timeutil.today(), years)
        records = _appraisals(c, root_id, rows, quarters, user_id)
        print(f"{records:,} appraisal records: {time.perf_counter() - t0:.0f} s", flush=True)
        agents = [m[0] for m in rows[: len(rows) // 50]]
        _cases(c, cases, years, timeutil.today(), item_ids, points, agents, user_id)
        _fix_sequences(db)
        versions.bump(db.session, versions.topics())  # the figures' tokens, as any write sets
        db.session.commit()
        _statistics(db)
        print(f"county generated in {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=400)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    args = parser.parse_args()
    app = make_app(args.database_url)
    generate(app, seed=args.seed, members=args.members, branches=args.branches,
             years=args.years, cases=args.cases, profiles=args.profiles,
             items=args.items)  # fmt: skip


if __name__ == "__main__":
    main()
