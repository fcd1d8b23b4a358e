"""A bulk-created member's history entry is what save_member's rule records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.common.idcard import mask_id, mask_phone
from app.roster import services
from app.roster.privacy import mask_address


def _as_save_member_records(v: dict[str, Any]) -> dict[str, list]:
    """save_member's rule written out plainly: every displayed value not in (None, "", False)."""
    shown = {k: v.get(k).isoformat() if isinstance(v.get(k), date) else v.get(k)
             for k in services.PLAIN_FIELDS}  # fmt: skip
    shown["id_number"] = mask_id(v["id_number"])
    shown["phone"] = mask_phone(v["phone"]) if v["phone"] else ""
    shown["address"] = mask_address(v["address"])
    shown["skills"] = ", ".join(v["skills"])
    return {k: [None, val] for k, val in shown.items() if val not in (None, "", False)}


_BASE = {"name": "甲", "id_number": "62090219800101007X", "phone": "", "address": "",
         "skills": [], "gender": "male", "birth_date": date(1980, 1, 1)}  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"is_mobile": True, "mobile_destination": "兰州", "is_hardship": False},
        {"org_id": 0, "service_point_id": 7, "occupation": None, "education": ""},
        {"joined_on": date(2001, 7, 1), "lost_contact_since": None, "is_lost_contact": False},
        {"phone": "13812345678", "address": "泉湖村三组12号", "skills": ["驾驶", "电工"]},
        {"membership": "full", "post_kind": "no_post", "agent_source": None},
    ],
)
def test_creation_changes_record_what_save_member_records(extra):
    v = {**_BASE, **extra}
    changes = services.creation_changes(v)
    assert changes == _as_save_member_records(v)
    assert list(changes) == list(_as_save_member_records(v))  # in the same order
