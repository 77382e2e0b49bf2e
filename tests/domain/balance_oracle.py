"""Reference rules shared by the rebalancer's tests and bench/balance.py."""

from __future__ import annotations

from collections.abc import Sequence

from planner.domain.balance import Item, MemberLoad, has_room_for


def options(item: Item, members: Sequence[MemberLoad], vetoes) -> tuple[list[int], bool]:
    """Owners the item may end with, and whether it stays put in the plan without choices."""
    if item.pinned or item.flex.together:
        return [item.owner_id], True
    ok = [
        m.id
        for m in members
        if (item.allowed is None or m.id in item.allowed) and m.id not in item.blocked
    ]
    to = [m for m in ok if m != item.owner_id and (item.id, m) not in vetoes]
    if item.owner_id in ok:
        asker = next(m for m in members if m.id == item.owner_id)
        takers = [m.id for m in members if m.id in to and has_room_for(m, asker)]
        if any(m == asker.id for m, _ in item.asked) and takers:
            return takers, False  # its owner asked someone with room to take it
        return [item.owner_id, *to], True
    return (to or [item.owner_id]), not to
