"""People's names, never logins, in timelines and printed books.

A step row keeps the login that took it (``actor_name``, as the audit log does); what a person
reads is the user's display name. ``named`` wraps the rows of a timeline so that their
``actor_name`` is that name, read for the whole timeline in one query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db


class NamedStep:
    """A step row as a template reads it, ``actor_name`` the display name of its actor."""

    __slots__ = ("_step", "actor_name")

    def __init__(self, step: Any, actor_name: str) -> None:
        self._step = step
        self.actor_name = actor_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._step, name)


def display_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """The display name of each user id given (one query; none when no id is given)."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {uid: name for uid, name in rows}


def named(steps: Iterable[Any]) -> list[NamedStep]:
    """``steps`` (rows with ``actor_id`` and ``actor_name``) with their actors' display names;
    a step without a user keeps its own (empty: the system)."""
    steps = list(steps)
    names = display_names(s.actor_id for s in steps)
    return [NamedStep(s, names.get(s.actor_id, s.actor_name)) for s in steps]
