"""The roster's fields: labels, choices and the one cleaning routine shared by the member form,
the Excel import and the CLI. Cleaning collects every problem instead of stopping at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from app.common import timeutil
from app.common.chinese import normalize_digits
from app.common.idcard import (
    IdNumberError,
    normalize_phone,
    parse_id,
    valid_phone,
)
from app.roster.models import (
    EDUCATION_LEVELS,
    AgentSource,
    Gender,
    Membership,
    PartyStatus,
    PostKind,
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
FIELD_LABELS = {
    "name": _l("Full name"),
    "gender": _l("Gender"),
    "ethnicity": _l("Ethnicity"),
    "birth_date": _l("Date of birth"),
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "education": _l("Education"),
    "work_unit": _l("Work unit"),
    "job_title": _l("Post"),
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

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-./年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "on"}
_FALSE = {"否", "n", "no", "false", "0", "", "×", "off"}


def parse_date(value: Any) -> date | None:
    """A date from a form, an Excel cell (date or serial number) or text such as 2001.07,
    2001-07-01, 2001年7月 or 20010701. Month-only values mean the first of the month.
    Raises ValueError when the value is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value < 2101:
            # 2001.07 typed into a cell is a number: year and month, not an Excel serial day.
            year = int(value)
            month = round((value - year) * 100) or 1
            return date(year, month, 1)
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError("not a date")
    text = normalize_digits(str(value)).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()]
            if len(parts) == 2:
                parts.append(1)
            return date(parts[0], parts[1], parts[2])
    raise ValueError("not a date")


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
    for code, label in labels.items():
        if text == code or text == str(label) or text.lower() == str(code).lower():
            return str(code)
    from flask_babel import force_locale

    with force_locale("zh_Hans"):
        for code, label in labels.items():
            if text == str(label):
                return str(code)
    with force_locale("en"):
        for code, label in labels.items():
            if text.lower() == str(label).lower():
                return str(code)
    raise ValueError("unknown choice")


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, str(message))


