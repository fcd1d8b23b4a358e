"""Service cases as evidence in the self-record: the member's cases completed in the record's
quarter, offered to the 思想工作 dimension (为群众办实事), and the lines citing those chosen;
and, for an agent, their quarter in figures (app/network/assessment.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.dimensions import EVIDENCE_KEY
from app.appraisal.models import Appraisal
from app.appraisal.periods import quarter_bounds
from app.appraisal.workflow import dimensions_for
from app.cases.labels import RATING_LABELS
from app.cases.stats import CompletedCase, completed_cases
from app.errors import FieldErrors
from app.extensions import db
from app.network.assessment import Figures, Quarter
from app.network.assessment_member import member_figures
from app.roster.models import Member


def offered_cases(appraisal: Appraisal) -> list[CompletedCase]:
    """The cases the record's member holds that were completed within its quarter; none when
    the quarter's dimensions have no 思想工作."""
    if not any(d["key"] == EVIDENCE_KEY for d in dimensions_for(appraisal)):
        return []
    start, end = quarter_bounds(appraisal.year, appraisal.quarter)
    return completed_cases(appraisal.member_id, start, end)


def case_label(c: CompletedCase) -> str:
    """One offered case in a line: number, item, done date, rating."""
    rating = RATING_LABELS[c.rating] if c.rating in RATING_LABELS else _("not rated yet")
    return f"{c.number} · {c.item} · {c.done_on.isoformat()} · {rating}"


def choices(appraisal: Appraisal) -> list[tuple[int, str]]:
    """The offered cases as (case id, label) for the self-record's checkboxes."""
    return [(c.case_id, case_label(c)) for c in offered_cases(appraisal)]


def citation(c: CompletedCase) -> str:
    """The line a cited case adds to the 思想工作 text."""
    if c.rating in RATING_LABELS:
        return _(
            "Served the people: case %(number)s (%(item)s), completed on %(on)s, rated %(rating)s.",
            number=c.number,
            item=c.item,
            on=c.done_on.isoformat(),
            rating=RATING_LABELS[c.rating],
        )
    return _(
        "Served the people: case %(number)s (%(item)s), completed on %(on)s, not rated yet.",
        number=c.number,
        item=c.item,
        on=c.done_on.isoformat(),
    )


def cite_cases(
    appraisal: Appraisal, content: dict[str, dict[str, Any]], case_ids: list[int]
) -> dict[str, dict[str, Any]]:
    """``content`` with a line per chosen case appended to the 思想工作 text (a case already
    cited is not repeated). Only the record's member's own cases completed in its quarter may
    be cited: anything else raises FieldErrors naming ``evidence``. Changes nothing stored."""
    if not case_ids:
        return content
    offered = {c.case_id: c for c in offered_cases(appraisal)}
    if any(i not in offered for i in case_ids):
        raise FieldErrors(
            {"evidence": str(_l("Cite only the member's own cases completed this quarter."))}
        )
    entry = dict(content.get(EVIDENCE_KEY) or {})
    text = str(entry.get("text") or "").rstrip()
    lines = [citation(offered[i]) for i in dict.fromkeys(case_ids)]
    entry["text"] = "\n".join(x for x in (text, *(s for s in lines if s not in text)) if x)
    return {**content, EVIDENCE_KEY: entry}


def agent_figures(appraisal: Appraisal) -> Figures | None:
    """The member's figures as an agent in the record's quarter (cases, ratings, complaints,
    duty, training, awards; one query), or None when they have none."""
    return member_figures(appraisal.member_id, Quarter(appraisal.year, appraisal.quarter))


def agent_page_visible(user: Any, appraisal: Appraisal) -> bool:
    """``user`` may open the member's page of agents' figures (one query)."""
    member = db.session.get(Member, appraisal.member_id, options=[joinedload(Member.org)])
    return policy.can(user, "assessment.view", member)
