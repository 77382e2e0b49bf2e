import re
from datetime import time

import pytest

from planner.domain.cadence import (
    describe,
    from_rrule,
    occurrences_per_week_estimate,
    validate_rrule,
)
from planner.domain.starter_deck import (
    AREAS,
    CAREGIVING_TAGS,
    STARTER_DECK,
    StarterItem,
    by_area,
)

AREA_KEYS = [a.key for a in AREAS]


def test_deck_size():
    assert 60 <= len(STARTER_DECK) <= 100


def test_areas_are_the_five_fair_play_like_ones_with_names_and_descriptions():
    assert AREA_KEYS == ["home", "out", "caregiving", "magic", "wild"]
    for area in AREAS:
        assert area.name and area.description.endswith(".")
        assert len(area.description) <= 100


def test_keys_and_titles_are_unique():
    keys = [i.key for i in STARTER_DECK]
    titles = [i.title.casefold() for i in STARTER_DECK]
    assert len(set(keys)) == len(keys)
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("item", STARTER_DECK, ids=lambda i: i.key)
def test_item_is_well_formed(item: StarterItem):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", item.key)
    assert item.area in AREA_KEYS
    assert item.title.strip() == item.title and 0 < len(item.title) <= 60
    assert item.minimum_standard and len(item.minimum_standard) <= 120
    assert isinstance(item.effort_minutes, int) and item.effort_minutes >= 0
    assert isinstance(item.mental_load_minutes, int) and item.mental_load_minutes >= 0
    assert item.suggested_time is None or isinstance(item.suggested_time, time)
    assert item.caregiving_only_if is None or item.caregiving_only_if in CAREGIVING_TAGS
    if item.rrule is not None:
        assert validate_rrule(item.rrule) == item.rrule
    assert describe(from_rrule(item.rrule))  # every item has a cadence the form can edit


def test_every_area_is_used_and_by_area_keeps_deck_order():
    grouped = by_area()
    assert list(grouped) == AREA_KEYS
    assert all(len(items) >= 5 for items in grouped.values())
    assert [i for items in grouped.values() for i in items] == sorted(
        STARTER_DECK, key=lambda i: AREA_KEYS.index(i.area)
    )


def test_every_caregiving_tag_is_used_and_a_household_without_any_still_has_plenty():
    assert {i.caregiving_only_if for i in STARTER_DECK} - {None} == set(CAREGIVING_TAGS)
    untagged = [i for i in STARTER_DECK if i.caregiving_only_if is None]
    assert len(untagged) >= 50


def test_cadences_are_varied():
    kinds = {from_rrule(i.rrule).kind for i in STARTER_DECK}
    assert kinds == {
        "daily",
        "weekdays",
        "weekly",
        "every_n_weeks",
        "monthly",
        "as_needed",
        "once",
    }


def test_as_needed_magic_and_wild_items_carry_real_mental_load():
    for item in STARTER_DECK:
        if item.area in ("magic", "wild") and item.rrule is None:
            assert item.mental_load_minutes >= 5, item.key


def test_the_figures_we_promise_in_the_product():
    deck = {i.key: i for i in STARTER_DECK}
    dishes, lunches = deck["dishes"], deck["school_lunches"]
    assert from_rrule(dishes.rrule).kind == "daily"
    assert (dishes.effort_minutes, dishes.mental_load_minutes) == (20, 10)
    assert from_rrule(lunches.rrule).kind == "weekdays"
    assert (lunches.effort_minutes, lunches.mental_load_minutes) == (15, 30)
    assert lunches.minimum_standard == "Lunches packed by 8:00"
    assert lunches.caregiving_only_if == "children"


def test_a_full_untagged_household_week_is_plausible():
    # Everything recurring without children, pets or elders, in minutes a week.
    weekly = sum(
        i.effort_minutes * occurrences_per_week_estimate(i.rrule) + i.mental_load_minutes
        for i in STARTER_DECK
        if i.caregiving_only_if is None and i.area != "wild"
    )
    assert 20 * 60 <= weekly <= 60 * 60
