"""Rows as the API shows them (planner.api.schemas): one function per shape."""

from __future__ import annotations

from planner.api import schemas
from planner.inventory import services as inventory
from planner.midweek import services as midweek
from planner.models import CheckIn, Household, PlanOccurrence, Responsibility, SelfCareSlot
from planner.week import handovers
from planner.week.services import is_together, kindness_words


def household(home: Household, you: int) -> schemas.HouseholdOut:
    return schemas.HouseholdOut(
        id=home.id,
        name=home.name,
        timezone=home.timezone,
        week_start=home.week_start,
        today=home.today(),
        members=[
            schemas.MemberOut(
                id=m.id, display_name=m.display_name, colour=m.colour, you=m.id == you
            )
            for m in home.members
        ],
    )


def occurrence(o: PlanOccurrence) -> schemas.OccurrenceOut:
    item = o.item
    return schemas.OccurrenceOut(
        id=o.id,
        item_id=item.id,
        responsibility_id=item.responsibility_id,
        title=item.title,
        on_date=o.on_date,
        starts_at=o.starts_at,
        state=o.state,
        owner_id=item.owner_id,
        holder_id=o.holder_id,
        together=is_together(item),
        kindness=kindness_words(item),
        done_by_id=o.done_by_id,
        skip_reason=o.skip_reason,
        asked_to_id=o.asked_to_id,
        asked_by_id=o.asked_by_id,
        ask_reason=o.ask_reason,
    )


def ask(a: handovers.Ask) -> schemas.AskOut:
    return schemas.AskOut(
        item_id=a.item.id,
        title=a.item.title,
        partner_id=a.partner.id if a.partner else None,
        occurrence_ids=[o.id for o in a.days],
        reason=a.reason,
    )


def checkin(member_id: int, row: CheckIn | None) -> schemas.CheckInOut:
    state, help_words, said_midweek = midweek.describe(row)
    return schemas.CheckInOut(
        member_id=member_id,
        state=state,
        capacity=row.capacity if row else None,
        what_would_help=help_words,
        midweek=said_midweek,
    )


def slot(s: SelfCareSlot) -> schemas.SlotOut:
    return schemas.SlotOut(
        id=s.id,
        title=s.title,
        member_id=s.member_id,
        together=s.together,
        weekday=s.weekday,
        start_time=s.start_time,
        minutes=s.minutes,
        version=s.sequence,
    )


def responsibility(r: Responsibility) -> schemas.ResponsibilityOut:
    fields = inventory.form_data(r)
    return schemas.ResponsibilityOut(
        id=r.id,
        area=r.area.name,
        cadence=inventory.cadence_text(r),
        default_owner_id=r.default_owner_id,
        archived=r.archived_at is not None,
        version=inventory.responsibility_fingerprint(r),
        **{
            k: v
            for k, v in fields.items()
            if k in schemas.ResponsibilityOut.model_fields and k != "default_owner_id"
        },
    )
