"""The selection's rules as data: who is eligible (each rule with its default, which a
committee can switch off with a reason), the stated ranking order, and the branch quotas.

These are our defaults, not the company rules' words: the rules (4.2.5) only say the spot
checks and quarterly appraisals are "the important basis" of the 七一 selection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.selection.models import QuotaMode, Rounding, SelectionRound


@dataclass(frozen=True)
class Rule:
    key: str
    text: Any  # lazy: the rule in plain words
    effect: str  # "exclude" (not eligible) or "flag" (the branch must explain)
    short: Any  # lazy: the reason shown beside a candidate


RULES: tuple[Rule, ...] = (
    Rule(
        "veto",
        _l("A veto (一票否决) in any quarter of the window excludes the member."),
        "exclude",
        _l("Vetoed"),
    ),
    Rule(
        "unqualified",
        _l("A grade of 不合格 in any quarter of the window excludes the member."),
        "exclude",
        _l("Graded 不合格"),
    ),
    Rule(
        "probationary",
        _l("Probationary members are not eligible."),
        "exclude",
        _l("Probationary member"),
    ),
    Rule(
        "standing",
        _l("A member not in good standing (party status other than 正常 or 恢复党籍) is excluded."),
        "exclude",
        _l("Not in good standing"),
    ),
    Rule(
        "sanction",
        _l(
            "A member under a disciplinary sanction (党纪处分) in effect at any time from the "
            "start of the window to the end of the notice is excluded."
        ),
        "exclude",
        _l("Under a disciplinary sanction"),
    ),
    Rule(
        "incomplete",
        _l(
            "A quarter of the window with no record, a record still open, or one closed "
            "without a grade is flagged: the branch explains it when nominating."
        ),
        "flag",
        _l("Quarters missing or open"),
    ),
)
RULES_BY_KEY = {r.key: r for r in RULES}

# The ranking, in the order its keys are compared; equal on every key is a tie.
RANKING = (
    _l("the number of quarters graded 优秀"),
    _l("then the committee's spot-check confirmations"),
    _l("then the committee's exemplary marks (典型)"),
    _l("then service cases completed in the window"),
    _l("then the mean rating of those cases"),
)
# Who counts for a share quota: a branch's full members in good standing.
QUOTA_BASE = _l("full members in good standing")
ROUNDING_LABELS = {
    Rounding.FLOOR: _l("rounded down"),
    Rounding.ROUND: _l("rounded half up"),
    Rounding.CEIL: _l("rounded up"),
}


def active_rules(r: SelectionRound) -> set[str]:
    """The keys of the rules that apply in round ``r``."""
    off = r.rules_off or {}
    return {rule.key for rule in RULES if rule.key not in off}


def quota_for(r: SelectionRound, branch_id: int, members: int) -> int:
    """A branch's quota: the committee's number for it, else the round's rule applied to its
    ``members`` (counted as QUOTA_BASE says)."""
    override = (r.quota_overrides or {}).get(str(branch_id))
    if override is not None:
        return int(override)
    if r.quota_mode == QuotaMode.COUNT:
        return int(r.quota_value)
    exact = members * float(r.quota_value)
    if r.quota_rounding == Rounding.FLOOR:
        return math.floor(exact + 1e-9)
    if r.quota_rounding == Rounding.CEIL:
        return math.ceil(exact - 1e-9)
    return math.floor(exact + 0.5 + 1e-9)
