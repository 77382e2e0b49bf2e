"""Rebalance a week's ownership toward each member's capacity, and the kindness plan.

Pure: no Flask, no database. Loads are whole minutes per week. propose() moves whole items
toward the members with more room and says why for every move; pinned items and time
together never move.

- model: the inputs and outputs (MemberLoad, Item, Move, Proposal, KindnessSuggestion)
- targets: fair-share targets, deviation, the tolerance below which nothing moves
- two_members: the exact two-member split (bitset subset sums, then fewest moves)
- many_members: three or more members (greedy, local search, budgeted branch and bound)
- reasons: the words of each move and of the proposal's message
- kindness: whether the week needs a kindness plan, and the suggestions
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from planner.domain.balance.kindness import (
    DEFAULT_FULL_WEEK_MINUTES,
    FIRST_FEW,
    LOWER_STANDARD_PERCENT,
    FullWeek,
    carrying_capacity,
    chosen_words,
    item_options,
    kindness_plan,
    needs_kindness_plan,
    relief,
    relief_needed,
)
from planner.domain.balance.many_members import NODE_BUDGET, Problem, choose_owners
from planner.domain.balance.model import (
    Flexibility,
    Item,
    KindnessOption,
    KindnessPlan,
    KindnessSuggestion,
    MemberLoad,
    Move,
    Proposal,
)
from planner.domain.balance.reasons import (
    Handover,
    asked_words,
    clash_words,
    has_room_for,
    move_reason,
    proposal_message,
)
from planner.domain.balance.targets import (
    TOLERANCE_MINUTES,
    TOLERANCE_PERCENT,
    ScaledTargets,
    deviation,
    fair_shares,
    tolerance_minutes,
)
from planner.domain.balance.two_members import split_pair
from planner.domain.vocabulary import CheckInState
from planner.i18n import _

__all__ = [
    "DEFAULT_FULL_WEEK_MINUTES",
    "FIRST_FEW",
    "LOWER_STANDARD_PERCENT",
    "NODE_BUDGET",
    "TOLERANCE_MINUTES",
    "TOLERANCE_PERCENT",
    "Flexibility",
    "FullWeek",
    "Item",
    "KindnessOption",
    "KindnessPlan",
    "KindnessSuggestion",
    "MemberLoad",
    "Move",
    "Proposal",
    "asked_words",
    "carrying_capacity",
    "chosen_words",
    "deviation",
    "has_room_for",
    "item_options",
    "kindness_plan",
    "needs_kindness_plan",
    "propose",
    "relief",
    "relief_needed",
    "tolerance_minutes",
]

_CHECK_IN_STATES: frozenset[str] = frozenset(CheckInState)


def propose(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    vetoes: Collection[tuple[int, int]] = (),
    *,
    node_budget: int = NODE_BUDGET,
) -> Proposal:
    """Propose owners for the week. Vetoes are (item_id, to_member_id) moves not to make.

    Items whose owner is not a member, or may not hold them (allowed, blocked), move to
    someone who may, if anyone can; so does an item its owner asked someone to take, when
    someone has room for it (`has_room_for`). Everything else may stay or move. Two members get the
    exact optimum; more get the best plan found, exact when the branch and bound ends
    within `node_budget` nodes.
    """
    _check(members, items)
    vetoed = set(vetoes)
    index = {m.id: k for k, m in enumerate(members)}
    # From here on members and items are indices into `members` and `items`.
    start = [index.get(i.owner_id) for i in items]
    options = [_owner_options(i, s, members, vetoed) for i, s in zip(items, start, strict=True)]
    before = {m.id: sum(i.load for i in items if i.owner_id == m.id) for m in members}
    capacities = tuple(m.capacity for m in members)
    total = sum(i.load for i in items)
    if not sum(capacities):
        msg = _(
            "No one has capacity this week, so there are no targets and nothing moves. "
            "A kindness plan can help."
        )
        return Proposal((), before, dict(before), {}, 0.0, 0.0, str(msg))
    # One option: it goes there. None: it stays, with its owner or with no one.
    owner = [o[0] if o else s for s, o in zip(start, options, strict=True)]
    open_items = [k for k, o in enumerate(options) if len(o) > 1]
    fixed_loads, is_open = [0] * len(members), set(open_items)
    for k, m in enumerate(owner):
        if m is not None and k not in is_open:
            fixed_loads[m] += items[k].load
    scaled = ScaledTargets(capacities, total, sum(capacities))
    weights = [i.load for i in items]
    if len(members) == 2:
        home = {k: start[k] for k in open_items}
        fixed = (fixed_loads[0], fixed_loads[1])
        chosen = split_pair(scaled, weights, (0, 1), fixed, home, keep_close=True)
    else:
        problem = Problem(scaled, weights, start, options, node_budget)
        chosen = choose_owners(problem, fixed_loads, open_items)
    for k, m in chosen.items():
        owner[k] = m
    handovers = [
        Handover(i, s, o, m)
        for i, s, o, m in zip(items, start, options, owner, strict=True)
        if m is not None and m != s
    ]
    moves = [
        Move(
            h.item.id,
            h.item.title,
            h.item.owner_id,
            members[h.to].id,
            h.item.load,
            move_reason(h, members, handovers),
            clash_words(h.item, h.item.owner_id) if h.start not in h.options else "",
            asked_words(h.item, h.item.owner_id),
        )
        for h in handovers
    ]
    moves.sort(key=lambda mv: (-mv.minutes, mv.title, mv.item_id))
    after = {
        m.id: sum(i.load for i, o in zip(items, owner, strict=True) if o == k)
        for k, m in enumerate(members)
    }
    targets = fair_shares(members, total)
    message = proposal_message(members, items, start, options, owner, vetoed, bool(moves))
    return Proposal(
        tuple(moves),
        before,
        after,
        targets,
        deviation(before, targets),
        deviation(after, targets),
        message,
    )


def _check(members: Sequence[MemberLoad], items: Sequence[Item]) -> None:
    if len({m.id for m in members}) != len(members):
        raise ValueError("member ids must be unique")
    if any(not 0 <= m.capacity <= 100 or m.state not in _CHECK_IN_STATES for m in members):
        states = ", ".join(sorted(CheckInState))
        raise ValueError(f"capacity must be 0-100 and state one of {states}")
    if any(i.load < 0 for i in items):
        raise ValueError("loads must not be negative")


def _owner_options(
    item: Item, start: int | None, members: Sequence[MemberLoad], vetoed: set[tuple[int, int]]
) -> tuple[int, ...]:
    """Member indices the item may end the week with, its owner first if it may stay;
    () means it stays where it is (pinned, time together, or no one else may take it)."""
    if item.pinned or item.flex.together:
        return ()  # time together belongs to both: it is never handed to one of them
    may_hold = [
        k
        for k, m in enumerate(members)
        if (item.allowed is None or m.id in item.allowed) and m.id not in item.blocked
    ]
    others = tuple(k for k in may_hold if k != start and (item.id, members[k].id) not in vetoed)
    if start is not None and start in may_hold:
        asker = members[start]
        if asked_words(item, asker.id):
            # Asked for in "what would help": it goes to someone with room, if anyone has.
            takers = tuple(k for k in others if has_room_for(members[k], asker))
            if takers:
                return takers
        return (start, *others) if others else ()
    return others  # its owner may not keep it: it moves if anyone can take it
