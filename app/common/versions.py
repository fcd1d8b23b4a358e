"""Figures computed once per change of their data, on every server.

A *topic* names a set of tables ("roster": members, their skills, orgs and role grants). Every
commit that wrote one of a topic's tables, through the ORM or a Core statement run on the
session, sets the topic's row in ``data_version`` to a new random token inside the same
transaction. A page that shows an aggregate (the roster's filter counts, the committee's
figures) asks :func:`cached` for it: one primary-key read of its topics' tokens, and the value
computed under the same tokens before is reused from this process's memory. Readers take the
tokens before computing, so a value is never kept under tokens newer than its data; a server
that missed a change sees the new token on its next read.

The tokens are random rather than counters so that an emptied database (a restore, the tests)
never repeats a token a process has cached under. Writes that bypass the session (raw SQL on a
connection) must call :func:`bump` themselves.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import has_request_context
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import BigInteger, Engine, String, cast, event, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.common import parts
from app.extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)

_TOPICS: dict[str, set[str]] = {}  # table name -> the topics it belongs to
_VOLATILE: dict[str, set[str]] = {}  # table name -> columns whose updates change no topic
_PENDING = "data_version_topics"
_READ = "data_version_read"  # the tokens read in this request, until commit or rollback
# Figures kept per month and quarter (app/common/parts.py) are many small entries: a branch
# reader keeps about 30 (a few KB), the committee about 30 of the county (tens of KB each).
_MAX_ENTRIES = 8192
_MAX_FRAGMENTS = 256
_MAX_AGE = 600.0  # seconds: a bound on staleness should a write ever bypass the session


class DataVersion(db.Model):
    """The current token of one topic's data."""

    __tablename__ = "data_version"

    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)


def watch(topic: str, *tables: Any) -> None:
    """Writes to ``tables`` (names, Table objects or mapped classes) change ``topic``'s token;
    a table may belong to several topics."""
    for table in tables:
        name = getattr(table, "__tablename__", None) or getattr(table, "name", table)
        _TOPICS.setdefault(name, set()).add(topic)


def ignore(table: str, *columns: str) -> None:
    """An update of ``table``'s rows that changes only ``columns`` gives no topic a new token:
    bookkeeping no figure reads (a login's time), which would otherwise make every figure over
    the table cold at each login."""
    _VOLATILE.setdefault(table, set()).update(columns)


def topics() -> set[str]:
    """Every topic some package watches."""
    return set().union(*_TOPICS.values(), parts.topics())


def ensure_tokens(engine: Engine) -> None:
    """Give every watched topic a token row if it has none, in its own transaction; tokens
    already there are kept (a restart leaves every kept figure valid). Run as the server
    starts: a topic nobody has written yet (no duty rota, no key person) is otherwise never
    kept, and every page reading it is computed on every view. Does nothing before the
    first migration."""
    try:
        with engine.begin() as conn:
            if not sa_inspect(conn).has_table(DataVersion.__tablename__):
                return
            have = set(conn.scalars(select(DataVersion.topic)))
            missing = sorted(topics() - have)
            if not missing:
                return
            insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(engine.dialect.name)
            for topic in missing:
                values = {"topic": topic, "token": _new_token()}
                if insert is None:
                    conn.execute(DataVersion.__table__.insert().values(**values))
                else:  # another server starting at the same time may have written it
                    conn.execute(insert(DataVersion).values(**values).on_conflict_do_nothing())
    except SQLAlchemyError:
        log.warning("figure tokens not set at start: the database is not reachable")


def _new_token() -> int:
    return secrets.randbits(62)


def bump(session: Session, topics: Iterable[str]) -> None:
    """Give ``topics`` new tokens in the session's transaction (sorted, so two writers take
    the rows in the same order)."""
    for topic in sorted(set(topics)):
        done = session.execute(
            update(DataVersion).where(DataVersion.topic == topic).values(token=_new_token()),
            execution_options={"synchronize_session": False},
        )
        if done.rowcount == 0:
            session.execute(DataVersion.__table__.insert().values(topic=topic, token=_new_token()))


