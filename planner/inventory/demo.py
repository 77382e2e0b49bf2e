"""The demo household's inventory: starter-deck responsibilities shared by Alex and Sam."""

from __future__ import annotations

from planner.i18n import in_language
from planner.inventory import starter
from planner.models import Household

# starter key -> index of the usual owner among the demo members (0 = Alex, 1 = Sam)
DEMO_PICKS = {
    "dishes": 0,
    "dishwasher": 1,
    "breakfast": 1,
    "dinner": 0,
    "meal_plan": 1,
    "shopping_list": 1,
    "tidy": 0,
    "laundry_wash": 1,
    "laundry_away": 0,
    "bed_linen": 0,
    "bathroom": 1,
    "kitchen_clean": 0,
    "floors": 1,
    "bins_inside": 0,
    "plants": 1,
    "groceries": 0,
    "bins_out": 0,
    "bills": 1,
    "budget": 0,
    "post": 1,
    "garden": 0,
    "pet_feeding": 1,
    "dog_walks": 0,
    "date_night": 1,
    "birthdays": 1,
    "wider_family": 0,
    "weekend_together": 1,
}


def add_demo_inventory(household: Household) -> None:
    """Idempotent: starter keys already in the inventory are skipped. Written in the first
    member's language, as if they had ticked the cards."""
    members = household.members
    picks = {key: members[index % len(members)].id for key, index in DEMO_PICKS.items()}
    with in_language(members[0].language):
        starter.add_picks(household, picks)
