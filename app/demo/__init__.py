"""The demo data set behind ``flask seed-demo`` (see README): one module per feature.
Idempotent: each part is skipped when its data is already there, so a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from app.demo.appraisal import seed_appraisals
from app.demo.cases import SCENARIOS, seed_cases
from app.demo.common import COMMITTEE, DEMO_PASSWORD, SeedReport
from app.demo.network_assessment import seed_network_assessment
from app.demo.network_duty import seed_network_duty
from app.demo.network_supervision import seed_network_supervision
from app.demo.orgs import BRANCHES, seed_logins, seed_orgs
from app.demo.roster import GIVEN, LINKED, PER_BRANCH, SURNAMES, seed_members
from app.demo.selection import seed_selection
from app.demo.volunteers import seed_volunteers
from app.extensions import db

__all__ = ["COMMITTEE", "DEMO_PASSWORD", "GIVEN", "SURNAMES", "SeedReport", "seed_demo"]


def _quiet(_line: str) -> None:
    return None


def seed_demo(say: Callable[[str], None] = _quiet) -> SeedReport:
    """Build the demo org tree, service points, logins, roster, appraisals, service agency and
    service cases, and the 七一 selection.
    ``say`` gets one line as each part starts (the CLI prints them). The caller commits."""
    report = SeedReport()
    say("organisations, service points and logins…")
    by_name = seed_orgs(report)
    seed_logins(by_name, report)
    db.session.flush()
    say(f"roster: {len(BRANCHES) * PER_BRANCH + len(LINKED)} members…")
    seed_members(by_name, report)
    db.session.flush()
    say("appraisal: four quarters of 2026, every step through the workflow…")
    seed_appraisals(by_name, report)
    db.session.flush()
    say("service catalogue, volunteer profiles and posts…")
    report.volunteers = seed_volunteers(by_name)
    db.session.flush()
    say(f"service cases: {sum(SCENARIOS.values())} in every state, through the workflow…")
    report.cases = seed_cases()
    db.session.flush()
    say("the 七一 selection: next July's round, the first nominations…")
    report.nominations = seed_selection(by_name)
    say("the service network: duty rotas, letters and visits, complaints, an inspection, training…")
    seed_network_duty()  # duty rotas and the letters-and-visits register (app.demo.network_duty)
    seed_network_supervision()  # complaints, an inspection, accountability (network_supervision)
    seed_network_assessment()  # training sessions, a reward, a penalty (network_assessment)
    return report
