"""The record page: one panel with the state, the step's deadline and the viewer's actions
(the main one first, the others folded behind it), each form with its own input and errors,
the counts of talks and visits taken from the area log, and the way to the next record."""

from __future__ import annotations

import re
from datetime import date

from app.appraisal import record_page, responsibility, services
from app.appraisal.models import Appraisal
from app.appraisal.workflow import apply
from app.extensions import db
from tests.appraisal.conftest import walk_to
from tests.factories import make_member


def _panel(page: str) -> str:
    start = page.index('id="next-step"')
    return page[start : page.index("</section>", start)]


def _textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>([^<]*)</textarea>', page).group(1)


def _form(page: str, action: str) -> str:
    start = page.index(f'id="form-{action}"')
    return page[start : page.index("</form>", start)]


def test_the_signer_sees_sign_first_and_the_return_behind_it(world, login_as):
    a = walk_to(world, world.alice, "submitted")
    db.session.commit()
    page = login_as(world.leader_a).get(f"/appraisal/{a.id}").get_data(as_text=True)
    panel = _panel(page)
    more = panel.index('id="more-actions"')
    assert panel.index('id="form-sign"') < more < panel.index('id="form-return_to_member"')
    assert page.count('id="form-') == 2  # no other step cards stacked on the record
    assert "2026-10-07" in panel[panel.index('id="deadline"') :]  # the sign-off deadline


def test_a_comment_typed_in_sign_stays_in_sign(world, login_as):
    a = walk_to(world, world.alice, "submitted")
    db.session.commit()
    r = login_as(world.leader_a).post(
        f"/appraisal/{a.id}/step/sign",
        data={"step_sign-version": a.version, "step_sign-comment": "好"},
    )
    assert r.status_code == 200  # too short: shown again
    page = r.get_data(as_text=True)
    assert _textarea(page, "step_sign-comment").strip() == "好"
    assert _textarea(page, "step_return_to_member-comment").strip() == ""
    assert "invalid-feedback" in _form(page, "sign")
    assert "invalid-feedback" not in _form(page, "return_to_member")


