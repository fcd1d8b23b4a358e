"""`flask --app wsgi jobs worker` (the RQ worker when REDIS_URL is set) and `jobs sweep`
(remove expired staged uploads, batch results and job results; run it daily, as cron runs
`remind`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.appraisal import batch_results
from app.extensions import db
from app.jobs import runner, services
from app.roster import staging

jobs_cli = AppGroup("jobs", help="Background jobs: the RQ worker and the sweep.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run queued jobs from Redis (REDIS_URL) in this process, one at a time."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: the app runs jobs on its own thread.")
    # Redis and RQ are loaded only by deployments that set REDIS_URL.
    from redis import Redis
    from rq import Queue, SimpleWorker  # (likewise)

    connection = Redis.from_url(url)
    # SimpleWorker runs each job in this process, inside this app context (no fork, so the
    # database pool is not shared with a child).
    SimpleWorker([Queue(runner.QUEUE_NAME, connection=connection)], connection=connection).work(
        burst=burst
    )


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Remove staged uploads and batch results older than an hour and job results past
    their time."""
    uploads = staging.sweep(current_app.instance_path)
    batches = batch_results.sweep(current_app.instance_path)
    results = services.sweep(current_app.instance_path, current_app.config["JOB_RESULT_TTL"])
    db.session.commit()
    click.echo(
        f"removed {uploads} staged uploads, {batches} batch results and {results} job results"
    )
