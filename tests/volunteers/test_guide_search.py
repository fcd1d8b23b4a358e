"""The public guide on a phone: a search box over the published items, tap-to-call hotlines."""

from __future__ import annotations

import re

from app.extensions import db
from app.volunteers import services


def _item(org, name, materials="户口簿", category="civil_affairs", published=True):
    data = {
        "name": name,
        "category": category,
        "level": "village",
        "handling": "promised",
        "promised_days": 15,
        "skills": "",
        "materials": materials,
        "is_published": published,
    }
    item = services.save_item(None, org, data)
    db.session.commit()
    return item


def test_the_guide_search_keeps_items_matching_every_word(tree, client):
    _item(tree.branch_a, "农村低保申请", materials="户口簿、收入证明")
    _item(tree.branch_a, "新农合医疗报销", materials="医保卡、发票", category="rural_insurance")
    _item(tree.branch_a, "低保内部事项", published=False)

    page = client.get("/guide/?q=低保").get_data(as_text=True)
    assert "农村低保申请" in page and "新农合医疗报销" not in page
    assert "低保内部事项" not in page  # never an unpublished item
    assert 'value="低保"' in page  # the box keeps what was typed

    # Materials count, and every word must match.
    assert "新农合医疗报销" in client.get("/guide/?q=发票").text
    page = client.get("/guide/?q=低保  发票").text
    assert "农村低保申请" not in page and "新农合医疗报销" not in page

    # The level pills keep the search.
    assert re.search(
        r'href="/guide/\?level=village&amp;q=%E4%BD%8E%E4%BF%9D"', client.get("/guide/?q=低保").text
    )


def test_a_search_without_results_says_what_to_do(tree, client):
    _item(tree.branch_a, "农村低保申请")
    r = client.get("/guide/?q=护照")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert 'id="no-match"' in body and "护照" in body
    assert "农村低保申请" not in body
    assert 'href="/guide/"' in body  # back to every item
    assert "tel:" in body  # the service points to call are still listed


def test_the_search_box_is_a_plain_form(client):
    body = client.get("/guide/").get_data(as_text=True)
    form = re.search(
        r'<form method="get" action="/guide/"[^>]*role="search">.*?</form>', body, re.S
    )
    assert form and 'name="q"' in form.group(0) and 'type="submit"' in form.group(0)
    assert 'for="guide-q"' in form.group(0)  # labelled for screen readers
    assert "No item matches" not in body and 'id="no-match"' not in body


def test_hotlines_are_tap_to_call_links(tree, client):
    item = _item(tree.branch_a, "农村低保申请")
    for url in ("/guide/", f"/guide/items/{item.id}"):
        body = client.get(url).get_data(as_text=True)
        assert '<a href="tel:09371234567" class="text-nowrap">0937-1234567</a>' in body, url
