"""An uploaded roster between its preview and its confirmation.

The file waits on disk sealed with the field key (``<instance>/imports/<token>.sealed``, an
hour at most: it holds personal data in full) and the user's session keeps only its random
token and name. Every new upload, confirmation and cancellation sweeps the files nobody
confirmed in time (as does ``flask --app wsgi jobs sweep``). The caller passes the session
mapping and the instance folder, so nothing here reads the request. A file of more rows than
a request may check or write in a few seconds is handed to a background job instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.common import jsontext
from app.common.excel import SpreadsheetError, count_rows
from app.common.gcpause import collector_paused
from app.errors import FieldErrors, ValidationError
from app.jobs import files
from app.jobs import services as jobs
from app.jobs.models import Job
from app.roster import import_write, importer
from app.roster.models import ImportBatch

SESSION_KEY = "roster_import"
MAX_AGE_S = 3600
FOLDER = "imports"


@dataclass
class Staged:
    """What a step did: the batch written, the plan (whose problems stopped it), or the
    background job that does it."""

    filename: str
    plan: importer.ImportPlan | None = None
    batch: ImportBatch | None = None
    job: Job | None = None


def _folder(instance_path: str) -> Path:
    return files.folder(instance_path, FOLDER)


def sweep(instance_path: str) -> int:
    """Remove uploads nobody confirmed within the hour: they hold personal data."""
    return files.sweep(_folder(instance_path), MAX_AGE_S)


def load(instance_path: str, token: str) -> bytes | None:
    return files.load(_folder(instance_path), token, MAX_AGE_S)


def remove(instance_path: str, token: str) -> None:
    files.remove(_folder(instance_path), token)
    files.remove(_folder(instance_path), _plan_token(token))
    files.remove(_folder(instance_path), _rows_token(token))


def _plan_token(token: str) -> str:
    return f"{token}plan" if token else ""


def _rows_token(token: str) -> str:
    return f"{token}rows" if token else ""


def _note_rows(instance_path: str, token: str, rows: int) -> None:
    """Keep beside a staged upload how many rows the request that checked it found (sealed
    on the server, not in the session's cookie), so that its confirmation need not count
    them again to choose between the request and a background job."""
    files.store_under(_folder(instance_path), _rows_token(token), str(rows).encode())


def _noted_rows(instance_path: str, token: str) -> int | None:
    """The rows a request's check noted for the upload, or None (a job checked it)."""
    body = files.load(_folder(instance_path), _rows_token(token), MAX_AGE_S)
    return int(body) if body is not None and body.isdigit() else None


# The kept plan's layout: a plan kept in another layout (before a deploy) is checked again.
_PLAN_FORMAT = 2


@collector_paused()
def store_plan(instance_path: str, token: str, plan: importer.ImportPlan) -> None:
    """Keep a clean plan beside its staged upload (sealed likewise: it holds the rows), so
    the confirmation writes it instead of checking the whole file again."""
    d: dict[str, Any] = {
        k: getattr(plan, k) for k in ("header_row", "ignored_columns", "sha256", "actor_id")
    }
    # A new member is written from its cleaned values, an update from its raw ones: one each.
    # The cleaned values go as lists under their keys (kept once: every row has the same).
    shapes: dict[tuple[str, ...], int] = {}
    d["rows"] = [
        [
            r.row,
            r.raw if r.member_id else {},
            r.member_id,
            shapes.setdefault(tuple(r.values), len(shapes)),
            list(r.values.values()),
            r.version,
            r.id_hash,
        ]
        for r in plan.rows
    ]
    d["shapes"] = list(shapes)
    d["format"] = _PLAN_FORMAT
    # Written with orjson (two thirds of the standard library's time on 20,000 rows), read
    # with the standard library, whose hook sees only the tagged values.
    body = jsontext.dumps_tagged(d, _encode)
    files.store_under(_folder(instance_path), _plan_token(token), body)


@collector_paused()
def load_plan(instance_path: str, token: str) -> importer.ImportPlan | None:
    """The plan kept beside the staged upload, or None (none kept, expired, altered or kept
    in another layout)."""
    body = files.load(_folder(instance_path), _plan_token(token), MAX_AGE_S)
    if body is None:
        return None
    d = json.loads(body, object_hook=_decode)
    if d.pop("format", None) != _PLAN_FORMAT:
        return None
    shapes = d.pop("shapes")
    d["rows"] = [
        importer.PlannedRow(
            row, raw, member_id, dict(zip(shapes[shape], values, strict=True)), version, id_hash
        )
        for row, raw, member_id, shape, values, version, id_hash in d["rows"]
    ]
    return importer.ImportPlan(**d)


# Cell and cleaned values that JSON has no type for, tagged.
_TYPES: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda s: timedelta(seconds=float(s)),
}


