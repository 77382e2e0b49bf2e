"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_login import current_user

from planner.domain import vocabulary
from planner.selfcare.charts import TOGETHER_COLOUR
from planner.week.services import is_together, kindness_words

# Main navigation in order; entries whose endpoint is not registered are hidden.
NAV_ITEMS = (
    ("household.home", "Home"),
    ("session.start", "Session"),
    ("week.current", "This week"),
    ("inventory.index", "Everything"),
    ("selfcare.index", "Self-care"),
    ("insights.index", "Insights"),
    ("reminders.index", "Reminders"),
    ("household.settings", "Household"),
    ("household.profile", "You"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_time(value: datetime | None, fmt: str = "%a %d %b, %H:%M") -> str:
    """Show a stored UTC time in the current household's zone."""
    if value is None:
        return ""
    tz = ZoneInfo(current_user.household.timezone) if current_user.is_authenticated else None
    return value.astimezone(tz).strftime(fmt) if tz else value.strftime(fmt)


def nav_items() -> list[tuple[str, str]]:
    return [(e, label) for e, label in NAV_ITEMS if e in current_app.view_functions]


def register(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["WEEKDAYS"] = WEEKDAYS
    app.jinja_env.globals["kindness_words"] = kindness_words
    app.jinja_env.globals["room_words"] = vocabulary.room_words
    app.jinja_env.globals["is_together"] = is_together
    app.jinja_env.globals["TOGETHER_COLOUR"] = TOGETHER_COLOUR
    from planner.forms import timezone_names  # planner.forms imports WEEKDAYS from here

    app.jinja_env.globals["timezone_names"] = timezone_names
    # The product's vocabularies, so templates compare and label with them, never spell them.
    for words in (
        vocabulary.CheckInState,
        vocabulary.Kindness,
        vocabulary.PlanState,
        vocabulary.OccurrenceState,
        vocabulary.SelfCareStatus,
        vocabulary.SelfCareOutcome,
        vocabulary.ReminderState,
        vocabulary.ReminderChannel,
    ):
        app.jinja_env.globals[words.__name__] = words
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
