"""Flask CLI commands. Thin: they call services and commit."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Build the demo organisations, service points and logins (idempotent)."""
        if not current_app.config.get("SEED_DEMO_ALLOWED"):
            raise click.ClickException("seed-demo is refused under the production configuration.")
        from app.demo import seed_demo

        report = seed_demo()
        db.session.commit()
        click.echo(
            f"demo data: {report.orgs} orgs, {report.service_points} service points, "
            f"{report.users} logins added"
        )

    @app.cli.command("create-admin")
    @click.option("--username", default="admin", show_default=True)
    @click.option("--name", "display_name", default="系统管理员", show_default=True)
    @click.option(
        "--org",
        "org_name",
        default=None,
        help="Name of the root organisation the admin covers (default: the first root; "
        "one named 'Party committee' is created when there is none).",
    )
    def create_admin_command(username: str, display_name: str, org_name: str | None) -> None:
        """Create an admin with a random password that must be changed at first login."""
        from app.auth import services
        from app.auth.models import Role
        from app.orgs.models import Org, OrgKind
        from app.orgs.services import create_org

        stmt = select(Org).where(Org.parent_id.is_(None))
        if org_name:
            stmt = stmt.where(Org.name == org_name)
        root = db.session.scalars(stmt.order_by(Org.id)).first()
        try:
            if root is None:
                root = create_org(
                    None, name=org_name or "党委", kind=OrgKind.COMMITTEE, parent=None
                )
            user, password = services.create_user(None, username, display_name)
            services.grant_role(None, user, Role.ADMIN, root)
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(str(err.message)) from err
        db.session.commit()
        click.echo(f"created admin '{user.username}' over '{root.name}'")
        click.echo(f"initial password (must be changed at first login): {password}")
