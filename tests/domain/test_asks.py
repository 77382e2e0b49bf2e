"""Which items a member's "what would help" names."""

from __future__ import annotations

from planner.domain.balance.asks import items_named

MINE = {1: "Bedtime", 2: "Cooking dinner", 3: "School drop-off", 4: "School pickup", 5: "Bins"}


def test_a_title_in_any_case_and_punctuation_names_its_item():
    assert items_named("Could you take BEDTIME?", MINE) == [1]
    assert items_named("the school drop-off, please", MINE) == [3]
    assert items_named("could you do the bins", MINE) == [5]


def test_a_distinctive_word_names_its_item_and_a_shared_one_does_not():
    assert items_named("someone else cooking for a change", MINE) == [2]
    assert items_named("a break from school pickups", MINE) == [4]
    assert items_named("anything to do with school", MINE) == []


def test_several_items_come_back_in_the_order_given():
    assert items_named("dinner and bedtime", MINE) == [1, 2]


def test_words_that_name_nothing_name_nothing():
    assert items_named("", MINE) == []
    assert items_named("Some sleep and a hug", MINE) == []
    assert items_named("more time with you this week", {7: "Weekly time together"}) == []
