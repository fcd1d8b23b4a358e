"""Branch A's objects of the network routes for the security proofs (see world.py)."""

from __future__ import annotations

from app.auth.models import User
from app.cases.models import ServiceCase
from tests.factories import Tree


def build_network(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int], list[str]]:
    """Make branch A's network objects; return the ids by URL argument name and the names of
    people that no other branch may see."""
    return {}, []
