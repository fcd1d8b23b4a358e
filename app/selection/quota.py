"""Branch quotas: the round's rule (a number, or a share of the branch's members rounded as
the committee states) or the committee's number for one branch, with the figures behind it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.orgs.models import Org
from app.orgs.tree import path_filter
from app.roster.models import Member, Membership, PartyStatus
from app.selection.models import QuotaMode, SelectionRound
from app.selection.rules import ROUNDING_LABELS, quota_for


@dataclass(frozen=True)
class BranchQuota:
    round: SelectionRound
    branch_id: int
    members: int  # the quota base: full members in good standing
    quota: int

    @property
    def is_override(self) -> bool:
        return str(self.branch_id) in (self.round.quota_overrides or {})

    def explain(self) -> str:
        """How the number was reached, in words: "set by the committee", "2 per branch" or
        "10% of 23 members = 2.3, rounded half up"."""
        r = self.round
        if self.is_override:
            return str(_l("set by the committee for this branch"))
        if r.quota_mode == QuotaMode.COUNT:
            return str(_l("%(n)d per branch", n=self.quota))
        exact = self.members * r.quota_value
        return str(
            _l(
                "%(share)s of %(members)d members = %(exact)s, %(rounding)s",
                share=f"{r.quota_value:.0%}",
                members=self.members,
                exact=f"{exact:.2f}".rstrip("0").rstrip("."),
                rounding=ROUNDING_LABELS.get(r.quota_rounding, r.quota_rounding),
            )
        )


def quota_base(branch: Org) -> int:
    """The branch's full members in good standing (its groups' included)."""
    return db.session.scalar(
        select(func.count(Member.id))
        .join(Org, Org.id == Member.org_id)
        .where(
            path_filter(Org.path, [branch.path]),
            Member.membership == Membership.FULL,
            Member.party_status.in_((PartyStatus.NORMAL, PartyStatus.RESTORED)),
        )
    )


def branch_quota(r: SelectionRound, branch: Org, members: int | None = None) -> BranchQuota:
    if members is None:
        members = quota_base(branch)
    return BranchQuota(r, branch.id, members, quota_for(r, branch.id, members))
