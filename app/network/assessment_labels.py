"""The agents' assessment's words: kinds of award and the figures' column names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AWARD_KIND_LABELS = {
    "reward": _l("Reward"),
    "penalty": _l("Penalty"),
}

FIGURE_LABELS = {
    "cases_done": _l("Cases done"),
    "on_time": _l("Done on time"),
    "rating": _l("Mean rating"),
    "satisfied": _l("Satisfied"),
    "complaints": _l("Complaints upheld"),
    "duty": _l("Duty kept"),
    "training": _l("Training attended"),
    "awards": _l("Rewards / penalties"),
}
