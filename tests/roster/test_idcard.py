"""ID numbers (GB 11643): checksum, normalisation, derived fields, masking."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.idcard import IdNumberError, check_char, mask_id, mask_phone, parse_id
from tests.factories import make_id_number


@pytest.mark.parametrize(
    "good",
    [
        "11010519491231002X",  # the standard's own example
        "11010519491231002x",  # lower-case x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width
        " 110105 19491231 002X ",  # spaces
        "610481195001010013",  # a county code newer than the birth year
        "810000199001010019",  # Hong Kong residence permit
    ],
)
def test_valid_numbers_are_accepted_and_normalised(good):
    info = parse_id(good)
    assert len(info.number) == 18 and info.number == info.number.upper()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("110105194912310021", "check character"),
        ("110105491231002", "15-digit"),
        ("110105209901010011", "out of range"),
        ("110105199002300011", "not a real date"),
        ("990105194912310021", "region"),
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "17 digits"),
    ],
)
def test_invalid_numbers_say_why(bad, reason):
    with pytest.raises(IdNumberError, match=reason):
        parse_id(bad, today=date(2026, 11, 25))


def test_birth_date_and_gender_come_from_the_number():
    info = parse_id("11010519491231002X")
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "female"  # the 17th digit, 2, is even
    assert parse_id(make_id_number("19800101", seq=13)).gender == "male"


def test_check_char_matches_the_reference_algorithm():
    stdnum_free = {"11010519491231002": "X", "61048119500101001": "3"}
    for first17, expected in stdnum_free.items():
        assert check_char(first17) == expected


def test_masks_keep_only_the_outer_characters():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0937-2610001") == "0937-*****01"
