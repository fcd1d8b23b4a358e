"""The appraisal's named rules: who reads, writes, signs, assesses and checks a record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, select

from app.appraisal.models import Appraisal
from app.auth.models import Role, User
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
from app.policy.core import _RULES, covers, has_role, rule, scope_paths
from app.roster.models import Member

# --- appraisal ----------------------------------------------------------------------------------

# Those who read every record of their subtree. A mentor is not one of them: a mentor reads
# only the probation-year records they sign for (``mentor_reads``), never the rest of the branch.
APPRAISAL_READERS = (Role.GROUP_LEADER, Role.BRANCH_SECRETARY, Role.COMMITTEE)
BRANCH_ASSESSORS = (Role.BRANCH_SECRETARY, Role.COMMITTEE)


def _own_appraisal(user: User, a: Any) -> bool:
    return a.member.user_id is not None and a.member.user_id == user.id


def mentor_reads(user: User, a: Any) -> bool:
    """A mentor's record: a probationary quarter of a member in the mentor's subtree whose named
    mentor is ``user``, or who has no named mentor yet (any mentor of the org signs for them
    then, see ``_signer``, so may read what they sign). The same set as the Appraisal scope's
    mentor part (``app.policy.scopes``)."""
    if not a.is_probationary:
        return False
    named = a.member.mentor_user_id
    if named is not None and named != user.id:
        return False
    return covers(user, a.org, [Role.MENTOR])


@rule("appraisal.list")
def _appraisal_list(user: User, target: Any) -> bool:
    return has_role(user, *APPRAISAL_READERS, Role.MENTOR)


@rule("appraisal.view")
def _appraisal_view(user: User, a: Any) -> bool:
    return (
        _own_appraisal(user, a) or covers(user, a.org, APPRAISAL_READERS) or mentor_reads(user, a)
    )


@rule("appraisal.edit_self")
def _appraisal_edit_self(user: User, a: Any) -> bool:
    if a.status != "draft":  # a closed record is never a draft; a reopened one may be
        return False
    if _own_appraisal(user, a):
        return True
    # A member with no login (many older members have no phone) dictates the self-record to
    # the branch secretary, who enters it on their behalf.
    return a.member.user_id is None and covers(user, a.org, [Role.BRANCH_SECRETARY])


@rule("appraisal.submit")
def _appraisal_submit(user: User, a: Any) -> bool:
    return _appraisal_edit_self(user, a)


@rule("appraisal.withdraw")
def _appraisal_withdraw(user: User, a: Any) -> bool:
    # Whoever submitted takes it back: the member, or the secretary who entered the record of a
    # member with no login. The workflow's table and guard say when (before anyone signs).
    if _own_appraisal(user, a):
        return True
    return a.member.user_id is None and covers(user, a.org, [Role.BRANCH_SECRETARY])


def _signer(user: User, a: Any) -> bool:
    # The named mentor signs for a probationary member (any mentor of the org while none is
    # named); the group leader for everyone else; the branch secretary where there is no
    # group (or for the group leader's own record).
    if _own_appraisal(user, a):
        return False
    if covers(user, a.org, [Role.BRANCH_SECRETARY]):
        return True
    if a.is_probationary:
        return mentor_reads(user, a)
    return covers(user, a.org, [Role.GROUP_LEADER])


@rule("appraisal.sign")
def _appraisal_sign(user: User, a: Any) -> bool:
    return _signer(user, a)


def not_own(user: User):
    """A condition on Appraisal rows: not ``user``'s own record."""
    return Appraisal.member_id.not_in(select(Member.id).where(Member.user_id == user.id))


def signed_by(user: User):
    """``_signer`` as a condition on Appraisal rows, so that the inbox counts the sign-offs
    waiting for ``user`` in SQL: the branch secretary's whole subtree; a probationary record
    for its mentor (the named one, or any of the org while none is named); any other for the
    group leader; never one's own record."""
    secretary = scope_paths(user, [Role.BRANCH_SECRETARY])
    mentor = scope_paths(user, [Role.MENTOR])
    leader = scope_paths(user, [Role.GROUP_LEADER])
    conds = []
    if secretary:
        conds.append(in_subtrees(Appraisal.org_id, secretary))
    if mentor:
        mine_or_unnamed = or_(Member.mentor_user_id == user.id, Member.mentor_user_id.is_(None))
        conds.append(
            Appraisal.is_probationary.is_(True)
            & in_subtrees(Appraisal.org_id, mentor)
            & Appraisal.member_id.in_(select(Member.id).where(mine_or_unnamed))
        )
    if leader:
        conds.append(Appraisal.is_probationary.is_(False) & in_subtrees(Appraisal.org_id, leader))
    if not conds:
        return false()
    return or_(*conds) & not_own(user)


@rule("appraisal.return_to_member")
def _appraisal_return_to_member(user: User, a: Any) -> bool:
    return _signer(user, a)


def _assessor(user: User, a: Any) -> bool:
    return not _own_appraisal(user, a) and covers(user, a.org, BRANCH_ASSESSORS)


@rule("appraisal.assess")
def _appraisal_assess(user: User, a: Any) -> bool:
    return _assessor(user, a)


@rule("appraisal.return_to_signer")
def _appraisal_return_to_signer(user: User, a: Any) -> bool:
    return _assessor(user, a)


@rule("appraisal.veto")
def _appraisal_veto(user: User, a: Any) -> bool:
    return _assessor(user, a)


def _committee(user: User, a: Any) -> bool:
    return not _own_appraisal(user, a) and covers(user, a.org, [Role.COMMITTEE])


for _name in (
    "lift_veto",
    "spot_confirm",
    "spot_adjust",
    "return_to_branch",
    "reopen",
    "close",
    "mark_exemplary",
    # A veto for 其他严重问题 (beyond the three the rules name) is the committee's alone.
    "veto_other",
):
    _RULES[f"appraisal.{_name}"] = _committee


@rule("appraisal.responsibility")
def _appraisal_responsibility(user: User, a: Any) -> bool:
    return _own_appraisal(user, a) or covers(user, a.org, BRANCH_ASSESSORS)


@rule("appraisal.manage_periods")
def _appraisal_manage_periods(user: User, org: Org | None) -> bool:
    if org is None:
        return has_role(user, Role.COMMITTEE)
    return covers(user, org, [Role.COMMITTEE])


@rule("appraisal.overview")
def _appraisal_overview(user: User, org: Org) -> bool:
    return covers(
        user, org, (Role.BRANCH_SECRETARY, Role.COMMITTEE, Role.GROUP_LEADER, Role.MENTOR)
    )
