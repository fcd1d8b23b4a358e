"""``flask remind``: list, per user, what is due or overdue today, and mail it to each user
with an e-mail address when mail is configured. Always exits 0 (a cron job's failure to
mail one user must not hide the others); problems are printed."""

from __future__ import annotations

import smtplib
from datetime import date, datetime

import click
from flask import current_app
from flask_babel import force_locale

from app.common import timeutil
from app.reminders.collect import collect
from app.reminders.mail import item_lines, mail_configured, render, send_all


@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to remind for (YYYY-MM-DD); today in the configured zone by default.",
)
@click.option("--dry-run", is_flag=True, help="List only; send no mail.")
def remind_command(day: datetime | None, dry_run: bool) -> None:
    """List what is due or overdue for each user; mail it where mail is configured."""
    on: date = day.date() if day else timeutil.today()
    with force_locale("zh_Hans"):
        found = collect(on)
    config = current_app.config
    mailing = mail_configured(config) and not dry_run
    messages = []
    for r in found:
        subject, body = render(r, on)
        mailed = mailing and bool(r.user.email)
        click.echo(f"== {r.user.username}（{r.user.display_name}）{'  [mail]' if mailed else ''}")
        with force_locale("zh_Hans"):
            click.echo(f"{subject}\n" + "\n".join(item_lines(r)))
        click.echo("")
        if mailed:
            messages.append((r.user.email, subject, body))
    click.echo(f"{len(found)} users with something due on {on.isoformat()}")
    if not mail_configured(config):
        click.echo("mail not configured (MAIL_SERVER, MAIL_FROM): listed only")
    elif dry_run:
        click.echo("dry run: no mail sent")
    elif messages:
        try:
            sent, failed = send_all(config, messages)
        except (OSError, smtplib.SMTPException) as err:
            click.echo(f"mail server unavailable: {type(err).__name__}", err=True)
            return
        click.echo(f"{sent} mails sent")
        if failed:
            click.echo(f"{len(failed)} mails refused by the server", err=True)
