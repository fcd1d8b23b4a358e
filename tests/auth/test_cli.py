"""The operator's way in: `flask unlock` and `flask reset-password`, both audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.extensions import db
from tests.conftest import login
from tests.factories import make_tree, make_user


def _fail(app, username: str, times: int, addr: str = "203.0.113.66") -> None:
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = addr
    for _ in range(times):
        login(c, username, "not the password")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_unlock_lifts_the_accounts_delay_and_is_audited(app, runner):
    make_user("root", (Role.ADMIN, make_tree().committee))
    _fail(app, "root", 5)
    assert login(app.test_client(), "root").status_code == 200
    r = runner.invoke(args=["unlock", "root"])
    assert r.exit_code == 0, r.output
    assert "login delay lifted" in r.output
    assert login(app.test_client(), "root").status_code == 302
    (event,) = _events("auth.unlock")
    assert event.actor_id is None and event.details == {"via": "cli"}


def test_unlock_lifts_an_addresses_delay(app, runner):
    make_user("ann")
    _fail(app, "nobody", 10, addr="203.0.113.7")
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert login(c, "ann").status_code == 200
    r = runner.invoke(args=["unlock", "--address", "203.0.113.7"])
    assert r.exit_code == 0, r.output
    assert login(c, "ann").status_code == 302
    assert _events("auth.unlock")[0].details["client_address"] == "203.0.113.7"


def test_unlock_needs_a_known_user(app, runner):
    assert runner.invoke(args=["unlock", "ghost"]).exit_code != 0
    assert runner.invoke(args=["unlock"]).exit_code != 0


def test_reset_password_prints_a_one_time_password_to_change_at_next_login(app, runner):
    user = make_user("root", (Role.ADMIN, make_tree().committee))
    c = app.test_client()
    assert login(c, "root").status_code == 302
    _fail(app, "root", 5)
    r = runner.invoke(args=["reset-password", "root"])
    assert r.exit_code == 0, r.output
    password = re.search(r"one-time password[^:]*: (\S+)", r.output).group(1)
    assert c.get("/").status_code == 302  # the old sessions ended
    fresh = app.test_client()
    assert login(fresh, "root").status_code == 200  # the old password is gone
    assert login(fresh, "root", password).status_code == 302  # and the delay with it
    assert fresh.get("/").location.endswith("/auth/password")
    db.session.refresh(user)
    assert user.must_change_password
    (event,) = _events("user.reset_password")
    assert event.actor_id is None and event.details == {"via": "cli"}


def test_reset_password_needs_a_known_user(app, runner):
    r = runner.invoke(args=["reset-password", "ghost"])
    assert r.exit_code != 0 and "ghost" in r.output
