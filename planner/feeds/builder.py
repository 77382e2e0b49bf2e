"""What goes into a feed, as planner.domain.ical FeedEvents, from stored data only.

The same stored data always gives the same bytes (UIDs, SEQUENCE and DTSTAMP are all
derived from rows), so a cached feed and a rebuilt one are interchangeable.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from planner.domain.ical import FeedEvent, FeedOverride, build_calendar
from planner.domain.vocabulary import (
    Kindness,
    OccurrenceState,
    PlanState,
    SelfCareStatus,
    takes_place,
)
from planner.domain.week import local_to_utc, reachable_dates
from planner.extensions import db
from planner.i18n import _, in_language
from planner.models import (
    Household,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    SelfCareSlot,
    SelfCareWeek,
    WeekPlan,
)
from planner.selfcare.services import first_week, nominal_start, rows_by_week, slot_start
from planner.selfcare.timing import day_in_week
from planner.week.services import is_together, kindness_words, week_start_for_household

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
REFRESH_MINUTES = 60


def feed_language(household: Household, member_id: int | None) -> str | None:
    """What a feed speaks: a member's feed their language, the household's feed that of
    its first member (the lowest id). Either moves the household's version when it changes,
    so a stored feed is never served in a language it no longer speaks."""
    members = sorted(household.members, key=lambda m: m.id)
    chosen = [m for m in members if m.id == member_id] if member_id else members[:1]
    return chosen[0].language if chosen else None


def build_feed(household: Household, member_id: int | None, week_start: date | None = None):
    """The feed's bytes: one member's view, or the household's (member_id None), in the
    feed's language (`feed_language`)."""
    with in_language(feed_language(household, member_id)):
        return _build(household, member_id, week_start)


def _build(household: Household, member_id: int | None, week_start: date | None) -> bytes:
    week_start = week_start or week_start_for_household(household)
    names = {m.id: m.display_name for m in household.members}
    domain = urlsplit(current_app.config.get("PLANNER_BASE_URL", "")).hostname or "planner"
    scope = f"m{member_id}" if member_id else "h"
    stamps = [household.created_at]
    # Stored dates beyond what a member can reach now (say a week skipped in year 9995
    # before weeks were bounded) are left out: no calendar needs them, and the week maths
    # and VTIMEZONE years ahead of them would fall off the end of the calendar.
    last_day = week_start + timedelta(days=6)  # the last day these bytes are served
    window = (reachable_dates(week_start)[0], reachable_dates(last_day)[1])
    events = _plan_events(household, member_id, week_start, names, stamps)
    member = next((m for m in household.members if m.id == member_id), None)
    if member is not None and member.feed_day_list:
        events = day_lists(household, events)
    events += _selfcare_events(household, member_id, names, stamps, window)
    events.append(_planning_event(household))
    events = [_with_uid(e, f"{e.uid}-{scope}@{domain}") for e in events]
    title = names.get(member_id) if member_id else household.name
    return build_calendar(
        f"Planner · {title}",
        household.timezone,
        events,
        dtstamp=max(stamps),
        refresh_minutes=REFRESH_MINUTES,
        # Cached for the week: the VTIMEZONE covers five years from any day it is read.
        today=last_day,
    )


def day_lists(household: Household, events: list[FeedEvent]) -> list[FeedEvent]:
    """Untimed responsibilities folded into one all-day "today's list" per day; timed ones
    stay as they are. Its SEQUENCE is the highest of its items': a list changes when they
    do (a calendar subscription replaces it whole on refresh either way)."""
    by_day: dict[date, list[FeedEvent]] = {}
    kept = []
    responsibility = _("Responsibility")  # the category _plan_events gives, in this language
    for e in events:
        if e.all_day and responsibility in e.categories:
            by_day.setdefault(e.start.astimezone(household.tz).date(), []).append(e)
        else:
            kept.append(e)
    for day, items in sorted(by_day.items()):
        lines = [f"• {e.summary}" for e in items]
        kept.append(
            FeedEvent(
                uid=f"day-{day:%Y%m%d}",
                summary=_("Today's list (%(count)d)", count=len(items)),
                start=items[0].start,
                end=items[0].end,
                sequence=max(e.sequence for e in items),
                description="\n".join(lines),
                categories=(responsibility,),
                transparent=True,
                all_day=True,
            )
        )
    return kept


