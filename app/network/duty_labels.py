"""The words of duty rotas and the letters-and-visits register, as translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "duty": _l("Cadres on duty"),
    "reception": _l("Leaders' reception day"),
    "rotation": _l("Village cadres' rotation"),
}
ROTA_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}
SLOT_LABELS = {"day": _l("Whole day"), "morning": _l("Morning"), "afternoon": _l("Afternoon")}
KEPT_LABELS = {"kept": _l("Kept"), "missed": _l("Missed"), "": _l("Not recorded")}
ROTA_ACTION_LABELS = {"publish": _l("Published"), "withdraw": _l("Withdrawn to draft")}
WEEKDAY_NAMES = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]
UNPLACED_LABELS = {
    "no_days": _l("available on none of this month's duty days (volunteer profile)"),
    "enough": _l("the days were filled by people with fewer shifts"),
}
POOL_LABELS = {
    "duty": _l(
        "The point's agents (account grants, roster and volunteer profiles) and the cadres "
        "of the point's own organisation."
    ),
    "reception": _l(
        "The cadres of the point's own organisation and the point's agents who are cadres."
    ),
    "rotation": _l(
        "The cadres of the village's branch and its groups, and the room's agents who are cadres."
    ),
}

VISIT_STATUS_LABELS = {
    "open": _l("Not yet handled"),
    "handled": _l("Handled"),
    "case": _l("Turned into a case"),
}
VISIT_CHANNEL_LABELS = {"letter": _l("Letter"), "visit": _l("Visit"), "phone": _l("Phone call")}
VISIT_ACTION_LABELS = {"handle": _l("Handling recorded"), "to_case": _l("Turned into a case")}
# The other network pages linked from the network's home page (when they exist).
# The network's other pages: (endpoint, label, the action that lists them).
SECTIONS = (
    ("network.complaint_list", _l("Complaints"), "complaint.list"),
    ("network.inspection_list", _l("Inspections"), "inspection.list"),
    ("network.accountability_list", _l("Accountability"), "accountability.list"),
    ("network.training_list", _l("Training"), "training.list"),
    ("network.agent_list", _l("Agents' assessment"), "assessment.list"),
)
