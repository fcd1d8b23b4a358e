"""SQL text for the check constraints the models declare (enums are stored as short strings,
so SQLite and PostgreSQL check them alike)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


def one_of(column: str, values: Iterable[str | Enum], *, nullable: bool = False) -> str:
    """``column IN ('a', 'b')`` (or NULL, when ``nullable``)."""
    quoted = ", ".join(f"'{v.value if isinstance(v, Enum) else v}'" for v in values)
    clause = f"{column} IN ({quoted})"
    return f"{column} IS NULL OR {clause}" if nullable else clause
