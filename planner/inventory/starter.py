"""The starter deck: common responsibilities a household ticks to fill its inventory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from planner.database import claim
from planner.domain import starter_deck
from planner.domain.refusal import Refused
from planner.domain.starter_deck import StarterItem
from planner.extensions import db
from planner.i18n import _, _l
from planner.inventory import services
from planner.models import Household, Responsibility

TAG_LABELS = {
    "children": _l("with children"),
    "pets": _l("with pets"),
    "elders": _l("caring for an older relative"),
}


@dataclass
class DeckArea:
    key: str
    name: str
    description: str
    items: list[tuple[StarterItem, bool]]  # (item, already in the inventory)


def added_keys(household: Household) -> set[str]:
    """Starter keys already in the inventory, archived ones too (they can be brought back)."""
    return set(
        db.session.scalars(
            select(Responsibility.starter_key).where(
                Responsibility.household_id == household.id,
                Responsibility.starter_key.is_not(None),
            )
        )
    )


def deck_by_area(household: Household) -> list[DeckArea]:
    areas = {a.key: a for a in services.list_areas(household)}
    have = added_keys(household)
    deck = []
    for starter_area in starter_deck.AREAS:
        area = areas.get(starter_area.key)
        deck.append(
            DeckArea(
                key=starter_area.key,
                name=area.name if area else starter_area.name,
                description=area.description if area else starter_area.description,
                items=[(i, i.key in have) for i in starter_deck.by_area()[starter_area.key]],
            )
        )
    return deck


def add_picks(
    household: Household, picks: Mapping[str, int | None], today: date | None = None
) -> int:
    """Add the ticked starter items (key -> owner id or None); keys already added are skipped.
    Their words are written in the current language: the member's who adds them."""
    members = {m.id for m in household.members}
    if any(owner is not None and owner not in members for owner in picks.values()):
        raise Refused(_("Pick owners from your household."))
    claim(db.session, household)  # a double submit adds each item once
    today = today or household.today()
    from planner.week.services import week_start_for_household

    week_start = week_start_for_household(household, today)
    areas = {a.key: a for a in services.ensure_areas(household)}
    fallback = next(iter(areas.values()))
    have = added_keys(household)
    added = 0
    for item in starter_deck.STARTER_DECK:
        if item.key not in picks or item.key in have:
            continue
        responsibility = Responsibility(
            household_id=household.id,
            area_id=areas.get(item.area, fallback).id,
            title=str(item.title),
            rrule=item.rrule,
            # Weekly phases start this week; "once" falls on the day it is added.
            starts_on=today if item.rrule == starter_deck.ONCE else week_start,
            preferred_time=item.suggested_time,
            effort_minutes=item.effort_minutes,
            mental_load_minutes=item.mental_load_minutes,
            minimum_standard=str(item.minimum_standard),
            default_owner_id=picks[item.key],
            starter_key=item.key,
        )
        flex = starter_deck.flexibility(item.key)
        responsibility.can_wait, responsibility.simpler = flex.can_wait, flex.simpler
        responsibility.help_from, responsibility.together = flex.help_from, flex.together
        db.session.add(responsibility)
        added += 1
    if added:
        services.follow_in_drafts(household)
    return added