def _read(topics: tuple[str, ...]) -> dict[str, int]:
    """The tokens of ``topics``; within a request, every topic's token is read at its first
    use and kept until the session commits or rolls back, so a page showing three cached
    figures reads the tokens once."""
    if not has_request_context():
        stmt = select(DataVersion.topic, DataVersion.token).where(DataVersion.topic.in_(topics))
        return dict(db.session.execute(stmt).all())
    info = db.session.info
    known = info.get(_READ)
    if known is None:
        known = info[_READ] = dict(
            db.session.execute(select(DataVersion.topic, DataVersion.token)).all()
        )
    return known


def tokens_column() -> Any:
    """Every topic's token as one text ("topic:token,…"): a scalar subquery the request's
    first statement (the session's, app/auth/sessions.py) carries, so that the tokens come
    without a round trip of their own (on PostgreSQL a fifth of a warm page). ``prime``
    keeps what it read."""
    pair = DataVersion.topic + ":" + cast(DataVersion.token, String)
    return select(func.aggregate_strings(pair, ",")).scalar_subquery()


def prime(text: str | None) -> None:
    """Keep for this request the tokens ``tokens_column`` read (as ``_read`` would have)."""
    if not has_request_context():
        return
    known: dict[str, int] = {}
    for part in (text or "").split(","):
        topic, _sep, token = part.rpartition(":")
        if topic and token.lstrip("-").isdigit():
            known[topic] = int(token)
    db.session.info[_READ] = known


def tokens(topics: tuple[str, ...]) -> tuple[int, ...] | None:
    """The topics' current tokens, or None when a topic has none yet (never written). A
    part's topic (app/common/parts.py) nobody wrote yet counts as 0: its figures are kept
    under its whole topic's token, which is random like any other."""
    return _tokens_in(_read(topics), topics)


def _tokens_in(rows: dict[str, int], topics: tuple[str, ...]) -> tuple[int, ...] | None:
    out = []
    for t in topics:
        token = rows.get(t, 0 if parts.is_part(t) else None)
        if token is None:
            return None
        out.append(token)
    return tuple(out)


class _Memo:
    """A small LRU of (key, tokens) -> (value, deadline), shared by the process's threads.

    An entry is dropped after at most ``_MAX_AGE``, each at its own moment between half that
    and all of it: figures computed together (a year's months, on a server's first view) then
    expire a few at a time, each view after counting again the few that went, rather than all
    of them in one view every ``_MAX_AGE``."""

    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        self.entries: OrderedDict[Hashable, tuple[object, float]] = OrderedDict()
        self.lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Hashable) -> tuple[bool, object]:
        with self.lock:
            hit = self.entries.get(key)
            if hit is None or time.monotonic() > hit[1]:
                return False, None
            self.entries.move_to_end(key)
            return True, hit[0]

    def put(self, key: Hashable, value: object) -> None:
        # Not a secret: spreads the moments kept figures expire.
        deadline = time.monotonic() + _MAX_AGE * (1.0 - random.random() / 2)  # noqa: S311
        with self.lock:
            self.entries[key] = (value, deadline)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_memo = _Memo()
# Rendered fragments are larger (a roster page's table is about 40 KB): fewer are kept.
_fragments = _Memo(_MAX_FRAGMENTS)


