"""The client's address behind a reverse proxy: X-Forwarded-For counts only when configured
(PROXY_FIX_X_FOR hops), for the login throttle, the rate limiter and the audit log alike."""

from __future__ import annotations

from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from tests.conftest import build_app
from tests.factories import PASSWORD, make_user

PROXY = "10.0.0.2"


WRONG = "not the password"  # noqa: S105


def _attempt(app, forwarded_for: str, username: str = "nobody", password: str = WRONG):
    c = app.test_client()
    return c.post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": forwarded_for},
    )


def _logged_ips(app) -> list[str]:
    with app.app_context():
        stmt = select(AuditEvent.ip).where(AuditEvent.action.startswith("auth."))
        return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def test_without_the_setting_a_spoofed_forwarded_for_changes_nothing():
    app = build_app("sqlite://")
    assert app.config["PROXY_FIX_X_FOR"] == 0
    with app.app_context():
        make_user("ann")
    for i in range(10):
        _attempt(app, f"198.51.100.{i}")  # a new "address" each time
    # every attempt came from the proxy's address, which is now slowed down
    assert _attempt(app, "198.51.100.99", "ann", PASSWORD).status_code == 200
    assert set(_logged_ips(app)) == {PROXY}


def test_with_one_hop_the_forwarded_address_is_the_client():
    app = build_app("sqlite://", PROXY_FIX_X_FOR=1)
    with app.app_context():
        make_user("ann")
    for _ in range(10):
        _attempt(app, "198.51.100.1")
    # that client is slowed down; another behind the same proxy is not
    assert _attempt(app, "198.51.100.1", "ann", PASSWORD).status_code == 200
    assert _attempt(app, "198.51.100.2", "ann", PASSWORD).status_code == 302
    ips = _logged_ips(app)
    assert PROXY not in ips and set(ips) == {"198.51.100.1", "198.51.100.2"}
    # only the last hop's value is trusted: what the client put in front is ignored
    _attempt(app, "192.0.2.9, 198.51.100.3")
    assert _logged_ips(app)[-1] == "198.51.100.3"


def _limited(**overrides) -> list[int]:
    app = build_app(
        "sqlite://", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", **overrides
    )
    return [_attempt(app, f"198.51.100.{i}").status_code for i in range(4)]


def test_the_rate_limiter_keys_on_the_real_client():
    # Without the setting, rotating the header does not escape the limit.
    assert _limited() == [200, 200, 200, 429]
    # Behind one configured proxy, four clients are four clients, not one proxy.
    assert _limited(PROXY_FIX_X_FOR=1) == [200, 200, 200, 200]
