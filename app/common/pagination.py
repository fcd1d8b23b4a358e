"""Pagination of scoped select() statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 2) -> list[int]:
        """Page numbers around the current page, for the pager."""
        lo = max(1, self.page - size)
        hi = min(self.pages, self.page + size)
        return list(range(lo, hi + 1))


def paginate(
    stmt: Select, page: int, per_page: int, *, total: int | None = None, ids_first: bool = False
) -> Page:
    """Run stmt for one page (one query) and count all its rows (one query, unless the caller
    already knows the total).

    ``ids_first`` (a select of one mapped class): the page's ids are picked and ordered on
    the class's own table, then only those rows are loaded with their eager relationships
    (one more query). Without it, the eager joins run for every row the ordering sorts:
    thousands of open cases joined to six tables to show thirty."""
    page = min(max(1, page), 100_000)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    window = stmt.limit(per_page).offset((page - 1) * per_page)
    if not ids_first:
        items = list(db.session.scalars(window))
        return Page(items=items, page=page, per_page=per_page, total=total or 0)
    entity = stmt.column_descriptions[0]["entity"]
    key = entity.id
    ids = list(db.session.scalars(window.with_only_columns(key)))
    loaded = {o.id: o for o in db.session.scalars(select(entity).where(key.in_(ids))).unique()}
    items = [loaded[i] for i in ids if i in loaded]
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
