"""The kindness plan: whether the week is too much, by how much, and what could give.

Triggered when total capacity is under 100 (less than one full person) or the load is more
than the members can carry. Suggestions take load off the week rather than moving it, and
only in the ways each item allows (its Flexibility): what must happen as agreed is never
suggested to wait or to be simpler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.domain.balance.model import (
    Flexibility,
    Item,
    KindnessOption,
    KindnessPlan,
    KindnessSuggestion,
    MemberLoad,
    Proposal,
)
from planner.domain.vocabulary import Kindness
from planner.i18n import _

# At capacity 100 a member carries a "full" week of this many minutes of household work
# (20 h); callers pass the household's own figure, per member if known.
DEFAULT_FULL_WEEK_MINUTES = 1200
LOWER_STANDARD_PERCENT = 50  # share of an item's load that a simpler standard saves
FIRST_FEW = 3  # suggestions shown first: a few good options, not a wall

# One full week for everyone, or one per member id (the default for the others).
FullWeek = int | Mapping[int, int]


def carrying_capacity(
    members: Sequence[MemberLoad], full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES
) -> int:
    """Minutes the members can carry: the sum of capacity % x each one's full week."""

    def full(member_id: int) -> int:
        if isinstance(full_minutes, int):
            return full_minutes
        return full_minutes.get(member_id, DEFAULT_FULL_WEEK_MINUTES)

    return sum(m.capacity * full(m.id) for m in members) // 100


def needs_kindness_plan(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES,
) -> bool:
    """Total capacity under 100, or more load than the members can carry."""
    load, capacity = sum(i.load for i in items), sum(m.capacity for m in members)
    return capacity < 100 or load > carrying_capacity(members, full_minutes)


def relief_needed(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES,
) -> int:
    """Minutes to take off the week: the load above what the members can carry, and when
    total capacity is under 100 at least the share of the load that one full person lacks."""
    load, capacity = sum(i.load for i in items), sum(m.capacity for m in members)
    short = -(-load * (100 - capacity) // 100) if capacity < 100 else 0  # rounded up
    return max(0, short, load - carrying_capacity(members, full_minutes))


def relief(choice: Kindness | str | None, load: int, mental: int = 0) -> int:
    """Minutes a kindness choice takes off an item's week: all of it when it waits (or is
    let go), its doing when someone else does it (arranging it stays), half when simpler."""
    if not choice:
        return 0
    choice = Kindness(choice)
    if not choice.takes_load:
        return load
    if choice is Kindness.OUTSOURCE:
        return max(0, load - mental)
    return load * LOWER_STANDARD_PERCENT // 100


def chosen_words(choice: Kindness | str, flex: Flexibility) -> str:
    """What a choice means for the item this week, in plain words for the week page,
    calendars and emails ("this week: sandwiches instead of cooking")."""
    choice = Kindness(choice)
    if choice is Kindness.LOWER_STANDARD and flex.simpler:
        if flex.together:
            return str(_("this week: a lighter version, %(simpler)s", simpler=flex.simpler))
        return str(_("this week: %(simpler)s", simpler=flex.simpler))
    if choice is Kindness.OUTSOURCE and flex.help_from:
        return str(_("this week: help from %(who)s", who=flex.help_from))
    return choice.this_week


def item_options(item: Item) -> tuple[KindnessOption, ...]:
    """What this item allows, most room first; nothing for an item that must happen as
    agreed and has no outside help. Time together only ever gets a lighter version."""
    flex, options = item.flex, []
    mental = item.load - item.effort if item.effort is not None else 0
    if flex.simpler:
        words = (
            str(_("a lighter version: %(simpler)s", simpler=flex.simpler))
            if flex.together
            else flex.simpler
        )
        options.append(
            KindnessOption(
                Kindness.LOWER_STANDARD, relief(Kindness.LOWER_STANDARD, item.load), words
            )
        )
    if flex.can_wait and not flex.together:
        options.append(KindnessOption(Kindness.DEFER, item.load, Kindness.DEFER.this_week))
    if flex.help_from is not None and not flex.together:
        words = (
            str(_("help from %(who)s", who=flex.help_from))
            if flex.help_from
            else str(_("help from outside"))
        )
        options.append(
            KindnessOption(Kindness.OUTSOURCE, relief(Kindness.OUTSOURCE, item.load, mental), words)
        )
    options = [o for o in options if o.minutes > 0]
    options.sort(key=lambda o: -o.minutes)  # stable: simpler before waiting on a tie
    return tuple(options)


def kindness_plan(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    proposal: Proposal | None = None,
    full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES,
) -> KindnessPlan:
    """The kindness plan for a week that asks too much (empty when it fits).

    Only what each item allows is offered, ordered by the room it gives back. The first
    few (at most FIRST_FEW) are enough to cover the relief needed when they can; the rest
    follow, time together always last. Owners are taken after the proposal's moves.
    """
    need = relief_needed(members, items, full_minutes)
    if not needs_kindness_plan(members, items, full_minutes):
        return KindnessPlan(need, (), ())
    names = {m.id: m.name for m in members}
    owner = {i.id: i.owner_id for i in items} | {
        mv.item_id: mv.to_id for mv in (proposal.moves if proposal else ())
    }
    found = [
        KindnessSuggestion(
            item.id,
            item.title,
            "" if item.flex.together else names.get(owner[item.id], ""),
            options,
            item.flex.together,
        )
        for item in items
        if (options := item_options(item))
    ]
    found.sort(key=lambda s: (s.together, -s.minutes, s.title, s.item_id))
    first: list[KindnessSuggestion] = []
    freed = 0
    for suggestion in found:
        if suggestion.together or len(first) == FIRST_FEW or (first and freed >= need):
            break
        first.append(suggestion)
        freed += suggestion.minutes
    return KindnessPlan(need, tuple(first), tuple(found[len(first) :]))
