"""The reports' words: the six rates' names and their definitions in plain language (which
follow the committee's settings), the settings' choices, and the appraisal grades."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.reports.models import CatalogueRule, DutyRule, EmptyRateRule, ExpectedRule
from app.reports.settings import RateRules

RATE_NAMES = {
    "health": _l("Organisation soundness rate"),
    "openness": _l("Item publication rate"),
    "acceptance": _l("Application acceptance rate"),
    "completion": _l("Completion rate"),
    "punctuality": _l("Promised deadline kept rate"),
    "satisfaction": _l("Citizen satisfaction rate"),
}

PART_LABELS = {"num": _l("Numerator"), "den": _l("Denominator")}

DUTY_RULE_LABELS = {
    DutyRule.STAFFED: _l("an agent account or an active volunteer attached to the point"),
    DutyRule.ACCOUNT: _l("an agent account at the point"),
    DutyRule.ROTA: _l("a published duty rota for a month of the period"),
}
CATALOGUE_RULE_LABELS = {
    CatalogueRule.OWN: _l("a published item kept by the point's own org, or designated at it"),
    CatalogueRule.INHERITED: _l(
        "a published item kept by the point's org or an org above it, or designated at it"
    ),
}
EXPECTED_RULE_LABELS = {
    ExpectedRule.ACTIVE: _l("the active service points of the subtree"),
    ExpectedRule.ALL: _l(
        "every service point of the subtree, closed ones counting as not in order"
    ),
}
EMPTY_RATE_RULE_LABELS = {
    EmptyRateRule.LEFT_OUT: _l("is left out of the mean (shown as —)"),
    EmptyRateRule.ZERO: _l("counts as 0 % (nothing published, nothing rated counts against it)"),
}
MISSING_LABELS = {
    "inactive": _l("closed"),
    "hotline": _l("no hotline"),
    "agent": _l("no agent on duty"),
    "catalogue": _l("no published catalogue"),
}


def definitions(rules: RateRules) -> dict[str, tuple[str, str]]:
    """Rate code -> (what the numerator counts, what the denominator counts), in words that
    follow the settings in force."""
    applied = (
        _l("Cases registered in the period (those withdrawn before acceptance included)")
        if rules.count_withdrawn
        else _l("Cases registered in the period (those withdrawn before acceptance left out)")
    )
    return {
        "health": (
            _l(
                "Points in order: open, with a hotline, an agent on duty (%(duty)s) and a "
                "published catalogue (%(catalogue)s)",
                duty=DUTY_RULE_LABELS[DutyRule(rules.duty_rule)],
                catalogue=CATALOGUE_RULE_LABELS[CatalogueRule(rules.catalogue_rule)],
            ),
            _l(
                "Points that should exist: %(expected)s",
                expected=EXPECTED_RULE_LABELS[ExpectedRule(rules.expected_rule)],
            ),
        ),
        "openness": (
            _l("Published catalogue items"),
            _l("All catalogue items kept by the orgs of the subtree"),
        ),
        "acceptance": (_l("Of those, accepted"), applied),
        "completion": (
            _l("Of those, completed by the end of the period"),
            _l("Cases accepted in the period"),
        ),
        "punctuality": (
            _l("Of those, completed on or before the promised date"),
            _l("Cases completed in the period with a promised date"),
        ),
        "satisfaction": (
            _l("Of those, rated very satisfied or satisfied"),
            _l("Cases whose latest rating was given in the period"),
        ),
    }
