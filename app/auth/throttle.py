"""Login throttling kept in the database: growing delays per account, client address and
known browser, instead of a lock an anonymous guesser could hold shut.

* **Account**: after ``LOGIN_ACCOUNT_FREE_FAILURES`` wrong passwords in a row, each further
  one makes the account wait ``LOGIN_ACCOUNT_BASE_DELAY`` doubled per failure, up to
  ``LOGIN_ACCOUNT_MAX_DELAY`` (short: it only slows guessing down). While it waits, attempts
  are refused unchecked and not counted, so guessers get one try per delay.
* **Address**: the same per client address over every account (``LOGIN_ADDRESS_*``), so one
  machine cannot spray many accounts or keep re-arming an account's delay.
* **Known browser**: a browser that logged into the account before carries a signed cookie
  naming it. Such a browser passes the account's and the address's delays (it has its own
  count), so an attacker elsewhere, even from many addresses, cannot keep the owner out.

Counts are forgotten ``LOGIN_FAILURES_FORGOTTEN_AFTER`` after the last failure, and a
successful login clears the account's and the browser's (never the address's: one's own
account would otherwise wash an address clean for guessing at others).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import audit
from app.auth.models import LoginThrottle, User
from app.extensions import db

ACCOUNT = "account"
ADDRESS = "address"
DEVICE = "device"

_SETTINGS = {ACCOUNT: "LOGIN_ACCOUNT", ADDRESS: "LOGIN_ADDRESS", DEVICE: "LOGIN_ACCOUNT"}


def delay_after(scope: str, failures: int) -> timedelta:
    """How long ``scope`` waits after ``failures`` failures in a row (zero while free)."""
    cfg = current_app.config
    prefix = _SETTINGS[scope]
    extra = failures - cfg[f"{prefix}_FREE_FAILURES"]
    if extra < 0:
        return timedelta(0)
    base: timedelta = cfg[f"{prefix}_BASE_DELAY"]
    cap: timedelta = cfg[f"{prefix}_MAX_DELAY"]
    # 2**extra grows fast: stop doubling once past the cap.
    return min(cap, base * (2 ** min(extra, 32)))


def _row(scope: str, key: str) -> LoginThrottle | None:
    return db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )


def blocked_until(scope: str, key: str, now: datetime) -> datetime | None:
    """The end of ``key``'s current delay, or None when it may try now."""
    if not key:
        return None
    row = _row(scope, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(scope: str, key: str, now: datetime, *, user: User | None = None) -> bool:
    """Count one failure for ``key``; True when it starts a delay (which is audited).

    The row is created if missing and then locked (FOR UPDATE on PostgreSQL; SQLite holds the
    write lock after the insert), so failures at the same moment in several workers all count.
    """
    if not key:
        return False
    key = key[:128]
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(scope=scope, key=key, failures=0)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
    )
    row = db.session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.scope == scope, LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    forget = current_app.config["LOGIN_FAILURES_FORGOTTEN_AFTER"]
    if row.last_failure_at is not None and now - row.last_failure_at > forget:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(scope, row.failures)
    if not wait:
        return False
    row.blocked_until = now + wait
    audit.record(
        user,
        "auth.throttle",
        user if scope != ADDRESS else None,
        actor_name=getattr(user, "username", ""),
        scope=scope,
        failures=row.failures,
        delay_seconds=int(wait.total_seconds()),
    )
    return True


def clear(scope: str, key: str) -> bool:
    """Forget ``key``'s failures; True when there was something to forget."""
    if not key:
        return False
    result = db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )
    return bool(result.rowcount)


def account_key(user: User) -> str:
    return str(user.id)


# --- known browsers ---------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def new_device_cookie(user: User) -> str:
    """A signed cookie value naming a random browser id for ``user``."""
    return _serializer().dumps({"u": user.id, "d": secrets.token_urlsafe(16)})


def device_key(cookie: str, user: User | None) -> str | None:
    """The browser id in ``cookie`` when it is genuine and was issued to ``user``."""
    if not cookie or user is None or len(cookie) > 200:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.id:
        return None
    device = data.get("d")
    return f"{user.id}:{device}" if isinstance(device, str) else None
