"""The agents' assessment's words: the kinds of award."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AWARD_KIND_LABELS = {
    "reward": _l("Reward"),
    "penalty": _l("Penalty"),
}
