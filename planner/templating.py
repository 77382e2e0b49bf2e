"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, current_app
from markupsafe import Markup, escape

from planner.domain import vocabulary
from planner.i18n import _l, weekday_names
from planner.selfcare.charts import TOGETHER_COLOUR
from planner.week.services import is_together, kindness_words

# Main navigation in order: five, so it fits one row on a phone; the rest is under More.
# Entries whose endpoint is not registered are hidden.
NAV_ITEMS = (
    ("today.home", _l("Today")),
    ("week.current", _l("Week")),
    ("session.start", _l("Session")),
    ("selfcare.index", _l("Self-care")),
    ("today.more", _l("More")),
)
# One tap away, on the More page.
MORE_ITEMS = (
    ("inventory.index", _l("Everything it takes"), _l("Your household's responsibilities")),
    ("midweek.index", _l("Check in again"), _l("How you are now, and days you're away")),
    ("insights.index", _l("Insights"), _l("How the weeks have gone")),
    ("feeds.settings", _l("Calendars"), _l("Subscribe on your phone")),
    ("imports.index", _l("Busy times"), _l("Calendars you're busy in")),
    ("reminders.index", _l("Reminders"), _l("Emails and notifications")),
    ("household.settings", _l("Household"), _l("Settings and invites")),
    ("household.profile", _l("You"), _l("Your name, email and password")),
)
# The words app.js and pwa.js show: layout.html puts them in the page (<body
# data-words>), in the member's language, for the scripts to read.
SCRIPT_WORDS = {
    "copy": _l("Copy"),
    "copied": _l("Copied"),
    "offline": _l(
        "You're offline — this is what you last saw. Changes are off until you're back online."
    ),
    "backOnline": _l("You're back online. This is still the copy you last saw: "),
    "showLatest": _l("show the latest"),
    "failed": _l("That didn't work. Please try again."),
    "noNotifications": _l(
        "This browser can't show notifications. On an iPhone, add Planner to the home screen "
        "first and open it from there."
    ),
    "blocked": _l(
        "Notifications are blocked for Planner. Allow them in this browser's site settings, "
        "then try again."
    ),
    "notOn": _l("Notifications aren't on for this device."),
    "oneMoment": _l("One moment…"),
}


def script_words() -> dict[str, str]:
    return {key: str(words) for key, words in SCRIPT_WORDS.items()}


class _Weekdays(Sequence[str]):
    """The weekdays' names, Monday first, in the language of the moment they are read:
    `WEEKDAYS[slot.weekday]` in a template speaks the member's language."""

    def __getitem__(self, index):
        return weekday_names()[index]

    def __len__(self) -> int:
        return 7


WEEKDAYS = _Weekdays()


def code_spans(text: str) -> Markup:
    """Text whose `backticked` parts are code, as OpenAPI descriptions write them."""
    parts = str(escape(text)).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return Markup("`".join(parts))
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def nav_items() -> list[tuple[str, str]]:
    return [(e, str(label)) for e, label in NAV_ITEMS if e in current_app.view_functions]


def more_items() -> list[tuple[str, str, str]]:
    return [
        (e, str(label), str(words))
        for e, label, words in MORE_ITEMS
        if e in current_app.view_functions
    ]


def register(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["more_items"] = more_items
    app.jinja_env.globals["script_words"] = script_words
    app.jinja_env.filters["code_spans"] = code_spans
    app.jinja_env.globals["WEEKDAYS"] = WEEKDAYS
    app.jinja_env.globals["kindness_words"] = kindness_words
    app.jinja_env.globals["room_words"] = vocabulary.room_words
    app.jinja_env.globals["is_together"] = is_together
    app.jinja_env.globals["TOGETHER_COLOUR"] = TOGETHER_COLOUR
    from planner.forms import timezone_names  # planner.forms imports this module

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
