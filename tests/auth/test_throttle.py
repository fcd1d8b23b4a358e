"""Login throttling: growing delays per account, per address and per known browser, kept in the
database; a guesser anywhere cannot keep the owner out, and the operator has a way in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import throttle
from app.auth.models import Role
from app.common.timeutil import utcnow
from app.extensions import db
from tests.conftest import build_app, login
from tests.factories import make_tree, make_user

GENERIC = "用户名或密码错误"
ATTACKER = "203.0.113.66"


def _client(app, addr: str = "127.0.0.1"):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = addr
    return c


def _fail(client, username: str, times: int = 1) -> None:
    for _ in range(times):
        r = login(client, username, "not the password")
        assert r.status_code == 200 and GENERIC in r.get_data(as_text=True)


def _later(minutes: float):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes))


def _throttle_events(scope: str) -> list[AuditEvent]:
    return [
        e
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.throttle").order_by(AuditEvent.id)
        )
        if e.details["scope"] == scope
    ]


@pytest.mark.parametrize(
    ("scope", "failures", "minutes"),
    [
        ("account", 4, 0),
        ("account", 5, 1),
        ("account", 6, 2),
        ("account", 8, 8),
        ("account", 9, 15),  # the cap
        ("account", 10_000, 15),
        ("address", 9, 0),
        ("address", 10, 1),
        ("address", 13, 8),
        ("address", 20, 60),
        ("device", 5, 1),
    ],
)
def test_the_delay_doubles_after_the_free_failures_up_to_a_cap(app, scope, failures, minutes):
    assert throttle.delay_after(scope, failures) == timedelta(minutes=minutes)


def test_failures_slow_the_account_down_and_the_delay_grows(app):
    make_user("carol")
    c = _client(app)
    _fail(c, "carol", 5)
    # the right password waits out the delay, with the same answer as a wrong one
    r = login(c, "carol")
    assert r.status_code == 200 and GENERIC in r.get_data(as_text=True)
    with _later(1.1):
        _fail(c, "carol")  # the sixth failure: two minutes now
        assert login(c, "carol").status_code == 200
    with _later(2.2):
        assert login(c, "carol").status_code == 200
    with _later(3.2):
        assert login(c, "carol").status_code == 302
    assert [e.details["delay_seconds"] for e in _throttle_events("account")] == [60, 120]
    assert _throttle_events("account")[0].details["failures"] == 5
    reasons = [
        e.details["reason"]
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.login", AuditEvent.result == "fail")
        )
    ]
    assert reasons.count("throttled") == 3 and reasons.count("password") == 6


def test_attempts_during_a_delay_are_refused_unchecked_and_not_counted(app):
    make_user("dora")
    c = _client(app, ATTACKER)
    _fail(c, "dora", 50)
    with _later(1.1):
        # 50 attempts, 5 counted: the delay is still the first one's
        assert login(_client(app, "198.51.100.7"), "dora").status_code == 302


def test_a_guesser_cannot_keep_the_owner_out_of_a_browser_they_used_before(app):
    tree = make_tree()
    make_user("root", (Role.ADMIN, tree.committee))
    own = _client(app, "198.51.100.7")
    assert login(own, "root").status_code == 302
    own.post("/auth/logout")
    # Someone hammers the only admin from elsewhere, past both the account's and their own
    # address's delays, for two hours.
    attacker = _client(app, ATTACKER)
    for minute in range(0, 120, 3):
        with _later(minute):
            _fail(attacker, "root", 3)
    with _later(120):
        assert login(attacker, "root").status_code == 200  # even the right password
        assert login(own, "root").status_code == 302  # the owner's browser walks in
    assert _throttle_events("address"), "the attacker's address was slowed down too"


def test_a_new_browser_gets_in_once_the_accounts_short_delay_has_passed(app):
    make_user("erin")
    _fail(_client(app, ATTACKER), "erin", 5)
    fresh = _client(app, "198.51.100.8")
    assert login(fresh, "erin").status_code == 200
    with _later(1.1):
        assert login(fresh, "erin").status_code == 302


def test_a_known_browser_that_guesses_waits_like_any_other(app):
    make_user("fay")
    c = _client(app)
    assert login(c, "fay").status_code == 302
    c.post("/auth/logout")
    _fail(c, "fay", 5)
    assert login(c, "fay").status_code == 200
    with _later(1.1):
        assert login(c, "fay").status_code == 302


def test_a_forged_browser_cookie_is_no_pass(app):
    user = make_user("gil")
    _fail(_client(app, ATTACKER), "gil", 5)
    c = _client(app)
    name = app.config["LOGIN_DEVICE_COOKIE_NAME"]
    with app.test_request_context():
        other = throttle.new_device_cookie(make_user("other"))
        mine = throttle.new_device_cookie(user)
    for forged in (other, mine[:-2] + "xx", "garbage"):
        c.set_cookie(name, forged)
        assert login(c, "gil").status_code == 200


def test_one_address_spraying_many_accounts_is_slowed_down(app):
    for i in range(10):
        make_user(f"user{i}")
    sprayer = _client(app, ATTACKER)
    for i in range(10):
        _fail(sprayer, f"user{i}")  # one failure per account: no account is slowed down
    assert login(sprayer, "user0").status_code == 200  # the address is
    assert login(sprayer, "nobody").status_code == 200
    assert login(_client(app, "198.51.100.9"), "user0").status_code == 302
    assert [e.details["delay_seconds"] for e in _throttle_events("address")] == [60]
    with _later(1.1):
        assert login(sprayer, "user1").status_code == 302


def test_unknown_names_count_against_the_address(app):
    c = _client(app, ATTACKER)
    _fail(c, "nobody", 10)
    make_user("hal")
    assert login(c, "hal").status_code == 200


def test_throttled_wrong_and_unknown_answer_alike(app):
    make_user("ida")
    _fail(_client(app, ATTACKER), "ida", 5)
    c = _client(app)
    throttled = login(c, "ida")
    wrong = login(_client(app, "198.51.100.10"), "ida", "not the password")
    unknown = login(_client(app, "198.51.100.11"), "nobody", "not the password")
    assert throttled.status_code == wrong.status_code == unknown.status_code == 200
    body = throttled.get_data(as_text=True)
    assert body == wrong.get_data(as_text=True)
    assert body == unknown.get_data(as_text=True).replace('value="nobody"', 'value="ida"')


def test_old_failures_are_forgotten(app):
    make_user("jon")
    c = _client(app)
    _fail(c, "jon", 4)
    with _later(25 * 60):
        _fail(c, "jon", 4)
        assert login(c, "jon").status_code == 302


def test_a_success_clears_the_account_but_not_the_address(app):
    make_user("kim")
    make_user("lee")
    c = _client(app, ATTACKER)
    _fail(c, "kim", 4)
    _fail(c, "lee", 4)
    assert login(c, "kim").status_code == 302  # kim's count starts again
    c.post("/auth/logout")
    _fail(c, "kim", 2)  # but the address has 10 failures now
    assert login(c, "lee").status_code == 200


def test_two_app_instances_on_one_database_share_the_count(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = build_app(url), build_app(url)
    with first.app_context():
        make_user("max")
    _fail(_client(first), "max", 3)
    _fail(_client(second), "max", 2)
    assert login(_client(first, "198.51.100.12"), "max").status_code == 200
    assert login(_client(second, "198.51.100.13"), "max").status_code == 200


def test_the_admin_sees_the_delay_and_lifts_it(app, login_as):
    tree = make_tree()
    admin = make_user("root", (Role.ADMIN, tree.committee))
    victim = make_user("nia")
    _fail(_client(app, ATTACKER), "nia", 5)
    c = login_as(admin)
    assert "登录" in c.get(f"/auth/users/{victim.id}").get_data(as_text=True)
    assert c.post(f"/auth/users/{victim.id}/unlock").status_code == 302
    assert login(_client(app, "198.51.100.14"), "nia").status_code == 302
    unlock = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.unlock")).one()
    assert unlock.actor_name == "root" and unlock.details["via"] == "web"


def test_guessing_the_current_password_slows_the_account_and_ends_that_session(app):
    make_user("ola")
    c = _client(app)
    assert login(c, "ola").status_code == 302
    for _ in range(5):
        c.post(
            "/auth/password",
            data={"current_password": "guess", "new_password": "x" * 12, "confirm": "x" * 12},
        )
    assert c.get("/").status_code == 302  # the session ended with the delay
    assert login(c, "ola").status_code == 200  # this browser guessed: it waits too
    with _later(1.1):
        assert login(c, "ola").status_code == 302
