"""Chinese resident ID numbers (GB 11643-1999) and mobile numbers: validate, derive, mask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul

from app.common import timeutil
from app.common.chinese import normalize_digits

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {
    *range(11, 16),
    *range(21, 24),
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
    71,
    81,
    82,
    83,
}
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class IdNumberError(ValueError):
    """Why an ID number is invalid; the message is an English msgid for translation."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "male" / "female"


def check_char(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError("17 digits")
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def normalize_id(raw: str) -> str:
    return normalize_digits(raw or "").upper()


def parse_id(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18-character ID and return it normalised with its birth date and gender.

    Raises IdNumberError with a message saying what is wrong.
    """
    number = normalize_id(raw)
    if len(number) == 15 and number.isdigit():
        raise IdNumberError("15-digit ID numbers are no longer valid; enter the 18-digit number.")
    if len(number) != 18:
        raise IdNumberError("An ID number has 18 characters.")
    if not _ID_RE.match(number):
        raise IdNumberError("An ID number has 17 digits followed by a digit or X.")
    if int(number[:2]) not in _PROVINCES:
        raise IdNumberError("The region code of this ID number does not exist.")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("The birth date in this ID number is not a real date.") from None
    today = today or timeutil.today()
    if born < date(1900, 1, 1) or born > today:
        raise IdNumberError("The birth date in this ID number is out of range.")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("The check character of this ID number is wrong.")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, birth_date=born, gender=gender)


def mask_id(number: str) -> str:
    """Keep the first 6 and last 4 characters: 110105********002X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def normalize_phone(raw: str) -> str:
    return normalize_digits(raw or "").replace("－", "-")


def valid_phone(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone) or LANDLINE_RE.match(phone))


def mask_phone(phone: str) -> str:
    """138****8000 for mobiles; landlines keep the area code and last 2 digits."""
    if MOBILE_RE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    head = phone.split("-")[0] + "-" if "-" in phone else phone[:4]
    return head + "*" * max(0, len(phone) - len(head) - 2) + phone[-2:]


def is_masked(value: str) -> bool:
    return "*" in (value or "")
