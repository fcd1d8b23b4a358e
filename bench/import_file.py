"""Import benchmark: a roster file of N new members with realistic columns, checked on upload
and written on confirmation through the same service calls as the two pages, then rolled back.

    .venv/bin/python -m bench.import_file [--rows 20000] [--members 100000] [--database-url URL]

The floor, measured in the same run on the same bytes: python-calamine reads the sheet, then
the bulk insert the import itself uses (app/common/bulk.py: Core's executemany on SQLite,
COPY on PostgreSQL) writes the equivalent member rows (prepared beforehand: the encrypted
ID, phone and address, the blind indexes and the name keys), rolled back. Issue 13 named
an executemany; on PostgreSQL COPY writes the same rows in about a third of the time, so a
floor that did not use it would no longer be one. A second line
measures the same import against the floor issue 13 first named, openpyxl's read-only reader
in place of calamine.

A third line times the least any import that keeps the roster's rules must do beyond that
floor, with no checking at all: the columns derived from a row's cells computed as the floor
is not asked to (the ID number, phone and address encrypted, with their blind indexes: R-F3;
the name's pinyin keys and surname strokes, which the list's search and customary order
read), a history row per new member (issue 3: a dated history of every change, and the
batch's rollback reads them; here with no changes listed) and the skill links, written as
the floor writes the members. The new members' ids are read back by the blind index, as the
import does. Nothing of the check is in it (ID numbers, dates and choices read and
validated, the scope's names looked up, duplicates found, the file's safety scan, the plan
kept between the two requests), so its ratio to the calamine floor bounds from below what
an import meeting those rules can reach in this schema; the fourth line is ours against it.
On PostgreSQL the tables are vacuumed between the timed parts, so that none runs on the
dead index entries another's rolled-back rows left.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import event, select, text

from bench.common import BENCH_USER, Figure, make_app, sample
from bench.roster import build

# Branches and groups of the demo data (bench.roster.build seeds it).
_PLACES = [
    ("泉湖村党支部", "第一党小组"),
    ("泉湖村党支部", "第二党小组"),
    ("东岔村党支部", "第一党小组"),
    ("金佛寺村党支部", "第二党小组"),
    ("清水村党支部", ""),
    ("非公企业联合党支部", "第三党小组"),
]
HEADER = ["序号", "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话", "学历", "工作单位",
          "职务", "入党时间", "转正时间", "党员类别", "所在党支部", "所在党小组", "人员类别",
          "专长", "党籍状态", "流动党员", "失联党员", "困难党员", "职业", "家庭住址"]  # fmt: skip
_SKILLS = ["驾驶", "法律咨询、驾驶", "", "农机维修", "电商销售、法律咨询", ""]
_JOBS = ["农牧渔民", "在岗职工", "离退休人员", "个体从业人员"]


def _number(i: int, born: date) -> str:
    from app.common.idcard import check_char

    first17 = f"65{i % 10000:04d}{born:%Y%m%d}{(i // 10000) % 1000:03d}"
    return first17 + check_char(first17)


def _born(i: int) -> date:
    return date(1950, 1, 1) + timedelta(days=(i * 37) % (365 * 50))


def import_file(rows: int, offset: int = 0, places: list[tuple[str, str]] | None = None) -> bytes:
    """An .xlsx of ``rows`` new members as a township keeps it: a title row above the header,
    a 序号 column, dates both as Excel dates and as text, several skills in one cell."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["泉湖镇党员花名册（2026年）"])
    ws.append(HEADER)
    for k in range(rows):
        i = offset + k
        born = _born(i)
        number = _number(i, born)
        branch, group = (places or _PLACES)[i % len(places or _PLACES)]
        joined = born.replace(year=born.year + 25, day=1)
        ws.append([
            k + 1, f"导入{i}", "男" if int(number[16]) % 2 else "女", "汉族",
            born if i % 2 else born.isoformat(), number, f"138{i:08d}", "大学专科",
            "某村村委会", "村民", joined if i % 3 else joined.strftime("%Y.%m"),
            joined.replace(year=joined.year + 1), "正式党员", branch, group,
            _JOBS[i % len(_JOBS)] if i % 5 else "无职党员", _SKILLS[i % len(_SKILLS)], "正常",
            "否", "否", "是" if i % 50 == 0 else "否", "", f"泉湖镇泉湖村{i % 300}号",
        ])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _floor_rows(rows: int, org_id: int, offset: int = 0) -> list[dict]:
    """The member rows the floor inserts, computed before it is timed (every column the
    import writes, the timestamps included, so that no default runs per row)."""
    from app.common.chinese import name_initials, name_pinyin, surname_strokes
    from app.common.crypto import encrypt
    from app.common.timeutil import utcnow
    from app.roster.privacy import id_hash, phone_hash

    now = utcnow()
    out = []
    for k in range(rows):
        i = offset + k
        born = _born(i)
        number, phone, name = _number(i, born), f"138{i:08d}", f"导入{i}"
        joined = born.replace(year=born.year + 25, day=1)
        out.append({
            "name": name, "name_pinyin": name_pinyin(name), "name_initials": name_initials(name),
            "surname_strokes": surname_strokes(name), "gender": "male", "ethnicity": "汉族",
            "birth_date": born, "id_number_enc": encrypt(number), "id_number_hash": id_hash(number),
            "id_tail": number[-4:], "phone_enc": encrypt(phone), "phone_hash": phone_hash(phone),
            "phone_tail": phone[-4:], "address_enc": encrypt(f"泉湖镇泉湖村{i % 300}号"),
            "education": "大学专科", "work_unit": "某村村委会", "job_title": "村民",
            "joined_on": joined, "full_member_on": joined.replace(year=joined.year + 1),
            "membership": "full", "org_id": org_id, "post_kind": "no_post",
            "party_status": "normal", "is_mobile": False, "mobile_destination": "",
            "is_lost_contact": False, "is_hardship": False, "version": 1,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    return out


def _floor(data: bytes, member_rows: list[dict], reader: str = "calamine") -> None:
    from app.common.bulk import insert_rows
    from app.extensions import db
    from app.roster.models import Member

    if reader == "calamine":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        assert len(sheet.to_python()) == len(member_rows) + 2
    else:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        assert sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) == len(member_rows) + 2
        wb.close()
    # As the import writes (the ORM's bulk path would copy every row first).
    insert_rows(db.session, Member.__table__, member_rows)
    db.session.flush()
    db.session.rollback()


_DERIVED = ("name_pinyin", "name_initials", "surname_strokes", "id_number_enc",
            "id_number_hash", "phone_enc", "phone_hash", "address_enc")  # fmt: skip


def _plain(member_rows: list[dict]) -> list[dict]:
    """The floor's rows without the columns ``_required`` derives from the cells."""
    return [{k: v for k, v in row.items() if k not in _DERIVED} for row in member_rows]


def _required(data: bytes, plain: list[dict], skill_ids: dict[str, int]) -> None:
    """The least a conforming import writes (module docstring): the floor's read and insert,
    plus the derived columns computed from the cells, a history row per member and the skill
    links; no check. Rolled back."""
    from python_calamine import CalamineWorkbook

    from app.common.bulk import insert_rows
    from app.common.chinese import name_keys, surname_strokes
    from app.common.crypto import field_encrypter
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.roster.models import Member, MemberHistory, member_skill
    from app.roster.privacy import id_hasher, phone_hasher

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    col = {h: HEADER.index(h) for h in ("姓名", "身份证号", "联系电话", "家庭住址", "专长")}
    encrypt, id_hash, phone_hash = field_encrypter(), id_hasher(), phone_hasher()
    now = utcnow()
    members, skills = [], []
    for cells, row in zip(sheet[2:], plain, strict=True):
        name, number = cells[col["姓名"]], cells[col["身份证号"]]
        phone, address = cells[col["联系电话"]], cells[col["家庭住址"]]
        pinyin, initials = name_keys(name)
        members.append({
            **row, "name_pinyin": pinyin, "name_initials": initials,
            "surname_strokes": surname_strokes(name), "id_number_enc": encrypt(number),
            "id_number_hash": id_hash(number), "phone_enc": encrypt(phone),
            "phone_hash": phone_hash(phone), "address_enc": encrypt(address),
            "created_at": now, "updated_at": now,
        })  # fmt: skip
        skills.append([skill_ids[s] for s in cells[col["专长"]].split("、") if s])
    insert_rows(db.session, Member.__table__, members)
    hashes = [m["id_number_hash"] for m in members]
    ids: dict[str, int] = {}
    for k in range(0, len(hashes), 500):
        stmt = select(Member.id_number_hash, Member.id)
        ids.update(
            db.session.execute(stmt.where(Member.id_number_hash.in_(hashes[k : k + 500]))).all()
        )
    history, links = [], []
    for m, own in zip(members, skills, strict=True):
        member_id = ids[m["id_number_hash"]]
        history.append({
            "member_id": member_id, "occurred_at": now, "kind": "import", "note": "",
            "changes": {}, "before": None, "batch_id": None, "actor_id": None,
            "actor_name": "",
        })  # fmt: skip
        links.extend({"member_id": member_id, "skill_id": s} for s in own)
    insert_rows(db.session, MemberHistory.__table__, history)
    insert_rows(db.session, member_skill, links)
    db.session.flush()
    db.session.rollback()


def _skill_ids(db) -> dict[str, int]:
    """An existing skill's id for each skill name the file uses (the link rows are what is
    timed, not which skill they name)."""
    from app.roster.models import Skill

    names = sorted({s for cell in _SKILLS for s in cell.split("、") if s})
    found = list(db.session.scalars(select(Skill.id).order_by(Skill.id).limit(len(names))))
    assert len(found) == len(names), "the database has too few skills"
    return dict(zip(names, found, strict=True))


def _ours(app, actor, data: bytes, instance: str) -> None:
    """Upload (check, stage) then confirm (write), as the two pages do, then roll back."""
    from werkzeug.datastructures import FileStorage

    from app.extensions import db
    from app.roster import staging

    store: dict = {}
    upload = FileStorage(io.BytesIO(data), filename="花名册.xlsx")
    staged = staging.check_upload(actor, store, instance, upload, 10**6, sync_rows=10**6)
    assert staged.plan is not None and not staged.plan.errors, staged.plan.errors[:3]
    staged = staging.import_staged(actor, store, instance, 10**6, sync_rows=10**6)
    assert staged.batch is not None and staged.batch.rows_created == staged.plan.creates
    db.session.flush()
    db.session.rollback()
    staging.discard(store, instance)


def _places(db) -> list[tuple[str, str]] | None:
    """Four (branch, group) names of the database's own tree: the county's (bench.generate),
    or None for the demo's (bench.roster)."""
    from sqlalchemy.orm import aliased

    from app.orgs.models import Org

    branch = aliased(Org)
    names = db.session.execute(
        select(branch.name, Org.name)
        .join(branch, branch.id == Org.parent_id)
        .where(Org.kind == "group", branch.name.like("压测%"))
        .order_by(Org.id)
        .limit(4)
    ).all()
    return [tuple(n) for n in names] or None


def _vacuum(db) -> None:
    """On PostgreSQL, clear the dead rows and index entries the rolled-back inserts left."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE member, member_history, member_skill"))


_REQUIRED = "the least a conforming import writes, no check (derived columns, history, skills)"


def run(app, quick: bool = False, rows: int | None = None, n: int | None = None) -> list[Figure]:
    from app.auth.services import find_user
    from app.extensions import db
    from app.orgs.models import Org

    rows = rows or (2000 if quick else 20_000)
    n = n or (1 if quick else 3)
    instance = tempfile.mkdtemp()
    with app.app_context():
        data = import_file(rows, places=_places(db))
        actor = find_user(BENCH_USER)
        org_id = db.session.scalar(select(Org.id).where(Org.kind == "group").limit(1))
        member_rows = _floor_rows(rows, org_id)
        floor = sample(lambda: _floor(data, member_rows), n)
        floor_openpyxl = sample(lambda: _floor(data, member_rows, "openpyxl"), n, warm=0)
        skill_ids = _skill_ids(db)
        _vacuum(db)
        plain = _plain(member_rows)
        required = sample(lambda: _required(data, plain, skill_ids), n)
        _vacuum(db)
        statements: list[str] = []

        def _count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _count)
        t = time.perf_counter()
        _ours(app, actor, data, instance)
        first = time.perf_counter() - t
        event.remove(db.engine, "before_cursor_execute", _count)
        ours = [first] + sample(lambda: _ours(app, actor, data, instance), n - 1, warm=0)
        # Without autovacuum the dead entries would also slow every later page that reads
        # the first branch.
        _vacuum(db)
        write = "COPY" if db.engine.dialect.name == "postgresql" else "executemany"
    name = f"import {rows:,} rows: check on upload, write on confirm"
    note = f"{len(data) / 2**20:.1f} MiB file, {len(HEADER)} columns"
    return [
        Figure(name, ours, f"calamine read + {write}", floor, len(statements), note),
        Figure(name, ours, f"openpyxl read + {write}", floor_openpyxl, len(statements), note),
        Figure(_REQUIRED, required, f"calamine read + {write}", floor, None, note),
        Figure(name, ours, _REQUIRED, required, len(statements), note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = make_app(url)
    build(app, args.members)
    for f in run(app, args.quick, rows=args.rows, n=args.samples):
        print(
            f"{f.operation}: median {f.median:.2f} s (p95 {f.p95:.2f}), floor {f.floor} "
            f"{f.floor_median:.2f} s, ratio {f.ratio:.2f}, {f.queries} SQL statements; {f.note}"
        )


if __name__ == "__main__":
    main()
