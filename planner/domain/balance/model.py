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
class Flexibility:
    """How much a responsibility can give in a hard week; more than one may apply.

    With neither `can_wait` nor `simpler` it must happen as agreed (children's and pets'
    care, medicine, bills with a due date): it is never suggested to wait or be simpler.
    Outside help (`help_from`, None when no one else could do it) fits any item.
    """

    can_wait: bool = False
    simpler: str = ""  # the simpler standard in words, e.g. "sandwiches instead of cooking"
    help_from: str | None = None  # "" when help could come from anyone outside
    together: bool = False  # time together or a shared task: it belongs to both

    @property
    def must_happen(self) -> bool:
        return not self.can_wait and not self.simpler


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    load: int  # minutes this week: effort x occurrences + mental load
    owner_id: int  # may be someone who is no longer a member
    pinned: bool = False
    allowed: frozenset[int] | None = None  # None: anyone
    blocked: frozenset[int] = frozenset()  # not free: e.g. it falls in their self-care slot
    clashes: tuple[tuple[int, str], ...] = ()  # (member id, why they are not free), in words
    # (member id, their words) when "what would help" asks someone else to take it
    asked: tuple[tuple[int, str], ...] = ()
    area: str = ""
    flex: Flexibility = Flexibility()
    effort: int | None = None  # minutes of doing (load less mental load); None: all of it


@dataclass(frozen=True)
class Move:
    item_id: int
    title: str
    from_id: int
    to_id: int
    minutes: int
    reason: str
    clash: str = ""  # why its owner can't keep it (the move's cause), when a clash
    asked: str = ""  # what its owner asked for in "what would help", when they did


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
class KindnessOption:
    choice: Kindness
    minutes: int  # room it gives back this week
    words: str  # what it means, in plain words ("sandwiches instead of cooking")


@dataclass(frozen=True)
class KindnessSuggestion:
    """What one item allows in a hard week, most room first."""

    item_id: int
    title: str
    owner: str  # who holds it (after the proposal's moves), "" when no one
    options: tuple[KindnessOption, ...]
    together: bool = False

    @property
    def minutes(self) -> int:
        return self.options[0].minutes


@dataclass(frozen=True)
class KindnessPlan:
    """A few good suggestions first (enough to cover what is needed), the rest after."""

    need: int  # minutes to take off the week
    first: tuple[KindnessSuggestion, ...]
    more: tuple[KindnessSuggestion, ...]

    @property
    def suggestions(self) -> tuple[KindnessSuggestion, ...]:
        return self.first + self.more
