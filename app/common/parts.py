"""Figures kept in parts (a month's cases, a quarter's appraisal records, the open cases of a
group of service points), for
app/common/versions.py: a write gives new tokens to the parts its rows count in, so that a
figure summed from parts computes again only those, not the years the write did not touch.

A table is registered with the parts a row counts in, worked out from its columns' values
before and after the flush::

    parts.watch_months("case_dates", ServiceCase, "created_at", "done_on")
    parts.watch_quarters("appraisal_quarters", Appraisal, "year", "quarter")
    parts.watch_groups("open_cases", ServiceCase, "service_point_id")

and a figure of one part is cached under ``part_topics(topic, part)`` (``versions.cached`` or
``versions.cached_parts``). A statement whose rows are unknown (a Core update) or a deleted
row (the database may delete others with it) gives the topic itself a new token: every part
is computed again. A part nobody wrote since the topic's token was set counts as unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from app.common import timeutil

# The parts a row counts in, from each column's values before and after the flush.
PartsOf = Callable[[dict[str, list[Any]]], Iterable[str]]
# The parts other rows count in that a row's change moves (a case's earlier ratings).
Related = Callable[[Session, Any], Iterable[str]]


@dataclass(frozen=True)
class _Parted:
    topic: str
    columns: tuple[str, ...]
    parts_of: PartsOf
    related: Related | None


_PARTED: dict[str, list[_Parted]] = {}  # table name -> how its rows' parts are found


def watch_parts(
    topic: str, table: Any, columns: tuple[str, ...], parts_of: PartsOf, related: Related | None
) -> None:
    """Rows of ``table`` count in the parts ``parts_of`` finds from their ``columns``' values
    before and after the flush (and in those ``related`` returns); a table may be watched
    for several topics (a case's months, its point)."""
    name = getattr(table, "__tablename__", None) or getattr(table, "name", table)
    _PARTED.setdefault(name, []).append(_Parted(topic, columns, parts_of, related))


def watch_months(topic: str, table: Any, *columns: str, related: Related | None = None) -> None:
    """Rows of ``table`` count in the local months (``month_of``) of their date or datetime
    ``columns`` (a case in the months it was registered, accepted and completed), and a
    write also moves the months ``related(session, row)`` returns."""

    def parts_of(values: dict[str, list[Any]]) -> set[str]:
        return {month_of(v) for column in values.values() for v in column if v is not None}

    watch_parts(topic, table, columns, parts_of, related)


def watch_quarters(topic: str, table: Any, year: str, quarter: str) -> None:
    """Rows of ``table`` count in the quarter of their ``year`` and ``quarter`` columns."""

    def parts_of(values: dict[str, list[Any]]) -> set[str]:
        return {quarter_part(y, q) for y in values[year] for q in values[quarter] if y and q}

    watch_parts(topic, table, (year, quarter), parts_of, None)


# Rows counted by the id of what they belong to (a case's point, a record's org) are kept in
# this many groups of ids: a write recounts its group, a thirty-second of the rows.
GROUPS = 32


def watch_groups(topic: str, table: Any, column: str) -> None:
    """Rows of ``table`` count in the group (``group_of``) of their ``column``'s id, before and
    after the flush (a case moved to another point recounts both points' groups)."""

    def parts_of(values: dict[str, list[Any]]) -> set[str]:
        return {str(group_of(v)) for v in values[column] if v is not None}

    watch_parts(topic, table, (column,), parts_of, None)


def group_of(row_id: int) -> int:
    """The group of ids ``row_id``'s rows are counted with (``watch_groups``)."""
    return row_id % GROUPS


def grouped(ids: Iterable[int]) -> dict[int, list[int]]:
    """``ids`` by their group (``group_of``), the groups in ascending order."""
    out: dict[int, list[int]] = {}
    for row_id in ids:
        out.setdefault(group_of(row_id), []).append(row_id)
    return dict(sorted(out.items()))


def month_of(value: date | datetime) -> str:
    """``value``'s local month as "2026-11" (a datetime is stored in UTC)."""
    if isinstance(value, datetime):
        value = value.astimezone(timeutil.local_zone())
    return f"{value.year:04d}-{value.month:02d}"


def quarter_part(year: int, quarter: int) -> str:
    return f"{year:04d}-Q{quarter}"


def part_topic(topic: str, part: str) -> str:
    return f"{topic}@{part}"


def part_topics(topic: str, part: str) -> tuple[str, str]:
    """The topics of a figure over ``topic``'s rows of one part."""
    return (topic, part_topic(topic, part))


def is_part(topic: str) -> bool:
    return "@" in topic


def topics() -> set[str]:
    return {p.topic for watched in _PARTED.values() for p in watched}


def statement_topics(table_name: str) -> set[str]:
    """The topics a Core statement on ``table_name`` changes whole (its rows are unknown)."""
    return {p.topic for p in _PARTED.get(table_name, ())}


def note_rows(session: Session, objs: Iterable[Any], pending: set[str]) -> None:
    """Add to ``pending`` the part topics of the flushed rows ``objs`` (called after the
    flush, while their attributes' history still holds its changes)."""
    if not _PARTED:
        return
    for obj in objs:
        watched = _PARTED.get(getattr(obj, "__tablename__", ""))
        if not watched:
            continue
        state = sa_inspect(obj)
        if state.was_deleted:  # the rows the database deleted with it are not seen
            pending.update(p.topic for p in watched)
            continue
        for parted in watched:
            pending.update(part_topic(parted.topic, name) for name in _parts(session, obj, parted))


def _parts(session: Session, obj: Any, parted: _Parted) -> set[str]:
    state = sa_inspect(obj)
    values: dict[str, list[Any]] = {}
    for column in parted.columns:
        attr = state.attrs[column]
        history = attr.history
        if not history.has_changes() and attr.loaded_value is NO_VALUE:
            values[column] = [getattr(obj, column)]  # unchanged, not loaded (expired)
        else:
            values[column] = [*history.added, *history.unchanged, *history.deleted]
    names = set(parted.parts_of(values))
    if parted.related is not None:
        names.update(parted.related(session, obj))
    return names
