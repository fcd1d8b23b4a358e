"""The 七一 selection's named rules: the committee over a round runs it (rules, quotas,
review, notice, objections, the final list); a branch's secretary (or the committee above)
nominates the branch's members; nobody decides on their own nomination."""

from __future__ import annotations

from typing import Any

from app.auth.models import Role, User
from app.orgs.models import Org
from app.policy.core import _RULES, covers, grants_of, has_role, rule

SELECTION_STAFF = (Role.BRANCH_SECRETARY, Role.COMMITTEE)


def _own(user: User, n: Any) -> bool:
    return n.member.user_id is not None and n.member.user_id == user.id


@rule("selection.list")
def _selection_list(user: User, target: Any) -> bool:
    return has_role(user, *SELECTION_STAFF)


@rule("selection.open")
def _selection_open(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, Role.COMMITTEE)
    return covers(user, org, [Role.COMMITTEE])


@rule("selection.view")
def _selection_view(user: User, r: Any) -> bool:
    # The committee over the round, and the secretaries of branches inside it.
    path = r.org.path
    return any(
        g.org.path.startswith(path) or path.startswith(g.org.path)
        for g in grants_of(user, SELECTION_STAFF)
    )


def _round_committee(user: User, r: Any) -> bool:
    return covers(user, r.org, [Role.COMMITTEE])


for _name in (
    "close_nominations",
    "reopen_nominations",
    "publish_notice",
    "withdraw_notice",
    "approve_final",
    "switch_rule",
    "set_quota",
    "edit_dates",
    "lists",  # the printable notice and the final list speak for the committee
):
    _RULES[f"selection.{_name}"] = _round_committee


@rule("selection.candidates")
def _selection_candidates(user: User, branch: Org) -> bool:
    """See a branch's candidate list and a candidate's evidence."""
    return covers(user, branch, SELECTION_STAFF)


def _branch_staff(user: User, n: Any) -> bool:
    return not _own(user, n) and covers(user, n.branch, SELECTION_STAFF)


def _committee(user: User, n: Any) -> bool:
    return not _own(user, n) and covers(user, n.round.org, [Role.COMMITTEE])


for _name in ("nominate", "revise", "withdraw"):
    _RULES[f"nomination.{_name}"] = _branch_staff
for _name in ("approve", "send_back", "drop", "object", "uphold", "dismiss", "read_objections"):
    _RULES[f"nomination.{_name}"] = _committee
