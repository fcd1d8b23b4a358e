"""Timelines and printed books name people by their names, never by their logins."""

from __future__ import annotations

from app.appraisal.workflow import apply
from app.extensions import db
from tests.appraisal.conftest import fill


def _named(world) -> None:
    world.alice_user.display_name = "艾莉"
    world.leader_a.display_name = "组长老张"
    world.mentor_a.display_name = "培养人老李"
    db.session.commit()


def _submit_and_sign(world, member, user, signer) -> None:
    a = world.record(member)
    fill(a)
    apply(a, "submit", user, expected_version=None)
    apply(a, "sign", signer, expected_version=None, comment="同意")
    db.session.commit()


def _names_not_logins(page: str, *pairs: tuple[str, str]) -> None:
    for name, login in pairs:
        assert name in page
        assert login not in page


def test_the_record_timeline_and_the_book_name_the_actors(world, login_as):
    _named(world)
    _submit_and_sign(world, world.alice, world.alice_user, world.leader_a)
    a = world.record(world.alice)
    c = login_as(world.sec_a)
    for url in (f"/appraisal/{a.id}", f"/appraisal/members/{world.alice.id}/book"):
        page = c.get(url).get_data(as_text=True)
        _names_not_logins(page, ("艾莉", "alice"), ("组长老张", "leader_a"))


def test_the_probation_review_form_names_the_mentor(world, login_as):
    _named(world)
    probie_user = world.alice_user  # a login of the probationary member's own
    world.alice.user_id = None
    world.probie.user_id = probie_user.id
    db.session.commit()
    _submit_and_sign(world, world.probie, probie_user, world.mentor_a)
    page = login_as(world.sec_a).get(f"/appraisal/members/{world.probie.id}/probation")
    _names_not_logins(page.get_data(as_text=True), ("培养人老李", "mentor_a"), ("艾莉", "alice"))
