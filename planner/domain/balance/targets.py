"""Each member's target, how far a plan is from the targets, and when a move is worth it.

A member's target is their capacity's share of the week's total load; a plan's deviation
is the sum over members of |load - target|. The searches use the same figures multiplied
by the total capacity (ScaledTargets), so that they compare exact integers, never floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.domain.balance.model import MemberLoad

# Stability: moves are proposed only if they lower the deviation by at least
# max(TOLERANCE_MINUTES, TOLERANCE_PERCENT % of the week's total load) compared with the
# best plan that keeps every owner who may keep their item. One comparison against that one
# plan keeps the rule monotone: more capacity never leaves a member with less load.
TOLERANCE_MINUTES = 15
TOLERANCE_PERCENT = 3


def fair_shares(members: Sequence[MemberLoad], total_load: int) -> dict[int, float]:
    """Each member's target in minutes, by member id; needs some capacity."""
    capacity_total = sum(m.capacity for m in members)
    return {m.id: total_load * m.capacity / capacity_total for m in members}


def deviation(loads: Mapping[int, float], targets: Mapping[int, float]) -> float:
    """Sum over the members with a target of |load - target|, in minutes."""
    return float(sum(abs(loads.get(m, 0) - t) for m, t in targets.items()))


def tolerance_minutes(total_load: int) -> float:
    """The smallest drop in deviation worth proposing moves for."""
    return max(TOLERANCE_MINUTES, TOLERANCE_PERCENT * total_load / 100)


@dataclass(frozen=True, slots=True)
class ScaledTargets:
    """Targets, deviation and tolerance times the total capacity, by member index."""

    capacities: tuple[int, ...]
    total_load: int
    capacity_total: int  # > 0

    def aim(self, member: int) -> int:
        """The member's target, scaled."""
        return self.total_load * self.capacities[member]

    def miss(self, member: int, load: int) -> int:
        """|load - target| of the member, scaled."""
        return abs(load * self.capacity_total - self.total_load * self.capacities[member])

    def worth_moving(self, gain: int) -> bool:
        """Is this drop in (scaled) deviation at least the tolerance?"""
        floor = max(100 * TOLERANCE_MINUTES, TOLERANCE_PERCENT * self.total_load)
        return 100 * gain >= floor * self.capacity_total
