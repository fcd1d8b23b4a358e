"""Time: stored in UTC, and every calendar date (today, deadlines, ages) in the configured zone.

``now()`` and ``today()`` are the only clocks: a server running in UTC would otherwise think
it is yesterday from 00:00 to 08:00 Beijing time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The configured zone (``TIMEZONE``, Asia/Shanghai by default)."""
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else None
    return _zone(name or DEFAULT_ZONE)


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC (for stored timestamps)."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current moment in the configured zone."""
    return utcnow().astimezone(local_zone())


def today() -> date:
    """Today's calendar date in the configured zone."""
    return now().date()


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no offset, so naive values coming back are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_midnight(day: date) -> datetime:
    """Local midnight of ``day`` as an aware UTC datetime: the bound of a local day (a
    report's period, a month, a ledger's range) on a timestamp column."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC datetime in the configured zone, for display."""
    if value is None:
        return None
    return value.astimezone(local_zone())
