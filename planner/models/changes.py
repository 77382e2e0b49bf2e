"""Change tracking in one place: a `before_flush` listener that notices every change a
calendar, an open page or a feed cache must follow, whichever feature made it.

- the household's version grows when anything it shows changes (feed caches are keyed
  by it, and the planning session's SEQUENCE follows it);
- a week plan's version grows when the plan or anything in it changes (open session
  pages poll it); a self-care change or away days also move the household's open
  drafts, whose steps show them;
- an event's iCalendar SEQUENCE grows when what a calendar shows of it changes: plan
  items and their days, self-care series and the weeks moved or skipped in them;
- a household whose scheduled reminders are made from what changed (slots and their
  weeks, the planning slot, the zone, lead times, channels, names) is noted in
  `session.info`, and its reminders follow before the commit (planner.reminders.signals).

Counters are raised in SQL (`version = version + 1`), so two writers never both write
the same number. Services never bump by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from planner.domain.vocabulary import PlanState, SelfCareStatus
from planner.models.feeds import BusyBlock
from planner.models.household import Household, Member
from planner.models.inventory import Area, Responsibility
from planner.models.push import ChannelChoice, PushSubscription
from planner.models.selfcare import SelfCareSlot, SelfCareWeek
from planner.models.week import (
    AwayTime,
    CheckIn,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Veto,
    WeekPlan,
)

# Tables whose rows a page, a feed or the session shows: a change moves the household on.
SHOWN = (
    Household,
    Member,
    Area,
    Responsibility,
    WeekPlan,
    PlanItem,
    PlanOccurrence,
    CheckIn,
    AwayTime,
    Veto,
    PlanChange,
    SelfCareSlot,
    SelfCareWeek,
    BusyBlock,  # an import's own row (last fetched, errors) is shown to nobody else
)
# Tables a session page shows of one week plan, with how to find the plan's id.
IN_PLAN = (WeekPlan, PlanItem, CheckIn, Veto, PlanChange, PlanOccurrence)

# What a calendar shows of each event; a change to any of them raises its SEQUENCE.
FEED_ITEM_FIELDS = (
    "title",
    "owner_id",
    "minimum_standard",
    "effort_minutes",
    "kindness",
    "kindness_note",
)
FEED_OCCURRENCE_FIELDS = ("on_date", "starts_at", "state", "taken_by_id")
FEED_SLOT_FIELDS = ("title", "weekday", "start_time", "minutes", "archived_at")
FEED_SLOT_WEEK_FIELDS = ("status", "moved_start", "original_start")

# What scheduled reminders are made of (planner.reminders.schedule and their emails).
REMINDER_HOUSEHOLD_FIELDS = (
    "timezone",
    "week_start",
    "planning_weekday",
    "planning_time",
    "planning_minutes",
)
REMINDER_MEMBER_FIELDS = (
    "household_id",
    "email",
    "display_name",
    "selfcare_reminder_minutes",
    "planning_reminder_minutes",
    "language",
)
# session.info key: households (ids, or Household objects not flushed yet) whose
# reminders must follow this transaction's changes.
REMINDERS_FOLLOW = "reminders_follow"


def reminders_follow(session: Session, household: int | Household) -> None:
    """Note a household whose reminders must follow a change made without the ORM."""
    session.info.setdefault(REMINDERS_FOLLOW, set()).add(household)


@event.listens_for(Session, "before_flush")
def track_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    changed = [
        *session.new,
        *(o for o in session.dirty if session.is_modified(o)),
        *session.deleted,
    ]
    if not changed:
        return
    _raise_sequences(session, changed)
    for obj in changed:
        if (household := _reminders_of(session, obj)) is not None:
            reminders_follow(session, household)
        # A member or a device moving on changes its old household's reminders too.
        if isinstance(obj, Member | PushSubscription):
            state: InstanceState = inspect(obj)
            for old in state.attrs.household_id.history.deleted or ():
                if old is not None:
                    reminders_follow(session, old)
    plan_ids = {pid for obj in changed if (pid := _plan_id(obj)) is not None}
    households = {hid for obj in changed if (hid := _household_id(obj)) is not None}
    # The session shows self-care times and away days, and proposes owners around them.
    around = {
        obj.household_id
        for obj in changed
        if isinstance(obj, SelfCareSlot | SelfCareWeek | AwayTime) and obj.household_id
    }
    for plan_id in plan_ids:
        plan = session.get(WeekPlan, plan_id)
        if plan is not None and plan not in session.deleted:
            plan.version = WeekPlan.version + 1
    for household_id in around:
        for plan in _open_drafts(session, household_id):
            if plan.id not in plan_ids:
                plan.version = WeekPlan.version + 1
    for household_id in households:
        household = session.get(Household, household_id)
        if household is not None and household not in session.deleted:
            household.version = Household.version + 1


def _household_id(obj: object) -> int | None:
    if not isinstance(obj, SHOWN):
        return None
    if isinstance(obj, Household):
        return obj.id  # None while new: a new household starts at version 1
    if obj.household_id is None and isinstance(obj, Member) and obj.household is not None:
        return obj.household.id
    return obj.household_id


def _reminders_of(session: Session, obj: object) -> int | Household | None:
    """The household whose scheduled reminders this change alters, if any."""
    new_or_gone = obj in session.new or obj in session.deleted
    if isinstance(obj, Household):
        return obj if not new_or_gone and _differs(obj, REMINDER_HOUSEHOLD_FIELDS) else None
    if isinstance(obj, Member):
        if not new_or_gone and not _differs(obj, REMINDER_MEMBER_FIELDS):
            return None
        return obj.household_id or obj.household
    if isinstance(obj, SelfCareSlot | SelfCareWeek | PushSubscription):
        return obj.household_id or getattr(obj, "household", None)
    if isinstance(obj, ChannelChoice):
        member = session.get(Member, obj.member_id)
        return member.household_id if member is not None else None
    return None


def _plan_id(obj: object) -> int | None:
    if isinstance(obj, WeekPlan):
        return obj.id
    if isinstance(obj, PlanOccurrence):
        item = _item_of(obj)
        return item.week_plan_id if item is not None else None
    if isinstance(obj, PlanItem):
        return obj.week_plan_id or (obj.week_plan.id if obj.week_plan is not None else None)
    if isinstance(obj, CheckIn | Veto | PlanChange):
        return obj.week_plan_id
    return None


def _open_drafts(session: Session, household_id: int) -> list[WeekPlan]:
    household = session.get(Household, household_id)
    if household is None:
        return []
    recent = household.today() - timedelta(days=7)
    return list(
        session.scalars(
            select(WeekPlan).where(
                WeekPlan.household_id == household_id,
                WeekPlan.status == PlanState.DRAFT,
                WeekPlan.week_start >= recent,
            )
        )
    )


def _raise_sequences(session: Session, changed: Iterable[object]) -> None:
    items: set[PlanItem] = set()
    slots: set[SelfCareSlot] = set()
    for obj in changed:
        new, gone = obj in session.new, obj in session.deleted
        if isinstance(obj, PlanItem) and not new and _differs(obj, FEED_ITEM_FIELDS):
            items.add(obj)
        elif isinstance(obj, PlanOccurrence) and (item := _item_of(obj)) is not None:
            if new or gone or _differs(obj, FEED_OCCURRENCE_FIELDS):
                items.add(item)
        elif isinstance(obj, SelfCareSlot) and not new and _differs(obj, FEED_SLOT_FIELDS):
            slots.add(obj)
        elif isinstance(obj, SelfCareWeek) and (
            obj.status not in (None, SelfCareStatus.PLANNED)
            if new
            else _differs(obj, FEED_SLOT_WEEK_FIELDS)
        ):
            if not new:
                obj.sequence = SelfCareWeek.sequence + 1
            # The series changes too: its EXDATEs or overrides are part of it.
            slot = obj.slot or session.get(SelfCareSlot, obj.slot_id)
            if slot is not None:
                slots.add(slot)
    for item in items:
        if item not in session.deleted and item not in session.new:
            item.sequence = PlanItem.sequence + 1
    for slot in slots:
        if slot not in session.deleted and slot not in session.new:
            slot.sequence = SelfCareSlot.sequence + 1


def _item_of(occurrence: PlanOccurrence) -> PlanItem | None:
    # A new occurrence may know its item only by id (relationships don't load while pending).
    if occurrence.item is not None:
        return occurrence.item
    session = inspect(occurrence).session
    return session.get(PlanItem, occurrence.plan_item_id) if session is not None else None


def _differs(obj: object, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)
