"""An uploaded roster between its preview and its confirmation.

The file waits on disk (``<instance>/imports/<token>.xlsx``, an hour at most: it holds
personal data) and the user's session keeps only its random token and name. The caller passes
the session mapping and the instance folder, so nothing here reads the request.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.common.excel import SpreadsheetError
from app.errors import FieldErrors, ValidationError
from app.roster import importer
from app.roster.models import ImportBatch

SESSION_KEY = "roster_import"
MAX_AGE_S = 3600


@dataclass
class Staged:
    """What a confirmation did: the batch written, or the plan whose problems stopped it."""

    filename: str
    plan: importer.ImportPlan | None = None
    batch: ImportBatch | None = None


def _folder(instance_path: str) -> Path:
    path = Path(instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending(store: MutableMapping, folder: Path) -> tuple[Path, str] | None:
    pending = store.get(SESSION_KEY)
    if not pending:
        return None
    token = pending.get("token", "")
    if not token.isalnum():
        return None
    path = folder / f"{token}.xlsx"
    return (path, pending.get("filename", "")) if path.exists() else None


def _sweep(folder: Path, max_age_s: int = MAX_AGE_S) -> None:
    """Remove uploads nobody confirmed: they hold personal data."""
    cutoff = time.time() - max_age_s
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def discard(store: MutableMapping, instance_path: str) -> None:
    """Forget the staged upload, and remove its file."""
    found = _pending(store, _folder(instance_path))
    if found:
        found[0].unlink(missing_ok=True)
    store.pop(SESSION_KEY, None)


def check_upload(
    actor: User, store: MutableMapping, instance_path: str, upload: FileStorage, max_rows: int
) -> tuple[importer.ImportPlan, str]:
    """Read an upload and check every row (writing nothing); a clean file is staged for the
    confirmation, replacing any earlier one. Returns the plan and the file's name. Raises
    FieldErrors on ``file`` when the upload is not a spreadsheet we read."""
    data = upload.read()
    filename = os.path.basename(upload.filename or "upload.xlsx")[:200]
    try:
        plan = importer.plan_import(actor, data, max_rows=max_rows)
    except SpreadsheetError as err:
        raise FieldErrors({"file": str(err)}) from err
    folder = _folder(instance_path)
    discard(store, instance_path)
    _sweep(folder)
    if not plan.errors:
        token = secrets.token_hex(16)
        (folder / f"{token}.xlsx").write_bytes(data)
        store[SESSION_KEY] = {"token": token, "filename": filename}
    return plan, filename


def import_staged(actor: User, store: MutableMapping, instance_path: str, max_rows: int) -> Staged:
    """Check the staged upload again and, when every row passes, write it as one batch (the
    caller commits, then discards the upload). A file whose rows fail now comes back with its
    plan and writes nothing. Raises ValidationError when nothing is staged any more."""
    found = _pending(store, _folder(instance_path))
    if found is None:
        raise ValidationError(_l("The uploaded file has expired. Upload it again."))
    path, filename = found
    data = path.read_bytes()
    try:
        plan = importer.plan_import(actor, data, max_rows=max_rows)
    except SpreadsheetError as err:
        raise ValidationError(str(err)) from err
    if plan.errors:
        return Staged(filename=filename, plan=plan)
    batch = importer.commit_plan(actor, plan, data, filename)
    return Staged(filename=filename, plan=plan, batch=batch)
