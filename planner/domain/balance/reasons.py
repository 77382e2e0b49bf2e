"""The words: why each item moves, and what to say when nothing (or not everything) can.

Reasons speak of room and of how someone is this week, never of debts or scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from planner.domain.balance.model import Item, MemberLoad
from planner.domain.vocabulary import CheckInState


class Handover(NamedTuple):
    """An item that changes hands in the proposal, by member index."""

    item: Item
    start: int | None  # None: its owner is not a member
    options: tuple[int, ...]  # who could end the week with it
    to: int


def move_reason(
    handover: Handover, members: Sequence[MemberLoad], handovers: Sequence[Handover]
) -> str:
    """Why this item goes to its new owner; `handovers` are all the proposal's moves."""
    item, start = handover.item, handover.start
    taker = members[handover.to]
    took = f"{taker.name} takes {item.title} ({item.load} min)."
    if start is None:
        return f"No one in the household holds {item.title} now; {took}"
    giver = members[start]
    asked = asked_words(item, giver.id)
    if asked:
        room = f"{taker.name} has room this week; " if has_room_for(taker, giver) else ""
        return f"{giver.name} asked: “{asked}”. {room}{took}"
    if start not in handover.options:
        clash = clash_words(item, giver.id)
        if clash:
            return f"{clash}; {took}"
        return f"{item.title} can't stay with {giver.name} this week; {took}"
    if taker.capacity <= giver.capacity:
        return _toward_less_room(handover, members, handovers, took)
    if giver.state != CheckInState.OKAY:
        return f"{giver.name} is {_state_words(giver)} this week; {took}"
    return (
        f"{taker.name} has more room this week "
        f"(capacity {taker.capacity} vs {giver.capacity}); {took}"
    )


def asked_words(item: Item, member_id: int) -> str:
    """What the member asked for in "what would help", when it names this item ("" if not)."""
    return next((words for m, words in item.asked if m == member_id), "")


def has_room_for(taker: MemberLoad, asker: MemberLoad) -> bool:
    """Whether `taker` has room to take on what `asker` asked for: not spent, and with at
    least the room the asker has."""
    return taker.state != CheckInState.BLOWN and taker.capacity >= asker.capacity


def clash_words(item: Item, member_id: int) -> str:
    """Why the member is not free for the item, in words ("" when they are)."""
    return next((why for m, why in item.clashes if m == member_id), "")


def _state_words(member: MemberLoad) -> str:
    return CheckInState(member.state).label


def _toward_less_room(
    handover: Handover, members: Sequence[MemberLoad], handovers: Sequence[Handover], took: str
) -> str:
    """The member with no more room gains an item: as half of a swap, or to even the week
    out. Said gently, with a nudge to veto when they are not okay."""
    item, taker = handover.item, members[handover.to]
    state = _state_words(taker)
    # What the taker gives in return: preferably to this item's giver, then the biggest.
    given_back = max(
        (h for h in handovers if h.start == handover.to),
        key=lambda h: (h.to == handover.start, h.item.load),
        default=None,
    )
    if given_back is None:
        if taker.state != CheckInState.OKAY:
            return f"{taker.name} is {state}, yet this evens the week out; {took}"
        return f"This brings each of you closer to what you can carry this week; {took}"
    other = members[given_back.to].name
    bigger = "the bigger " if given_back.item.load > item.load else ""
    swap = (
        f"Part of a swap that evens the week out: {taker.name} takes {item.title} "
        f"({item.load} min) while {other} takes {bigger}{given_back.item.title} "
        f"({given_back.item.load} min)"
    )
    if taker.state == CheckInState.OKAY:
        return swap + "."
    received = sum(h.item.load for h in handovers if h.to == handover.to)
    given = sum(h.item.load for h in handovers if h.start == handover.to)
    if received < given:
        return f"{swap}, so {taker.name}, {state} this week, ends up with less."
    return f"{swap}. {taker.name} is {state} this week: veto it if it's too much."


def _stays_despite_clash(item: Item, owner: MemberLoad, vetoed: set[tuple[int, int]]) -> str:
    why = clash_words(item, owner.id)
    if any(v[0] == item.id for v in vetoed):
        return f"{item.title} stays with {owner.name} as you chose, though {why}."
    return f"{item.title} stays with {owner.name}: no one else is free then ({why})."


def _stays_despite_ask(
    item: Item, owner: MemberLoad, vetoed: set[tuple[int, int]], others: bool
) -> str:
    """Why an item its owner asked someone to take stays with them."""
    asked = f"{owner.name} asked for help with {item.title}"
    if item.pinned or item.flex.together:
        kept = "time together" if item.flex.together else "pinned"
        return f"{asked}; it is {kept}, so it stays as it is"
    if any(v[0] == item.id for v in vetoed):
        return f"{asked}; it stays with {owner.name} as you chose"
    if not others:
        return f"{asked}, but no one else can take it this week; the kindness plan may help"
    return f"{asked}, but no one has more room this week; the kindness plan may help"


def proposal_message(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    start: Sequence[int | None],
    options: Sequence[tuple[int, ...]],
    owner: Sequence[int | None],
    vetoed: set[tuple[int, int]],
    any_moves: bool,
) -> str | None:
    """What the proposal says besides its moves: items no one can take, requests that
    can't be met, and why nothing moves when nothing does."""
    stuck = [i.title for i, s, o in zip(items, start, options, strict=True) if s is None and not o]
    parts = [f"No one in the household can take: {', '.join(stuck)}."] if stuck else []
    parts += [
        _stays_despite_clash(item, members[s], vetoed)
        for item, s, o in zip(items, start, options, strict=True)
        if s is not None and not o and not item.pinned and not item.flex.together
        if clash_words(item, members[s].id)
    ]
    parts += [
        _stays_despite_ask(item, members[s], vetoed, any(k != s for k in o))
        for item, s, o, ends in zip(items, start, options, owner, strict=True)
        if s is not None and ends == s and asked_words(item, members[s].id)
    ]
    if not any_moves:
        parts.append(_why_nothing_moves(items, options, vetoed))
    return " ".join(p if p.endswith(".") else p + "." for p in parts) or None


def _why_nothing_moves(
    items: Sequence[Item], options: Sequence[tuple[int, ...]], vetoed: set[tuple[int, int]]
) -> str:
    if any(len(o) > 1 for o in options):
        return "The week already fits your capacities closely; no moves needed."
    if not items:
        return "Nothing to balance this week."
    pinned = sum(1 for i in items if i.pinned)
    vetoes = sum(1 for i in items if not i.pinned and any(v[0] == i.id for v in vetoed))
    counts = {
        "pinned": pinned,
        "vetoed": vetoes,
        "can't go to anyone else": len(items) - pinned - vetoes,
    }
    return "Nothing can move: " + ", ".join(f"{n} {w}" for w, n in counts.items() if n)
