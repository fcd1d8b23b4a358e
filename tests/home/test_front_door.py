"""The first visit: `/` opens the login page without a warning, and the login page leads
citizens to the public service guide."""

from __future__ import annotations

from tests.factories import make_user


def test_the_first_visit_to_the_root_goes_to_the_login_page_without_a_warning(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/auth/login")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'class="alert' not in page
    assert 'id="username"' in page


def test_other_protected_pages_still_ask_to_log_in(client):
    r = client.get("/roster/")
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    assert "next=" in r.headers["Location"]
    assert 'class="alert alert-warning' in client.get(r.headers["Location"]).text


def test_a_logged_in_user_gets_the_home_page(login_as):
    r = login_as(make_user("alice")).get("/")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"


def test_the_login_page_links_to_the_public_guide(client):
    body = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/guide/"' in body
