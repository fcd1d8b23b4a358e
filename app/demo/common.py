"""What every part of the demo shares: the password, the committee's name, the report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 - documented demo logins; refused in production

COMMITTEE = "河西新区党工委"
DEMO_BRANCH = "泉湖村党支部"  # the branch the documented logins work in
DEMO_ROOM = "泉湖村为民服务室"


@dataclass
class SeedReport:
    orgs: int = 0
    service_points: int = 0
    users: int = 0
    members: int = 0
    appraisal_periods: int = 0
    volunteers: int = 0
    cases: int = 0
    nominations: int = 0


def user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))
