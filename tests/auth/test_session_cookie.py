"""The session cookie under the production configuration (R-C1), a fresh session at login
(R-C5), and an upload over the size limit answered with a page, not a crash (R-D4)."""

from __future__ import annotations

import io

from app import create_app
from app.auth.models import Role
from tests.conftest import login
from tests.factories import make_user
from tests.test_app import PRODUCTION_KEYS


def test_the_production_cookie_is_host_only_secure_httponly_and_lax():
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", **PRODUCTION_KEYS)
    r = app.test_client().get("/auth/login", base_url="https://localhost")
    (cookie,) = r.headers.getlist("Set-Cookie")
    name, _, attributes = cookie.partition(";")
    parts = {p.strip().split("=")[0].lower() for p in attributes.split(";")}
    assert name.startswith("__Host-session=")
    assert {"secure", "httponly", "path", "samesite"} <= parts and "domain" not in parts
    assert "SameSite=Lax" in cookie and "remember" not in cookie.lower()


def test_a_cookie_planted_before_login_is_not_logged_in_after_it(app, client):
    make_user("frank")
    with client.session_transaction() as sess:  # a session the attacker made and planted
        sess["planted"] = True
    planted = client.get_cookie("session").value
    assert login(client, "frank").status_code == 302
    assert client.get_cookie("session").value != planted
    assert client.get("/").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/").status_code == 302  # still anonymous: off to the login page


def test_an_upload_over_the_limit_gets_a_page_saying_so(app, tree, login_as):
    c = login_as(make_user("sec_up", (Role.BRANCH_SECRETARY, tree.branch_a)))
    big = io.BytesIO(b"PK" + b"\0" * (6 * 1024 * 1024))
    r = c.post(
        "/roster/import", data={"file": (big, "big.xlsx")}, content_type="multipart/form-data"
    )
    assert r.status_code == 413
    assert "<html" in r.get_data(as_text=True).lower() and "Traceback" not in r.get_data(
        as_text=True
    )