def _with_uid(event: FeedEvent, uid: str) -> FeedEvent:
    from dataclasses import replace

    return replace(event, uid=uid)


def _plan_events(household, member_id, week_start, names, stamps) -> list[FeedEvent]:
    query = (
        select(PlanItem)
        .join(WeekPlan, WeekPlan.id == PlanItem.week_plan_id)
        .where(
            WeekPlan.household_id == household.id,
            WeekPlan.week_start.in_([week_start, week_start + timedelta(weeks=1)]),
        )
        .options(
            selectinload(PlanItem.occurrences),
            selectinload(PlanItem.week_plan),
            selectinload(PlanItem.responsibility),
        )
        .order_by(PlanItem.id)
    )
    if member_id is not None:
        # Time together is in both members' calendars, whoever holds it in the plan; a
        # day taken off a partner's plate is in the taker's.
        # Looked up per item of these two weeks (by the plan_item_id index), not as a list
        # of every day anyone in any household ever took (a scan of all occurrences).
        taken = exists().where(
            PlanOccurrence.plan_item_id == PlanItem.id, PlanOccurrence.taken_by_id == member_id
        )
        query = query.outerjoin(Responsibility, Responsibility.id == PlanItem.responsibility_id)
        query = query.where(or_(PlanItem.owner_id == member_id, Responsibility.together, taken))
    events: list[FeedEvent] = []
    for item in db.session.scalars(query):
        if not takes_place(item.kindness):
            continue
        plan = item.week_plan
        stamps += [item.updated_at, plan.agreed_at or plan.created_at]
        together = is_together(item)
        kindness = f" · {Kindness(item.kindness).in_calendar}" if item.kindness else ""
        agreed = plan.status == PlanState.AGREED
        description = (
            _("From the agreed plan.") if agreed else _("From the draft plan (not agreed yet).")
        )
        if item.kindness:
            words = kindness_words(item)  # its first letter up, the rest as written
            description = f"{words[:1].upper()}{words[1:]}. {description}"
            if item.kindness_note:
                description += "\n" + _("Your note: %(note)s", note=item.kindness_note)
        if item.minimum_standard:
            description += "\n" + _("Done means: %(standard)s", standard=item.minimum_standard)
        seen: dict[date, int] = {}
        for occurrence in item.occurrences:
            holder = occurrence.holder_id
            if occurrence.state == OccurrenceState.SKIPPED:
                continue
            if member_id is not None and not together and holder != member_id:
                continue  # its owner's day that someone else took, or the other way round
            summary = item.title
            if together:
                summary = _("%(title)s (together)", title=item.title)
            elif member_id is None and holder in names:
                summary = f"{item.title} ({names[holder]})"
            summary += kindness
            day_description = description
            if occurrence.taken_by_id and holder != item.owner_id and item.owner_id in names:
                day_description = _(
                    "Taken off %(name)s's plate. %(description)s",
                    name=names[item.owner_id],
                    description=description,
                )
            n = seen[occurrence.on_date] = seen.get(occurrence.on_date, 0) + 1
            uid = f"plan-{item.id}-{occurrence.on_date:%Y%m%d}" + (f"-{n}" if n > 1 else "")
            if occurrence.starts_at is not None:
                start = occurrence.starts_at
                end = start + timedelta(minutes=max(item.effort_minutes, 15))
                all_day = False
            else:
                start = local_to_utc(occurrence.on_date, time(), household.tz)
                end = local_to_utc(occurrence.on_date + timedelta(days=1), time(), household.tz)
                all_day = True
            events.append(
                FeedEvent(
                    uid=uid,
                    summary=summary,
                    start=start,
                    end=end,
                    sequence=item.sequence or 0,
                    description=day_description,
                    categories=(_("Responsibility"),),
                    transparent=all_day,
                    all_day=all_day,
                )
            )
    return events


