"""Owners for three or more members: greedy starts, local search, then exact search on a
budget.

No subset-sum trick covers more than two members, so: place items greedily, improve by
single moves and by exact two-member re-splits (planner.domain.balance.two_members), then
branch and bound. Small weeks finish the branch and bound within the node budget and so
end exact; larger ones keep the best plan found, never a worse one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.domain.balance.targets import ScaledTargets
from planner.domain.balance.two_members import split_pair

# Branch and bound stops after this many nodes, which bounds its time.
NODE_BUDGET = 20_000
# Past this many items the budget could never finish, and recursion would run too deep.
MAX_BRANCH_ITEMS = 400


@dataclass(frozen=True)
class Problem:
    """What the searches read, by item index and member index."""

    targets: ScaledTargets
    weights: list[int]  # each item's load
    start: list[int | None]  # who holds each item now; None: no member
    options: list[tuple[int, ...]]  # who may end the week with it
    node_budget: int = NODE_BUDGET


@dataclass
class _Plan:
    owners: dict[int, int]  # item -> member, for the items being searched
    loads: list[int]  # member -> minutes, including the items not being searched

    def copy(self) -> _Plan:
        return _Plan(dict(self.owners), self.loads[:])

    def move(self, item: int, to: int, weight: int) -> None:
        self.loads[self.owners[item]] -= weight
        self.loads[to] += weight
        self.owners[item] = to


def choose_owners(
    problem: Problem, fixed_loads: list[int], open_items: list[int]
) -> dict[int, int]:
    """Owners for the items with a choice (`open_items`), on top of `fixed_loads`."""
    # First the best plan that moves only what must move: the yardstick for the tolerance.
    keeping, must_move = _Plan({}, fixed_loads[:]), []
    for k in open_items:
        start = problem.start[k]
        if start is None or start not in problem.options[k]:
            must_move.append(k)
        else:
            keeping.owners[k] = start
            keeping.loads[start] += problem.weights[k]
    _place_greedily(problem, keeping, must_move)
    _local_search(problem, keeping, must_move)
    _branch_and_bound(problem, keeping, must_move)
    only_needed = keeping.copy()
    # Then everything may move: search on from that plan and from scratch, and give the
    # better of the two to the exact search.
    _local_search(problem, keeping, open_items)
    fresh = _Plan({}, fixed_loads[:])
    _place_greedily(problem, fresh, open_items)
    _local_search(problem, fresh, open_items)
    best = min(keeping, fresh, key=lambda plan: _score(problem, plan))
    _branch_and_bound(problem, best, open_items)
    gain = _score(problem, only_needed)[0] - _score(problem, best)[0]
    return best.owners if problem.targets.worth_moving(gain) else only_needed.owners


def _score(problem: Problem, plan: _Plan) -> tuple[int, int]:
    """(scaled deviation, moves): smaller is better, in that order."""
    miss = problem.targets.miss
    scaled_deviation = sum(miss(m, load) for m, load in enumerate(plan.loads))
    return scaled_deviation, sum(1 for k, m in plan.owners.items() if m != problem.start[k])


def _place_greedily(problem: Problem, plan: _Plan, items: list[int]) -> None:
    """Place the heaviest first, each where it lowers the deviation most (staying on ties)."""
    miss, loads = problem.targets.miss, plan.loads
    for k in sorted(items, key=lambda k: -problem.weights[k]):
        weight, start = problem.weights[k], problem.start[k]
        to = min(
            problem.options[k],
            key=lambda m: (miss(m, loads[m] + weight) - miss(m, loads[m]), m != start),
        )
        plan.owners[k] = to
        loads[to] += weight


def _local_search(problem: Problem, plan: _Plan, movable: Sequence[int]) -> None:
    """Lower the deviation step by step: the best single move, else the exact re-split of
    a pair of members; then move back what does not need to have moved."""
    weights, options, miss = problem.weights, problem.options, problem.targets.miss
    owners, loads = plan.owners, plan.loads
    # Pairs re-split exactly since either member's load last changed: no use trying again.
    settled: set[tuple[int, int]] = set()
    best_moves: tuple[tuple[int, int], ...]
    while True:
        best_gain, best_moves = 0, ()
        pairs: set[tuple[int, int]] = set()
        for k in movable:
            a, weight = owners[k], weights[k]
            for b in options[k]:
                if b != a:
                    gain = (
                        miss(a, loads[a])
                        + miss(b, loads[b])
                        - miss(a, loads[a] - weight)
                        - miss(b, loads[b] + weight)
                    )
                    if gain > best_gain:
                        best_gain, best_moves = gain, ((k, b),)
                    pairs.add((min(a, b), max(a, b)))
        for pair in sorted(pairs - settled):
            if best_moves:
                break
            best_moves = _resplit_pair(problem, plan, pair, movable)
            settled.add(pair)
        if not best_moves:
            break
        for k, to in best_moves:
            settled = {p for p in settled if owners[k] not in p and to not in p}
            plan.move(k, to, weights[k])
    # A move that does not lower the deviation is not worth asking anyone for.
    for k in movable:
        now, start, weight = owners[k], problem.start[k], weights[k]
        if start is not None and start != now and start in options[k]:
            before = miss(now, loads[now]) + miss(start, loads[start])
            if miss(now, loads[now] - weight) + miss(start, loads[start] + weight) <= before:
                plan.move(k, start, weight)


def _resplit_pair(
    problem: Problem, plan: _Plan, pair: tuple[int, int], movable: Sequence[int]
) -> tuple[tuple[int, int], ...]:
    """The moves of the exact re-split of the pair's items, if it lowers their deviation."""
    a, b = pair
    weights, owners, loads, miss = problem.weights, plan.owners, plan.loads, problem.targets.miss
    pool = [k for k in movable if owners[k] in pair and {a, b} <= set(problem.options[k])]
    fixed_a = loads[a] - sum(weights[k] for k in pool if owners[k] == a)
    fixed_b = loads[b] - sum(weights[k] for k in pool if owners[k] == b)
    home = {k: owners[k] for k in pool}
    split = split_pair(problem.targets, weights, pair, (fixed_a, fixed_b), home, keep_close=False)
    new_a = fixed_a + sum(weights[k] for k in pool if split[k] == a)
    after = miss(a, new_a) + miss(b, loads[a] + loads[b] - new_a)
    if after < miss(a, loads[a]) + miss(b, loads[b]):
        return tuple((k, split[k]) for k in pool if split[k] != owners[k])
    return ()


