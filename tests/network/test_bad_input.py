"""Hostile query strings on the network pages: the default or nothing, never a 500."""

from __future__ import annotations

import pytest

from tests.network.supervision_world import build

HUGE = "99999999999999999999"


@pytest.fixture
def w(app):
    return build()


@pytest.mark.parametrize("value", [HUGE, "-3", "0", "abc"])
def test_the_complaint_list_ignores_a_point_it_does_not_list(w, login_as, value):
    c = w.complaint()
    r = login_as(w.sec).get(f"/network/complaints?point={value}")
    assert r.status_code == 200 and c.number in r.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, "-3", "0"])
def test_a_new_measure_ignores_a_member_id_no_row_carries(w, login_as, value):
    assert login_as(w.cmte).get(f"/network/accountability/new?member={value}").status_code == 200
