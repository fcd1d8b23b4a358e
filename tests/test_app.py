"""App-wide behaviour: configuration guards, headers, error pages, offline assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.auth.models import Role
from app.extensions import db
from tests.factories import make_tree, make_user

PRODUCTION_KEYS = {
    "SECRET_KEY": "x" * 40,
    "FIELD_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "BLIND_INDEX_KEY": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
}


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    with pytest.raises(RuntimeError):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="short")
    with pytest.raises(RuntimeError, match="FIELD_ENCRYPTION_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40)
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", **PRODUCTION_KEYS)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"


@pytest.mark.parametrize("config_name", ["development", "production"])
def test_outside_tests_and_demo_the_public_keys_are_refused(monkeypatch, config_name):
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY") as err:
        create_app(config_name, SQLALCHEMY_DATABASE_URI="sqlite://", DEMO_MODE=False)
    if config_name == "development":  # the message says what to set, and how
        for needed in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "os.urandom(32)", "DEMO_MODE=1"):
            assert needed in str(err.value)
    with pytest.raises(RuntimeError, match="FIELD_ENCRYPTION_KEY"):
        create_app(config_name, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40)
    create_app(config_name, SQLALCHEMY_DATABASE_URI="sqlite://", **PRODUCTION_KEYS)


def test_the_demo_may_run_on_the_development_keys_but_production_never(monkeypatch):
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    app = create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://", DEMO_MODE=True)
    assert not app.config["FIELD_ENCRYPTION_KEY"]
    with pytest.raises(RuntimeError):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", DEMO_MODE=True)
    create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", DEMO_MODE=False)


def test_make_run_starts_the_demo_on_a_fresh_clone_without_setup():
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run: export DEMO_MODE := 1$", makefile, re.MULTILINE)


def test_security_headers_on_every_response(client):
    for url in ("/auth/login", "/no-such-page"):
        h = client.get(url).headers
        assert "script-src 'self'" in h["Content-Security-Policy"]
        assert "object-src 'none'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "same-origin"


def test_authenticated_pages_are_not_cached(login_as):
    c = login_as(make_user("alice"))
    assert c.get("/").headers["Cache-Control"] == "no-store"


def test_not_found_page_is_chinese_with_an_incident_number(client):
    r = client.get("/no-such-page")
    page = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "页面" in page and "事件编号" in page


def test_unexpected_error_shows_no_traceback(caplog):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.route("/boom-for-test")
    def boom():
        raise ValueError("secret internals")

    r = app.test_client().get("/boom-for-test")
    page = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "Traceback" not in page and "secret internals" not in page
    assert "事件编号" in page
    assert "secret internals" in caplog.text


def test_health_answers_without_login(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def test_sqlite_enforces_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with pytest.raises(IntegrityError):
            conn.execute(
                text(
                    "INSERT INTO role_grant (user_id, role, org_id, created_at) "
                    "VALUES (999, 'member', 999, '2026-01-01')"
                )
            )


def test_bootstrap_is_served_locally_and_pages_load_nothing_external(app, login_as):
    assert app.config["BOOTSTRAP_SERVE_LOCAL"] is True
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    c = login_as(admin)
    pages = [
        "/",
        "/orgs/",
        f"/orgs/{tree.branch_a.id}",
        "/orgs/service-points",
        "/auth/users",
        f"/auth/users/{admin.id}",
        "/audit/",
    ]
    external = re.compile(r'(?:src|href)="(?:[a-z]+:)?//', re.I)
    for url in pages:
        r = c.get(url)
        assert r.status_code == 200, url
        body = r.get_data(as_text=True)
        assert not external.search(body), url
        assert "<script>" not in body and " style=" not in body and "onclick" not in body, url
    css = c.get("/bootstrap/static/css/bootstrap.min.css")
    assert css.status_code == 200
