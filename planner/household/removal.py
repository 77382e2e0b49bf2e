"""Leaving a household, deleting one, and deleting an account.

Deleting a household is one ordered set of bulk DELETEs keyed by the household (children
before parents), so it costs the same few statements however long its history; the
schema-walking test (tests/test_household_delete.py) proves no table is missed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from planner.auth.services import ACCOUNT, RESET_TARGET, check_current_password
from planner.database import claim
from planner.domain.refusal import Refused
from planner.extensions import db
from planner.feeds.services import new_feed_token
from planner.i18n import _, _l
from planner.models import (
    ApiToken,
    Area,
    AwayTime,
    BusyBlock,
    CalendarImport,
    ChannelChoice,
    CheckIn,
    FeedToken,
    Household,
    Invite,
    LoginThrottle,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    PushSubscription,
    Reminder,
    ReminderHorizon,
    Responsibility,
    SelfCareSlot,
    SelfCareWeek,
    Veto,
    WeekPlan,
    responsibility_allowed_member,
)
from planner.models.changes import REMINDERS_FOLLOW
from planner.models.feeds import FeedCache
from planner.reminders import outbox
from planner.week.services import get_or_create_week_plan, week_start_for_household

LAST_MEMBER = _l(
    "You're the only member, so there is no one to hand things to: delete the household instead."
)

ALONE_NOW = _l(
    "You've just become the only member, so deleting your account now would delete the "
    "household and everything in it. Nothing was deleted: read this page again first."
)


class AlreadyGone(Exception):
    """The member was already removed by another request (a double submit)."""


# Tables keyed by the household, children before parents (after the feeds, before the
# inventory and the members).
OWNED = (
    Reminder,
    ReminderHorizon,
    PushSubscription,
    BusyBlock,
    CalendarImport,
    Veto,
    PlanChange,
    CheckIn,
    PlanOccurrence,
    PlanItem,
    WeekPlan,
    AwayTime,
    SelfCareWeek,
    SelfCareSlot,
)


def _throttles(emails: list[str]) -> list[str]:
    """The sign-in and reset throttles keyed to these addresses (text keys, no foreign key)."""
    return [limit.key(email) for email in emails for limit in (ACCOUNT, RESET_TARGET)]


def deletions(household_id: int) -> list[Any]:
    """Every row of the household, children first: one DELETE per table."""
    members = select(Member.id).where(Member.household_id == household_id)
    emails = list(
        db.session.scalars(select(Member.email).where(Member.household_id == household_id))
    )
    return [
        delete(FeedCache).where(
            FeedCache.feed_token_id.in_(
                select(FeedToken.id).where(FeedToken.household_id == household_id)
            )
        ),
        delete(FeedToken).where(FeedToken.household_id == household_id),
        *(delete(model).where(model.household_id == household_id) for model in OWNED),
        delete(ApiToken).where(ApiToken.household_id == household_id),
        delete(ChannelChoice).where(ChannelChoice.member_id.in_(members)),
        delete(responsibility_allowed_member).where(
            or_(
                responsibility_allowed_member.c.member_id.in_(members),
                responsibility_allowed_member.c.responsibility_id.in_(
                    select(Responsibility.id).where(Responsibility.household_id == household_id)
                ),
            )
        ),
        delete(Responsibility).where(Responsibility.household_id == household_id),
        delete(Area).where(Area.household_id == household_id),
        delete(Invite).where(Invite.household_id == household_id),
        delete(LoginThrottle).where(LoginThrottle.key.in_(_throttles(emails))),
        delete(Member).where(Member.household_id == household_id),
        delete(Household).where(Household.id == household_id),
    ]


def delete_household(household: Household) -> None:
    """Remove every row of the household in the caller's transaction. Its members' rows go,
    so every session of every member stops working at once."""
    household_id = household.id
    db.session.flush()
    # A partner saving at this moment waits for the deletion (and then finds nothing),
    # instead of adding a row between two of its DELETEs.
    claim(db.session, household)
    for statement in deletions(household_id):
        db.session.execute(statement.execution_options(synchronize_session=False))
    # Nothing is left to bring reminders up to date for, and nothing of it to write back.
    noted = db.session.info.get(REMINDERS_FOLLOW, set())
    noted -= {h for h in noted if h == household_id or getattr(h, "id", None) == household_id}
    for obj in list(db.session.identity_map.values()):
        mine = obj is household or getattr(obj, "household_id", None) == household_id
        if mine and obj in db.session:
            db.session.expunge(obj)


def _hold(member: Member) -> Household:
    """Take the member's household row for this transaction, then read it afresh: a partner
    leaving or deleting at the same moment waits here, and this request then sees what they
    did (who is left) instead of what it loaded before. Raises AlreadyGone when the member
    was removed meanwhile (a double submit)."""
    household_id, member_id = member.household_id, member.id
    db.session.flush()
    claim(db.session, member.household)
    db.session.expire_all()
    if (
        db.session.scalar(
            select(Member.id).where(Member.id == member_id, Member.household_id == household_id)
        )
        is None
    ):
        raise AlreadyGone
    return member.household


def check_household_name(household: Household, typed: str) -> None:
    if typed.strip() != household.name.strip():
        raise Refused(
            _("That isn't the household's name as it is written here, so nothing was deleted."),
            "name",
        )


def is_empty(household: Household) -> bool:
    """A household just made: its one member and nothing entered yet (no responsibilities,
    week plans, self-care or together slots, away days or calendars)."""
    if len(household.members) != 1:
        return False
    for model in (Responsibility, WeekPlan, SelfCareSlot, AwayTime, CalendarImport):
        found = db.session.scalar(
            select(model.id).where(model.household_id == household.id).limit(1)
        )
        if found is not None:
            return False
    return True


def hand_back(member: Member) -> list[tuple[str, Member]]:
    """What the member owns goes to the others: their responsibilities, and their items
    from this week on (one-offs too), each to whoever holds the least so far; asks and
    "I've got it" that involve them are cleared. Returns (title, new owner) pairs."""
    household = member.household
    others = [m for m in household.members if m.id != member.id]
    if not others:
        raise Refused(str(LAST_MEMBER), status=409)
    load = {m.id: 0 for m in others}
    owned = list(
        db.session.scalars(
            select(Responsibility).where(Responsibility.household_id == household.id)
        )
    )
    for r in owned:
        if r.default_owner_id in load and r.archived_at is None:
            load[r.default_owner_id] += r.effort_minutes + r.mental_load_minutes

    def lightest(choices: list[Member]) -> Member:
        return min(choices, key=lambda m: (load[m.id], m.id))

    moved: list[tuple[str, Member]] = []
    new_owner: dict[int, Member] = {}
    for r in sorted(owned, key=lambda r: (r.title.lower(), r.id)):
        if r.default_owner_id != member.id:
            continue
        allowed = [m for m in r.allowed_members if m.id != member.id and m.id in load]
        to = lightest(allowed or others)
        r.default_owner_id = to.id
        new_owner[r.id] = to
        if r.archived_at is None:
            load[to.id] += r.effort_minutes + r.mental_load_minutes
            moved.append((r.title, to))
    this_week = week_start_for_household(household)
    items = db.session.scalars(
        select(PlanItem)
        .join(WeekPlan)
        .where(PlanItem.household_id == household.id, WeekPlan.week_start >= this_week)
        .options(selectinload(PlanItem.occurrences))
    )
    asks: set[str] = set()
    for item in items:
        if item.owner_id == member.id:
            to = new_owner.get(item.responsibility_id or 0) or lightest(others)
            item.owner_id = to.id
            if item.responsibility_id is None:
                moved.append((item.title, to))
        for occurrence in item.occurrences:
            if occurrence.taken_by_id == member.id:
                occurrence.taken_by_id, occurrence.taken_at = None, None
            if occurrence.asked_by_id == member.id and occurrence.asked_to_id is not None:
                asks.add(f"ask:item{item.id}:to{occurrence.asked_to_id}:")
            if member.id in (occurrence.asked_to_id, occurrence.asked_by_id):
                occurrence.asked_to_id = occurrence.asked_by_id = occurrence.asked_at = None
                occurrence.ask_reason = ""
    # Their unsent asks, offers and answers to the others would ask about what is gone.
    for prefix in sorted(asks):
        outbox.withdraw(household.id, prefix)
    outbox.withdraw(household.id, "", key_suffix=f":by{member.id}")
    db.session.flush()
    return moved


def _note_leaving(member: Member, moved: list[tuple[str, Member]], new_link: bool) -> None:
    """A line in this week's history, so the others see why their week grew (and where
    their household calendar went, when its link changed). Written in the language of the
    moment, the leaving member's."""
    household = member.household
    plan = get_or_create_week_plan(household, week_start_for_household(household))
    if moved:
        by_owner: dict[str, list[str]] = {}
        for title, to in moved:
            by_owner.setdefault(to.display_name, []).append(title)
        shares = "; ".join(
            _("to %(name)s: %(things)s", name=name, things=", ".join(titles))
            for name, titles in by_owner.items()
        )
        text = _(
            "%(name)s left the household. Their things went %(shares)s.",
            name=member.display_name,
            shares=shares,
        )
    else:
        text = _("%(name)s left the household.", name=member.display_name)
    if new_link:
        renewed = _("The household calendar has a new link: copy it again from Calendar feeds.")
        text = f"{text} {renewed}"
    db.session.add(
        PlanChange(household_id=household.id, week_plan_id=plan.id, member_id=None, text=text[:300])
    )
    db.session.flush()


