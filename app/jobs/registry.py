"""The kinds of background job: each feature registers what its jobs run and how their
result shows (the jobs package itself knows no feature)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.errors import DomainError


@dataclass
class Outcome:
    """What a finished job leaves: a small result for its page and, maybe, a file to fetch
    (a path on disk, removed once sealed) under a download name."""

    result: dict[str, Any] = field(default_factory=dict)
    file_path: str | None = None
    file_name: str = ""


class JobFailed(DomainError):
    """A job's expected failure: its message and, for an import, the rows at fault."""

    status_code = 400

    def __init__(self, message, rows: list[tuple[int, str, str]] | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []


# report(done, total): how far the job is; a handler calls it as often as it likes.
Reporter = Callable[[int, int], None]


@dataclass
class JobKind:
    name: str
    label: Any
    run: Callable[[Any, Reporter], Outcome]
    # The partial that shows a finished job's result, and the context it needs.
    result_template: str | None = None
    present: Callable[[Any], dict[str, Any]] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind
