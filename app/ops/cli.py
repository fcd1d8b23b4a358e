"""The operations commands: ``backup FILE``, ``restore FILE`` and ``audit verify``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.audit.chain import verify
from app.extensions import db
from app.ops.backup import BackupError, create_backup, restore_backup

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain; exit 1 naming the first broken row."""
    count, broken = verify(db.session)
    if broken is not None:
        raise click.ClickException(
            f"audit log broken at event {broken.event_id}: {broken.reason} ({count} rows read). "
            "If no row was touched, BLIND_INDEX_KEY is not the key the log was written with."
        )
    click.echo(f"audit log intact: {count} events chained")


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a checked backup of the whole database to FILE (keep the keys beside it)."""
    try:
        manifest = create_backup(file)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(
        f"backup written to {file}: {len(manifest['tables'])} tables, {rows} rows, "
        f"sha256 {manifest['sha256']}"
    )


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the whole database with the backup in FILE, after checking it and the keys."""
    if not yes:
        click.confirm("This replaces every row of the configured database. Go on?", abort=True)
    try:
        done = restore_backup(file)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"restored {done.tables} tables, {done.rows} rows, every table checked")


def register_ops_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