def _remove_member(member: Member) -> None:
    """The member's row goes; the database takes what is theirs with it (self-care slots,
    check-ins, away days, calendars, devices, feed tokens, channel choices, reminders) and
    clears their name from the history that stays (done by, owner of past weeks)."""
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.key.in_(_throttles([member.email])))
    )
    # Out of the household's members too: its reminders follow before the commit.
    member.household.members.remove(member)
    db.session.delete(member)
    db.session.flush()


def _goes(member: Member) -> None:
    """What the member takes with them when they go: their things go to the others, the
    household calendar's link (which every member could see) is replaced, and the week's
    history says both. Refuses when no one else is left."""
    moved = hand_back(member)
    _note_leaving(member, moved, _renew_household_feed(member.household))
    _remove_member(member)


def _renew_household_feed(household: Household) -> bool:
    """A new household feed link, if it has one: the old one, known to whoever leaves,
    stops working at once. (Their own feed and API tokens go with their member row.)"""
    found = db.session.scalar(
        select(FeedToken.id).where(
            FeedToken.household_id == household.id, FeedToken.member_id.is_(None)
        )
    )
    if found is None:
        return False
    new_feed_token(household, None)
    return True


def leave_household(member: Member) -> Member:
    """The member leaves; their account goes on in a fresh household of their own (same
    name, email and password; every other session of theirs ends). Returns that member.
    Raises AlreadyGone on a double submit."""
    household = _hold(member)
    kept = {
        "display_name": member.display_name,
        "email": member.email,
        "password_hash": member.password_hash,
        "colour": member.colour,
        "language": member.language,
        "selfcare_reminder_minutes": member.selfcare_reminder_minutes,
        "planning_reminder_minutes": member.planning_reminder_minutes,
        "feed_day_list": member.feed_day_list,
    }
    _goes(member)
    fresh = Household(
        name=_("%(name)s's household", name=kept["display_name"])[:80],
        timezone=household.timezone,
        week_start=household.week_start,
        planning_weekday=household.planning_weekday,
        planning_time=household.planning_time,
        planning_minutes=household.planning_minutes,
    )
    again = Member(household=fresh, **kept)
    db.session.add_all([fresh, again])
    db.session.flush()
    return again


def delete_account(member: Member, password: str) -> None:
    """The member's account goes, after their password: their things are handed back as
    when leaving; the last member takes the household with them."""
    if not check_current_password(member, password, "password"):
        raise Refused(_("That isn't your password, so nothing was deleted."), "password")
    alone = len(member.household.members) == 1
    household = _hold(member)
    if len(household.members) == 1:
        if not alone:  # the others left meanwhile: the household would go too
            raise Refused(str(ALONE_NOW), "password", status=409)
        delete_household(household)
        return
    _goes(member)
