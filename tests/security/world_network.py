"""Branch A's objects of the network routes for the security proofs (see world.py)."""

from __future__ import annotations

from app.auth.models import User
from app.cases.models import ServiceCase
from tests.factories import Tree
from tests.security.world_assessment import build_assessment
from tests.security.world_duty import build_duty
from tests.security.world_supervision import build_supervision


def build_network(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int], list[str]]:
    """Make branch A's network objects; return the ids by URL argument name and the names of
    people that no other branch may see."""
    ids: dict[str, int] = {}
    names: list[str] = []
    for part in (build_duty, build_supervision, build_assessment):
        more_ids, more_names = part(t, users, case)
        ids.update(more_ids)
        names += more_names
    return ids, names
