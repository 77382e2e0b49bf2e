"""`flask --app wsgi planner …` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

planner_cli = AppGroup("planner", help="Planner commands.")


@planner_cli.command("demo")
def demo_command() -> None:
    """Create (or refresh) the demo household and print its sign-ins."""
    from planner.demo import DEMO_PASSWORD, load_demo

    household = load_demo()
    click.echo(f"Demo household '{household.name}' is ready.")
    for member in household.members:
        click.echo(f"  sign in as {member.email} / {DEMO_PASSWORD}")
