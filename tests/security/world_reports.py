"""Branch A's objects of the reports routes for the security proofs (see world.py)."""

from __future__ import annotations

from app.auth.models import User
from app.cases.models import ServiceCase
from tests.factories import Tree


def build_reports(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int | str], list[str]]:
    """Make branch A's reports objects; return the ids by URL argument name and the names of
    people that no other branch may see."""
    # The six rates' rows pages take a rate and a part, not an id.
    return {"rate_code": "acceptance", "rate_part": "den"}, []
