"""Account rules: logging in, passwords, creating users, granting and revoking roles."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.auth import throttle
from app.auth.models import Role, RoleGrant, User, UserSession
from app.auth.password_policy import check_password_policy
from app.auth.passwords import (
    generate_initial_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.auth.sessions import end_all_sessions, end_session, start_session
from app.common.pagination import Page, paginate
from app.common.timeutil import utcnow
from app.errors import PermissionDenied, StaleRecord, ValidationError
from app.extensions import db
from app.orgs.models import Org, ServicePoint

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
# One address, no display name, no spaces or angle brackets (it goes into a mail header).
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

# A hash of a random password, verified against when the user name is unknown so the
# response time does not reveal which names exist.
_DUMMY_HASH: dict[str, str] = {}


@dataclass
class LoginResult:
    user: User | None
    session: UserSession | None
    # A new known-browser cookie for the view to set, when the browser had none for this user.
    device_cookie: str | None = None


def _dummy_verify(password: str) -> None:
    key = repr((current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"]))
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password(secrets.token_hex(16))
    verify_password(_DUMMY_HASH[key], password)


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def authenticate(
    username: str,
    password: str,
    *,
    ip: str = "",
    user_agent: str = "",
    device_cookie: str = "",
) -> LoginResult:
    """Check a login. On success open a server-side session; on failure count it.

    Unknown user, wrong password, throttled and deactivated accounts all fail the same way, so
    the caller shows one message. Failures slow the account and the client address down with
    growing delays (app/auth/throttle.py); a browser the account logged in from before passes
    those delays, so nobody elsewhere can keep the owner out. Every attempt is audited.
    """
    user = find_user(username.strip()) if username else None
    now = utcnow()
    device = throttle.device_key(device_cookie, user)
    if device is not None and throttle.blocked_until(throttle.DEVICE, device, now):
        device = None  # this browser guessed too: it waits like any other
    if device is None and (
        throttle.blocked_until(throttle.ADDRESS, ip, now)
        or (user is not None and throttle.blocked_until(throttle.ACCOUNT, str(user.id), now))
    ):
        # Refused unchecked and uncounted: a guesser gets one try per delay.
        _dummy_verify(password)
        audit.record(
            user,
            "auth.login",
            user,
            result="fail",
            actor_name=getattr(user, "username", ""),
            reason="throttled",
        )
        return LoginResult(None, None)
    if user is None:
        _dummy_verify(password)
        throttle.record_failure(throttle.ADDRESS, ip, now)
        # The unknown name is not stored: it is often a password typed into the wrong box.
        audit.record(None, "auth.login", result="fail", actor_name="", reason="unknown")
        return LoginResult(None, None)
    if not verify_password(user.password_hash, password):
        _count_failure(user, now, "login", ip=ip, device=device)
        return LoginResult(None, None)
    if not user.is_active:
        audit.record(user, "auth.login", user, result="fail", reason="inactive")
        return LoginResult(None, None)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.clear(throttle.ACCOUNT, str(user.id))
    if device is not None:
        throttle.clear(throttle.DEVICE, device)
    user.last_login_at = now
    sess = start_session(user, ip=ip, user_agent=user_agent)
    audit.record(user, "auth.login", user)
    return LoginResult(user, sess, None if device is not None else throttle.new_device_cookie(user))


def _count_failure(user: User, now, where: str, *, ip: str, device: str | None = None) -> bool:
    """One more wrong password, counted for the account, the address and the browser.

    True when the account's delay starts (the throttle audits it).
    """
    slowed = throttle.record_failure(throttle.ACCOUNT, str(user.id), now, user=user)
    throttle.record_failure(throttle.ADDRESS, ip, now, user=user)
    if device is not None:
        throttle.record_failure(throttle.DEVICE, device, now, user=user)
    audit.record(
        user,
        "auth.login" if where == "login" else "auth.password_change",
        user,
        result="fail",
        reason="password",
    )
    return slowed


def logout(user: User) -> None:
    """End the user's current session (server-side, so the cookie dies with it)."""
    end_session(user.current_session)
    audit.record(user, "auth.logout", user)


def change_password(
    user: User, current: str, new: str, *, ip: str = "", device_cookie: str = ""
) -> None:
    """The user changes their own password; every other session of theirs ends.

    A wrong current password counts like one at the login form, or a stolen session could try
    passwords without limit; when the account's delay starts, this session ends.
    """
    if not verify_password(user.password_hash, current):
        device = throttle.device_key(device_cookie, user)
        if _count_failure(user, utcnow(), "password_change", ip=ip, device=device):
            end_session(user.current_session)
        raise ValidationError(
            _l("The current password is wrong."), field="current_password", keep=True
        )
    if current == new:
        raise ValidationError(
            _l("The new password must differ from the current one."), field="new_password"
        )
    check_password_policy(new, username=user.username, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.version += 1
    end_all_sessions(user, keep=user.current_session)
    audit.record(user, "auth.password_change", user)


def create_user(
    actor: User | None,
    username: str,
    display_name: str,
    password: str | None = None,
    *,
    must_change_password: bool = True,
    enforce_policy: bool = True,
) -> tuple[User, str]:
    """Create an account. Without a password one is generated; returns (user, password).

    A system-issued password must be changed at first login unless told otherwise.
    """
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            _l("3–64 letters, digits, dot, dash or underscore."),
            field="username",
        )
    if find_user(username) is not None:
        raise ValidationError(_l("This user name is taken."), field="username")
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError(_l("This field is required."), field="display_name")
    if password is None:
        password = generate_initial_password()
    elif enforce_policy:
        check_password_policy(password, username=username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user)
    return user, password


