"""The kindness plan: whether the week is too much, by how much, and what could give.

Triggered when total capacity is under 100 (less than one full person) or the load is more
than the members can carry. Suggestions take load off the week rather than moving it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.domain.balance.model import Item, KindnessSuggestion, MemberLoad, Proposal
from planner.domain.vocabulary import Kindness

# At capacity 100 a member carries a "full" week of this many minutes of household work
# (20 h); callers pass the household's own figure, per member if known.
DEFAULT_FULL_WEEK_MINUTES = 1200
LOWER_STANDARD_PERCENT = 50  # share of an item's load that a simpler standard saves
DROPPABLE_AREAS = frozenset({"magic"})  # special extras can be let go for a week

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


def kindness_suggestions(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    proposal: Proposal | None = None,
    full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES,
) -> list[KindnessSuggestion]:
    """One suggestion per item, biggest relief first, until the relief needed is covered.

    Per item: defer it if it can wait; else outsource it if someone outside could do it;
    else drop it for the week if it is a special extra (DROPPABLE_AREAS); else a lower
    standard, saving LOWER_STANDARD_PERCENT of its load. Owners are taken after the
    proposal's moves when one is given.
    """
    if not needs_kindness_plan(members, items, full_minutes):
        return []
    names = {m.id: m.name for m in members}
    owner = {i.id: i.owner_id for i in items} | {
        mv.item_id: mv.to_id for mv in (proposal.moves if proposal else ())
    }
    found = []
    for item in items:
        choice, minutes, why = _kindest_choice(item)
        for_whom = f" for {names[owner[item.id]]}" if owner[item.id] in names else ""
        if minutes > 0:
            reason = f"{why}; that frees {minutes} min{for_whom}."
            found.append(KindnessSuggestion(item.id, item.title, choice, minutes, reason))
    found.sort(key=lambda s: (-s.minutes, s.title, s.item_id))
    need, freed = relief_needed(members, items, full_minutes), 0
    chosen: list[KindnessSuggestion] = []
    for suggestion in found:
        if chosen and freed >= need:
            break
        chosen.append(suggestion)
        freed += suggestion.minutes
    return chosen


def _kindest_choice(item: Item) -> tuple[Kindness, int, str]:
    """The first choice that fits the item, in kindness_suggestions' order; the minutes it
    frees; and why, in words."""
    if item.can_defer:
        return Kindness.DEFER, item.load, f"{item.title} can wait until next week"
    if item.can_outsource:
        return Kindness.OUTSOURCE, item.load, f"Outside help could do {item.title} this week"
    if item.area in DROPPABLE_AREAS:
        return Kindness.DROP, item.load, f"{item.title} can be let go this week"
    minutes = item.load * LOWER_STANDARD_PERCENT // 100
    return Kindness.LOWER_STANDARD, minutes, f"A simpler standard for {item.title} this week"
