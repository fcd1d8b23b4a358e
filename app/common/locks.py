"""Row locks that make a check and the write it allows one step under concurrency.

A rule that counts rows before adding one (a quota, a cap) holds a row standing for the
counted set until commit, so two requests count one after the other. PostgreSQL takes
``FOR NO KEY UPDATE``: it excludes the other counters but not the inserts and updates whose
foreign keys point at the row. SQLite ignores the clause: it serialises writers by itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db


def hold_row(model: Any, row_id: int) -> None:
    """Lock the row ``row_id`` of ``model`` until the transaction ends (PostgreSQL)."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update(key_share=True))
