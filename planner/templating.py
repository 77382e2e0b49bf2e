"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_login import current_user
from markupsafe import Markup, escape

from planner.domain import vocabulary
from planner.selfcare.charts import TOGETHER_COLOUR
from planner.week.services import is_together, kindness_words

# Main navigation in order: five, so it fits one row on a phone; the rest is under More.
# Entries whose endpoint is not registered are hidden.
NAV_ITEMS = (
    ("today.home", "Today"),
    ("week.current", "Week"),
    ("session.start", "Session"),
    ("selfcare.index", "Self-care"),
    ("today.more", "More"),
)
# One tap away, on the More page.
MORE_ITEMS = (
    ("inventory.index", "Everything it takes", "Your household's responsibilities"),
    ("midweek.index", "Check in again", "How you are now, and days you're away"),
    ("insights.index", "Insights", "How the weeks have gone"),
    ("feeds.settings", "Calendars", "Subscribe on your phone"),
    ("imports.index", "Busy times", "Calendars you're busy in"),
    ("reminders.index", "Reminders", "Emails and notifications"),
    ("household.settings", "Household", "Settings and invites"),
    ("household.profile", "You", "Your name, email and password"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_time(value: datetime | None, fmt: str = "%a %d %b, %H:%M") -> str:
    """Show a stored UTC time in the current household's zone."""
    if value is None:
        return ""
    tz = ZoneInfo(current_user.household.timezone) if current_user.is_authenticated else None
    return value.astimezone(tz).strftime(fmt) if tz else value.strftime(fmt)


def code_spans(text: str) -> Markup:
    """Text whose `backticked` parts are code, as OpenAPI descriptions write them."""
    parts = str(escape(text)).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return Markup("`".join(parts))
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def nav_items() -> list[tuple[str, str]]:
    return [(e, label) for e, label in NAV_ITEMS if e in current_app.view_functions]


def more_items() -> list[tuple[str, str, str]]:
    return [item for item in MORE_ITEMS if item[0] in current_app.view_functions]


def register(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["more_items"] = more_items
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["code_spans"] = code_spans
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
