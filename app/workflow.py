"""The shared workflow core: a transition table, guards, one handler per action and the one
``apply`` that moves a record. It knows no feature; each feature builds one ``Workflow`` from
its own table (the appraisal now, service cases and the 七一 selection next).

The core assumes a little of the models it moves: the record has an ``id``, a status column and
a ``version`` mapped as SQLAlchemy's ``version_id_col``; the step model has a foreign key to the
record plus ``action``, ``from_status``, ``to_status``, ``actor_id``, ``actor_name``,
``comment`` and ``snapshot`` columns (``AppraisalStep`` is the shape). The policy check and
the audit writer are passed in (``can``, ``record``), so this module imports only the errors
and the database and stays below ``app.policy`` and ``app.audit`` in the layers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import flag_modified

from app.errors import Conflict, FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db

# A target in the table meaning "the state the record had before the step that brought it
# into its current one" (a reopened record goes back to where it was when it closed).
PREVIOUS = "<previous>"


class InvalidTransition(Conflict):
    """The table (or a guard) does not allow this step in the record's current state: 409."""


@dataclass
class Step:
    """What a handler gets: the actor, the normalised comment and the form data. The handler
    changes the record, puts a message per field at fault in ``errors`` and what the step
    froze (what was signed, the grade before) in ``snapshot``."""

    actor: Any
    comment: str
    data: Mapping[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    snapshot: dict[str, Any] | None = None


Handler = Callable[[Any, Step], None]
# (test(record, actor) -> may the step be taken now?, the message when it may not)
Guard = tuple[Callable[[Any, Any], bool], Any]
Can = Callable[[Any, str, Any], bool]  # policy.can
Record = Callable[..., Any]  # audit.record


class Workflow:
    """A feature's workflow: ``name`` prefixes the policy actions and audit events
    (``"appraisal"`` → ``appraisal.sign``); ``transitions`` maps (status, action) to the new
    status or ``PREVIOUS``; anything not in it is refused."""

    def __init__(
        self,
        name: str,
        transitions: Mapping[tuple[str, str], str],
        *,
        step_model: type,
        owner_key: str,
        can: Can,
        record: Record,
        needs_comment: Collection[str] = (),
        keep_lines: Collection[str] = (),
        system_actions: Collection[str] = (),
        guards: Mapping[str, Guard] | None = None,
        audit_details: Callable[[Any], dict[str, Any]] | None = None,
        step_fields: Callable[[Any], dict[str, Any]] | None = None,
        quiet_comments: Collection[str] = (),
        status_attr: str = "status",
        max_comment: int = 2000,
    ) -> None:
        self.name = name
        self.transitions = dict(transitions)
        self.step_model = step_model
        self.owner_key = owner_key
        self.can = can
        self.record = record
        self.needs_comment = frozenset(needs_comment)
        self.keep_lines = frozenset(keep_lines)  # comments whose line breaks matter (facts)
        self.system_actions = frozenset(system_actions)  # may be taken with actor None
        self.guards = dict(guards or {})
        self.audit_details = audit_details or (lambda obj: {})
        # Columns of the step row beyond the owner's key (a nomination's step names its round).
        self.step_fields = step_fields or (lambda obj: {})
        # Comments kept off the audit log (personal text, such as an objection and who raised
        # it): they stay on the record's timeline, where the policy decides who reads them.
        self.quiet_comments = frozenset(quiet_comments)
        self.status_attr = status_attr
        self.max_comment = max_comment
        self.handlers: dict[str, Handler] = {}

    def handler(self, action: str) -> Callable[[Handler], Handler]:
        """Register the function that does ``action``'s own work (one per action).
        Raises ValueError at import time for an action the table never lists (a typo)."""
        if str(action) not in {a for (_s, a) in self.transitions}:
            raise ValueError(f"{self.name}: no transition for action {action!r}")

        def register(fn: Handler) -> Handler:
            self.handlers[str(action)] = fn
            return fn

        return register

    def actions_from(self, status: str) -> Iterator[str]:
        """The actions the table lists for ``status``, in table order."""
        return (a for (s, a) in self.transitions if s == status)

    def offered(self, obj: Any, action: str, actor: Any) -> bool:
        """The table lists ``action`` for the record's state and its guard lets it through
        (who may take it is the policy's question, not this one)."""
        if (getattr(obj, self.status_attr), action) not in self.transitions:
            return False
        guard = self.guards.get(action)
        return guard is None or bool(guard[0](obj, actor))

    def allowed_actions(self, obj: Any, user: Any) -> list[str]:
        """The actions ``user`` may take on ``obj`` now: offered and allowed by the policy.
        Views call it to show the right forms; ``apply`` refuses everything else."""
        return [
            str(a)
            for a in self.actions_from(getattr(obj, self.status_attr))
            if self.offered(obj, a, user) and self.can(user, f"{self.name}.{a}", obj)
        ]

    def apply(
        self,
        obj: Any,
        action: str,
        actor: Any,
        *,
        expected_version: int | None,
        comment: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> Any:
        """Take ``action`` on ``obj`` for ``actor`` (None only for system actions).

        In order: the version (StaleRecord), the table (InvalidTransition), the actor and the
        policy (PermissionDenied), the guard (InvalidTransition), the comment and the action's
        handler (FieldErrors naming each field at fault). Then sets the status, bumps the
        version, appends a step row and an audit event, and flushes; the caller commits.
        Returns the step row.
        """
        action = str(action)
        new_status = self.check(obj, action, actor, expected_version=expected_version)
        step = Step(actor, self._normalise(action, comment), data or {})
        if action in self.needs_comment and len(step.comment) < 2:
            step.errors["comment"] = str(_l("Write the reason or opinion."))
        if action in self.handlers:
            # A handler may query (the grade before a veto); nothing it changed may reach the
            # database before every field has been checked.
            with db.session.no_autoflush:
                self.handlers[action](obj, step)
        if step.errors:
            _discard_changes(obj)  # a refused step leaves the record as it was
            raise FieldErrors(step.errors)
        return self._write_step(obj, action, new_status, step)

    def check(
        self, obj: Any, action: str, actor: Any, *, expected_version: int | None = None
    ) -> str:
        """Whether ``actor`` may take ``action`` on ``obj`` now, changing nothing: returns the
        new status, or raises StaleRecord, InvalidTransition or PermissionDenied as ``apply``
        would. Views call it to refuse a step before reading a form that is not theirs."""
        action = str(action)
        if expected_version is not None and obj.version != expected_version:
            raise StaleRecord()
        new_status = self._target(obj, action)
        if new_status is None:
            raise InvalidTransition(_l("This step is not possible in the record's current state."))
        self._check_actor(obj, action, actor)
        guard = self.guards.get(action)
        if guard is not None and not guard[0](obj, actor):
            raise InvalidTransition(guard[1])
        return new_status

    def _target(self, obj: Any, action: str) -> str | None:
        status = getattr(obj, self.status_attr)
        target = self.transitions.get((status, action))
        if target != PREVIOUS:
            return target
        model = self.step_model
        entered = db.session.scalar(
            select(model)
            .where(
                getattr(model, self.owner_key) == obj.id,
                model.to_status == status,
                model.from_status != status,
            )
            .order_by(model.id.desc())
            .limit(1)
        )
        return entered.from_status if entered is not None else None

    def _check_actor(self, obj: Any, action: str, actor: Any) -> None:
        if actor is None:
            if action not in self.system_actions:
                raise PermissionDenied(_l("A person must take this step."))
        elif not self.can(actor, f"{self.name}.{action}", obj):
            raise PermissionDenied(_l("You may not take this step on this record."))

    def _normalise(self, action: str, comment: str | None) -> str:
        text = comment or ""
        if action not in self.keep_lines:
            text = " ".join(text.split())
        return text.strip()[: self.max_comment]

    def _write_step(self, obj: Any, action: str, new_status: str, step: Step) -> Any:
        old_status = getattr(obj, self.status_attr)
        setattr(obj, self.status_attr, new_status)
        # Every step is an UPDATE, so the version moves even when the status stays.
        flag_modified(obj, self.status_attr)
        actor = step.actor
        row = self.step_model(
            **{self.owner_key: obj.id},
            **self.step_fields(obj),
            action=action,
            from_status=old_status,
            to_status=new_status,
            actor_id=getattr(actor, "id", None),
            actor_name=getattr(actor, "username", ""),
            comment=step.comment,
            snapshot=step.snapshot,
        )
        db.session.add(row)
        self.record(
            actor,
            f"{self.name}.{action}",
            obj,
            from_status=old_status,
            to_status=new_status,
            comment="" if action in self.quiet_comments else step.comment,
            **self.audit_details(obj),
        )
        db.session.flush()
        return row


def _discard_changes(obj: Any) -> None:
    """Put back every attribute of ``obj`` changed in this session and not yet flushed."""
    changed = [a.key for a in inspect(obj).attrs if a.history.has_changes()]
    if changed:
        db.session.expire(obj, changed)
