"""Responsibility-area checklists (三必清 / 三必访 / 四必谈) and their coverage on a hand-made
quarter; branch committee meetings shared by the records they decided, in the book (print and
Excel); the record's links and the member's year at a glance."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app.appraisal import checklists, responsibility, services
from app.appraisal.models import DEFAULT_CHECKLISTS, ChecklistItem, ContactLog
from app.appraisal.workflow import apply
from app.audit import AuditEvent
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, MASSES, walk_to
from tests.factories import make_member


def _items(world) -> dict[str, int]:
    return {i.label: i.id for i in checklists.items_for(world.tree.branch_a)}


def test_opening_a_quarter_seeds_the_rules_lists(world):
    by_kind: dict[str, list[str]] = {}
    for i in checklists.items_for(world.tree.group_a):
        by_kind.setdefault(i.kind, []).append(i.label)
        assert i.org_id == world.tree.committee.id
    assert by_kind == {k: v for k, v in DEFAULT_CHECKLISTS.items()}


def _hand_made_quarter(world):
    """爱丽丝's area in 2026 Q3: three items met, one talk outside the quarter, one untagged."""
    a = world.record(world.alice)
    items = _items(world)
    p = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    q = responsibility.add_person(world.alice_user, a, "周丽", "", False)
    log = responsibility.log_contact
    log(world.alice_user, a, p.id, "talk", date(2026, 7, 3), "谈心", items["思想状况"])
    log(world.alice_user, a, q.id, "talk", date(2026, 8, 9), "又谈", items["思想状况"])
    log(world.alice_user, a, p.id, "visit", date(2026, 8, 1), "住院看望", items["生病住院时"])
    log(world.alice_user, a, q.id, "talk", date(2026, 9, 2), "调岗谈心", items["岗位变动时"])
    log(world.alice_user, a, q.id, "help", date(2026, 9, 5), "帮忙", None)
    # A talk of the quarter before (logged then) does not count for Q3.
    db.session.add(
        ContactLog(
            person_id=q.id,
            kind="talk",
            occurred_on=date(2026, 6, 20),
            checklist_item_id=items["家庭情况"],
        )
    )
    db.session.commit()
    return a


def test_coverage_of_a_hand_made_quarter(world):
    a = _hand_made_quarter(world)
    cov = responsibility.coverage(a)
    assert (cov.met, cov.total) == (3, 10)
    met = {c.item.label: c.times for v in cov.lists.values() for c in v if c.met}
    assert met == {"思想状况": 2, "生病住院时": 1, "岗位变动时": 1}
    assert [i.label for i in cov.missing()][:2] == ["家庭情况", "困难问题"]
    # The overview's batch computation agrees with the record's.
    by_record = responsibility.coverage_of([a, world.record(world.bob)])
    assert (by_record[a.id].met, by_record[a.id].total) == (3, 10)
    assert by_record[world.record(world.bob).id].met == 0


def test_coverage_shows_on_the_record_and_in_the_branch_overview(world, login_as):
    a = _hand_made_quarter(world)
    c = login_as(world.sec_a)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'id="coverage"' in page and "生病住院时" in page
    overview = c.get(f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}")
    text = overview.get_data(as_text=True)
    assert '<td class="small text-nowrap">3/10</td>' in text
    assert 'id="coverage"' in text


def test_a_tag_must_fit_the_contact(world):
    a = world.record(world.alice)
    items = _items(world)
    p = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    with pytest.raises(FieldErrors) as err:  # a must-visit item is met by a visit
        responsibility.log_contact(
            world.alice_user, a, p.id, "talk", date(2026, 7, 3), "", items["生病住院时"]
        )
    assert set(err.value.errors) == {"checklist_item_id"}
    with pytest.raises(FieldErrors):
        responsibility.log_contact(world.alice_user, a, p.id, "talk", date(2026, 7, 3), "", 9999)


def test_the_committee_edits_the_lists(world, login_as):
    own = checklists.editable_rows(world.tree.committee)
    rows = [dict(r) for r in own]
    rows[0]["label"] = "思想动态"  # rename
    rows[1]["is_active"] = False  # deactivate 家庭情况
    rows[2]["position"] = 0  # 困难问题 first
    with pytest.raises(PermissionDenied):
        checklists.save_checklists(world.sec_a, world.tree.committee, rows)
    checklists.save_checklists(
        world.committee, world.tree.committee, rows, {"kind": "talk", "label": "家中有事时"}
    )
    db.session.commit()
    clear = [i.label for i in checklists.items_for(world.tree.group_a) if i.kind == "clear"]
    assert clear == ["困难问题", "思想动态"]
    talk = [i.label for i in checklists.items_for(world.tree.group_a) if i.kind == "talk"]
    assert talk[-1] == "家中有事时"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "appraisal.checklists")
    ).one()
    assert event.details["created"] == ["家中有事时"]
    assert set(event.details["updated"]) == {"思想动态", "家庭情况", "困难问题"}
    # A deactivated item leaves the coverage; nothing is deleted.
    assert responsibility.coverage(world.record(world.alice)).total == 10
    assert db.session.scalar(select(ChecklistItem).where(ChecklistItem.label == "家庭情况"))
    page = login_as(world.committee).get("/appraisal/checklists")
    assert page.status_code == 200 and "家中有事时" in page.get_data(as_text=True)
    assert login_as(world.sec_a).get("/appraisal/checklists").status_code == 403


