"""Hostile checks of the pages kept whole (versions.fragment): a kept page follows every table
it shows, is never another reader's, and holds nothing of the session."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.appraisal.models import ChecklistItem
from app.common import versions
from app.extensions import db
from tests.appraisal.conftest import fill
from tests.appraisal.test_overview import _url


def _every_topic_written() -> None:
    versions.bump(db.session, versions.topics())
    db.session.commit()


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _met_cells(html: str) -> list[str]:
    return re.findall(r'<td class="small text-nowrap">(\d+/\d+)</td>', html)


def test_the_kept_overview_follows_a_checklist_change(world, login_as):
    """Deactivating a checklist item changes every record's "checklists met" at once."""
    from app.appraisal.workflow import apply

    _every_topic_written()
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    c = login_as(world.sec_a)
    url = _url(world, world.tree.branch_a, view="list")
    before = _met_cells(c.get(url).get_data(as_text=True))
    assert before
    item = db.session.scalars(select(ChecklistItem).where(ChecklistItem.is_active)).first()
    assert item is not None
    item.is_active = False
    db.session.commit()
    after = _met_cells(c.get(url).get_data(as_text=True))
    versions.clear_memo()
    fresh = _met_cells(c.get(url).get_data(as_text=True))
    assert fresh != before
    assert after == fresh


def test_the_kept_inbox_follows_the_language(world, login_as):
    _every_topic_written()
    c = login_as(world.sec_a)
    chinese = _main(c.get("/appraisal/").get_data(as_text=True))
    c.post("/lang", data={"lang": "en", "next": "/appraisal/"})
    english = _main(c.get("/appraisal/").get_data(as_text=True))
    assert 'lang="en"' in c.get("/appraisal/").get_data(as_text=True)
    assert english != chinese


def test_a_revoked_grant_closes_the_kept_overview_and_inbox(world, login_as):
    _every_topic_written()
    c = login_as(world.sec_a)
    url = _url(world, world.tree.branch_a)
    assert c.get(url).status_code == 200
    c.get("/appraisal/")
    for grant in list(world.sec_a.grants):
        db.session.delete(grant)
    db.session.commit()
    assert c.get(url).status_code in (403, 404)
    assert url not in c.get("/appraisal/").get_data(as_text=True)