def _branch_and_bound(problem: Problem, plan: _Plan, movable: Sequence[int]) -> None:
    """Improve the plan in place by branch and bound over `movable`, heaviest first: exact
    (least deviation, then fewest moves) when it ends within the node budget."""
    weights, start, options = problem.weights, problem.start, problem.options
    order = sorted(movable, key=lambda k: -weights[k])
    if len(order) > MAX_BRANCH_ITEMS:
        return
    scale = problem.targets.capacity_total
    loads = plan.loads[:]
    for k in order:
        loads[plan.owners[k]] -= weights[k]
    aims = [problem.targets.aim(m) for m in range(len(loads))]
    # The scaled deviation is 2 x the members' overshoot + the load no member can take
    # (the targets sum to the total load), and the overshoot only grows as items are
    # placed: a lower bound for the whole branch.
    unheld = (problem.targets.total_load - sum(plan.loads)) * scale
    best = (_score(problem, plan)[0], sum(1 for k in order if plan.owners[k] != start[k]))
    picks, nodes = [0] * len(order), 0  # picks[d]: the owner tried for order[d]
    chosen: list[int] = []  # the picks of the best plan found, if better than the given one

    def walk(depth: int, moves: int) -> None:
        nonlocal nodes, best, chosen
        nodes += 1
        overshoot = sum(
            load * scale - aim for load, aim in zip(loads, aims, strict=True) if load * scale > aim
        )
        bound = (2 * overshoot + unheld, moves)
        if nodes > problem.node_budget or bound >= best:
            return
        if depth == len(order):
            best, chosen = bound, picks[:]
            return
        k = order[depth]
        for m in sorted(options[k], key=lambda m: m != start[k]):
            picks[depth], loads[m] = m, loads[m] + weights[k]
            walk(depth + 1, moves + (m != start[k]))
            loads[m] -= weights[k]

    walk(0, 0)
    if chosen:
        for k, to in zip(order, chosen, strict=True):
            plan.move(k, to, weights[k])
