"""The exact split of items between two members: least deviation, then fewest moves.

A position is member a's load from the items being split, in units of the gcd of their
minutes (so the bitsets stay short). A Python int serves as a bitset of positions: bit p
set means a can end the week at position p. One subset-sum pass of shifts and ors finds
every reachable position; the best are those nearest where the pair's deviation is least.
The same pass, kept separately for each number of moves ("layers"), finds the fewest moves
that reach a best position, and a trace back names the items that move. The trace keeps a
checkpoint every sqrt(n) items and replays one block at a time, instead of storing the
layers after every item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from math import gcd, isqrt

from planner.domain.balance.targets import ScaledTargets

# Extra layers beyond the lower bound on the moves needed: cheap, and usually enough to
# finish in one pass instead of deepening again.
EXTRA_LAYERS = 8


class StepKind(IntEnum):
    """Where an item is before the split, which decides what moving it costs."""

    WITH_A = 0  # giving it to b lowers the position, and costs a move
    WITH_B = 1  # giving it to a raises the position, and costs a move
    ELSEWHERE = 2  # with neither: it moves whoever takes it, so the choice is free


# Plain names for the hot loops: looking a member up on the enum class is about three
# times slower than reading a global.
WITH_A, WITH_B, ELSEWHERE = StepKind.WITH_A, StepKind.WITH_B, StepKind.ELSEWHERE

# A step adds one item to the bitsets: (its minutes / the unit, its kind). A plain tuple,
# because the passes over the steps are the hot loops.
Step = tuple[int, StepKind]


def split_pair(
    targets: ScaledTargets,
    weights: Sequence[int],
    pair: tuple[int, int],
    fixed: tuple[int, int],
    home: Mapping[int, int | None],
    keep_close: bool,
) -> dict[int, int]:
    """Owners (a or b) for the items in `home` (item index -> member index before the
    split, or None), where `fixed` is the rest of each one's load.

    With keep_close, the best split that moves only what must move (items with neither)
    wins unless the best split beats it by the tolerance.
    """
    a, b = pair
    items = list(home)
    unit = 0
    for k in items:
        unit = gcd(unit, weights[k])
    unit = unit or 1  # every item weighs 0 minutes
    kinds: dict[int | None, StepKind] = {a: WITH_A, b: WITH_B}
    steps = [(weights[k] // unit, kinds.get(home[k], ELSEWHERE)) for k in items]
    home_position = sum(units for units, kind in steps if kind == WITH_A)
    fixed_a = fixed[0]
    pair_load = fixed[0] + fixed[1] + unit * sum(units for units, _ in steps)

    def pair_miss(position: int) -> int:
        load_a = fixed_a + position * unit
        return targets.miss(a, load_a) + targets.miss(b, pair_load - load_a)

    reachable = keeping = 1 << home_position
    for units, kind in steps:
        reachable |= reachable >> units if kind == WITH_A else reachable << units
        if kind == ELSEWHERE:
            keeping |= keeping << units  # keeping: only items with neither move

    # pair_miss is convex in the position and least (flat) between the position where a
    # meets its target and the one where b does.
    scale = targets.capacity_total
    a_on_target = targets.aim(a) - fixed_a * scale
    b_on_target = pair_load * scale - targets.aim(b) - fixed_a * scale
    per_unit = scale * unit
    flat_low = -(-min(a_on_target, b_on_target) // per_unit)  # rounded up
    flat_high = max(a_on_target, b_on_target) // per_unit
    best, best_miss = _nearest(reachable, pair_miss, flat_low, flat_high)
    kept, kept_miss = _nearest(keeping, pair_miss, flat_low, flat_high)
    goal = kept if keep_close and not targets.worth_moving(kept_miss - best_miss) else best

    costed = sum(1 for _, kind in steps if kind != ELSEWHERE)
    block = max(1, isqrt(len(steps)))
    max_moves = min(costed, EXTRA_LAYERS + _fewest_moves_bound(steps, home_position, goal))
    while True:  # deepen until some layer reaches the goal; `costed` layers always do
        layers, checkpoints = _layers(steps, home_position, max_moves, block)
        moves = next((k for k, bits in enumerate(layers) if bits & goal), None)
        if moves is not None:
            break
        max_moves = min(costed, 2 * max_moves)
    position = (layers[moves] & goal).bit_length() - 1
    shifted = _trace(steps, checkpoints, block, moves, position)
    # An item with neither counts as b's until it shifts, so an item ends with a exactly
    # when it started on a's side or shifted, not both.
    return {
        k: a if (kind == WITH_A) != (j in shifted) else b
        for j, (k, (_, kind)) in enumerate(zip(items, steps, strict=True))
    }


def _at_or_below(bits: int, position: int) -> int:
    """The bits at positions 0..position."""
    return bits & ((1 << (position + 1)) - 1) if position >= 0 else 0


def _lowest(bits: int) -> int:
    """The position of the lowest set bit (bits > 0)."""
    return (bits & -bits).bit_length() - 1


def _nearest(positions: int, miss: Callable[[int], int], low: int, high: int) -> tuple[int, int]:
    """The positions with the smallest miss, as a bitset, and that miss. The miss is
    convex and least on [low, high], so when no position lies there, only the nearest one
    on each side can be best."""
    low = max(low, 0)
    inside = _at_or_below(positions >> low << low, high)
    if inside:
        return inside, miss(inside.bit_length() - 1)
    below, above = _at_or_below(positions, high), positions >> low
    candidates = [below.bit_length() - 1] if below else []
    candidates += [low + _lowest(above)] if above else []
    misses = {p: miss(p) for p in candidates}
    least = min(misses.values())
    return sum(1 << p for p, m in misses.items() if m == least), least


def _fewest_moves_bound(steps: list[Step], home_position: int, goal: int) -> int:
    """A lower bound on the moves from the home position to the goal: going up takes items
    from b (beyond what items with neither add for free), going down gives items to b;
    the heaviest first."""
    below, above = _at_or_below(goal, home_position), goal >> home_position
    up = _lowest(above) if above else None
    down = home_position - below.bit_length() + 1 if below else None
    free_units = sum(units for units, kind in steps if kind == ELSEWHERE)
    bounds = []
    for distance, kind in ((up, WITH_B), (down, WITH_A)):
        if distance is None:
            continue
        need = distance - (free_units if kind == WITH_B else 0)
        count = 0
        for units in sorted((units for units, of in steps if of == kind), reverse=True):
            if need <= 0:
                break
            need, count = need - units, count + 1
        bounds.append(count)
    return min(bounds, default=0)


def _advance(layers: list[int], step: Step) -> None:
    """Add one item to the layers in place; layers[k] holds the positions reachable with
    exactly k moves."""
    units, kind = step
    if kind == ELSEWHERE:  # it moves whoever takes it, so it stays in its layer
        layers[:] = [bits | bits << units for bits in layers]
        return
    down = kind == WITH_A
    # top down, so that each layer grows from the layer below as it was before this item
    for k in range(len(layers) - 1, 0, -1):
        if layers[k - 1]:
            layers[k] |= layers[k - 1] >> units if down else layers[k - 1] << units


def _layers(
    steps: list[Step], home_position: int, max_moves: int, block: int
) -> tuple[list[int], list[list[int]]]:
    """The layers for 0..max_moves moves after every step, and a checkpoint (a copy of the
    layers) before each block of `block` steps."""
    layers, checkpoints = [1 << home_position] + [0] * max_moves, []
    for j, step in enumerate(steps):
        if j % block == 0:
            checkpoints.append(layers[:])
        _advance(layers, step)
    return layers, checkpoints


def _trace(
    steps: list[Step], checkpoints: list[list[int]], block: int, moves: int, position: int
) -> set[int]:
    """Indices of the steps that shifted the position on one way to (moves, position):
    items that left home, and items with neither that went to a. Works backwards one block
    at a time, replaying the block from its checkpoint."""
    shifted = set()
    for number in range(len(checkpoints) - 1, -1, -1):
        first, last = number * block, min(len(steps), (number + 1) * block)
        before = [checkpoints[number]]  # before[i]: the layers before step first + i
        for step in steps[first : last - 1]:
            before.append(before[-1][:])
            _advance(before[-1], step)
        for j in range(last - 1, first - 1, -1):
            if not before[j - first][moves] >> position & 1:  # unreachable unless j shifted
                units, kind = steps[j]
                shifted.add(j)
                if kind == ELSEWHERE:
                    position -= units
                elif kind == WITH_A:
                    moves, position = moves - 1, position + units
                else:
                    moves, position = moves - 1, position - units
    return shifted
