"""The selection's words: the round's stages, a nomination's states, the steps on the
timeline and the objections' outcomes, as translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROUND_STATUS_LABELS = {
    "nominating": _l("Branches nominating"),
    "reviewing": _l("Committee reviewing"),
    "notice": _l("Public notice"),
    "final": _l("Final list approved"),
}
NOMINATION_STATUS_LABELS = {
    "new": _l("New"),
    "nominated": _l("Nominated, awaiting review"),
    "sent_back": _l("Sent back to the branch"),
    "approved": _l("Approved by the committee"),
    "withdrawn": _l("Withdrawn by the branch"),
    "dropped": _l("Taken off the list"),
}
STATUS_LABELS = {**ROUND_STATUS_LABELS, **NOMINATION_STATUS_LABELS}
ROUND_ACTION_LABELS = {
    "close_nominations": _l("Nominations closed"),
    "reopen_nominations": _l("Nominations reopened"),
    "publish_notice": _l("Public notice published"),
    "withdraw_notice": _l("Public notice withdrawn"),
    "approve_final": _l("Final list approved"),
    "switch_rule": _l("Eligibility rule switched"),
    "set_quota": _l("Quotas set"),
    "edit_dates": _l("Stage dates changed"),
}
NOMINATION_ACTION_LABELS = {
    "nominate": _l("Nominated"),
    "revise": _l("Nomination revised"),
    "withdraw": _l("Nomination withdrawn"),
    "approve": _l("Nomination approved"),
    "send_back": _l("Nomination sent back"),
    "drop": _l("Taken off the list"),
    "object": _l("Objection recorded"),
    "uphold": _l("Objection upheld"),
    "dismiss": _l("Objection dismissed"),
}
# What a form's title and button say: the step as an instruction.
BUTTON_LABELS = {
    "close_nominations": _l("Close nominations"),
    "reopen_nominations": _l("Reopen nominations"),
    "publish_notice": _l("Publish the notice"),
    "withdraw_notice": _l("Withdraw the notice"),
    "approve_final": _l("Approve the final list"),
    "revise": _l("Revise the nomination"),
    "withdraw": _l("Withdraw the nomination"),
    "approve": _l("Approve"),
    "send_back": _l("Send back to the branch"),
    "drop": _l("Take off the list"),
    "object": _l("Record an objection"),
    "uphold": _l("Uphold an objection and take off the list"),
    "dismiss": _l("Dismiss an objection"),
}
OUTCOME_LABELS = {"upheld": _l("Upheld"), "dismissed": _l("Dismissed")}
QUOTA_MODE_LABELS = {"count": _l("The same number per branch"), "share": _l("A share of members")}
SPOT_LABELS = {
    "confirmed": _l("Confirmed"),
    "adjusted": _l("Grade adjusted"),
    "returned": _l("Returned to the branch"),
    None: _l("Not yet checked"),
}
