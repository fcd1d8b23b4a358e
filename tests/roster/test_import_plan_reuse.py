"""The confirmation writes the plan its check kept, unless the roster changed since; new
members are written in bulk with the same history, skills and rollback as one at a time."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.roster import import_write, importer, services, skills
from app.roster.models import Member, MemberHistory
from tests.factories import make_id_number, make_member, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "专长", "联系电话"]


def _rows(n: int, start: int = 700) -> list[list]:
    return [HEADER] + [
        [f"批量{i}", make_id_number(seq=start + i), "甲党支部", "", "2010-07-01", "驾驶、电工",
         f"139{i:08d}"]
        for i in range(n)
    ]  # fmt: skip


def _upload(c, rows: list[list]):
    r = c.post(
        "/roster/import",
        data={"file": (io.BytesIO(make_xlsx(rows)), "r.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.data[:300]
    return r


def _count() -> int:
    return db.session.scalar(select(func.count(Member.id)))


@pytest.fixture
def sec(tree, login_as):
    return login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))


@pytest.fixture
def no_recheck(monkeypatch):
    """Fails the test if the confirmation checks the whole file again."""
    calls: list[int] = []
    real = importer.plan_import

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "plan_import", counted)
    return calls


def test_the_confirmation_writes_the_checked_plan_without_reading_the_file(
    tree, sec, no_recheck, count_queries
):
    skills.resolve_skills(["驾驶", "电工"])  # in the vocabulary already: no insert either time
    db.session.commit()
    _upload(sec, _rows(5))
    no_recheck.clear()
    with count_queries() as small:
        assert sec.post("/roster/import/commit").status_code == 302
    assert no_recheck == [] and _count() == 5
    _upload(sec, _rows(60, start=800))
    no_recheck.clear()
    with count_queries() as large:
        assert sec.post("/roster/import/commit").status_code == 302
    assert no_recheck == [] and _count() == 65
    assert large.count == small.count  # bulk writes: the same statements for 5 or 60 rows


def test_a_member_changed_since_the_check_makes_the_file_checked_again(tree, sec, no_recheck):
    m = make_member(tree.group_a, name="改过", work_unit="旧单位")
    number = services.member_raw(m)["id_number"]
    _upload(sec, [["姓名", "身份证号", "工作单位"], ["改过", number, "新单位"]])
    services.save_member(None, {**services.member_raw(m), "job_title": "会计"}, member=m)
    db.session.commit()
    no_recheck.clear()
    assert sec.post("/roster/import/commit").status_code == 302
    assert no_recheck == [1]  # the plan was stale: checked again, then written
    db.session.expire_all()
    got = db.session.get(Member, m.id)
    assert (got.work_unit, got.job_title) == ("新单位", "会计")


def test_an_id_number_taken_since_the_check_is_reported_not_written(tree, sec):
    rows = _rows(3)
    _upload(sec, rows)
    make_member(tree.group_b, id_number=rows[2][1])  # added meanwhile, elsewhere
    r = sec.post("/roster/import/commit")
    assert r.status_code == 200 and _count() == 1  # the preview again, with the problem


def test_a_plan_does_not_hold_for_other_bytes_or_another_person(tree, cmte):
    data = make_xlsx(_rows(2))
    plan = importer.plan_import(cmte, data)
    assert import_write.still_current(cmte, plan, data)
    assert not import_write.still_current(cmte, plan, make_xlsx(_rows(2, start=900)))
    other = make_user("other", (Role.COMMITTEE, tree.committee))
    assert not import_write.still_current(other, plan, data)


def test_bulk_history_matches_a_member_saved_alone(tree, cmte):
    rows = _rows(1)
    importer.commit_import(cmte, make_xlsx(rows), "a.xlsx")
    db.session.commit()
    bulk = db.session.scalar(select(Member).where(Member.name == "批量0"))
    raw = {"name": "单独", "id_number": make_id_number(seq=999), "org_id": tree.branch_a.id,
           "joined_on": "2010-07-01", "skills": "驾驶、电工", "phone": "13900000000"}  # fmt: skip
    alone = services.save_member(cmte, raw)
    db.session.commit()

    def changes(m: Member) -> dict:
        h = db.session.scalar(select(MemberHistory).where(MemberHistory.member_id == m.id))
        return {k: v for k, v in h.changes.items() if k not in ("name", "id_number", "gender",
                                                                "birth_date")}  # fmt: skip

    assert changes(bulk) == changes(alone)
    assert [s.name for s in bulk.skills] == [s.name for s in alone.skills] == ["电工", "驾驶"]
    assert (bulk.name_pinyin, bulk.id_tail) == ("piliang0", rows[1][1][-4:])
    assert services.member_raw(bulk)["phone"] == "13900000000"


def test_rolling_back_a_bulk_import_removes_its_members_and_links(tree, cmte):
    batch = importer.commit_import(cmte, make_xlsx(_rows(4)), "b.xlsx")
    db.session.commit()
    assert batch.rows_created == 4 and _count() == 4
    importer.rollback_import(cmte, batch)
    db.session.commit()
    assert _count() == 0


def test_a_kept_plan_reads_back_as_it_was_checked(tree, cmte, app, tmp_path):
    from datetime import datetime, time

    from app.roster import staging

    m = make_member(tree.group_a, name="甲一")
    joined = datetime.combine(m.joined_on, time()) if m.joined_on else None
    number = services.member_raw(m)["id_number"]
    rows = [["系统编号", *HEADER], [m.id, "甲一", number, "甲党支部", "", joined, "", ""]]
    rows += [[None, *r] for r in _rows(2)[1:]]
    plan = importer.plan_import(cmte, make_xlsx(rows))
    assert not plan.errors and (plan.creates, plan.updates) == (2, 1)
    plan.rows[0].raw["at"] = time(8, 30)  # a cell of another type, as a sheet may hold
    staging.store_plan(str(tmp_path), "tok", plan)
    again = staging.load_plan(str(tmp_path), "tok")
    assert again is not None and again.rows == [
        importer.PlannedRow(r.row, r.raw if r.member_id else {}, r.member_id, r.values,
                            r.version, r.id_hash)
        for r in plan.rows
    ]  # fmt: skip
    assert isinstance(again.rows[1].values["joined_on"], type(plan.rows[1].values["joined_on"]))
    assert (again.sha256, again.actor_id, again.header_row) == (
        plan.sha256, plan.actor_id, plan.header_row)  # fmt: skip


def test_a_plan_kept_in_an_earlier_layout_is_not_used(tree, cmte, app, tmp_path):
    import json

    from app.jobs import files
    from app.roster import staging

    plan = importer.plan_import(cmte, make_xlsx(_rows(1)))
    old = {"header_row": 1, "ignored_columns": [], "sha256": plan.sha256,
           "actor_id": cmte.id, "rows": [[2, {}, None, {"name": "批量0"}, None, "h"]]}  # fmt: skip
    folder = staging._folder(str(tmp_path))
    files.store_under(folder, staging._plan_token("tok"), json.dumps(old).encode())
    assert staging.load_plan(str(tmp_path), "tok") is None
