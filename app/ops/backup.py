"""Backup and restore of the whole database, with a manifest that refuses a damaged file.

A backup is one tar file: ``manifest.json`` (format, dialect, migration revision, the payload's
size and SHA-256, every table's row count and checksum, and the key canary) and the payload,
sealed under the field-encryption key (app/ops/sealing.py): a consistent copy made with
SQLite's online backup API, or a ``pg_dump -Fc`` taken on the same snapshot the checksums were
computed on. Restore checks the file, the dialect and the keys
before it touches the database, and checks every table's rows after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import column, create_engine, inspect, select, table, text
from sqlalchemy.engine import Connection, make_url

from app.extensions import db
from app.ops.keycheck import ensure_canary, opens
from app.ops.sealing import SealBroken, open_file, seal_file

FORMAT = "dangjian-backup/1"
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SEALED = ".sealed"  # the payload as stored: AES-256-GCM under the field-encryption key


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int


# --- checksums ------------------------------------------------------------------------------


def table_digests(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every table's row count and a SHA-256 of its rows in primary-key order."""
    insp = inspect(conn)
    digests: dict[str, dict[str, Any]] = {}
    for name in sorted(insp.get_table_names()):
        columns = [c["name"] for c in insp.get_columns(name)]
        order = insp.get_pk_constraint(name).get("constrained_columns") or columns
        t = table(name, *(_col(c) for c in columns))
        stmt = select(*(t.c[c] for c in columns)).order_by(*(t.c[c] for c in order))
        h = hashlib.sha256()
        rows = 0
        for row in conn.execute(stmt):
            h.update(json.dumps(list(row), default=str, ensure_ascii=False).encode())
            h.update(b"\n")
            rows += 1
        digests[name] = {"rows": rows, "sha256": h.hexdigest()}
    return digests


def _col(name: str):
    return column(name)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- making a backup ------------------------------------------------------------------------


def create_backup(target: Path) -> dict[str, Any]:
    """Write a backup of the app's database to ``target``; returns its manifest."""
    canary = ensure_canary()
    if canary is None:
        raise BackupError("The database is not migrated yet: run `flask db upgrade` first.")
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as tmp:
        payload = Path(tmp) / PAYLOADS[_supported(dialect)]
        if dialect == "sqlite":
            _sqlite_copy(_sqlite_path(), payload)
            engine = create_engine(f"sqlite:///{payload}")
            try:
                with engine.connect() as conn:
                    tables = table_digests(conn)
                    revision = _revision(conn)
            finally:
                engine.dispose()
        else:
            tables, revision = _pg_dump(payload)
        backup_id = uuid.uuid4().hex
        sealed = payload.with_name(payload.name + SEALED)
        seal_file(payload, sealed, backup_id)
        manifest = {
            "format": FORMAT,
            "id": backup_id,
            "dialect": dialect,
            "created_at": datetime.now(UTC).isoformat(),
            "revision": revision,
            "payload": sealed.name,
            "size": sealed.stat().st_size,
            "sha256": _sha256(sealed),
            "tables": tables,
            "canary": {"sealed": canary.sealed, "fingerprint": canary.fingerprint},
        }
        manifest_file = Path(tmp) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(sealed, arcname=sealed.name)
        os.replace(partial, target)  # a backup cut short never takes the final name
    return manifest


def _supported(dialect: str) -> str:
    if dialect not in PAYLOADS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
    return dialect


def _sqlite_path() -> Path:
    database = make_url(db.engine.url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while the app keeps writing."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


@contextmanager
def _libpq() -> Iterator[tuple[str, dict[str, str]]]:
    """The database as pg_dump / pg_restore take it; the password goes in the environment."""
    url = make_url(db.engine.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    yield plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (the PostgreSQL client tools are needed).")
    return found


def _pg_dump(payload: Path) -> tuple[dict[str, Any], str | None]:
    """pg_dump -Fc on the snapshot the checksums are computed on, so both see the same rows."""
    pg_dump = _tool("pg_dump")
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            tables = table_digests(conn)
            revision = _revision(conn)
            with _libpq() as (url, env):
                run = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell
                    [
                        pg_dump,
                        "-Fc",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "-f",
                        str(payload),
                        url,
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if run.returncode != 0:
                raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
    return tables, revision


# --- restoring ------------------------------------------------------------------------------


def read_backup(source: Path, workdir: Path) -> tuple[dict[str, Any], Path]:
    """Check ``source`` and unpack its payload into ``workdir``: (manifest, payload path).
    Raises BackupError for a file that is not a backup, truncated or altered."""
    try:
        with tarfile.open(source, "r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if MANIFEST not in members:
                raise BackupError("This file is not a backup of this app (no manifest).")
            manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
            if manifest.get("format") != FORMAT:
                raise BackupError("This file is not a backup of this app (unknown format).")
            name = manifest.get("payload")
            known = {p + SEALED for p in PAYLOADS.values()}
            if name not in known or name not in members or not members[name].isfile():
                raise BackupError("The backup is incomplete: its database is missing.")
            payload = workdir / name
            with tar.extractfile(members[name]) as src, payload.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    except (tarfile.TarError, OSError, ValueError, EOFError) as err:
        raise BackupError(f"The backup is damaged or truncated ({err}).") from err
    if payload.stat().st_size != manifest.get("size") or _sha256(payload) != manifest.get("sha256"):
        raise BackupError("The backup is damaged: its checksum does not match its manifest.")
    return manifest, payload


def restore_backup(source: Path) -> Restored:
    """Replace the app's database with the backup at ``source``, after checking the file, its
    dialect and the keys; then check every table's rows against the manifest."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory() as tmp:
        manifest, payload = read_backup(source, Path(tmp))
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"This is a {manifest['dialect']} backup; the configured database is {dialect}."
            )
        canary = manifest.get("canary") or {}
        if not opens(canary.get("sealed", ""), canary.get("fingerprint", "")):
            raise BackupError(
                "The configured keys are not the ones this backup was made with: set "
                "FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY (and SECRET_KEY, if the keys were "
                "derived from it) to the values kept with the backup. Nothing was restored."
            )
        plain = payload.with_name(payload.name.removesuffix(SEALED))
        try:
            open_file(payload, plain, manifest["id"])
        except SealBroken as err:
            raise BackupError(f"The backup does not open under these keys ({err}).") from err
        payload.unlink()
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            _sqlite_copy(plain, _sqlite_path())
        else:
            _pg_restore(plain)
    db.engine.dispose()
    with db.engine.connect() as conn:
        found = table_digests(conn)
    expected = manifest["tables"]
    wrong = sorted(t for t, d in expected.items() if found.get(t) != d)
    if wrong:
        raise BackupError(f"The restored tables differ from the backup: {', '.join(wrong)}.")
    return Restored(len(expected), sum(d["rows"] for d in expected.values()))


def _pg_restore(payload: Path) -> None:
    pg_restore = _tool("pg_restore")
    with _libpq() as (url, env):
        run = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                url,
                str(payload),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if run.returncode != 0:
        raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
