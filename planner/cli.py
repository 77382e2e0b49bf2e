"""`flask --app wsgi planner …` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

planner_cli = AppGroup("planner", help="Planner commands.")


@planner_cli.command("demo")
def demo_command() -> None:
    """Create (or refresh) the demo household and print its sign-ins."""
    from planner.demo import DEMO_PASSWORD, load_demo
    from planner.extensions import db

    household = load_demo()
    db.session.commit()
    click.echo(f"Demo household '{household.name}' is ready.")
    for member in household.members:
        click.echo(f"  sign in as {member.email} / {DEMO_PASSWORD}")


@planner_cli.command("refresh-calendars")
def refresh_calendars_command() -> None:
    """Refresh imported calendars whose refresh interval has passed."""
    from planner.imports.job import refresh_due_imports

    click.echo(f"Refreshed {refresh_due_imports()} calendar(s).")


@planner_cli.command("send-due")
def send_due_command() -> None:
    """Write reminders ahead where they run out soon, send what is due now, and exit
    (for cron)."""
    from planner.reminders.kinds import HORIZON_BATCH
    from planner.reminders.outbox import extend_horizons
    from planner.reminders.sender import send_due

    while extend_horizons() == HORIZON_BATCH:
        pass  # a full batch: there may be more
    click.echo(f"Reminders: {send_due()}.")


@planner_cli.command("scheduler")
@click.option("--interval", default=20, show_default=True, help="Seconds between ticks.")
def scheduler_command(interval: int) -> None:
    """Run the reminder scheduler until stopped (one or several may run at once)."""
    from flask import current_app

    from planner.jobs import run_blocking

    click.echo(f"Reminder scheduler ticking every {interval} s; Ctrl+C stops it.")
    # Flask types current_app as the app itself, not the proxy it is.
    run_blocking(current_app._get_current_object(), interval)  # type: ignore[attr-defined]


@planner_cli.command("send-test-email")
@click.argument("address")
def send_test_email_command(address: str) -> None:
    """Send a test email to ADDRESS to check the mail set-up."""
    from planner import mail
    from planner.reminders.emails import test_payload

    try:
        message_id = mail.send(**test_payload(address))
    except mail.MailError as exc:
        raise click.ClickException(f"Not sent: {exc}") from exc
    click.echo(f"Sent a test email to {address} (Message-ID {message_id}).")
