"""Flask CLI commands. Thin: they call services and commit."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.common.excel import SpreadsheetError
from app.demo import seed_demo
from app.errors import DomainError
from app.extensions import db
from app.jobs.cli import jobs_cli
from app.ops.cli import register_ops_cli
from app.orgs.models import Org, OrgKind
from app.orgs.services import create_org
from app.reminders.cli import remind_command
from app.roster.excel import export_members
from app.roster.importer import ImportRejected, commit_import, plan_import
from app.roster.search import MemberFilters

roster_cli = AppGroup("roster", help="Export and import the roster spreadsheet.")


def _actor(username: str | None) -> User | None:
    """The user a command acts as; None (the system) sees and may change everything."""
    if not username:
        return None
    user = auth_services.find_user(username)
    if user is None or not user.is_active:
        raise click.ClickException(f"no active user named {username!r}")
    return user


@roster_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--official", is_flag=True, help="Official layout: a sheet per branch.")
@click.option("--full", is_flag=True, help="Full ID numbers and phones (audited).")
@click.option("--as", "username", default=None, help="Act as this user (their scope).")
def roster_export(file: str, official: bool, full: bool, username: str | None) -> None:
    """Write the roster to FILE (.xlsx)."""
    actor = _actor(username)
    with click.progressbar(length=0, label="exporting", show_pos=True) as bar:
        result = export_members(
            actor,
            MemberFilters(),
            unmasked=full,
            official=official,
            progress=lambda n: bar.update(1000),
        )
    db.session.commit()
    shutil.move(result.path, file)
    click.echo(f"{result.rows} members written to {file}")


@roster_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", default=None, help="Act as this user (their scope).")
def roster_import(file: str, username: str | None) -> None:
    """Import FILE (.xlsx): all rows or none. Exits 1 naming each bad row and column."""
    actor = _actor(username)
    data = Path(file).read_bytes()
    try:
        plan = plan_import(actor, data)
    except SpreadsheetError as err:
        raise click.ClickException(str(err)) from err
    if plan.ignored_columns:
        click.echo(f"ignored columns: {'、'.join(plan.ignored_columns)}", err=True)
    if plan.errors:
        _echo_problems(plan.errors)
        raise click.ClickException(f"nothing imported: {len(plan.errors)} problems")
    with click.progressbar(length=len(plan.rows), label="importing") as bar:
        try:
            batch = commit_import(actor, data, Path(file).name, progress=lambda n: bar.update(500))
        except ImportRejected as err:
            db.session.rollback()
            _echo_problems(err.plan.errors)
            raise click.ClickException("nothing imported") from err
    db.session.commit()
    click.echo(f"import #{batch.id}: {batch.rows_created} added, {batch.rows_updated} updated")


def _echo_problems(errors) -> None:
    for e in errors:
        click.echo(f"第{e.row}行 {e.column}：{e.message}", err=True)


def seed_demo_command() -> None:
    """Build the demo data: organisations, logins, roster, appraisals, service agency
    (idempotent). Prints a line as each part starts."""
    if not current_app.config.get("SEED_DEMO_ALLOWED"):
        raise click.ClickException("seed-demo is refused under the production configuration.")
    report = seed_demo(say=click.echo)
    db.session.commit()
    click.echo(
        f"demo data: {report.orgs} orgs, {report.service_points} service points, "
        f"{report.users} logins, {report.members} members, "
        f"{report.appraisal_periods} appraisal quarters, "
        f"{report.volunteers} volunteer profiles, {report.cases} service cases, "
        f"{report.nominations} 七一 nominations added"
    )


@click.option("--username", default="admin", show_default=True)
@click.option("--name", "display_name", default="系统管理员", show_default=True)
@click.option(
    "--org",
    "org_name",
    default=None,
    help="Name of the root organisation the admin covers (default: the first root; "
    "one named '党委' is created when there is none).",
)
def create_admin_command(username: str, display_name: str, org_name: str | None) -> None:
    """Create an admin with a random password that must be changed at first login."""
    stmt = select(Org).where(Org.parent_id.is_(None))
    if org_name:
        stmt = stmt.where(Org.name == org_name)
    root = db.session.scalars(stmt.order_by(Org.id)).first()
    try:
        if root is None:
            root = create_org(None, name=org_name or "党委", kind=OrgKind.COMMITTEE, parent=None)
        user, password = auth_services.create_user(None, username, display_name)
        # Granting is data: the command exists to make the first administrator.
        auth_services.grant_role(None, user, Role.ADMIN, root)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from err
    db.session.commit()
    click.echo(f"created admin '{user.username}' over '{root.name}'")
    click.echo(f"initial password (must be changed at first login): {password}")


def _account(username: str) -> User:
    user = auth_services.find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    return user


@click.argument("username", required=False)
@click.option("--address", default=None, help="Also lift the login delay of this client address.")
def unlock_command(username: str | None, address: str | None) -> None:
    """Lift the login delay of USERNAME (and/or of a client address); audited."""
    if not username and not address:
        raise click.UsageError("name a user, an --address, or both")
    if username:
        user = _account(username)
        had = auth_services.unlock(None, user)
        click.echo(f"'{user.username}': " + ("login delay lifted" if had else "had no delay"))
    if address:
        had = auth_services.unlock_address(address)
        click.echo(f"{address}: " + ("login delay lifted" if had else "had no delay"))
    db.session.commit()


@click.argument("username")
def reset_password_command(username: str) -> None:
    """Give USERNAME a random one-time password, to be changed at next login; audited.

    The way back in when the only administrator forgot the password."""
    user = _account(username)
    password = auth_services.reset_password(None, user)
    db.session.commit()
    click.echo(f"'{user.username}': sessions ended, login delay lifted")
    click.echo(f"one-time password (must be changed at next login): {password}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(roster_cli)
    register_ops_cli(app)  # backup, restore, audit verify
    app.cli.add_command(jobs_cli)
    app.cli.command("seed-demo")(seed_demo_command)
    app.cli.command("create-admin")(create_admin_command)
    app.cli.command("unlock")(unlock_command)
    app.cli.command("reset-password")(reset_password_command)
    app.cli.command("remind")(remind_command)
