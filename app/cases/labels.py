"""The case's words: states, types, channels, steps and ratings, as translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "new": _l("New"),
    "applied": _l("Awaiting acceptance"),
    "supplement": _l("Waiting for papers"),
    "handling": _l("Being handled"),
    "done": _l("Done, not yet delivered"),
    "delivered": _l("Delivered, awaiting rating"),
    "follow_up": _l("Follow-up after a bad rating"),
    "evaluated": _l("Rated"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}
KIND_LABELS = {
    "immediate": _l("Immediate case"),
    "promised": _l("Promised case"),
    "supplement": _l("Supplement case"),
    "escalated": _l("Escalated case"),
}
CHANNEL_LABELS = {
    "counter": _l("At the counter"),
    "phone": _l("By phone"),
    "online": _l("Online"),
}
ACTION_LABELS = {
    "register": _l("Registered"),
    "accept": _l("Accepted as a promised case"),
    "accept_immediate": _l("Done on the spot"),
    "accept_supplement": _l("Accepted, papers missing"),
    "papers_arrived": _l("Papers arrived"),
    "escalate": _l("Escalated one level up"),
    "refuse": _l("Refused"),
    "withdraw": _l("Withdrawn"),
    "assign": _l("Agent assigned"),
    "note": _l("Progress note"),
    "part_done": _l("Department's part done"),
    "complete": _l("Completed"),
    "deliver": _l("Result delivered"),
    "evaluate": _l("Rated"),
    "open_follow_up": _l("Follow-up opened"),
    "return_visit": _l("Return visit"),
    "fix": _l("Fixed"),
    "urge": _l("Urged"),
}
RATING_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
