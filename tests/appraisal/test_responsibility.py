"""Responsibility areas and the branch summary sheet."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from app.appraisal import responsibility
from app.appraisal.inbox import inbox
from app.common import timeutil
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db


def test_key_person_without_a_talk_in_a_month_is_flagged(world):
    a = world.record(world.alice)
    key = responsibility.add_person(world.alice_user, a, "马建军", "家中困难", True)
    responsibility.add_person(world.alice_user, a, "周丽", "", False)
    responsibility.log_contact(world.alice_user, a, key.id, "talk", date(2026, 7, 10), "谈心")
    responsibility.log_contact(world.alice_user, a, key.id, "visit", date(2026, 8, 3), "家访")
    db.session.commit()
    rows = responsibility.area(a, today=date(2026, 9, 15))
    by_name = {r.person.name: r for r in rows}
    assert by_name["马建军"].months_without_talk == [8, 9]  # a visit is not a talk
    assert by_name["周丽"].months_without_talk == []  # not a key person
    assert len(by_name["马建军"].logs) == 2


def test_area_is_kept_by_the_member_or_their_branch(world):
    a = world.record(world.alice)
    responsibility.add_person(world.sec_a, a, "某人", "", False)
    with pytest.raises(PermissionDenied):
        responsibility.add_person(world.sec_b, a, "某人", "", False)
    with pytest.raises(FieldErrors):
        responsibility.log_contact(world.alice_user, a, 999, "chat", None, "")


def test_area_over_http(world, login_as):
    a = world.record(world.alice)
    c = login_as(world.alice_user)
    r = c.post(
        f"/appraisal/{a.id}/area/person", data={"person-name": "新同事", "person-is_key": "y"}
    )
    assert r.status_code == 302
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert "新同事" in page
    assert (
        login_as(world.leader_b)
        .post(f"/appraisal/{a.id}/area/person", data={"person-name": "x"})
        .status_code
        == 404
    )


def test_branch_summary_sheet(world, login_as):
    c = login_as(world.sec_a)
    r = c.get(f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}/summary.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0]
    names = [row[0] for row in ws.iter_rows(min_row=3, values_only=True) if row[0]]
    assert "爱丽丝" in names and "鲍勃" not in names
    other = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_b.id}/summary.xlsx"
    assert c.get(other).status_code == 404


def test_key_person_without_a_talk_this_month_is_in_the_inbox(world):
    a = world.record(world.alice)
    key = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    db.session.commit()

    def talk_tasks(user):
        return [i.member_name for i in inbox(user).items if i.task == "talk"]

    assert talk_tasks(world.alice_user) == ["爱丽丝"]
    assert talk_tasks(world.sec_a) == ["爱丽丝"]
    assert talk_tasks(world.sec_b) == []
    responsibility.log_contact(world.alice_user, a, key.id, "talk", timeutil.today(), "谈心")
    db.session.commit()
    assert talk_tasks(world.alice_user) == []


def test_formula_looking_titles_of_the_summary_and_the_book_stay_text(world, login_as):
    world.tree.branch_a.name = '=HYPERLINK("http://x","y")'
    world.alice.name = '=HYPERLINK("http://x","z")'
    db.session.commit()
    c = login_as(world.sec_a)
    for url in (
        f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}/summary.xlsx",
        f"/appraisal/members/{world.alice.id}/book.xlsx",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        cell = openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0]["A1"]
        assert cell.value.startswith('=HYPERLINK("http://x"') and cell.data_type == "s"
        assert cell.quotePrefix, url
