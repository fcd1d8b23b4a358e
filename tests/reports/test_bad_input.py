"""Hostile query strings on the reports pages: a clear 404 or the default, never a 500."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from tests.factories import make_tree, make_user


@pytest.fixture
def cmte(app, login_as):
    t = make_tree()
    return login_as(make_user("bad_cmte", (Role.COMMITTEE, t.committee)))


@pytest.mark.parametrize("url", ["/reports/rates", "/reports/periodic", "/reports/periodic.xlsx"])
@pytest.mark.parametrize("period", ["2000-Q1", "2000-H1", "2000"])
def test_a_period_whose_previous_is_out_of_range_falls_back(cmte, url, period):
    assert cmte.get(f"{url}?period={period}").status_code == 200


@pytest.mark.parametrize(
    "url", ["/reports/rates", "/reports/periodic", "/reports/rates/acceptance/den"]
)
@pytest.mark.parametrize("of", ["org-99999999999999999999", "org-²", "point-99999999999999999999"])
def test_an_id_no_row_can_carry_is_not_found(cmte, url, of):
    assert cmte.get(f"{url}?of={of}").status_code == 404
