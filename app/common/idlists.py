"""A column among a long list of values, as each database plans it fastest.

Bulk work looks rows up a batch at a time: the export's skills per thousand members, the
import's members by ID number's blind index, per five hundred. ``column.in_(values)`` sends a
parameter per value, and PostgreSQL (which plans every statement for its own values:
app/common/pgplans.py) plans a list of a thousand each time: 9.4 ms a batch of the export's
skills on the county, against 3.2 ms for ``column = ANY(array)``, one parameter (most of the
difference is the client's: binding a thousand parameters). SQLite keeps its IN list: a JSON
array read through ``json_each`` took 0.8 ms a thousand against 1.7, a few hundredths of a
second over a county's export or import, not worth a function some builds lack.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def among(session: Session, column: ColumnElement[Any], values: Collection[Any]) -> Any:
    """``column IN values``, on PostgreSQL as ``column = ANY(:values)`` (one array
    parameter). An empty ``values`` matches nothing, as ``in_`` does."""
    if values and session.get_bind().dialect.name == "postgresql":
        # Text without its length: a cast to VARCHAR(n)[] would cut longer values short.
        item = String() if isinstance(column.type, String) else column.type
        return column == any_(bindparam(None, list(values), type_=ARRAY(item)))
    return column.in_(values)