def test_an_error_in_the_veto_shows_only_there_and_opens_it(world, login_as):
    a = walk_to(world, world.alice, "signed")
    db.session.commit()
    r = login_as(world.sec_a).post(
        f"/appraisal/{a.id}/step/veto",
        data={"step_veto-version": a.version, "step_veto-comment": "违纪事实"},
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.count("invalid-feedback") == 1
    assert "invalid-feedback" in _form(page, "veto")
    assert "invalid-feedback" not in _form(page, "assess")
    assert re.search(r'<details[^>]*id="more-actions"[^>]*open', page)
    assert re.search(r'<details[^>]*id="action-veto"[^>]*open', page)
    assert not re.search(r'<details[^>]*id="action-return_to_signer"[^>]*open', page)
    assert _textarea(page, "step_return_to_signer-comment").strip() == ""
    assert world.record(world.alice).is_vetoed is False
    # The facts typed and refused are on the page only: leaving it now warns first.
    assert re.search(r'<form[^>]*data-unsaved="kept"[^>]*id="form-veto"', page)
    assert not re.search(r'<form[^>]*data-unsaved="kept"[^>]*id="form-assess"', page)


def test_big_steps_say_what_they_will_do(world, login_as):
    a = walk_to(world, world.alice, "signed")
    db.session.commit()
    page = login_as(world.sec_a).get(f"/appraisal/{a.id}").get_data(as_text=True)
    veto = page[page.index('id="form-veto"') - 400 : page.index('id="form-veto"')]
    assert "data-confirm=" in veto
    b = world.record(world.alice)
    assert b.status == "signed"
    c = login_as(world.alice_user)
    draft = world.record(world.probie)  # not hers: no submit button for her there
    assert "data-confirm" not in c.get(f"/appraisal/{draft.id}").get_data(as_text=True)


def test_after_submitting_she_sees_it_submitted_with_a_withdraw(world, login_as):
    a = world.record(world.alice)
    c = login_as(world.alice_user)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'form="self-record"' in _panel(page)  # the panel's submit sends her draft
    keys = ("political", "party_spirit", "job_duties", "ideological_work", "technical")
    data = {"self-version": a.version, "self-send": "1"}
    data.update({f"self-dim_{k}": "本季度情况" for k in keys})
    r = c.post(f"/appraisal/{a.id}/self", data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/appraisal/{a.id}")
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert world.record(world.alice).status == "submitted"
    assert 'id="form-withdraw"' in _panel(page)
    assert 'id="record-nav"' not in page  # a member works through no list
    # Her records of every quarter, with their state, one click from the appraisal pages.
    assert 'href="/appraisal/mine"' in c.get("/appraisal/").get_data(as_text=True)
    r = c.get("/appraisal/mine")
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/appraisal/members/{world.alice.id}/book"
    )


def test_talks_and_visits_come_from_the_area_log(world, login_as):
    a = world.record(world.alice)
    person = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    in_quarter = date(2026, 9, 1)  # the record's quarter (a log of another one is not counted)
    for kind in ("talk", "talk", "visit", "help"):
        responsibility.log_contact(world.alice_user, a, person.id, kind, in_quarter, "")
    responsibility.log_contact(world.alice_user, a, person.id, "talk", date(2026, 6, 30), "")
    db.session.commit()
    assert responsibility.logged_facts(a) == {
        ("ideological_work", "talks"): 2,
        ("ideological_work", "home_visits"): 1,
    }
    c = login_as(world.alice_user)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="self-dim_ideological_work__talks"[^>]*>', page).group(0)
    assert "readonly" in box and 'value="2"' in box
    # Whatever is posted, the saved counts are the log's.
    data = {"self-version": a.version, "self-save": "1"}
    data.update({"self-dim_ideological_work__talks": "99", "self-dim_political": "学习"})
    assert c.post(f"/appraisal/{a.id}/self", data=data).status_code == 302
    saved = world.record(world.alice).self_record["ideological_work"]
    assert (saved["talks"], saved["home_visits"]) == (2, 1)


def test_the_next_record_waiting_in_the_branch_order(world, login_as):
    a = walk_to(world, world.alice, "submitted")
    b = walk_to(world, world.probie, "submitted")
    db.session.commit()
    c = login_as(world.sec_a)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    nav = page[page.index('id="record-nav"') :]
    assert f'href="/appraisal/{b.id}"' in nav[nav.index('id="next-waiting"') - 200 :]
    a = world.record(world.alice)
    nb = record_page.neighbours(world.sec_a, a, world.tree.branch_a)
    assert nb.total == 7  # branch A's records the secretary reads
    assert nb.next_waiting.appraisal_id == b.id
    order = [nb.previous, nb.next]
    assert all(n is None or n.appraisal_id != a.id for n in order)


def test_the_neighbours_cost_the_same_queries_whatever_the_branch_size(world, count_queries):
    a = world.record(world.alice)
    a.org.branch_id  # noqa: B018 - loaded before counting

    def cost() -> int:
        db.session.expire_all()
        rec = db.session.get(Appraisal, a.id)
        with count_queries() as q:
            record_page.neighbours(world.sec_a, rec, world.tree.branch_a)
        return q.count

    before = cost()
    for i in range(6):
        make_member(world.tree.group_a, name=f"新{i}")
    services.add_missing_records(world.period)
    db.session.commit()
    assert cost() == before


def test_no_panel_action_says_what_the_record_waits_for(world, login_as):
    a = walk_to(world, world.alice, "submitted")
    db.session.commit()
    page = login_as(world.committee).get(f"/appraisal/{a.id}").get_data(as_text=True)
    panel = _panel(page)
    assert 'id="form-sign"' not in panel and 'id="form-veto"' in panel  # the veto, folded
    assert 'id="nothing-now"' in panel
    apply(world.record(world.alice), "sign", world.leader_a, expected_version=None, comment="属实")
    db.session.commit()
    page = login_as(world.leader_a).get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'id="nothing-now"' in _panel(page) and 'id="form-' not in page


def test_the_spot_check_is_the_committees_main_step_on_a_drawn_record(world, login_as):
    a = walk_to(world, world.alice, "assessed")
    db.session.commit()
    c = login_as(world.committee)
    panel = _panel(c.get(f"/appraisal/{a.id}").get_data(as_text=True))
    assert 'id="nothing-now"' in panel  # not drawn: revising the opinion sits behind
    assert panel.index('id="more-actions"') < panel.index('id="form-assess"')
    a = world.record(world.alice)
    a.is_sampled = True
    db.session.commit()
    panel = _panel(c.get(f"/appraisal/{a.id}").get_data(as_text=True))
    more = panel.index('id="more-actions"')
    assert panel.index('id="form-spot_confirm"') < more < panel.index('id="form-spot_adjust"')
    assert "2026-10-25" in panel  # the spot check's deadline


def test_text_that_came_along_unsaved_keeps_the_leaving_warning(world, login_as):
    a = world.record(world.alice)
    person = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    db.session.commit()
    c = login_as(world.alice_user)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert re.search(r'<form id="self-record"[^>]*data-unsaved=""', page)
    data = {"self-version": a.version, "self-dim_political": "还没保存"}
    data.update({"log-person_id": person.id, "log-kind": "talk"})
    data.update({"log-occurred_on": "2026-09-01", "log-summary": ""})
    page = c.post(f"/appraisal/{a.id}/area/log", data=data).get_data(as_text=True)
    assert re.search(r'<form id="self-record"[^>]*data-unsaved="kept"', page)
