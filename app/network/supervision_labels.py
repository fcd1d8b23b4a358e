"""The words of supervision: complaint states, steps, findings and channels, and the measures
of accountability, as translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COMPLAINT_STATUS_LABELS = {
    "received": _l("Received, awaiting a handler"),
    "handling": _l("Being looked into"),
    "rectifying": _l("Rectification under way"),
    "closed": _l("Closed: answered"),
}
COMPLAINT_ACTION_LABELS = {
    "register": _l("Complaint received"),
    "assign": _l("Handler and deadline set"),
    "uphold": _l("Found justified: rectification required"),
    "dismiss": _l("Found not justified: answered"),
    "close": _l("Rectification done: closed"),
}
# The step as an instruction, over the form that takes it.
COMPLAINT_STEP_TITLES = {
    "assign": _l("Name the handler and the deadline"),
    "uphold": _l("Find it justified and require rectification"),
    "dismiss": _l("Find it not justified and answer"),
    "close": _l("Record the rectification and close"),
}
FINDING_LABELS = {
    "upheld": _l("Upheld"),
    "partly": _l("Partly upheld"),
    "not_upheld": _l("Not upheld"),
}
COMPLAINT_CHANNEL_LABELS = {
    "online": _l("Online complaint"),
    "counter": _l("At the counter"),
    "phone": _l("By phone"),
    "letter": _l("By letter"),
}
# 责任追究 measures: our defaults, from the mildest up; the committee may change the list.
MEASURE_LABELS = {
    "criticism": _l("Criticism and education"),
    "admonition": _l("Admonition talk"),
    "circulated": _l("Circulated criticism"),
    "organisational": _l("Organisational measure"),
    "disciplinary": _l("Disciplinary sanction"),
}
