"""The demo 七一 selection: next July's round over the committee, reading the closed quarters,
with the branches' first nominations in (the demo branch's by its secretary, one already
approved), so every page of the selection has something to show."""

from __future__ import annotations

from sqlalchemy import select

from app.common import timeutil
from app.demo.common import COMMITTEE, DEMO_BRANCH, user_named
from app.extensions import db
from app.orgs.models import Org
from app.selection import services
from app.selection.models import SelectionRound
from app.selection.nomination_workflow import apply_nomination

DEEDS = [
    "带头开展村务公开和为民代办，全年代办事项40余件",
    "扎根一线抢修设备，连续四个季度考核优秀",
    "结对帮扶困难户5户，群众评价满意",
    "组织党员志愿服务队，参与防汛抢险",
]
REASON = (
    "该同志政治坚定，本职工作成绩突出，写实考核中表现优秀，在群众中威信高，推荐为优秀共产党员。"
)


def seed_selection(by_name: dict[str, Org]) -> int:
    """Open the round and nominate (skipped when any round exists). Returns the nominations."""
    if db.session.scalar(select(SelectionRound.id).limit(1)) is not None:
        return 0
    committee = user_named("committee")
    secretary = user_named("secretary")
    org = by_name[COMMITTEE]
    quarters = services.recent_closed_quarters(org)
    if not quarters:
        return 0
    year = timeutil.today().year + 1
    r = services.open_round(
        committee,
        org,
        services.RoundData(year=year, title="", quarters=quarters, quota_value=0.1),
    )
    nominated = 0
    for row in services.branch_rows(committee, r, with_top=True):
        actor = secretary if row.branch.name == DEMO_BRANCH else committee
        for i, c in enumerate(row.top[: max(0, min(2, row.quota.quota))]):
            member, branch = services.candidate_member(actor, r, c.member_id)
            if member.user_id == actor.id:
                continue
            data = {
                "reason": REASON,
                "deeds": DEEDS[(c.member_id + i) % len(DEEDS)],
                "explanation": "该季度在外脱产培训，经支委会研究同意推荐。" if c.flags else "",
            }
            n = services.nominate(actor, r, member, branch, data)
            nominated += 1
            if i == 0:
                apply_nomination(
                    n, "approve", committee, expected_version=n.version, comment="同意推荐"
                )
    return nominated
