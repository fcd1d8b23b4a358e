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


def paginate(stmt: Select, page: int, per_page: int, *, total: int | None = None) -> Page:
    """Run stmt for one page (one query) and count all its rows (one query, unless the caller
    already knows the total). A list of rows joined to several tables picks its page's ids
    first and joins only those (``app.cases.pages._case_rows``)."""
    page = min(max(1, page), 100_000)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
