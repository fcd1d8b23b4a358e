"""What the roster import's check produces: the rows it planned, the errors it found, and
the refusal that carries them. Shared by the check (importer.py) and the writer
(import_write.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import DomainError


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    """One checked row: the raw values (what an update applies), the cleaned values (what a
    new member is written from), and what the check relied on: the version of the member it
    updates, or the blind index of the ID number it adds."""

    row: int
    raw: dict[str, Any]
    member_id: int | None
    values: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    id_hash: str = ""


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # What the plan was made from and for: the file's digest and the person's id.
    sha256: str = ""
    actor_id: int | None = None

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.member_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.member_id is not None)

    @property
    def error_count(self) -> int:
        return len(self.errors)


class ImportRejected(DomainError):
    status_code = 400

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_l("Nothing was imported: %(n)d problems.", n=len(plan.errors)))
        self.plan = plan