def _selfcare_events(household, member_id, names, stamps, window) -> list[FeedEvent]:
    slots = db.session.scalars(
        select(SelfCareSlot)
        .where(SelfCareSlot.household_id == household.id, SelfCareSlot.archived_at.is_(None))
        .options(selectinload(SelfCareSlot.weeks))
        .order_by(SelfCareSlot.id)
    )
    events = []
    for slot in slots:
        stamps.append(slot.created_at)
        if not date(2, 1, 1) <= slot.created_at.date() <= window[1]:
            continue  # not a date this app writes; nothing a calendar could use
        name = names.get(slot.member_id or 0, "")
        if slot.together:  # in everyone's feed, the household's too: it belongs to both
            summary = _("Time together: %(title)s", title=slot.title)
            description = _("Time for the two of you, protected like self-care.")
        elif member_id is None:
            summary = _("%(name)s's time: %(title)s", name=name, title=slot.title)
            description = _("%(name)s's self-care time.", name=name)
        elif slot.member_id == member_id:
            summary, description = slot.title, _("Your self-care time. Protect it kindly.")
        else:
            summary = _("On duty: %(name)s's time", name=name)
            description = _(
                "%(name)s is taking their self-care time; you're on duty for the household.",
                name=name,
            )
        events.append(_slot_event(household, slot, summary, description, stamps, window))
    return events


def _slot_event(household, slot: SelfCareSlot, summary, description, stamps, window) -> FeedEvent:
    first = first_week(household, slot)
    length = timedelta(minutes=slot.minutes)
    exdates, overrides = [], []
    stamps += [row.updated_at for row in slot.weeks]
    reachable = [row for row in slot.weeks if row.week_start <= window[1]]
    # Rows are matched to occurrences by the same rule as the pages and reminders, and
    # each EXDATE or RECURRENCE-ID names its occurrence as the RRULE expansion does:
    # the day and the slot's wall time now, even inside a daylight-saving gap.
    for week, row in sorted(rows_by_week(household, slot, reachable).items()):
        if not first <= week <= window[1]:
            continue  # before the series began, or beyond any date a member can reach
        occurrence = nominal_start(household, slot, week)
        moved = row.moved_start if row.status == SelfCareStatus.MOVED else None
        if row.status == SelfCareStatus.SKIPPED_AHEAD:
            exdates.append(occurrence)
        elif moved is not None and window[0] <= moved.date() <= window[1]:
            overrides.append(_moved(row, occurrence, moved, length, slot.sequence))
    weekday = day_in_week(first, slot.weekday).weekday()
    return FeedEvent(
        uid=f"selfcare-{slot.id}",
        summary=summary,
        start=nominal_start(household, slot, first),
        end=slot_start(household, slot, first) + length,
        sequence=slot.sequence or 0,
        description=description,
        rrule=f"FREQ=WEEKLY;BYDAY={BYDAY[weekday]}",
        exdates=tuple(exdates),
        overrides=tuple(overrides),
        categories=(_("Time together"),) if slot.together else (_("Self-care"),),
    )


def _moved(
    row: SelfCareWeek,
    occurrence: datetime,
    moved_start: datetime,
    length: timedelta,
    sequence: int,
) -> FeedOverride:
    return FeedOverride(
        recurrence_id=occurrence,
        start=moved_start,
        end=moved_start + length,
        sequence=max(sequence or 0, row.sequence or 0),
    )


def _planning_event(household: Household) -> FeedEvent:
    created = household.created_at.astimezone(household.tz).date()
    day = day_in_week(week_start_for_household(household, created), household.planning_weekday)
    start: datetime = local_to_utc(day, household.planning_time, household.tz)
    return FeedEvent(
        uid=f"planning-{household.id}",
        summary=_("Weekly planning session"),
        # The wall time as is, even in a daylight-saving gap: weekly expansion keeps it.
        start=datetime.combine(day, household.planning_time, household.tz),
        end=start + timedelta(minutes=household.planning_minutes),
        # Settings changes aren't counted separately; the household version only grows.
        sequence=household.version or 0,
        description=_("Sit down together: check in, look ahead, share the week kindly."),
        rrule=f"FREQ=WEEKLY;BYDAY={BYDAY[household.planning_weekday]}",
        categories=(_("Planning"),),
    )