def _encode(v: Any) -> dict[str, str]:
    if type(v) is date:  # the usual case, first
        return {"$": "date", "v": v.isoformat()}
    if isinstance(v, timedelta):
        return {"$": "timedelta", "v": str(v.total_seconds())}
    if isinstance(v, datetime):  # before date: a datetime is a date
        return {"$": "datetime", "v": v.isoformat()}
    if isinstance(v, date | time):
        return {"$": type(v).__name__, "v": v.isoformat()}
    return {"$": "str", "v": str(v)}  # lazy strings and the like


def _decode(d: dict[str, Any]) -> Any:
    if len(d) == 2 and "$" in d and "v" in d:
        return _TYPES.get(d["$"], str)(d["v"])
    return d


def current_plan(
    actor: User, instance_path: str, token: str, data: bytes, max_rows: int
) -> importer.ImportPlan:
    """The plan the check kept when it still holds (see import_write.still_current), else the
    whole file checked again."""
    plan = load_plan(instance_path, token)
    if plan is not None and import_write.still_current(actor, plan, data):
        return plan
    return importer.plan_import(actor, data, max_rows=max_rows)


def discard(store: MutableMapping, instance_path: str) -> None:
    """Forget the staged upload, remove its file, and sweep the expired ones."""
    pending = store.pop(SESSION_KEY, None) or {}
    remove(instance_path, str(pending.get("token", "")))
    sweep(instance_path)


def _stage(store: MutableMapping, instance_path: str, data: bytes, filename: str) -> str:
    token = files.store(_folder(instance_path), data)
    store[SESSION_KEY] = {"token": token, "filename": filename}
    return token


def check_upload(
    actor: User,
    store: MutableMapping,
    instance_path: str,
    upload: FileStorage,
    max_rows: int,
    sync_rows: int,
) -> Staged:
    """Read an upload and check every row (writing nothing); a clean file is staged for the
    confirmation, replacing any earlier one. A file of more than ``sync_rows`` rows is staged
    at once and checked by a background job (returned; the caller commits and submits it).
    Raises FieldErrors on ``file`` when the upload is not a spreadsheet we read."""
    data = upload.read()
    filename = os.path.basename(upload.filename or "upload.xlsx")[:200]
    discard(store, instance_path)
    try:
        if count_rows(data, max_rows) > sync_rows:
            token = _stage(store, instance_path, data, filename)
            job = jobs.create_job(
                actor,
                "roster.import_check",
                {"token": token, "filename": filename, "max_rows": max_rows},
            )
            return Staged(filename=filename, job=job)
        plan = importer.plan_import(actor, data, max_rows=max_rows)
    except SpreadsheetError as err:
        raise FieldErrors({"file": str(err)}) from err
    if not plan.errors:
        token = _stage(store, instance_path, data, filename)
        store_plan(instance_path, token, plan)
        _note_rows(instance_path, token, len(plan.rows))
    return Staged(filename=filename, plan=plan)


def import_staged(
    actor: User, store: MutableMapping, instance_path: str, max_rows: int, sync_rows: int
) -> Staged:
    """Write the staged upload as one batch, from the plan its check kept when that still
    holds, else after checking the whole file again (the caller commits, then discards the
    upload). A file whose rows fail now comes back with its
    plan and writes nothing. A file of more than ``sync_rows`` rows goes to a background job
    (returned, the upload now its; the caller commits and submits it). Raises ValidationError
    when nothing is staged any more."""
    pending = store.get(SESSION_KEY) or {}
    token, filename = str(pending.get("token", "")), str(pending.get("filename", ""))
    data = load(instance_path, token)
    if data is None:
        store.pop(SESSION_KEY, None)
        raise ValidationError(_l("The uploaded file has expired. Upload it again."))
    rows = _noted_rows(instance_path, token)
    try:
        if rows is None:  # checked by a job (or staged by an older release)
            rows = count_rows(data, max_rows)
        if rows > sync_rows:
            store.pop(SESSION_KEY, None)
            job = jobs.create_job(
                actor,
                "roster.import_commit",
                {"token": token, "filename": filename, "max_rows": max_rows},
            )
            return Staged(filename=filename, job=job)
        plan = current_plan(actor, instance_path, token, data, max_rows)
    except SpreadsheetError as err:
        raise ValidationError(str(err)) from err
    if plan.errors:
        return Staged(filename=filename, plan=plan)
    batch = importer.commit_plan(actor, plan, data, filename)
    return Staged(filename=filename, plan=plan, batch=batch)
