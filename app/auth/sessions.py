"""Server-side login sessions: start, look up, touch and end them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import RoleGrant, User, UserSession
from app.common import versions
from app.common.pgplans import PREPARED
from app.common.timeutil import utcnow
from app.extensions import db

# last_seen is written at most this often, so browsing does not write on every request.
_TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, ip: str = "", user_agent: str = "") -> UserSession:
    """Open a new session for ``user``; its raw token is on ``.token`` for the cookie only."""
    token = secrets.token_urlsafe(32)
    sess = UserSession(
        token_hash=_digest(token),
        user_id=user.id,
        ip=ip[:64],
        user_agent=user_agent[:200],
    )
    sess.token = token
    db.session.add(sess)
    user.current_session = sess
    return sess


@cache
def _session_statement() -> Select:
    """One statement: the session, its user and the user's grants (with their orgs), and the
    kept figures' tokens for the request (app/common/versions.py); prepared on the server,
    as it runs on every request and its plan does not depend on the token. Built once per
    process: built for each request, with its joined loads and the tokens' subquery, it
    cost as much as running it (the lookup 1.2 -> 0.6 ms on the generated county)."""
    return (
        select(UserSession, User, versions.tokens_column())
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("digest"))
        .options(joinedload(User.grants).joinedload(RoleGrant.org))
        .execution_options(**PREPARED)
    )


def load_session_user(token: str) -> User | None:
    """The active user behind a cookie token, or None when the session is gone or expired."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(_session_statement(), {"digest": _digest(token)}).unique().first()
    if row is None:
        return None
    sess, user, topic_tokens = row
    versions.prime(topic_tokens)
    if sess.revoked_at is not None:
        return None
    now = utcnow()
    cfg = current_app.config
    if now - sess.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"] or (
        now - sess.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        sess.revoked_at = now
        db.session.commit()
        return None
    if user is None or not user.is_active:
        return None
    if now - sess.last_seen_at > _TOUCH_EVERY:
        sess.last_seen_at = now
        db.session.commit()
    sess.token = token
    user.current_session = sess
    return user


def end_session(sess: UserSession | None) -> None:
    if sess is not None and sess.revoked_at is None:
        sess.revoked_at = utcnow()


def end_all_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """Revoke every open session of ``user`` except ``keep``; returns how many ended."""
    stmt = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if keep is not None and keep.id is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    return db.session.execute(stmt).rowcount or 0
