"""The named rule of background jobs: a job, its progress and its result are its owner's."""

from __future__ import annotations

from typing import Any

from app.auth.models import User
from app.policy.core import rule


@rule("job.view")
def _job_view(user: User, job: Any) -> bool:
    # Not even an admin: the result holds what its owner's scope and rights allowed.
    return job is not None and job.user_id == user.id
