"""The demo's agents' training and assessment: two training sessions of the demo branch (a
month ago and ten days ago) expecting its agents, with who came; a reward for the demo agent
from the branch and a penalty for another agent from the committee. Skipped when any training
session exists."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.common import timeutil
from app.demo.common import COMMITTEE, DEMO_BRANCH, user_named
from app.extensions import db
from app.network import awards, training
from app.network.models import Training
from app.orgs.models import Org

SESSIONS = [
    # (days ago, title, hours, place, content)
    (
        30,
        "为民服务代理业务培训",
        3.0,
        "泉湖村党群服务中心",
        "代理事项一览表、受理承办反馈评价四个环节、材料接收单与承办卡的填写。",
    ),
    (
        10,
        "“五零服务”与群众工作方法",
        2.0,
        "泉湖村会议室",
        "零距离、零推诿、零积压、零差错、零投诉；接待群众和回访的方法。",
    ),
]


def seed_network_assessment() -> int:
    """Two sessions with attendance, one reward, one penalty. Returns the sessions made."""
    if db.session.scalar(select(Training.id).limit(1)) is not None:
        return 0
    secretary, committee = user_named("secretary"), user_named("committee")
    agent = user_named("agent")
    branch = db.session.scalar(select(Org).where(Org.name == DEMO_BRANCH))
    top = db.session.scalar(select(Org).where(Org.name == COMMITTEE))
    if secretary is None or committee is None or branch is None or top is None:
        return 0
    today = timeutil.today()
    made = 0
    for n, (ago, title, hours, place, content) in enumerate(SESSIONS):
        held_on = today - timedelta(days=ago)
        pool = training.candidates(secretary, branch, held_on)
        if not pool:
            continue
        data = training.TrainingData(branch.id, title, held_on, hours, place, content)
        t = training.save_training(secretary, None, data, [m.id for m in pool])
        # Most came; every third (a different third each time) did not.
        came = [m.id for i, m in enumerate(pool) if (i + n) % 3]
        training.record_attendance(secretary, t, came, expected_version=t.version)
        made += 1
    _awards(secretary, committee, agent, branch, top, today)
    return made


def _awards(secretary, committee, agent, branch: Org, top: Org, today) -> None:
    pool = training.candidates(secretary, branch, today)
    mine = next((m for m in pool if agent is not None and m.user_id == agent.id), None)
    other = next((m for m in pool if m is not mine), None)
    if mine is not None:
        awards.record_award(
            secretary,
            mine,
            awards.AwardData(
                "reward",
                "季度服务之星",
                "本季度办结代理事项全部按期，群众评价均为满意。",
                today - timedelta(days=5),
                branch.id,
            ),
        )
    if other is not None:
        awards.record_award(
            committee,
            other,
            awards.AwardData(
                "penalty",
                "通报批评",
                "值班期间两次无故脱岗，群众投诉属实。",
                today - timedelta(days=3),
                top.id,
            ),
        )
