"""How the audit log reads: a label for every action and every detail key, values in words.

Codes stay codes in the database (they are stable and searchable); this module turns them into
the user's language on the log page. Status, role, kind and field codes go through the labels
their own features keep, so the log and the feature pages say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.appraisal.labels import ACTION_LABELS as APPRAISAL_STEP_LABELS
from app.appraisal.labels import STATUS_LABELS
from app.auth.models import ROLE_LABELS
from app.cases.labels import ACTION_LABELS as CASE_STEP_LABELS
from app.cases.labels import STATUS_LABELS as CASE_STATUS_LABELS
from app.network.assessment_labels import AWARD_KIND_LABELS
from app.network.duty_labels import KIND_LABELS as ROTA_KIND_LABELS
from app.network.duty_labels import ROTA_STATUS_LABELS, VISIT_CHANNEL_LABELS, VISIT_STATUS_LABELS
from app.network.supervision_labels import (
    COMPLAINT_ACTION_LABELS,
    COMPLAINT_STATUS_LABELS,
    MEASURE_LABELS,
)
from app.orgs.models import ORG_KIND_LABELS, SERVICE_LEVEL_LABELS
from app.roster.fields import (
    AGENT_SOURCE_LABELS,
    FIELD_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
    SANCTION_KIND_LABELS,
)
from app.selection.labels import NOMINATION_ACTION_LABELS, ROUND_ACTION_LABELS
from app.selection.labels import STATUS_LABELS as SELECTION_STATUS_LABELS

ACTION_LABELS: dict[str, Any] = {
    "auth.login": _l("Log in"),
    "auth.logout": _l("Log out"),
    "auth.lock": _l("Account locked"),
    "auth.unlock": _l("Account unlocked"),
    "auth.throttle": _l("Logins slowed down after wrong passwords"),
    "auth.password_change": _l("Password changed"),
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.reset_password": _l("Password reset"),
    "user.deactivate": _l("Account deactivated"),
    "user.activate": _l("Account reactivated"),
    "role.grant": _l("Role granted"),
    "role.revoke": _l("Role revoked"),
    "org.create": _l("Organisation created"),
    "org.rename": _l("Organisation renamed"),
    "org.move": _l("Organisation moved"),
    "org.deactivate": _l("Organisation deactivated"),
    "org.activate": _l("Organisation reactivated"),
    "service_point.create": _l("Service point created"),
    "service_point.update": _l("Service point edited"),
    "service_point.deactivate": _l("Service point deactivated"),
    "service_point.activate": _l("Service point reactivated"),
    "member.create": _l("Member added to the roster"),
    "member.update": _l("Member record edited"),
    "member.transfer": _l("Member transferred"),
    "member.status": _l("Party-membership status changed"),
    "member.unmask": _l("Full ID number, phone and address viewed"),
    "member.mentor": _l("Mentor named"),
    "member.sanction": _l("Disciplinary sanction recorded"),
    "member.sanction_delete": _l("Disciplinary sanction deleted"),
    "roster.export": _l("Roster exported"),
    "job.download": _l("Background job's result downloaded"),
    "roster.import": _l("Roster imported"),
    "roster.import_rollback": _l("Import rolled back"),
    "appraisal.template": _l("Appraisal template saved"),
    "appraisal.open_period": _l("Appraisal quarter opened"),
    "appraisal.close_period": _l("Appraisal quarter closed"),
    "appraisal.draw_sample": _l("Spot-check sample drawn"),
    "appraisal.exemplary": _l("Exemplary mark changed"),
    "appraisal.area_person": _l("Person added to the responsibility area"),
    "appraisal.checklists": _l("Responsibility-area checklists edited"),
    "appraisal.export_summary": _l("Appraisal summary exported"),
    "appraisal.export_book": _l("Appraisal book exported"),
    # One per workflow step (appraisal.submit, appraisal.close, …), worded as on the timeline.
    **{
        f"appraisal.{step}": _l("Appraisal: %(step)s", step=label)
        for step, label in APPRAISAL_STEP_LABELS.items()
    },
    "volunteers.item_save": _l("Service item saved"),
    "volunteers.profile_save": _l("Volunteer profile saved"),
    "volunteers.skill_confirm": _l("Skill confirmed"),
    "volunteers.designate": _l("Agent designated for an item"),
    "volunteers.post_create": _l("Post set up"),
    "volunteers.post_assign": _l("Member assigned to a post"),
    "volunteers.export_catalogue": _l("Service catalogue exported"),
    "volunteers.export_team": _l("Agent team exported"),
    # One per case step (case.accept, case.evaluate, …), worded as on the case's timeline.
    **{
        f"case.{step}": _l("Service case: %(step)s", step=label)
        for step, label in CASE_STEP_LABELS.items()
    },
    "case.ledger_export": _l("Case ledger exported"),
    "case.reveal_phone": _l("Applicant's full phone number viewed"),
    "duty_rota.generate": _l("Duty rota planned"),
    "duty_rota.regenerate": _l("Duty rota planned again"),
    "duty_rota.delete": _l("Draft duty rota deleted"),
    "duty_rota.publish": _l("Duty rota published"),
    "duty_rota.withdraw": _l("Duty rota withdrawn to a draft"),
    "duty_rota.export": _l("Duty rota exported"),
    "duty_shift.add": _l("Person added to a duty rota"),
    "duty_shift.replace": _l("Person on a duty shift replaced"),
    "duty_shift.remove": _l("Person taken off a duty rota"),
    "duty_shift.kept": _l("Duty shift recorded as kept or missed"),
    "visit.register": _l("Letter or visit entered in the register"),
    "visit.handle": _l("Handling of a letter or visit recorded"),
    "visit.to_case": _l("Letter or visit turned into a case"),
    "assessment.export": _l("Agents' quarterly figures exported"),
    "training.create": _l("Training session set up"),
    "training.update": _l("Training session edited"),
    "training.attendance": _l("Training attendance recorded"),
    "award.record": _l("Agent's reward or penalty recorded"),
    # Supervision: one per complaint step, worded as on the complaint's timeline.
    **{
        f"complaint.{step}": _l("Complaint: %(step)s", step=label)
        for step, label in COMPLAINT_ACTION_LABELS.items()
    },
    "complaint.reveal_phone": _l("Complainant's full phone number viewed"),
    "inspection.create": _l("Inspection recorded"),
    "inspection.update": _l("Inspection or its notice edited"),
    "inspection.finding_add": _l("Inspection finding added"),
    "inspection.finding_rectify": _l("Rectification of an inspection finding recorded"),
    "inspection.publish": _l("Inspection notice published"),
    "inspection.export": _l("Inspection findings exported"),
    "accountability.create": _l("Accountability measure recorded"),
    "selection.open_round": _l("七一 selection opened"),
    "selection.export": _l("七一 selection list exported"),
    "report.settings": _l("Six rates and ranking settings changed"),
    "report.export": _l("Periodic report exported"),
    "report.comparison_export": _l("Townships' comparison exported"),
    # One per step of a round and of a nomination, worded as on the round's timeline.
    **{
        f"selection.{step}": _l("七一 selection: %(step)s", step=label)
        for step, label in ROUND_ACTION_LABELS.items()
    },
    **{
        f"nomination.{step}": _l("七一 selection: %(step)s", step=label)
        for step, label in NOMINATION_ACTION_LABELS.items()
    },
}

DETAIL_LABELS: dict[str, Any] = {
    "reason": _l("Reason"),
    "scope": _l("Slowed down"),
    "failures": _l("Wrong passwords in a row"),
    "delay_seconds": _l("Next try allowed after (seconds)"),
    "via": _l("Done through"),
    "client_address": _l("Client address"),
    "comment": _l("Comment"),
    "old": _l("Before"),
    "new": _l("After"),
    "role": _l("Role"),
    "org": _l("Organisation"),
    "kind": _l("Kind"),
    "level": _l("Level"),
    "parent": _l("Parent organisation"),
    "old_parent": _l("Former parent organisation"),
    "new_parent": _l("New parent organisation"),
    "rows": _l("Rows"),
    "fields": _l("Changed fields"),
    "unmasked": _l("Full ID numbers, phones and addresses"),
    "official": _l("Official layout"),
    "filters": _l("Filters"),
    "q": _l("Search"),
    "org_id": FIELD_LABELS["org_id"],
    "membership": FIELD_LABELS["membership"],
    "post_kind": FIELD_LABELS["post_kind"],
    "agent_source": FIELD_LABELS["agent_source"],
    "party_status": FIELD_LABELS["party_status"],
    "skill_id": _l("Skill"),
    "flag": _l("Flag"),
    "sort": _l("Order"),
    "member_id": _l("Member no."),
    "mentor_user_id": _l("Mentor's account no."),
    "filename": _l("File name"),
    "job": _l("Background job"),
    "sha256": _l("File checksum (SHA-256)"),
    "created": _l("Added"),
    "updated": _l("Updated"),
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "records": _l("Records"),
    "unfinished": _l("Unfinished records"),
    "revision": _l("Revision"),
    "on": _l("Marked"),
    "removed_by": _l("Removed by the step"),
    "seed": _l("Random seed"),
    "share": _l("Sample share"),
    "pool": _l("Drawn from"),
    "chosen": _l("Drawn"),
    "probation": _l("Probation review form"),
    "quarters": _l("Quarters"),
    "from_status": _l("Status before"),
    "to_status": _l("Status after"),
    "is_key": _l("Key person"),
    "published": _l("Published"),
    "skill": _l("Skill"),
    "service_point": _l("Service point"),
    "case_number": _l("Case number"),
    "period": _l("Period"),
    "round_id": _l("Selection no."),
    "final": _l("Final list"),
    "sanction_kind": _l("Disciplinary sanction"),
    "decided_on": _l("Decided on"),
    "ends_on": _l("In effect until"),
    "delete_reason": _l("Why it was deleted"),
    "rota_kind": _l("Kind of rota"),
    "settings": _l("Planning settings"),
    "day": _l("Day"),
    "kept": _l("Kept or missed"),
    "visit_channel": _l("Channel"),
    "complaint_number": _l("Complaint number"),
    "inspection_title": _l("Inspection"),
    "measure": _l("Measure"),
    "email_changed": _l("E-mail address changed"),
    "title": _l("Title"),
    "held_on": _l("Held on"),
    "expected": _l("Expected attendees"),
    "attended": _l("Attended"),
    "award_kind": _l("Reward or penalty"),
}

# Kept in the row for investigators, not shown: the org names beside them say the same.
HIDDEN_DETAILS = frozenset({"old_path", "new_path"})

LOGIN_FAILURES = {
    "unknown": _l("Unknown user name"),
    "locked": _l("Account is locked"),
    "inactive": _l("Account is deactivated"),
    "password": _l("Wrong password"),
    "password_locked": _l("Wrong password; account locked"),
    "throttled": _l("Too many wrong passwords: asked to wait"),
}
THROTTLE_SCOPES = {
    "account": _l("this account"),
    "address": _l("this client address"),
    "device": _l("this browser"),
}
VIA_LABELS = {"web": _l("web page"), "cli": _l("server command line")}
DESIGNATION_LABELS = {"primary": _l("primary"), "backup": _l("backup")}
SERVICE_POINT_FIELDS = {
    "name": _l("Name"),
    "level": _l("Level"),
    "hotline": _l("Service hotline"),
    "address": _l("Address"),
    "opening_hours": _l("Opening hours"),
}

# Codes a detail's value may hold, by detail key. A value missing here is free text.
VALUE_LABELS: dict[str, Mapping[str, Any]] = {
    "from_status": STATUS_LABELS,
    "to_status": STATUS_LABELS,
    "role": {**ROLE_LABELS, **DESIGNATION_LABELS},
    "kind": ORG_KIND_LABELS,
    "level": SERVICE_LEVEL_LABELS,
    "post_kind": POST_KIND_LABELS,
    "membership": MEMBERSHIP_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
    "party_status": PARTY_STATUS_LABELS,
    "sanction_kind": SANCTION_KIND_LABELS,
    "reason": LOGIN_FAILURES,
    "scope": THROTTLE_SCOPES,
    "via": VIA_LABELS,
    "fields": FIELD_LABELS,
    "removed_by": APPRAISAL_STEP_LABELS,
    "rota_kind": ROTA_KIND_LABELS,
    "visit_channel": VISIT_CHANNEL_LABELS,
    "award_kind": AWARD_KIND_LABELS,
    "measure": MEASURE_LABELS,
}
# Details that are a dict keyed by codes (counts per status); other dicts are keyed by details.
DICT_KEY_LABELS: dict[str, Mapping[str, Any]] = {"unfinished": STATUS_LABELS}
# Where one action's codes differ from the rest: service points have their own fields.
ACTION_VALUE_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {
    ("service_point.update", "fields"): SERVICE_POINT_FIELDS,
    # A case's states are its own, not the appraisal's.
    **{
        (f"case.{step}", key): CASE_STATUS_LABELS
        for step in CASE_STEP_LABELS
        for key in ("from_status", "to_status")
    },
    # So are a complaint's.
    **{
        (f"complaint.{step}", key): COMPLAINT_STATUS_LABELS
        for step in COMPLAINT_ACTION_LABELS
        for key in ("from_status", "to_status")
    },
    # So are a duty rota's and a letter's or visit's.
    **{
        (f"duty_rota.{step}", key): ROTA_STATUS_LABELS
        for step in ("publish", "withdraw")
        for key in ("from_status", "to_status")
    },
    **{
        (f"visit.{step}", key): VISIT_STATUS_LABELS
        for step in ("handle", "to_case")
        for key in ("from_status", "to_status")
    },
    # So are a selection round's and a nomination's.
    **{
        (f"{prefix}.{step}", key): SELECTION_STATUS_LABELS
        for prefix, steps in (
            ("selection", ROUND_ACTION_LABELS),
            ("nomination", NOMINATION_ACTION_LABELS),
        )
        for step in steps
        for key in ("from_status", "to_status")
    },
}


def _count(value: Any) -> str:
    return str(_l("%(n)d records", n=len(value))) if isinstance(value, list) else str(value)


def _percent(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else str(value)


# Details whose value is better summed up than listed (a pool holds hundreds of ids).
FORMATTERS: dict[str, Callable[[Any], str]] = {
    "pool": _count,
    "chosen": _count,
    "share": _percent,
}


def action_label(action: str) -> str:
    """The action in words; an unknown code shows as itself rather than vanishing."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key


def format_value(key: str, value: Any, action: str = "") -> str:
    """A detail's value in words: codes through their labels, 是/否, lists and dicts joined."""
    if key in FORMATTERS:
        return FORMATTERS[key](value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return "、".join(format_value(key, v, action) for v in value)
    if isinstance(value, dict):
        names = DICT_KEY_LABELS.get(key)
        return "；".join(
            f"{names.get(k, k) if names else detail_label(k)}：{format_value(k, v, action)}"
            for k, v in value.items()
        )
    codes = ACTION_VALUE_LABELS.get((action, key)) or VALUE_LABELS.get(key, {})
    label = codes.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else str(value)


def describe(action: str, details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The shown details of one event as (label, value) pairs, in the order recorded."""
    return [
        (detail_label(k), format_value(k, v, action))
        for k, v in (details or {}).items()
        if k not in HIDDEN_DETAILS
    ]
