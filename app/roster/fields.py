"""The roster's fields: their labels, the choices they take, and the readers of dates, yes/no
and choices typed by people (the cleaning routine in roster/cleaning.py uses them)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from app.common.chinese import normalize_digits
from app.roster.models import (
    AgentSource,
    Gender,
    Membership,
    PartyStatus,
    PostKind,
    SanctionKind,
)

GENDER_LABELS = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}
MEMBERSHIP_LABELS = {
    Membership.FULL: _l("Full member"),
    Membership.PROBATIONARY: _l("Probationary member"),
}
POST_KIND_LABELS = {PostKind.CADRE: _l("Cadre"), PostKind.NO_POST: _l("Member without post")}
AGENT_SOURCE_LABELS = {
    AgentSource.VILLAGE_CADRE: _l("Village cadre"),
    AgentSource.STATIONED: _l("Stationed in the village"),
    AgentSource.SECONDED: _l("Seconded post"),
    AgentSource.PAIRED: _l("Paired assistance"),
    AgentSource.SENT_DOWN: _l("Sent down for training"),
    AgentSource.VOLUNTEER: _l("Volunteer"),
}
PARTY_STATUS_LABELS = {
    PartyStatus.NORMAL: _l("Normal"),
    PartyStatus.RETAINED: _l("Membership retained"),
    PartyStatus.SUSPENDED: _l("Membership suspended"),
    PartyStatus.RESTORED: _l("Membership restored"),
    PartyStatus.EXPELLED: _l("Expelled"),
    PartyStatus.TRANSFERRED_OUT: _l("Transferred out"),
    PartyStatus.DECEASED: _l("Deceased"),
}
# 党纪处分: the four sanctions a branch records on the roster (expulsion is a party status).
SANCTION_KIND_LABELS = {
    SanctionKind.WARNING: _l("Warning"),
    SanctionKind.SERIOUS_WARNING: _l("Serious warning"),
    SanctionKind.REMOVAL_FROM_POST: _l("Removal from party post"),
    SanctionKind.PROBATION: _l("Probation within the party"),
}
YES_NO_LABELS = {True: _l("Yes"), False: _l("No")}
FIELD_LABELS = {
    "name": _l("Full name"),
    "gender": _l("Gender"),
    "ethnicity": _l("Ethnicity"),
    "birth_date": _l("Date of birth"),
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "address": _l("Home address"),
    "education": _l("Education"),
    "work_unit": _l("Work unit"),
    "job_title": _l("Post"),
    "occupation": _l("Occupation"),
    "joined_on": _l("Joined the party"),
    "full_member_on": _l("Became a full member"),
    "membership": _l("Membership"),
    "org_id": _l("Party organisation"),
    "post_kind": _l("Post kind"),
    "agent_source": _l("Agent source"),
    "service_point_id": _l("Service point"),
    "skills": _l("Skills and specialties"),
    "party_status": _l("Party-membership status"),
    "is_mobile": _l("Mobile member"),
    "mobile_destination": _l("Mobile destination"),
    "is_lost_contact": _l("Lost contact"),
    "lost_contact_since": _l("Lost contact since"),
    "is_hardship": _l("Member in hardship"),
}

# Fields a member row carries, in form and spreadsheet order.
MEMBER_FIELDS = tuple(FIELD_LABELS)
ADDRESS_MAX = 100

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"), True),
    (re.compile(r"^(\d{4})[-./年](\d{1,2})月?$"), False),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), True),
    (re.compile(r"^(\d{4})(\d{2})$"), False),
)
_EXCEL_EPOCH = date(1899, 12, 30)
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "on"}
_FALSE = {"否", "n", "no", "false", "0", "", "×", "off"}


def read_date(value: Any) -> tuple[date | None, bool]:
    """A date from a form, an Excel cell (date or serial number) or text such as 2001.07,
    2001-07-01, 2001年7月 or 20010701, and whether the value named the day (month-only values
    mean the first of the month). A blank cell, spaces only, or Excel's zero date (a cell that
    shows nothing but holds 0) is (None, False). Raises ValueError when it is not a date."""
    if value is None or value == "" or value == time(0, 0):
        # Excel's zero date comes out of a reader as midnight of no day.
        return None, False
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (None, False) if value <= _EXCEL_EPOCH + timedelta(days=1) else (value, True)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value < 2101:
            # 2001.07 typed into a cell is a number: year and month, not an Excel serial day.
            year = int(value)
            month = round((value - year) * 100) or 1
            return date(year, month, 1), False
        if value == 0:
            return None, False
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value)), True
        raise ValueError("not a date")
    text = normalize_digits(str(value)).strip()
    if not text:
        return None, False
    for pattern, has_day in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()]
            return date(parts[0], parts[1], parts[2] if has_day else 1), has_day
    raise ValueError("not a date")


def parse_date(value: Any) -> date | None:
    """The date ``read_date`` finds (month-only values mean the first of the month)."""
    return read_date(value)[0]


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 3, 1)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not yes/no")


def choice_by_label(value: Any, labels: dict, *, allow_empty: bool = False) -> str | None:
    """Accept a code ('full') or its label in either language ('正式党员', 'Full member')."""
    text = str(value if value is not None else "").strip()
    if not text:
        if allow_empty:
            return None
        raise ValueError("required")
    current, zh, en = _label_texts(labels)
    for code, label, lower_code in current:
        if text == code or text == label or text.lower() == lower_code:
            return code
    for code, label in zh:
        if text == label:
            return code
    for code, lower_label in en:
        if text.lower() == lower_label:
            return code
    raise ValueError("unknown choice")


# (id of a labels dict, locale) -> (the dict, its labels as text in the current locale, in
# Chinese and in English): translated once per locale, not once per spreadsheet cell.
_TEXTS: dict[tuple[int, str], tuple[dict, tuple]] = {}


def _label_texts(labels: dict) -> tuple:
    key = (id(labels), str(get_locale()))
    cached = _TEXTS.get(key)
    if cached is not None and cached[0] is labels:  # the dict itself is held: ids stay unique
        return cached[1]
    current = [(str(c), str(lb), str(c).lower()) for c, lb in labels.items()]
    with force_locale("zh_Hans"):
        zh = [(str(c), str(lb)) for c, lb in labels.items()]
    with force_locale("en"):
        en = [(str(c), str(lb).lower()) for c, lb in labels.items()]
    texts = (current, zh, en)
    _TEXTS[key] = (labels, texts)
    return texts


def is_choice_label(value: Any, labels: dict) -> bool:
    """Whether ``value`` names one of ``labels`` (a code or a label in either language)."""
    try:
        return choice_by_label(value, labels) is not None
    except ValueError:
        return False
