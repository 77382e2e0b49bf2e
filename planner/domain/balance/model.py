"""What the rebalancer takes and gives: members, items, moves, the proposal, suggestions.

Loads are whole minutes per week; ids are the callers' (database) ids. The searches work
with member and item indices instead, so nothing here is about indices.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.vocabulary import Kindness


@dataclass(frozen=True)
class MemberLoad:
    id: int
    name: str
    capacity: int  # 0-100
    state: str  # a CheckInState (a plain string equal to one of its values will do)


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    load: int  # minutes this week: effort x occurrences + mental load
    owner_id: int  # may be someone who is no longer a member
    pinned: bool = False
    allowed: frozenset[int] | None = None  # None: anyone
    blocked: frozenset[int] = frozenset()  # e.g. it falls in their self-care slot
    area: str = ""
    can_defer: bool = True
    can_outsource: bool = False


@dataclass(frozen=True)
class Move:
    item_id: int
    title: str
    from_id: int
    to_id: int
    minutes: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    moves: tuple[Move, ...]  # biggest first
    loads_before: dict[int, int]  # by member id
    loads_after: dict[int, int]
    targets: dict[int, float]  # empty when no one has capacity
    deviation_before: float
    deviation_after: float
    message: str | None


@dataclass(frozen=True)
class KindnessSuggestion:
    item_id: int
    title: str
    choice: Kindness
    minutes: int  # relief this week
    reason: str