def test_the_checklists_page_saves(world, login_as):
    rows = checklists.editable_rows(world.tree.committee)
    form = {"new_kind": "visit", "new_label": "退休时"}
    for n, r in enumerate(rows):
        form |= {
            f"rows-{n}-id": r["id"],
            f"rows-{n}-kind": r["kind"],
            f"rows-{n}-label": r["label"],
            f"rows-{n}-position": r["position"],
            f"rows-{n}-is_active": "y",
        }
    c = login_as(world.committee)
    r = c.post(f"/appraisal/checklists?org_id={world.tree.committee.id}", data=form)
    assert r.status_code == 302
    labels = [i.label for i in checklists.items_for(world.tree.committee) if i.kind == "visit"]
    assert labels[-1] == "退休时"


# --- branch committee meetings --------------------------------------------------------------


def test_one_meeting_decides_two_records_and_shows_in_the_book(world, login_as):
    opinion = {
        **ASSESS,
        **MASSES,
        "grade": "excellent",
        "decision": "评定本季度考核等次",
    }
    a = walk_to(world, world.alice, "assessed", data=opinion)
    db.session.flush()
    meeting = a.branch_meeting
    assert meeting.org_id == world.tree.branch_a.id and meeting.attendees == ASSESS["attendees"]
    other = make_member(world.tree.group_a, name="第二人")
    db.session.commit()
    services.add_missing_records(world.period)
    b = walk_to(world, other, "signed")
    apply(
        b,
        "assess",
        world.sec_a,
        expected_version=None,
        data={"meeting_id": meeting.id, "grade": "qualified", "comment": "同意"},
    )
    db.session.commit()
    assert world.record(other).branch_meeting_id == meeting.id
    assert world.record(other).branch_meeting_on == meeting.held_on
    # Another branch cannot cite it.
    bob = walk_to(world, world.bob, "signed")
    with pytest.raises(FieldErrors) as err:
        apply(
            bob,
            "assess",
            world.sec_b,
            expected_version=None,
            data={"meeting_id": meeting.id, "grade": "qualified", "comment": "同意"},
        )
    assert set(err.value.errors) == {"meeting_id"}
    db.session.rollback()
    c = login_as(world.sec_a)
    book = c.get(f"/appraisal/members/{world.alice.id}/book").get_data(as_text=True)
    assert ASSESS["attendees"] in book and "评定本季度考核等次" in book
    assert MASSES["masses"] in book
    record_page = c.get(f"/appraisal/{world.record(other).id}").get_data(as_text=True)
    assert ASSESS["attendees"] in record_page
    # The assess form of a record of the branch offers the meeting.
    third = db.session.scalar(select(Member).where(Member.name == "甲组0"))
    r = walk_to(world, third, "signed")
    db.session.commit()
    form_page = c.get(f"/appraisal/{r.id}").get_data(as_text=True)
    assert f'<option value="{meeting.id}">' in form_page
    xlsx = c.get(f"/appraisal/members/{world.alice.id}/book.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    head = [c.value for c in ws[2]]
    row = dict(zip(head, [c.value for c in ws[3]], strict=True))
    assert row["群众反映"] == MASSES["masses"]
    assert ASSESS["attendees"] in row["支委会会议"] and "评定本季度考核等次" in row["支委会会议"]


def test_a_new_meeting_needs_who_attended(world):
    a = walk_to(world, world.alice, "signed")
    with pytest.raises(FieldErrors) as err:
        apply(a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "attendees": ""})
    assert set(err.value.errors) == {"attendees"}


# --- navigation --------------------------------------------------------------------------------


def test_the_record_links_to_its_quarter_and_branch_overview(world, login_as):
    a = world.record(world.alice)
    page = login_as(world.sec_a).get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert f'href="/appraisal/periods/{world.period.id}"' in page
    assert f'href="/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"' in page
    own = login_as(world.alice_user).get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert f"/orgs/{world.tree.branch_a.id}" not in own  # a member has no branch overview


def test_the_year_at_a_glance_on_the_book_and_the_roster_page(world, login_as):
    a = walk_to(world, world.alice, "assessed")
    services.mark_exemplary(world.committee, a, "带头抢险")
    db.session.commit()
    c = login_as(world.sec_a)
    for url in (f"/appraisal/members/{world.alice.id}/book", f"/roster/{world.alice.id}"):
        page = c.get(url).get_data(as_text=True)
        assert 'id="year-glance"' in page, url
        glance = page[page.index('id="year-glance"') :]
        glance = glance[: glance.index("</table>")]
        assert f'href="/appraisal/{a.id}"' in glance  # Q3 links to its record
        assert glance.count("<tr>") == 5  # the header and four quarters
        assert "badge text-bg-warning" in glance  # the exemplary mark
    # Each branch sees its own members' year; a record of another branch is not linked.
    page = login_as(world.sec_b).get(f"/roster/{world.bob.id}").get_data(as_text=True)
    assert 'id="year-glance"' in page and f'href="/appraisal/{a.id}"' not in page


def test_a_meeting_id_out_of_range_is_a_field_error(world):
    a = walk_to(world, world.alice, "signed")
    with pytest.raises(FieldErrors) as err:
        apply(
            a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "meeting_id": 10**20}
        )
    assert set(err.value.errors) == {"meeting_id"}
