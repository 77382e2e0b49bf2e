"""What each reminder email says: rendered into the outbox row's payload when the row is
written, so the sender only has to hand it to SMTP."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from flask import render_template
from werkzeug.routing import BuildError

from planner.domain.ical import FeedEvent, build_event_ics
from planner.domain.vocabulary import Kindness
from planner.domain.week import week_bounds_utc
from planner.i18n import _, _n, in_language, moment
from planner.models import Household, Member, PlanItem, WeekPlan
from planner.reminders.links import prefs_token, slot_token
from planner.reminders.schedule import Occurrence
from planner.urls import absolute_url
from planner.week.services import is_together

# Bump when the templates change, so pending rows are re-rendered.
# 2: List-Unsubscribe as a plain URL with List-Unsubscribe-Post; To in its sendable form.
# 3: in the recipient's language; dates by CLDR styles ("3 November", not "03 November").
TEMPLATE_VERSION = 3


def link_to(*endpoints: str, **values) -> str | None:
    """An absolute link to the first registered endpoint (features come and go)."""
    for endpoint in endpoints:
        try:
            return absolute_url(endpoint, **values)
        except BuildError:
            continue
    return None


def preferences_url(member: Member) -> str:
    return absolute_url("reminders.preferences", token=prefs_token(member.id))


def _payload(
    member: Member, subject: str, template: str, attachments: list | None = None, **context
) -> dict:
    prefs = preferences_url(member)
    context.update(member=member, preferences_url=prefs, app_url=link_to("auth.index"))
    return {
        "to": member.email,
        "subject": subject,
        "text": render_template(f"reminders/email/{template}.txt", **context),
        "html": render_template(f"reminders/email/{template}.html", **context),
        "headers": {
            # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the link.
            "List-Unsubscribe": f"<{prefs}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        "attachments": attachments or [],
    }


def _local(household: Household, when: datetime, style: str = "long_day_time") -> str:
    """A moment in the household's zone, in the current language ("Tuesday 3 November,
    18:05"; style "time": "18:05")."""
    return moment(when, style, tz=household.tz)


def _partners(household: Household, member: Member) -> str:
    """The member's partners by name: "Sam", "Sam and Alex", "Sam, Alex and Kim"."""
    names = [m.display_name for m in household.members if m.id != member.id]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def selfcare_payload(household: Household, occ: Occurrence, now: datetime) -> dict:
    slot, member = occ.slot, occ.member
    assert slot is not None  # a self-care occurrence always carries its slot
    partner = _partners(household, member)
    week_end = week_bounds_utc(occ.week_start, household.tz)[1]
    expires = max(week_end, occ.end + timedelta(hours=12))
    links = {
        action: absolute_url(
            "reminders.slot_link",
            token=slot_token(member.id, occ.occurrence_key, action, expires),
        )
        for action in ("kept", "skip")
    }
    sequence = slot.sequence + (occ.week.sequence if occ.week else 0)
    minutes, title = occ.lead_minutes, slot.title
    if slot.together:
        summary = _("Time together: %(title)s", title=title)
        description = _("Time for the two of you.")
        subject = _n(
            "In %(num)d minute: time together, %(title)s",
            "In %(num)d minutes: time together, %(title)s",
            minutes,
            title=title,
        )
    else:
        summary = _("Self-care: %(title)s", title=title)
        description = (
            _("Your protected time. %(partner)s is on duty.", partner=partner) if partner else ""
        )
        subject = _n(
            "In %(num)d minute: your time for %(title)s",
            "In %(num)d minutes: your time for %(title)s",
            minutes,
            title=title,
        )
    event = FeedEvent(
        uid=f"selfcare-{slot.id}-{occ.week_start:%Y%m%d}@planner",
        summary=summary,
        start=occ.start,
        end=occ.end,
        sequence=sequence,
        description=description,
        categories=(_("Time together"),) if slot.together else (_("Self-care"),),
    )
    ics = build_event_ics(event, household.timezone, dtstamp=now)
    attachment = {
        "filename": "time-together.ics" if slot.together else "self-care.ics",
        "mimetype": "text/calendar",
        "content": base64.b64encode(ics).decode(),
    }
    return _payload(
        member,
        subject,
        "selfcare",
        [attachment],
        slot=slot,
        when=_local(household, occ.start),
        until=_local(household, occ.end, "time"),
        partner=partner,
        kept_url=links["kept"],
        skip_url=links["skip"],
    )


def planning_payload(household: Household, occ: Occurrence) -> dict:
    return _payload(
        occ.member,
        _("Your planning session is at %(time)s", time=_local(household, occ.start, "time")),
        "planning",
        when=_local(household, occ.start),
        minutes=household.planning_minutes,
        lead=occ.lead_minutes,
        session_url=link_to("session.start", "today.home"),
    )


def plan_summary_payload(household: Household, member: Member, plan: WeekPlan) -> dict:
    """The agreed plan for one member, in their language."""
    with in_language(member.language):
        return _plan_summary(household, member, plan)


def _plan_summary(household: Household, member: Member, plan: WeekPlan) -> dict:
    names: dict[int | None, str] = {m.id: m.display_name for m in household.members}
    owners: dict[str, list[PlanItem]] = {}
    together, nobody = _("Together"), _("Not owned yet")
    for item in plan.items:
        if item.kindness == Kindness.DROP:
            continue
        # Time together has its own list: it is both members', not the holder's.
        whose = together if is_together(item) else names.get(item.owner_id, nobody)
        owners.setdefault(whose, []).append(item)
    mine = owners.pop(member.display_name, [])
    return _payload(
        member,
        _("Your week from %(day)s is agreed", day=moment(plan.week_start, "long_day")),
        "plan_summary",
        plan=plan,
        mine=mine,
        others=sorted(owners.items()),
        week_url=link_to("week.current", "today.home"),
    )


def notice_payload(member: Member, subject: str, lines: tuple[str, ...], url: str | None) -> dict:
    """A short notice between partners: what happened, in a few lines, in the member's
    language (lazy words given here are read in it)."""
    with in_language(member.language):
        words = tuple(str(line) for line in lines)
        return _payload(member, str(subject), "notice", lines=words, action_url=url)


def test_payload(address: str) -> dict:
    return {
        "to": address,
        "subject": _("Planner test email"),
        "text": render_template("reminders/email/test.txt"),
        "html": render_template("reminders/email/test.html"),
        "headers": {"Auto-Submitted": "auto-generated"},
        "attachments": [],
    }
