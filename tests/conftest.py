"""Shared fixtures: one app and schema per worker, empty tables for every test."""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.audit import guard as audit_guard
from app.auth.models import Role
from app.extensions import db, limiter
from tests.factories import PASSWORD, make_tree, make_user

BASE_DB_URL = os.environ.get("TEST_DATABASE_URL", "")


def is_postgres() -> bool:
    return BASE_DB_URL.startswith("postgresql")


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def fresh_database(suffix: str):
    """A new, empty database for one use: SQLite in memory, or a PostgreSQL database
    created next to TEST_DATABASE_URL's and dropped afterwards."""
    if not is_postgres():
        yield "sqlite://"
        return
    import psycopg  # only the PostgreSQL run needs the driver

    base_name = urlsplit(BASE_DB_URL).path.lstrip("/")
    name = f"{base_name}_{suffix}"[:63]
    admin_url = _with_dbname(BASE_DB_URL, "postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_dbname(BASE_DB_URL, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(worker_id: str):
    with fresh_database(worker_id) as url:
        yield url


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context.

    Tests keep an app context pushed for their factories; Flask would reuse it for requests,
    sharing ``g`` (Flask-Login's cached user) and the ORM session between clients. Production
    never does that, so neither do the tests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(database_url: str, **overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def _session_app(database_url):
    return build_app(database_url)


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                quoted = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                audit_guard.drop(conn)  # the audit log refuses DELETE below the ORM
                for t in reversed(tables):
                    conn.execute(text(f'DELETE FROM "{t}"'))
                audit_guard.install(conn)


@pytest.fixture
def app(_session_app):
    """The app, inside an app context, with every table empty at the start."""
    _empty_tables(_session_app)
    # Flask-Limiter keeps "enabled" and its counts on the one extension object, so an app
    # built by another test (production config, a throttle test) would throttle this one.
    limiter.enabled = _session_app.config["RATELIMIT_ENABLED"]
    if limiter.enabled:
        limiter.reset()
    with _session_app.app_context():
        yield _session_app
        db.session.remove()


@pytest.fixture
def tree(app):
    """A committee with a general branch, branches A and B, a group each, and a village room."""

    return make_tree()


@pytest.fixture
def cmte(tree):
    """A party committee login over the whole tree."""
    return make_user("cmte", (Role.COMMITTEE, tree.committee))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, username: str, password: str = PASSWORD):
    """Log ``client`` in through the real login form."""
    return client.post(
        "/auth/login", data={"username": username, "password": password}, follow_redirects=False
    )


@pytest.fixture
def login_as(app):
    """login_as(user) -> a test client logged in as that user."""

    def _login(user, password: str = PASSWORD):
        c = app.test_client()
        r = login(c, user.username, password)
        assert r.status_code == 302, r.data[:500]
        return c

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as q: ... ; q.count is the number of SQL statements run."""

    @contextmanager
    def _counter():
        counter = QueryCounter()

        def _before(conn, cursor, statement, *args):
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", _before)

    return _counter


@pytest.fixture
def server_in_utc(monkeypatch):
    """The process clock's zone set to UTC, as on most servers, whatever this machine's is:
    a calendar date taken from it (``date.today()``) would then lag Beijing by a day."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def csrf_app(database_url, app):
    """The app with CSRF protection on, as in production (the tests switch it off). An
    in-memory database belongs to one engine, so there the session app itself is switched."""
    if database_url == "sqlite://":
        app.config["WTF_CSRF_ENABLED"] = True
        yield app
        app.config["WTF_CSRF_ENABLED"] = False
    else:
        yield build_app(database_url, WTF_CSRF_ENABLED=True)


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
