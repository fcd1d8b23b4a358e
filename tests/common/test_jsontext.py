"""The JSON columns' text: orjson, with the standard library's results where orjson differs."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

from sqlalchemy import select, text

from app.common.jsontext import dumps, dumps_tagged, loads
from app.extensions import db
from app.roster.models import MemberHistory
from tests.factories import make_member


def test_text_is_written_unescaped_and_reads_back():
    value = {"name": [None, "李秀兰"], "n": 3, "ok": True, "none": None}
    assert "李秀兰" in dumps(value)
    assert loads(dumps(value)) == value


def test_integer_keys_and_huge_integers_are_written_as_the_standard_library_does():
    assert loads(dumps({1: "a"})) == {"1": "a"}
    assert loads(dumps({"n": 2**70})) == {"n": 2**70}


def test_tagged_values_are_handed_to_default_whichever_library_writes():
    """Dates and times go to ``default`` (orjson would write them as bare text), and so does
    a value orjson refuses (an integer beyond 64 bits), written then by the standard
    library: either way the reader's hook gets its tags back."""

    def tag(v):
        return {"$": type(v).__name__, "v": str(v)}

    value = {
        "on": date(2024, 7, 1),
        "at": datetime(2024, 7, 1, 8, 30),  # noqa: DTZ001 - a naive cell value
        "名": "值",
    }
    for extra in ({}, {"big": 2**70}):
        body = dumps_tagged({**value, **extra}, tag)
        assert json.loads(body) == {
            "on": {"$": "date", "v": "2024-07-01"},
            "at": {"$": "datetime", "v": "2024-07-01 08:30:00"},
            "名": "值",
            **extra,
        }


def test_escaped_text_and_nan_written_before_still_read():
    assert loads(json.dumps({"名": "值"})) == {"名": "值"}
    assert math.isnan(loads(json.dumps({"x": float("nan")}))["x"])


def test_a_json_column_round_trips_through_the_database(app, tree):
    member = make_member(tree.branch_a)
    entry = db.session.scalars(
        select(MemberHistory).where(MemberHistory.member_id == member.id)
    ).first()
    entry.changes = {"address": [None, "泉湖镇泉湖村1号"]}
    db.session.commit()
    stored = db.session.scalar(
        text("SELECT changes FROM member_history WHERE id = :id"), {"id": entry.id}
    )
    if isinstance(stored, str):  # SQLite keeps the text; PostgreSQL's json hands back values
        assert "泉湖镇泉湖村1号" in stored
    db.session.expire_all()
    assert db.session.get(MemberHistory, entry.id).changes == {"address": [None, "泉湖镇泉湖村1号"]}