def _text(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    text = " ".join(str(value).split()) if value is not None else ""
    return text[:limit] if len(text) > limit else text


_GENDERS = {"男": Gender.MALE, "男性": Gender.MALE, "male": Gender.MALE, "m": Gender.MALE,
            "女": Gender.FEMALE, "女性": Gender.FEMALE, "female": Gender.FEMALE,
            "f": Gender.FEMALE}  # fmt: skip

# The validator's reasons, as translatable strings.
ID_ERRORS = {
    "15-digit ID numbers are no longer valid; enter the 18-digit number.": _l(
        "15-digit ID numbers are no longer valid; enter the 18-digit number."
    ),
    "An ID number has 18 characters.": _l("An ID number has 18 characters."),
    "An ID number has 17 digits followed by a digit or X.": _l(
        "An ID number has 17 digits followed by a digit or X."
    ),
    "The region code of this ID number does not exist.": _l(
        "The region code of this ID number does not exist."
    ),
    "The birth date in this ID number is not a real date.": _l(
        "The birth date in this ID number is not a real date."
    ),
    "The birth date in this ID number is out of range.": _l(
        "The birth date in this ID number is out of range."
    ),
    "The check character of this ID number is wrong.": _l(
        "The check character of this ID number is wrong."
    ),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_member(raw: dict[str, Any], *, today: date | None = None) -> Cleaned:
    """Check one member's values (from a form or a spreadsheet row).

    ``raw`` uses the names in MEMBER_FIELDS; ``org_id`` and ``service_point_id`` arrive as
    ids, ``skills`` as a list of names or a comma-separated text. Returns the cleaned values
    and a message per field at fault, never raising for bad input.
    """
    out = Cleaned()
    for key, value in raw.items():
        if isinstance(value, str) and _CONTROL.search(value):
            out.fail(key, _l("Control characters are not allowed."))
    if out.errors:
        return out
    today = today or timeutil.today()

    name = _text(raw, "name", 50)
    if not name:
        out.fail("name", _l("This field is required."))
    elif len(str(raw.get("name"))) > 50:
        out.fail("name", _l("Use at most %(n)d characters.", n=50))
    out.values["name"] = name

    id_info = None
    id_raw = raw.get("id_number")
    if id_raw is None or str(id_raw).strip() == "":
        out.fail("id_number", _l("This field is required."))
    elif isinstance(id_raw, float) or (isinstance(id_raw, int) and not isinstance(id_raw, bool)):
        # Excel keeps 15 significant digits: an ID typed as a number has lost its last ones.
        out.fail(
            "id_number",
            _l(
                "The ID number was stored as a number and lost digits; "
                "format the ID column as text."
            ),
        )
    else:
        try:
            id_info = parse_id(str(id_raw), today=today)
        except IdNumberError as err:
            out.fail("id_number", ID_ERRORS.get(str(err), str(err)))
    out.values["id_number"] = id_info.number if id_info else ""

    gender_raw = str(raw.get("gender") or "").strip().lower()
    gender = None
    if gender_raw:
        gender = _GENDERS.get(gender_raw)
        if gender is None:
            out.fail("gender", _l("Choose male or female."))
    if id_info:
        if gender and gender != id_info.gender:
            out.fail("gender", _l("The gender does not match the ID number."))
        gender = id_info.gender
    out.values["gender"] = gender

    try:
        birth = parse_date(raw.get("birth_date"))
    except (ValueError, OverflowError):
        birth = None
        out.fail("birth_date", _l("Not a date. Use e.g. 1980-07-01."))
    if id_info:
        if birth and birth != id_info.birth_date:
            out.fail("birth_date", _l("The date of birth does not match the ID number."))
        birth = id_info.birth_date
    out.values["birth_date"] = birth

    phone = (
        normalize_phone(str(raw.get("phone") or ""))
        if not isinstance(raw.get("phone"), float)
        else None
    )
    if phone is None:
        out.fail("phone", _l("Format the phone column as text."))
        phone = ""
    elif phone and not valid_phone(phone):
        out.fail("phone", _l("Enter an 11-digit mobile or a landline such as 0937-2610001."))
    out.values["phone"] = phone

    out.values["ethnicity"] = _text(raw, "ethnicity", 20) or "汉族"
    education = _text(raw, "education", 20)
    if education and education not in EDUCATION_LEVELS:
        out.fail("education", _l("Choose one of: %(items)s.", items="、".join(EDUCATION_LEVELS)))
    out.values["education"] = education
    out.values["work_unit"] = _text(raw, "work_unit", 100)
    out.values["job_title"] = _text(raw, "job_title", 60)

    for name_ in ("joined_on", "full_member_on", "lost_contact_since"):
        try:
            d = parse_date(raw.get(name_))
        except (ValueError, OverflowError):
            out.fail(name_, _l("Not a date. Use e.g. 1980-07-01."))
            d = None
        if d and d > today:
            out.fail(name_, _l("This date is in the future."))
        out.values[name_] = d

    for name_, labels, required in (
        ("membership", MEMBERSHIP_LABELS, True),
        ("post_kind", POST_KIND_LABELS, True),
        ("agent_source", AGENT_SOURCE_LABELS, False),
        ("party_status", PARTY_STATUS_LABELS, True),
    ):
        value = raw.get(name_)
        if value in (None, "") and name_ in ("post_kind", "party_status", "membership"):
            value = {
                "post_kind": PostKind.NO_POST,
                "party_status": PartyStatus.NORMAL,
                "membership": Membership.FULL,
            }[name_]
        try:
            out.values[name_] = choice_by_label(value, labels, allow_empty=not required)
        except ValueError:
            out.fail(
                name_,
                _l("Choose one of: %(items)s.", items="、".join(str(v) for v in labels.values())),
            )

    for name_ in ("is_mobile", "is_lost_contact", "is_hardship"):
        try:
            out.values[name_] = parse_bool(raw.get(name_))
        except ValueError:
            out.fail(name_, _l("Enter yes or no."))
    out.values["mobile_destination"] = _text(raw, "mobile_destination", 100)

    skills = raw.get("skills") or []
    if isinstance(skills, str):
        skills = re.split(r"[,，、;；\s]+", skills)
    names = sorted({" ".join(str(s).split())[:40] for s in skills if str(s).strip()})
    out.values["skills"] = names

    for key in ("org_id", "service_point_id"):
        out.values[key] = raw.get(key)
    if not out.values["org_id"]:
        out.fail("org_id", _l("Choose the branch or party group."))

    # Cross-field rules.
    v = out.values
    birth = v.get("birth_date")
    joined = v.get("joined_on")
    full = v.get("full_member_on")
    if birth and joined and joined < add_years(birth, 18) - timedelta(days=1):
        out.fail("joined_on", _l("A member joins the party at 18 or older."))
    if joined and full and full < joined:
        out.fail("full_member_on", _l("Full membership cannot come before joining."))
    if v.get("membership") == Membership.PROBATIONARY and full:
        out.fail("full_member_on", _l("A probationary member has no full-membership date yet."))
    if v.get("is_mobile") and not v.get("mobile_destination"):
        out.fail("mobile_destination", _l("Say where the mobile member has gone."))
    if v.get("is_lost_contact") and not v.get("lost_contact_since"):
        out.fail("lost_contact_since", _l("Give the date contact was lost."))
    return out