def cached(topics: tuple[str, ...], key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, reused while none of ``topics`` has changed. ``key`` must hold every
    input the value depends on besides the topics' data (the user, the filters)."""
    return cached_parts([(topics, key)], lambda _missing: [compute()])[0]


def cached_parts(
    pieces: list[tuple[tuple[str, ...], Hashable]], compute: Callable[[list[int]], list[T]]
) -> list[T]:
    """The value of each of ``pieces`` (its topics, its key, as for ``cached``), in order;
    those not kept are computed together: ``compute(indexes)`` returns their values in the
    order of ``indexes`` (one statement for every month a write touched, say)."""
    values: list[Any] = [None] * len(pieces)
    keys: list[Hashable | None] = []
    missing: list[int] = []
    known = _read(tuple(sorted(set().union(*(topics for topics, _ in pieces)))))
    for i, (topics, key) in enumerate(pieces):
        current = _tokens_in(known, topics)
        full_key = None if current is None else (key, topics, current)
        keys.append(full_key)
        found, value = _memo.get(full_key) if full_key is not None else (False, None)
        if found:
            values[i] = value
        else:
            missing.append(i)
    if missing:
        for i, value in zip(missing, compute(missing), strict=True):
            values[i] = value
            if keys[i] is not None:
                _memo.put(keys[i], value)
    return values


def cached_groups(
    ids: Iterable[int],
    topics: Callable[[int], tuple[str, ...]],
    key: Hashable,
    compute: Callable[[list[list[int]], bool], list[T]],
) -> list[T]:
    """A figure over the rows of ``ids`` (points, orgs) kept per group of ids
    (``parts.group_of``, with ``parts.watch_groups``), one value per group in group order:
    each kept under ``topics(group)`` and ``(key, group)``, as ``cached_parts`` keeps parts.
    The groups missing are computed together: ``compute(their ids, every)``, ``every`` when
    no group was kept (the ids need not be named then)."""
    by_group = parts.grouped(ids)
    numbers = list(by_group)
    return cached_parts(
        [(topics(g), (key, g)) for g in numbers],
        lambda missing: compute(
            [by_group[numbers[i]] for i in missing], len(missing) == len(numbers)
        ),
    )


def fragment(topics: tuple[str, ...], key: Hashable, render: Callable[[], str]) -> Markup:
    """A rendered part of a page (``render()``: HTML), reused while none of ``topics`` has
    changed, in the request's language. ``key`` holds everything else the HTML depends on:
    the user (their scope and rights; grants are the roster topic's), the filters and page.
    Never for HTML holding a CSRF token or anything of the session, nor for keys holding
    personal data (a search text): those are rendered each time."""
    current = tokens(topics)
    if current is None:
        return Markup(render())  # noqa: S704 - render() returns HTML Jinja escaped
    full_key = (key, str(get_locale()), topics, current)
    found, html = _fragments.get(full_key)
    if not found:
        html = Markup(render())  # noqa: S704 - as above
        _fragments.put(full_key, html)
    return html  # type: ignore[return-value]


def clear_memo() -> None:
    _memo.clear()
    _fragments.clear()


def _note(session: Session, table_names: Iterable[str]) -> None:
    topics = set().union(*(_TOPICS.get(name, ()) for name in table_names))
    if topics:
        session.info.setdefault(_PENDING, set()).update(topics)


def _only_volatile(obj: Any) -> bool:
    """``obj`` (flushed as dirty) changed only columns ``ignore`` named for its table."""
    volatile = _VOLATILE.get(getattr(obj, "__tablename__", ""))
    if not volatile:
        return False
    changed = {a.key for a in sa_inspect(obj).attrs if a.history.has_changes()}
    return changed <= volatile


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    # The attributes' history still holds this flush's changes here (reset after it).
    dirty = [obj for obj in session.dirty if not _only_volatile(obj)]
    changed = (*session.new, *dirty, *session.deleted)
    _note(session, {getattr(obj, "__tablename__", "") for obj in changed})
    parts.note_rows(session, changed, session.info.setdefault(_PENDING, set()))


def note_written(session: Session, table_name: str) -> None:
    """Rows of ``table_name`` were written by a statement whose rows are unknown here (a Core
    statement, a COPY): its topics get new tokens at commit, every part of them."""
    if table_name == DataVersion.__tablename__:
        return
    _note(session, [table_name])
    whole = parts.statement_topics(table_name)
    if whole:  # which rows, so which parts, is unknown
        session.info.setdefault(_PENDING, set()).update(whole)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            note_written(state.session, table.name)


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    session.flush()  # the data's row locks first, then the token rows: no lock cycle
    topics = session.info.pop(_PENDING, None)
    if topics:
        bump(session, topics)


@event.listens_for(Session, "after_commit")
def _reread_after_commit(session: Session) -> None:
    session.info.pop(_READ, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_READ, None)
