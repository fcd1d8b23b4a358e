"""Display labels for appraisal codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Self-record in progress"),
    "submitted": _l("Awaiting sign-off"),
    "signed": _l("Awaiting branch opinion"),
    "assessed": _l("Assessed"),
    "closed": _l("Closed"),
}
GRADE_LABELS = {
    "excellent": _l("Excellent"),
    "qualified": _l("Qualified"),
    "basically_qualified": _l("Basically qualified"),
    "unqualified": _l("Unqualified"),
}
VETO_LABELS = {
    "discipline": _l("Serious discipline violation"),
    "accident_precursor": _l("Accident precursor"),
    "illegal": _l("Illegal act"),
    "other": _l("Other serious problem (committee only)"),
}
ACTION_LABELS = {
    "submit": _l("Submitted the self-record"),
    "withdraw": _l("Withdrew the submission"),
    "return_to_member": _l("Returned to the member"),
    "sign": _l("Signed"),
    "return_to_signer": _l("Returned for sign-off"),
    "assess": _l("Branch opinion recorded"),
    "return_to_branch": _l("Returned to the branch"),
    "spot_confirm": _l("Spot check: confirmed"),
    "spot_adjust": _l("Spot check: grade adjusted"),
    "veto": _l("Vetoed"),
    "lift_veto": _l("Veto lifted"),
    "close": _l("Closed"),
    "reopen": _l("Reopened"),
}
TASK_LABELS = {
    "self": _l("Write your self-record"),
    "sign": _l("Sign off"),
    "assess": _l("Record the branch opinion"),
    "spot": _l("Spot check"),
    "talk": _l("Talk with a key person this month"),
}

# What a button says: the step as an instruction.
BUTTON_LABELS = {
    "submit": _l("Submit for sign-off"),
    "withdraw": _l("Withdraw the submission (撤回)"),
    "return_to_member": _l("Return to the member"),
    "sign": _l("Sign"),
    "return_to_signer": _l("Return for sign-off"),
    "assess": _l("Record the branch opinion"),
    "return_to_branch": _l("Return to the branch"),
    "spot_confirm": _l("Confirm the result"),
    "spot_adjust": _l("Adjust the grade"),
    "veto": _l("Veto (一票否决)"),
    "lift_veto": _l("Lift the veto"),
    "reopen": _l("Reopen the record"),
}

# What a big step does, asked before it is taken (the form's data-confirm).
CONFIRM_LABELS = {
    "submit": _l(
        "Submit the self-record? The group leader (or mentor) signs it next; until they sign "
        "you can withdraw it."
    ),
    "withdraw": _l(
        "Withdraw the submission? The record goes back to your draft and waits for no one "
        "until you submit it again."
    ),
    "veto": _l(
        "Veto this record? Its grade becomes unqualified, any exemplary mark is removed, and "
        "the member is left out of the July 1st (七一) selection that counts this quarter. "
        "Only the party committee can lift a veto."
    ),
    "return_to_member": _l("Return the self-record to the member to complete?"),
    "return_to_signer": _l("Return the record to its signer? The signature must be given again."),
    "return_to_branch": _l("Return the record to the branch for a new opinion?"),
}
# What the record waits for, said to a viewer with no step to take on it now.
NEXT_LABELS = {
    "draft": _l("The member is writing the self-record."),
    "submitted": _l("Waiting for the group leader (or mentor) to sign."),
    "signed": _l("Waiting for the branch committee's opinion."),
    "assessed": _l("The branch has given its opinion; the record closes with its quarter."),
    "closed": _l("This record is closed with its quarter."),
}

# Every label table, for the appraisal templates.
TEMPLATE_LABELS = {
    "status_labels": STATUS_LABELS,
    "grade_labels": GRADE_LABELS,
    "veto_labels": VETO_LABELS,
    "action_labels": ACTION_LABELS,
    "task_labels": TASK_LABELS,
    "button_labels": BUTTON_LABELS,
}

# The quarter's deadlines, as the period form names them.
DEADLINE_LABELS = {
    "self_due": _l("Self-records due"),
    "sign_due": _l("Sign-offs due"),
    "opinion_due": _l("Branch opinions due"),
    "spot_due": _l("Spot check due"),
}
