"""Picking a page's ids first gives the same page as loading the rows directly."""

from __future__ import annotations

from sqlalchemy import select

from app.common.pagination import paginate
from app.orgs.models import Org


def test_ids_first_gives_the_same_rows_in_the_same_order(tree):
    stmt = select(Org).order_by(Org.name.desc(), Org.id)
    for page in (1, 2, 3):
        direct = paginate(stmt, page, 2)
        picked = paginate(stmt, page, 2, ids_first=True)
        assert [o.id for o in picked.items] == [o.id for o in direct.items]
        assert picked.total == direct.total > 2