def user_page(actor: User, q: str, page: int, per_page: int) -> Page:
    """The accounts ``actor`` administers, by user name, matching ``q`` in the user name or
    the full name when given."""
    stmt = policy.scope(select(User), actor, User)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(User.username.ilike(like) | User.display_name.ilike(like))
    return paginate(stmt.order_by(User.username), page, per_page)


def _require_edit(actor: User | None, user: User) -> None:
    if actor is not None and not policy.can(actor, "user.edit", user):
        raise PermissionDenied(_l("This account is outside your reach."))


def clean_email(email: str | None) -> str | None:
    """The address trimmed and lower-cased, None when blank; raises ValidationError on
    ``email`` for anything but one plain address."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationError(_l("Give one e-mail address, such as name@example.com."), "email")
    return email


def update_user(
    actor: User,
    user: User,
    *,
    display_name: str,
    expected_version: int,
    email: str | None = None,
) -> None:
    """Rename an account and (when ``email`` is given, blank clears it) set its e-mail address.
    The address is personal data: the audit row says only that it changed."""
    _require_edit(actor, user)
    if user.version != expected_version:
        raise StaleRecord()
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError(_l("This field is required."), field="display_name")
    new_email = clean_email(email) if email is not None else user.email
    if display_name != user.display_name:
        audit.record(actor, "user.update", user, old=user.display_name, new=display_name)
        user.display_name = display_name
        user.version += 1
    if new_email != user.email:
        audit.record(actor, "user.update", user, email_changed=True)
        user.email = new_email
        user.version += 1


def reset_password(actor: User | None, user: User) -> str:
    """Issue a new random password that must be changed at next login; sessions end and the
    account's login delay is lifted.

    Nobody resets their own password this way: they change it knowing the current one.
    ``actor`` None is the server's operator (``flask reset-password``).
    """
    _require_edit(actor, user)
    if actor is not None and not policy.can(actor, "user.reset_password", user):
        raise PermissionDenied(_l("Use the password page to change your own password."))
    password = generate_initial_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_changed_at = utcnow()
    user.version += 1
    throttle.clear(throttle.ACCOUNT, str(user.id))
    end_all_sessions(user)
    audit.record(actor, "user.reset_password", user, via="cli" if actor is None else "web")
    return password


def set_active(actor: User, user: User, active: bool, *, expected_version: int) -> None:
    """Deactivate (ending every session) or reactivate an account. Nobody deactivates themself."""
    _require_edit(actor, user)
    if user.version != expected_version:
        raise StaleRecord()
    if not active and not policy.can(actor, "user.deactivate", user):
        raise PermissionDenied(_l("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.version += 1
    if not active:
        end_all_sessions(user)
    audit.record(actor, "user.activate" if active else "user.deactivate", user)


def login_blocked_until(user: User) -> datetime | None:
    """When the account's current login delay ends, or None when it has none."""
    return throttle.blocked_until(throttle.ACCOUNT, str(user.id), utcnow())


def unlock(actor: User | None, user: User) -> bool:
    """Lift the account's login delay; ``actor`` None is the operator (``flask unlock``).

    Audited even when there was no delay; returns whether there was one.
    """
    _require_edit(actor, user)
    had = throttle.clear(throttle.ACCOUNT, str(user.id))
    audit.record(actor, "auth.unlock", user, via="cli" if actor is None else "web")
    return had


def unlock_address(ip: str) -> bool:
    """Lift a client address's login delay (the operator, ``flask unlock --address``)."""
    had = throttle.clear(throttle.ADDRESS, ip)
    audit.record(None, "auth.unlock", client_address=ip, via="cli")
    return had


def grant_role(
    actor: User | None,
    user: User,
    role: str,
    org: Org,
    *,
    service_point: ServicePoint | None = None,
) -> RoleGrant:
    """Give ``user`` the ``role`` over ``org`` and its subtree.

    Agents must name a service point belonging to the org's subtree. A grant already held is
    refused. ``actor`` None means the system (CLI seeding).
    """
    if role not in set(Role):
        raise ValidationError(_l("Unknown role."), field="role")
    if actor is not None and not policy.can(actor, "role.grant", org):
        raise PermissionDenied(_l("You may not grant roles in this organisation."))
    if actor is not None and actor.id == user.id:
        # Separation of duties: nobody widens their own rights.
        raise PermissionDenied(_l("You cannot grant roles to yourself."))
    if not org.is_active:
        raise ValidationError(_l("This organisation is deactivated."), field="org_id")
    if policy.role_needs_service_point(role):
        if service_point is None:
            raise ValidationError(_l("An agent needs a service point."), field="service_point_id")
        if not service_point.org.is_within(org):
            raise ValidationError(
                _l("The service point must belong to this organisation."),
                field="service_point_id",
            )
    else:
        service_point = None
    exists = db.session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.org_id == org.id
        )
    )
    if exists is not None:
        raise ValidationError(_l("The user already holds this role here."), field="role")
    grant = RoleGrant(
        user=user,
        role=role,
        org=org,
        service_point=service_point,
        granted_by_id=getattr(actor, "id", None),
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "role.grant", user, org_path=org.path, role=role, org=org.name)
    return grant


def revoke_role(actor: User, grant: RoleGrant) -> None:
    """Remove a grant; it takes effect on the holder's next request.

    An admin may not remove their own last admin grant (nobody would be left to undo it).
    """
    if not policy.can(actor, "role.revoke", grant):
        raise PermissionDenied(_l("You may not revoke this role."))
    if policy.is_last_admin_grant(actor, grant):
        raise ValidationError(_l("You cannot remove your own last admin role."))
    user = grant.user
    audit.record(
        actor, "role.revoke", user, org_path=grant.org.path, role=grant.role, org=grant.org.name
    )
    user.grants.remove(grant)
    db.session.flush()
