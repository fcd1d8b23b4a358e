"""Accounts, scoped role grants and server-side login sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db
from app.orgs.models import Org, ServicePoint


class Role(StrEnum):
    MEMBER = "member"
    GROUP_LEADER = "group_leader"
    MENTOR = "mentor"
    BRANCH_SECRETARY = "branch_secretary"
    COMMITTEE = "committee"
    AGENT = "agent"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A login account. Party members on the roster are not users unless given a login."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    # Where `flask remind` mails the day's to-do list; none: the user is only listed.
    email: Mapped[str | None] = mapped_column(String(254), info={"pi_class": "personal"})
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Bumped by the account edits an admin makes (not by logins, which also write this row),
    # so an admin's form goes stale only when another admin changed the account.

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        foreign_keys="RoleGrant.user_id",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="RoleGrant.id",
    )

    # Set by the session loader: the server-side session this request runs under.
    current_session = None  # a UserSession, set per request

    def get_id(self) -> str:  # Flask-Login stores this in the cookie
        if self.current_session is None:
            raise RuntimeError("user has no server-side session")
        return self.current_session.token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class RoleGrant(db.Model):
    """A role held over an org and its whole subtree. Agents also name their service point."""

    __tablename__ = "role_grant"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{r.value}'" for r in Role) + ")", name="role_valid"
        ),
        CheckConstraint(
            "role <> 'agent' OR service_point_id IS NOT NULL", name="agent_has_service_point"
        ),
        UniqueConstraint("user_id", "role", "org_id", name="uq_role_grant_user_role_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)
    service_point: Mapped[ServicePoint | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<RoleGrant {self.role}@{self.org_id} user={self.user_id}>"


class UserSession(db.Model):
    """A server-side login session. The cookie holds only the token; the row holds its life.

    Logout, idle and absolute timeouts, password change and deactivation all end sessions here,
    so a copied cookie dies with them.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    # The raw token exists only in the cookie and, for the request that created it, here.
    token = ""


class LoginThrottle(db.Model):
    """Failed logins counted per account, per client address or per known browser.

    After the free failures each further one makes that key wait twice as long, up to a cap
    (app/auth/throttle.py). Kept in the database so every worker and server sees one count.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_login_throttle_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # account | address | device
    key: Mapped[str] = mapped_column(String(128))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _role_labels() -> dict[str, str]:
    return {
        Role.MEMBER: _l("Party member"),
        Role.GROUP_LEADER: _l("Group leader"),
        Role.MENTOR: _l("Mentor"),
        Role.BRANCH_SECRETARY: _l("Branch secretary"),
        Role.COMMITTEE: _l("Party committee"),
        Role.AGENT: _l("Service agent"),
        Role.ADMIN: _l("System administrator"),
    }


ROLE_LABELS = _role_labels()
