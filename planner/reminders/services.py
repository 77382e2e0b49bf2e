"""Reminder preferences, the one-click slot links, and the household's reminder list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import CursorResult, select, update

from planner.database import utcnow
from planner.domain.refusal import Refused
from planner.domain.vocabulary import (
    ReminderChannel,
    ReminderKind,
    ReminderState,
    SelfCareOutcome,
    SelfCareStatus,
)
from planner.extensions import db
from planner.i18n import _
from planner.models import ChannelChoice, Member, Reminder, SelfCareSlot, SelfCareWeek
from planner.reminders.channels import Choice
from planner.reminders.links import LINK_GONE, read_prefs_token, read_slot_token
from planner.reminders.schedule import parse_selfcare_key
from planner.selfcare.services import slot_start

OUTCOME_OF_ACTION = {"kept": SelfCareOutcome.KEPT, "skip": SelfCareOutcome.MISSED}


@dataclass(frozen=True)
class SlotChoice:
    """What a one-click link from a self-care reminder is about."""

    member: Member
    slot: SelfCareSlot
    week_start: date
    start: datetime
    action: str


def member_from_prefs_link(token: str) -> Member:
    member = db.session.get(Member, read_prefs_token(token))
    if member is None:
        raise Refused(
            _("This link isn't valid any more. Sign in to change your reminders."), status=LINK_GONE
        )
    return member


def update_preferences(member: Member, selfcare: int | None, planning: int | None) -> None:
    """Set the member's lead times (None = off); pending reminders move or are cancelled
    before the commit (planner.models.changes)."""
    member.selfcare_reminder_minutes = selfcare
    member.planning_reminder_minutes = planning
    db.session.flush()


def unsubscribe_by_link(token: str) -> Member:
    """One-click unsubscribe (RFC 8058) from a reminder email: that member's reminders are
    turned off, and nothing else changes."""
    member = member_from_prefs_link(token)
    update_preferences(member, None, None)
    return member


def read_slot_link(token: str, now: datetime | None = None) -> SlotChoice:
    """Check a one-click link (signature, expiry, not used yet) without changing anything."""
    link = read_slot_token(token, now)
    member = db.session.get(Member, link.member_id)
    try:
        slot_id, week_start = parse_selfcare_key(link.occurrence_key)
    except ValueError as exc:
        raise Refused(
            _("This link isn't valid. Open it straight from the email."), status=LINK_GONE
        ) from exc
    slot = db.session.get(SelfCareSlot, slot_id)
    if member is None or slot is None or slot.household_id != member.household_id:
        raise Refused(_("This self-care slot no longer exists."), status=LINK_GONE)
    if not slot.kept_by(member.id):
        raise Refused(_("This self-care slot no longer exists."), status=LINK_GONE)
    if _reminder(link.member_id, link.occurrence_key).link_used_at is not None:
        raise Refused(_("This link has already been used. Each link works once."), status=LINK_GONE)
    household = member.household
    week = _week(slot, week_start)
    moved = week.moved_start if week is not None and week.status == SelfCareStatus.MOVED else None
    start = moved or slot_start(household, slot, week_start)
    return SlotChoice(member, slot, week_start, start, link.action)


def use_slot_link(token: str, now: datetime | None = None) -> SlotChoice:
    """Record the slot's outcome for that week; the link is spent (it works once)."""
    now = now or utcnow()
    choice = read_slot_link(token, now)
    link = read_slot_token(token, now)
    spent = db.session.execute(
        update(Reminder)
        .where(
            Reminder.kind == ReminderKind.SELFCARE,
            Reminder.member_id == link.member_id,
            Reminder.occurrence_key == link.occurrence_key,
            Reminder.channel == ReminderChannel.EMAIL,  # the links live in the email
            Reminder.link_used_at.is_(None),
        )
        .values(link_used_at=now, link_action=link.action)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(spent, CursorResult)  # what an UPDATE gives
    if spent.rowcount != 1:
        raise Refused(_("This link has already been used. Each link works once."), status=LINK_GONE)
    slot = choice.slot
    week = _week(slot, choice.week_start)
    if week is None:
        week = SelfCareWeek(
            household_id=slot.household_id,
            slot_id=slot.id,
            week_start=choice.week_start,
            original_start=choice.start,
            status=SelfCareStatus.PLANNED,
        )
        db.session.add(week)
    week.outcome = OUTCOME_OF_ACTION[choice.action]
    db.session.flush()
    return choice


def _reminder(member_id: int, key: str) -> Reminder:
    row = db.session.scalar(
        select(Reminder).where(
            Reminder.kind == ReminderKind.SELFCARE,
            Reminder.member_id == member_id,
            Reminder.occurrence_key == key,
            Reminder.channel == ReminderChannel.EMAIL,
        )
    )
    if row is None:
        raise Refused(_("This link isn't valid any more."), status=LINK_GONE)
    return row


def _week(slot: SelfCareSlot, week_start) -> SelfCareWeek | None:
    return db.session.scalar(
        select(SelfCareWeek).where(
            SelfCareWeek.slot_id == slot.id, SelfCareWeek.week_start == week_start
        )
    )


def household_reminders(household_id: int, now: datetime | None = None, limit: int = 40):
    """(coming up, recent): the household's reminders around now, newest first."""
    now = now or utcnow()
    base = select(Reminder).where(Reminder.household_id == household_id)
    upcoming = db.session.scalars(
        base.where(
            Reminder.due_at > now,
            Reminder.state.in_(
                (ReminderState.PENDING, ReminderState.FAILED, ReminderState.SENDING)
            ),
        )
        .order_by(Reminder.due_at)
        .limit(limit)
    ).all()
    recent = db.session.scalars(
        base.where(Reminder.due_at <= now, Reminder.due_at > now - timedelta(days=21))
        .order_by(Reminder.due_at.desc())
        .limit(limit)
    ).all()
    return upcoming, recent


def update_channels(member: Member, chosen: dict[ReminderKind, Choice]) -> None:
    """How each kind of reminder reaches the member; pending reminders follow before the
    commit."""
    for kind, choice in chosen.items():
        row = db.session.get(ChannelChoice, (member.id, kind))
        if row is None:
            row = ChannelChoice(member_id=member.id, kind=kind)
            db.session.add(row)
        row.email, row.push = choice.email, choice.push
    db.session.flush()
