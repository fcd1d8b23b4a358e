"""The demo cases' scripts: one function per scenario of ``SCENARIOS`` in
app/demo/cases.py (refused, escalated, joint, rated, followed up...), each taking a
registered case through the workflow step by step on a ``_Walk``, plus the small steps
they share (accept, assign, finish, deliver, rate) and the phrases the steps are written
with. ``SCRIPTS`` maps each scenario to its script; ``seed_cases`` runs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cases import workflow

if TYPE_CHECKING:
    from app.demo.cases import _Cast, _Walk


REFUSALS = ["该事项不属于本服务点代理范围，请到县民政局窗口办理。", "申办人不符合申请条件。"]
WITHDRAWALS = ["申办人表示问题已自行解决。", "申办人决定暂缓办理。"]
VIA = ["电话告知", "上门送达", "短信通知", "到服务室领取"]
GOOD = ["办事效率高，态度好。", "代理员很耐心，谢谢！", "", "跑了一次就办好了。"]
BAD = ["等了很久没有回音。", "材料来回跑了好几趟。"]
DEPARTMENTS = ["镇自然资源所", "镇规划建设办", "镇农业综合服务中心"]
DISTRICT_DEPARTMENTS = ["区市场监管局", "区税务局", "区自然资源局"]


def _materials(w: _Walk) -> list[str]:
    return workflow.item_materials(w.case)


def _accept(w: _Walk, after: int = 0) -> None:
    data: dict[str, Any] = {"materials": _materials(w)}
    if w.case.item.handling == "joint":
        pool = DEPARTMENTS if w.case.service_point.level == "township" else DISTRICT_DEPARTMENTS
        data["departments"] = w.rng.sample(pool, w.rng.choice((2, 3)))
    w.go("accept", after, **data)


def _assign(w: _Walk, cast: _Cast, after: int = 0) -> None:
    pool = cast.agents.get(w.case.service_point_id) or [m for v in cast.agents.values() for m in v]
    member = w.rng.choice(pool)
    actor = cast.actors[w.case.service_point_id]
    comment = "" if w.case.agent_member_id in (None, member.id) else "原代理员外出，改派。"
    w.go("assign", after, actor=actor, member=member, comment=comment)


def _work(w: _Walk, cast: _Cast, late: bool = False) -> None:
    """Accept, assign, complete within the promised days (or after them, ``late``)."""
    _accept(w)
    _assign(w, cast)
    days = w.case.item.promised_days
    _finish(w, w.rng.randint(days + 1, days + 6) if late else w.rng.randint(1, max(1, days)))


def _finish(w: _Walk, after: int) -> None:
    for part in w.case.parts:
        w.go("part_done", 1, part_id=part.id, comment=f"{part.department}已办结。")
    w.go("complete", after, result=f"{w.case.item.name}已办结，结果已出具。")


def _deliver(w: _Walk) -> None:
    w.go("deliver", 1, via=w.rng.choice(VIA), on=w.day)


def _rate(w: _Walk, level: int, after: int = 1) -> None:
    online = w.rng.random() < 0.5
    comment = w.rng.choice(GOOD if level >= 3 else BAD)
    w.go("evaluate", after, actor=None if online else "staff", comment=comment, level=level)


def _good(w: _Walk) -> int:
    return w.rng.choices([5, 4, 3], weights=[6, 3, 1])[0]


def _s_applied(w, cast):
    return None


def _s_refused(w, cast):
    w.go("refuse", comment=w.rng.choice(REFUSALS))


def _s_withdrawn(w, cast):
    if w.rng.random() < 0.5:
        _accept(w)
    w.go("withdraw", 1, comment=w.rng.choice(WITHDRAWALS))


def _s_supplement(w, cast):
    have = _materials(w)[:1]
    w.go(
        "accept_supplement", materials=have, missing="、".join(_materials(w)[1:]) or "身份证复印件"
    )


def _s_handling(w, cast):
    _accept(w)
    _assign(w, cast)
    if w.rng.random() < 0.4:
        w.go("note", 1, comment="已联系相关部门，正在办理。")


def _s_joint(w, cast):
    _s_handling(w, cast)
    for part in w.case.parts[: w.rng.randint(0, len(w.case.parts) - 1)]:
        w.go("part_done", 2, part_id=part.id, comment=f"{part.department}已出具意见。")


def _s_escalated(w, cast, finish: bool = False):
    if w.rng.random() < 0.5:
        w.go("escalate", comment="超出村级权限，上报镇为民服务站。", materials=_materials(w))
    else:
        _accept(w)
        _assign(w, cast)
        w.go("escalate", 1, comment="需镇级部门审批，上报。")
    w.actor = cast.actors[w.case.service_point_id]  # the station works it from now on
    _assign(w, cast, 1)
    if finish:
        _finish(w, w.rng.randint(1, w.case.item.promised_days))
        _deliver(w)
        _rate(w, _good(w))


def _s_rated(w, cast, level: int | None = None, late: bool = False):
    _work(w, cast, late)
    _deliver(w)
    _rate(w, level or _good(w))


def _s_papers(w, cast):
    _s_supplement(w, cast)
    w.go("papers_arrived", w.rng.randint(1, 5), materials=_materials(w))
    _assign(w, cast)
    _finish(w, w.rng.randint(1, w.case.item.promised_days))
    _deliver(w)
    _rate(w, _good(w))


def _s_immediate(w, cast):
    w.go("accept_immediate", materials=_materials(w), result="当场办结，已交申办人。")
    if w.rng.random() < 0.8:
        _rate(w, _good(w), 0)


def _s_follow_up(w, cast, fixed: bool = False):
    _s_rated(w, cast, level=w.rng.choice([1, 2]), late=w.rng.random() < 0.5)
    w.go("open_follow_up", actor=None)
    if fixed or w.rng.random() < 0.5:
        w.go("return_visit", 1, comment="电话回访，了解不满意原因。")
    if fixed:
        w.go("fix", w.rng.randint(2, 10), comment="已重新办理并当面说明。")
        _rate(w, w.rng.choice([3, 4, 5]))


SCRIPTS = {
    "applied": _s_applied,
    "refused": _s_refused,
    "withdrawn": _s_withdrawn,
    "supplement": _s_supplement,
    "handling": _s_handling,
    "overdue": _s_handling,  # registered long enough ago to be past its due date
    "joint": _s_joint,
    "escalated": _s_escalated,
    "done": lambda w, cast: _work(w, cast),
    "late_done": lambda w, cast: _s_rated(w, cast, late=True),
    "delivered": lambda w, cast: (_work(w, cast), _deliver(w)),
    "immediate": _s_immediate,
    "rated": _s_rated,
    "rated_papers": _s_papers,
    "rated_escalated": lambda w, cast: _s_escalated(w, cast, finish=True),
    "rated_joint": lambda w, cast: _s_rated(w, cast),
    "follow_up": _s_follow_up,
    "fixed": lambda w, cast: _s_follow_up(w, cast, fixed=True),
}
