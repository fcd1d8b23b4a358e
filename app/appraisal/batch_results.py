"""A batch's result between the POST that did it and the page that shows it
(post/redirect/get), so a reload or the back button shows the result again and never acts again.

The result waits on disk sealed with the field key (``<instance>/batch_results/<token>.sealed``,
an hour at most), as the roster import keeps its staged upload. It holds who ran the batch,
where (the quarter and the org), the ids of the records done and those refused with the reason,
never a name: the page reads the names again under the reader's scope. The random token goes
in the page's address; only the user who ran the batch, on the same quarter and org, reads it.
The caller passes the instance folder, so nothing here reads the request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import policy
from app.appraisal.batch import BatchResult, Refusal
from app.appraisal.models import Appraisal, AppraisalPeriod
from app.auth.models import User
from app.extensions import db
from app.jobs import files
from app.orgs.models import Org
from app.orgs.tree import in_subtrees
from app.roster.models import Member

FOLDER = "batch_results"
MAX_AGE_S = 3600
_ACTIONS = ("sign", "assess")


def _folder(instance_path: str) -> Path:
    return files.folder(instance_path, FOLDER)


def sweep(instance_path: str) -> int:
    """Remove the results older than the hour they are kept. Returns how many went."""
    return files.sweep(_folder(instance_path), MAX_AGE_S)


def keep_result(
    instance_path: str, actor: User, period: AppraisalPeriod, org: Org, result: BatchResult
) -> str:
    """Keep ``result`` of ``actor``'s batch on ``org``'s overview in ``period`` for the page
    that shows it (sweeping the expired ones); returns its token for that page's address."""
    sweep(instance_path)
    body = {
        "actor": actor.id,
        "period": period.id,
        "org": org.id,
        "action": result.action,
        "done": [appraisal_id for appraisal_id, _name in result.done],
        "refused": [[r.appraisal_id, r.reason] for r in result.refused],
    }
    return files.store(_folder(instance_path), json.dumps(body, ensure_ascii=False).encode())


def kept_result(
    instance_path: str, actor: User, period: AppraisalPeriod, org: Org, token: str
) -> BatchResult | None:
    """The result kept under ``token`` when ``actor`` ran that batch on ``org``'s overview in
    ``period`` within the hour, with the names of the records ``actor`` may still read there
    (a record no longer readable is named by its id only); else None."""
    body = files.load(_folder(instance_path), token, MAX_AGE_S)
    if body is None:
        return None
    try:
        d: dict[str, Any] = json.loads(body)
        mine = (d["actor"], d["period"], d["org"]) == (actor.id, period.id, org.id)
        action = str(d["action"])
        done = [int(i) for i in d["done"]]
        refused = [(int(i), str(reason)) for i, reason in d["refused"]]
    except (ValueError, KeyError, TypeError):
        return None
    if not mine or action not in _ACTIONS:
        return None
    names = _names(actor, period, org, [*done, *(i for i, _reason in refused)])
    return BatchResult(
        action,
        done=[(i, names.get(i, "")) for i in done],
        refused=[Refusal(i, names.get(i, ""), reason) for i, reason in refused],
    )


def _names(actor: User, period: AppraisalPeriod, org: Org, ids: list[int]) -> dict[int, str]:
    """The member's name of each of ``ids`` that ``actor`` may read in ``org``'s subtree and
    ``period`` (as the batch itself loaded them): one query."""
    if not ids:
        return {}
    stmt = policy.scope(
        select(Appraisal.id, Member.name)
        .join(Member, Member.id == Appraisal.member_id)
        .where(
            Appraisal.id.in_(ids),
            Appraisal.period_id == period.id,
            in_subtrees(Appraisal.org_id, [org.path]),
        ),
        actor,
        Appraisal,
    )
    return {appraisal_id: name for appraisal_id, name in db.session.execute(stmt)}
