"""What each phone notification says: a title, one or two short lines, and the page it
opens. Written into the outbox row with the row, like an email."""

from __future__ import annotations

from urllib.parse import urlsplit

from planner.domain.vocabulary import Kindness
from planner.models import Household, Member, WeekPlan
from planner.reminders.emails import _local, _partners, link_to
from planner.reminders.schedule import Occurrence

TITLE_MAX, BODY_MAX, URL_MAX = 120, 300, 500
# Bump when the wording changes, so pending notifications are re-written.
TEMPLATE_VERSION = 1


def app_path(*endpoints: str, **values) -> str:
    """The path of the first registered endpoint: a notification opens it in the app
    itself, whatever address it was installed from."""
    url = link_to(*endpoints, **values)
    return urlsplit(url).path if url else "/"


def notification(title: str, body: str, url: str, tag: str = "") -> dict:
    """A notification payload, cut to what a phone shows (a payload must stay small)."""
    return {
        "title": title[:TITLE_MAX],
        "body": body[:BODY_MAX],
        "url": url[:URL_MAX] if url.startswith("/") and not url.startswith(("//", "/\\")) else "/",
        "tag": tag[:80],
    }


def tagged(push: dict, tag: str) -> dict:
    """A caller's {"title", "body", "url"}, checked; one tag per notice, so a notice that
    somehow came twice replaces itself on the phone."""
    return notification(
        str(push.get("title", "")), str(push.get("body", "")), str(push.get("url", "/")), tag
    )


def selfcare_push(household: Household, occ: Occurrence) -> dict:
    slot = occ.slot
    assert slot is not None  # a self-care occurrence always carries its slot
    when = _local(household, occ.start, "%H:%M")
    if slot.together:
        title = f"Time together at {when}: {slot.title}"
        body = f"In {occ.lead_minutes} minutes. Time for the two of you."
    else:
        partner = _partners(household, occ.member)
        title = f"Your time at {when}: {slot.title}"
        body = f"In {occ.lead_minutes} minutes." + (f" {partner} is on duty." if partner else "")
    return notification(title, body, app_path("selfcare.index", "today.home"))


def planning_push(household: Household, occ: Occurrence) -> dict:
    when = _local(household, occ.start, "%H:%M")
    return notification(
        f"Your planning session is at {when}",
        f"In {occ.lead_minutes} minutes, about {household.planning_minutes} minutes together.",
        app_path("session.start", "today.home"),
    )


def plan_summary_push(household: Household, member: Member, plan: WeekPlan) -> dict:
    mine = sum(
        1 for item in plan.items if item.owner_id == member.id and item.kindness != Kindness.DROP
    )
    return notification(
        f"Your week from {plan.week_start:%A %d %B} is agreed",
        f"{mine} thing{'s' if mine != 1 else ''} on your plate. The whole plan is on the week page.",
        app_path("week.current", "today.home"),
    )
