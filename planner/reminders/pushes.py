"""What each phone notification says: a title, one or two short lines, and the page it
opens. Written into the outbox row with the row, like an email."""

from __future__ import annotations

from urllib.parse import urlsplit

from planner.domain.vocabulary import Kindness
from planner.i18n import _, _n, in_language, moment
from planner.models import Household, Member, WeekPlan
from planner.reminders.emails import _local, _partners, link_to
from planner.reminders.schedule import Occurrence

TITLE_MAX, BODY_MAX, URL_MAX = 120, 300, 500
# Bump when the wording changes, so pending notifications are re-written.
# 2: in the recipient's language.
TEMPLATE_VERSION = 2


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
    when, minutes = _local(household, occ.start, "time"), occ.lead_minutes
    if slot.together:
        title = _("Time together at %(time)s: %(title)s", time=when, title=slot.title)
        body = _n(
            "In %(num)d minute. Time for the two of you.",
            "In %(num)d minutes. Time for the two of you.",
            minutes,
        )
    else:
        partner = _partners(household, occ.member)
        title = _("Your time at %(time)s: %(title)s", time=when, title=slot.title)
        if partner:
            body = _n(
                "In %(num)d minute. %(partner)s is on duty.",
                "In %(num)d minutes. %(partner)s is on duty.",
                minutes,
                partner=partner,
            )
        else:
            body = _n("In %(num)d minute.", "In %(num)d minutes.", minutes)
    return notification(title, body, app_path("selfcare.index", "today.home"))


def planning_push(household: Household, occ: Occurrence) -> dict:
    when = _local(household, occ.start, "time")
    return notification(
        _("Your planning session is at %(time)s", time=when),
        _n(
            "In %(num)d minute, about %(minutes)d minutes together.",
            "In %(num)d minutes, about %(minutes)d minutes together.",
            occ.lead_minutes,
            minutes=household.planning_minutes,
        ),
        app_path("session.start", "today.home"),
    )


def plan_summary_push(household: Household, member: Member, plan: WeekPlan) -> dict:
    """The agreed plan in a line, in the member's language."""
    mine = sum(
        1 for item in plan.items if item.owner_id == member.id and item.kindness != Kindness.DROP
    )
    with in_language(member.language):
        return notification(
            _("Your week from %(day)s is agreed", day=moment(plan.week_start, "long_day")),
            _n(
                "%(num)d thing on your plate. The whole plan is on the week page.",
                "%(num)d things on your plate. The whole plan is on the week page.",
                mine,
            ),
            app_path("week.current", "today.home"),
        )
