"""A committee with two branches and a year of closed quarters, where the right candidate list
is known: each member's four quarters are written straight into the records."""

from __future__ import annotations

from datetime import date

import pytest

from app.appraisal.models import Appraisal, AppraisalPeriod
from app.auth.models import Role
from app.extensions import db
from app.roster.models import Sanction
from app.selection import services
from app.selection.models import SelectionRound
from tests.factories import make_member, make_tree, make_user

WINDOW = [(2025, 3), (2025, 4), (2026, 1), (2026, 2)]
E, Q, U = "excellent", "qualified", "unqualified"


class Season:
    def __init__(self) -> None:
        t = make_tree()
        self.tree = t
        self.cmte = make_user("cmte", (Role.COMMITTEE, t.committee))
        self.sec_a = make_user("sec_a", (Role.BRANCH_SECRETARY, t.branch_a))
        self.sec_b = make_user("sec_b", (Role.BRANCH_SECRETARY, t.branch_b))
        self.member_user = make_user("plain_member", (Role.MEMBER, t.group_a))
        self.periods = {}
        for y, q in WINDOW:
            p = AppraisalPeriod(
                org_id=t.committee.id,
                year=y,
                quarter=q,
                self_due=date(y, 3 * q, 28),
                sign_due=date(y, 3 * q, 28),
                opinion_due=date(y, 3 * q, 28),
                spot_due=date(y, 3 * q, 28),
                templates={},
                is_closed=True,
            )
            db.session.add(p)
            self.periods[(y, q)] = p
        db.session.commit()

    def member(self, org=None, grades=(Q, Q, Q, Q), *, name=None, **kw):
        """A member with one closed record per grade given (None: no record that quarter);
        ``confirmed``/``exemplary``/``vetoed`` name the quarters (0-3) so marked."""
        marks = {k: kw.pop(k, ()) for k in ("confirmed", "exemplary", "vetoed", "open")}
        m = make_member(org or self.tree.group_a, name=name or f"党员{id(grades) % 997}", **kw)
        for i, ((y, q), grade) in enumerate(zip(WINDOW, grades, strict=True)):
            if grade is None:
                continue
            vetoed = i in marks["vetoed"]
            db.session.add(
                Appraisal(
                    period_id=self.periods[(y, q)].id,
                    member_id=m.id,
                    org_id=m.org_id,
                    year=y,
                    quarter=q,
                    status="assessed" if i in marks["open"] else "closed",
                    is_probationary=m.membership == "probationary",
                    grade=U if vetoed else grade,
                    is_vetoed=vetoed,
                    veto_category="discipline" if vetoed else None,
                    is_sampled=i in marks["confirmed"],
                    spot_result="confirmed" if i in marks["confirmed"] else None,
                    is_exemplary=i in marks["exemplary"],
                    exemplary_note="抢险突击" if i in marks["exemplary"] else "",
                    self_record={},
                )
            )
        db.session.commit()
        return m

    def sanction(self, member, decided_on, ends_on):
        db.session.add(
            Sanction(
                member_id=member.id,
                kind="warning",
                decided_on=decided_on,
                ends_on=ends_on,
                reason="违反工作纪律",
            )
        )
        db.session.commit()

    def open_round(self, **kw) -> SelectionRound:
        data = services.RoundData(
            year=2026,
            title="",
            quarters=WINDOW,
            quota_mode=kw.pop("quota_mode", "count"),
            quota_value=kw.pop("quota_value", 2),
            quota_rounding=kw.pop("quota_rounding", "round"),
            dates=kw.pop("dates", {}),
        )
        r = services.open_round(self.cmte, self.tree.committee, data)
        db.session.commit()
        return r


@pytest.fixture
def season(app):
    return Season()
