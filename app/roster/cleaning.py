"""The one cleaning routine for a member's values, shared by the member form, the Excel
import and the CLI. It collects every problem instead of stopping at the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from app.common import timeutil
from app.common.idcard import IdNumberError, normalize_phone, parse_id, valid_phone
from app.roster.fields import (
    ADDRESS_MAX,
    AGENT_SOURCE_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
    add_years,
    choice_by_label,
    parse_bool,
    parse_date,
    read_date,
)
from app.roster.models import (
    EDUCATION_LEVELS,
    OCCUPATIONS,
    Gender,
    Membership,
    PartyStatus,
    PostKind,
)


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


_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}

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
_NOT_A_DATE = _l("Not a date. Use e.g. 1980-07-01.")
# An empty choice means the usual case.
_CHOICE_DEFAULTS = {
    "membership": Membership.FULL,
    "post_kind": PostKind.NO_POST,
    "party_status": PartyStatus.NORMAL,
}


def clean_member(
    raw: dict[str, Any], *, today: date | None = None, memo: dict | None = None
) -> Cleaned:
    """Check one member's values (from a form or a spreadsheet row).

    ``raw`` uses the names in MEMBER_FIELDS; ``org_id`` and ``service_point_id`` arrive as
    ids, ``skills`` as a list of names or a comma-separated text. ``memo``, a dict a bulk
    check keeps for its rows (one locale throughout), remembers what each choice text read
    as. Returns the cleaned values and a message per field at fault, never raising for bad
    input.
    """
    out = Cleaned()
    # One search over the row's texts (most rows have none), then the fields at fault.
    if _CONTROL.search("".join([v for v in raw.values() if isinstance(v, str)])):
        for key, value in raw.items():
            if isinstance(value, str) and _CONTROL.search(value):
                out.fail(key, _l("Control characters are not allowed."))
        if out.errors:
            return out
    today = today or timeutil.today()
    _clean_identity(raw, out, today)
    _clean_contact(raw, out)
    _clean_work(raw, out)
    _clean_dates(raw, out, today)
    _clean_choices(raw, out, memo)
    _clean_marks(raw, out)
    _clean_links(raw, out)
    _check_together(out)
    return out


def _clean_identity(raw: dict[str, Any], out: Cleaned, today: date) -> None:
    """Name, ID number, and the gender and birth date, which the ID number decides."""
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
    out.values["birth_date"] = _clean_birth(raw.get("birth_date"), out, id_info)


def _clean_birth(value: Any, out: Cleaned, id_info) -> date | None:
    """The birth date is the ID number's; a given one must agree with it, and a cell that
    is wrong is told what is wrong with it (not a date, no day, or a different date)."""
    try:
        birth, has_day = read_date(value)
    except (ValueError, OverflowError):
        out.fail("birth_date", _NOT_A_DATE)
        return id_info.birth_date if id_info else None
    if birth is None:
        return id_info.birth_date if id_info else None
    if not has_day:
        # 出生年月 columns give the month only: fine when it agrees with the ID number.
        if id_info is None:
            out.fail("birth_date", _l("The date of birth is incomplete; give the day."))
        elif (birth.year, birth.month) != (id_info.birth_date.year, id_info.birth_date.month):
            out.fail("birth_date", _l("The year and month of birth do not match the ID number."))
        return id_info.birth_date if id_info else None
    if id_info:
        if birth != id_info.birth_date:
            out.fail("birth_date", _l("The date of birth does not match the ID number."))
        return id_info.birth_date
    return birth


def _clean_contact(raw: dict[str, Any], out: Cleaned) -> None:
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
    address = " ".join(str(raw.get("address") or "").split())
    if len(address) > ADDRESS_MAX:
        out.fail("address", _l("Use at most %(n)d characters.", n=ADDRESS_MAX))
    out.values["address"] = address[:ADDRESS_MAX]


def _clean_work(raw: dict[str, Any], out: Cleaned) -> None:
    out.values["ethnicity"] = _text(raw, "ethnicity", 20) or "汉族"
    education = _text(raw, "education", 20)
    if education and education not in EDUCATION_LEVELS:
        out.fail("education", _l("Choose one of: %(items)s.", items="、".join(EDUCATION_LEVELS)))
    out.values["education"] = education
    out.values["work_unit"] = _text(raw, "work_unit", 100)
    out.values["job_title"] = _text(raw, "job_title", 60)
    occupation = _text(raw, "occupation", 20)
    if occupation and occupation not in OCCUPATIONS:
        out.fail("occupation", _l("Choose one of: %(items)s.", items="、".join(OCCUPATIONS)))
    out.values["occupation"] = occupation or None


def _clean_dates(raw: dict[str, Any], out: Cleaned, today: date) -> None:
    for name in ("joined_on", "full_member_on", "lost_contact_since"):
        try:
            d = parse_date(raw.get(name))
        except (ValueError, OverflowError):
            out.fail(name, _NOT_A_DATE)
            d = None
        if d and d > today:
            out.fail(name, _l("This date is in the future."))
        out.values[name] = d


_CHOICES = (
    ("membership", MEMBERSHIP_LABELS, True),
    ("post_kind", POST_KIND_LABELS, True),
    ("agent_source", AGENT_SOURCE_LABELS, False),
    ("party_status", PARTY_STATUS_LABELS, True),
)
_UNKNOWN = object()  # a memo's mark for a text that is no choice


def _read_choice(name: str, value: Any, labels: dict, required: bool, memo: dict | None) -> Any:
    """choice_by_label's code for ``value`` (or _UNKNOWN), read once per text in a memo."""
    # The memo's key is the text choice_by_label matches, under the column's name.
    key = (name, str(value if value is not None else "").strip())
    if memo is not None and key in memo:
        return memo[key]
    try:
        code = choice_by_label(value, labels, allow_empty=not required)
    except ValueError:
        code = _UNKNOWN
    if memo is not None:
        memo[key] = code
    return code


def _clean_choices(raw: dict[str, Any], out: Cleaned, memo: dict | None = None) -> None:
    for name, labels, required in _CHOICES:
        value = raw.get(name)
        if value in (None, "") and name in _CHOICE_DEFAULTS:
            value = _CHOICE_DEFAULTS[name]
        code = _read_choice(name, value, labels, required, memo)
        if code is _UNKNOWN:
            out.fail(
                name,
                _l("Choose one of: %(items)s.", items="、".join(str(v) for v in labels.values())),
            )
        else:
            out.values[name] = code


def _clean_marks(raw: dict[str, Any], out: Cleaned) -> None:
    for name in ("is_mobile", "is_lost_contact", "is_hardship"):
        try:
            out.values[name] = parse_bool(raw.get(name))
        except ValueError:
            out.fail(name, _l("Enter yes or no."))
    out.values["mobile_destination"] = _text(raw, "mobile_destination", 100)


def _clean_links(raw: dict[str, Any], out: Cleaned) -> None:
    """Skills by name; the organisation and service point as ids (checked by the service)."""
    skills = raw.get("skills") or []
    if isinstance(skills, str):
        skills = re.split(r"[,，、;；\s]+", skills)
    out.values["skills"] = sorted({" ".join(str(s).split())[:40] for s in skills if str(s).strip()})
    for key in ("org_id", "service_point_id"):
        out.values[key] = raw.get(key)
    if not out.values["org_id"]:
        out.fail("org_id", _l("Choose the branch or party group."))


def _check_together(out: Cleaned) -> None:
    """Rules across fields."""
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
