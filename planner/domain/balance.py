"""Rebalance a week's ownership toward each member's capacity, and the kindness plan.

Pure and typed: no Flask, no database. Loads are whole minutes per week. A member's target
is their capacity's share of the week's total load; a plan's deviation is the sum over
members of |load - target|. Two members get the exact optimum (bitset subset sums, fewest
moves among optimal plans); more members get greedy starts, local search and a budgeted
exact search. Items move whole; pinned items never move.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from math import gcd, isqrt

STATES = frozenset({"okay", "in_the_reeds", "blown"})

# Stability: moves are proposed only if they lower the deviation by at least
# max(TOLERANCE_MINUTES, TOLERANCE_PERCENT % of the week's total load) compared with the
# best plan that keeps every owner who may keep their item. One comparison against that one
# plan keeps the rule monotone: more capacity never leaves a member with less load.
TOLERANCE_MINUTES = 15
TOLERANCE_PERCENT = 3
# Three or more members: the exact search stops after this many nodes, so small weeks end
# exact and larger ones keep the local search result within bounded time.
NODE_BUDGET = 20_000
# Kindness plan: at capacity 100 a member carries a "full" week of this many minutes of
# household work (20 h); callers pass the household's own figure, per member if known.
DEFAULT_FULL_WEEK_MINUTES = 1200
LOWER_STANDARD_PERCENT = 50  # share of an item's load that a simpler standard saves
DROPPABLE_AREAS = frozenset({"magic"})  # special extras can be let go for a week

FullWeek = int | Mapping[int, int]


@dataclass(frozen=True)
class MemberLoad:
    id: int
    name: str
    capacity: int  # 0-100
    state: str  # one of STATES


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    load: int  # minutes this week: effort x occurrences + mental load
    owner_id: int
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
    moves: tuple[Move, ...]
    loads_before: dict[int, int]
    loads_after: dict[int, int]
    targets: dict[int, float]  # empty when no one has capacity
    deviation_before: float
    deviation_after: float
    message: str | None


@dataclass(frozen=True)
class KindnessSuggestion:
    item_id: int
    title: str
    choice: str  # "defer", "lower_standard", "outsource" or "drop"
    minutes: int  # relief this week
    reason: str


def deviation(loads: Mapping[int, float], targets: Mapping[int, float]) -> float:
    """Sum over the members with a target of |load - target|, in minutes."""
    return float(sum(abs(loads.get(m, 0) - t) for m, t in targets.items()))


def tolerance_minutes(total_load: int) -> float:
    """The smallest drop in deviation worth proposing moves for."""
    return max(TOLERANCE_MINUTES, TOLERANCE_PERCENT * total_load / 100)


def propose(
    members: Sequence[MemberLoad], items: Sequence[Item], vetoes: Collection[tuple[int, int]] = ()
) -> Proposal:
    """Propose owners for the week. Vetoes are (item_id, to_member_id) moves not to make.

    Items whose owner is not a member, or may not hold them (allowed, blocked), move to
    someone who may, if anyone can; everything else may stay or move.
    """
    if len({m.id for m in members}) != len(members):
        raise ValueError("member ids must be unique")
    if any(not 0 <= m.capacity <= 100 or m.state not in STATES for m in members):
        raise ValueError("capacity must be 0-100 and state one of " + ", ".join(sorted(STATES)))
    if any(i.load < 0 for i in items):
        raise ValueError("loads must not be negative")
    vetoed = set(vetoes)
    index = {m.id: k for k, m in enumerate(members)}
    start = [index.get(i.owner_id) for i in items]
    options = [_options(i, s, members, vetoed) for i, s in zip(items, start, strict=True)]
    before = {m.id: sum(i.load for i in items if i.owner_id == m.id) for m in members}
    caps = [m.capacity for m in members]
    total = sum(i.load for i in items)
    if not sum(caps):
        msg = "No one has capacity this week, so there are no targets and nothing moves."
        return Proposal((), before, dict(before), {}, 0.0, 0.0, f"{msg} A kindness plan can help.")
    owner = [o[0] if o else s for s, o in zip(start, options, strict=True)]
    free = [k for k, o in enumerate(options) if len(o) > 1]
    loads, is_free = [0] * len(members), set(free)
    for k, m in enumerate(owner):
        if m is not None and k not in is_free:
            loads[m] += items[k].load
    ctx = _Ctx(caps, total, sum(caps), [i.load for i in items], start, options)
    if len(members) == 2:
        chosen = _exact_two(ctx, (0, 1), (loads[0], loads[1]), {k: start[k] for k in free}, True)
    else:
        chosen = _local(ctx, loads, free)
    for k, m in chosen.items():
        owner[k] = m
    moved = [
        (i, s, o, m)
        for i, s, o, m in zip(items, start, options, owner, strict=True)
        if m is not None and m != s
    ]
    moves = [
        Move(i.id, i.title, i.owner_id, members[m].id, i.load, _reason(i, s, o, m, members, moved))
        for i, s, o, m in moved
    ]
    moves.sort(key=lambda mv: (-mv.minutes, mv.title, mv.item_id))
    after = {
        m.id: sum(i.load for i, o in zip(items, owner, strict=True) if o == k)
        for k, m in enumerate(members)
    }
    targets = {m.id: total * m.capacity / ctx.cap_total for m in members}
    message = _message(items, start, options, vetoed, bool(moves))
    dev_before, dev_after = deviation(before, targets), deviation(after, targets)
    return Proposal(tuple(moves), before, after, targets, dev_before, dev_after, message)


def _options(
    item: Item, start: int | None, members: Sequence[MemberLoad], vetoed: set[tuple[int, int]]
) -> tuple[int, ...]:
    """Member indices the item may end the week with; () means it stays where it is."""
    if item.pinned:
        return ()
    ok = [
        k
        for k, m in enumerate(members)
        if (item.allowed is None or m.id in item.allowed) and m.id not in item.blocked
    ]
    to = tuple(k for k in ok if k != start and (item.id, members[k].id) not in vetoed)
    if start in ok:
        return (start, *to) if to else ()  # type: ignore[return-value]
    return to  # its owner may not keep it: it moves if anyone can take it


@dataclass
class _Ctx:
    caps: list[int]
    total: int
    cap_total: int
    weight: list[int]
    start: list[int | None]
    options: list[tuple[int, ...]]

    def term(self, m: int, load: int) -> int:
        """|load - target| of member m, times cap_total so that it stays an integer."""
        return abs(load * self.cap_total - self.total * self.caps[m])

    def worth(self, gain: int) -> bool:
        """Is a drop in (scaled) deviation at least the tolerance?"""
        floor = max(100 * TOLERANCE_MINUTES, TOLERANCE_PERCENT * self.total)
        return 100 * gain >= floor * self.cap_total


def _exact_two(
    ctx: _Ctx,
    pair: tuple[int, int],
    fixed: tuple[int, int],
    home: Mapping[int, int | None],
    keep_close: bool,
) -> dict[int, int]:
    """Exact split of the items in `home` between members a and b, the rest of whose load
    is `fixed`: bitsets over a's load (in units of the minutes' gcd), layered by moves away
    from `home`; the fewest moves among the best splits. With keep_close, the best split
    that moves only what must move wins unless the best split beats it by the tolerance."""
    (a, b), free = pair, list(home)
    g = 0
    for k in free:
        g = gcd(g, ctx.weight[k])
    g = g or 1
    # kind 0/1: at home with a/b, so moving costs a move; 2: away from home either way
    steps = [(ctx.weight[k] // g, {a: 0, b: 1}.get(home[k], 2)) for k in free]  # type: ignore[arg-type]
    p0 = sum(u for u, kind in steps if kind == 0)
    fa, both = fixed[0], fixed[0] + fixed[1] + g * sum(u for u, _ in steps)

    def dev(p: int) -> int:
        return ctx.term(a, fa + p * g) + ctx.term(b, both - fa - p * g)

    reach = base = 1 << p0
    for u, kind in steps:
        reach |= reach >> u if kind == 0 else reach << u
        if kind == 2:
            base |= base << u
    # dev is convex in p and flat between where a, and where b, meets its target
    span, cap = ctx.cap_total * g, ctx.cap_total
    ends = (ctx.total * ctx.caps[a] - fa * cap, both * cap - ctx.total * ctx.caps[b] - fa * cap)
    lo, hi = -(-min(ends) // span), max(ends) // span
    best, best_dev = _nearest(reach, dev, lo, hi)
    keep, keep_dev = _nearest(base, dev, lo, hi)
    target = keep if keep_close and not ctx.worth(keep_dev - best_dev) else best
    costly = sum(1 for _, kind in steps if kind != 2)
    every, kmax = max(1, isqrt(len(steps))), min(costly, 8 + _fewest(steps, p0, target))
    while True:  # deepen until some layer reaches the target
        layers, marks = _layers(steps, p0, kmax, every)
        k = next((k for k, bits in enumerate(layers) if bits & target), None)
        if k is not None:
            break
        kmax = min(costly, 2 * kmax)
    flipped = _trace(steps, marks, every, k, (layers[k] & target).bit_length() - 1)
    return {
        k: b if (kind == 0) == (j in flipped) else a
        for j, (k, (_, kind)) in enumerate(zip(free, steps, strict=True))
    }


def _fewest(steps: list[tuple[int, int]], p0: int, target: int) -> int:
    """A lower bound on the moves to reach the target: the heaviest items first."""
    below, above = target & ((1 << (p0 + 1)) - 1), target >> p0
    up = (above & -above).bit_length() - 1 if above else None
    down = p0 - below.bit_length() + 1 if below else None
    free = sum(u for u, kind in steps if kind == 2)
    bounds = []
    for dist, kind in ((up, 1), (down, 0)):
        if dist is not None:
            need, count = dist - (free if kind == 1 else 0), 0
            for u in sorted((u for u, k in steps if k == kind), reverse=True):
                if need <= 0:
                    break
                need, count = need - u, count + 1
            bounds.append(count)
    return min(bounds, default=0)


def _nearest(bits: int, dev: Callable[[int], int], lo: int, hi: int) -> tuple[int, int]:
    """The set positions with the smallest dev (convex, least on [lo, hi]), and that dev."""
    lo = max(lo, 0)
    inside = (bits >> lo << lo) & ((1 << (hi + 1)) - 1) if hi >= 0 else 0
    if inside:
        return inside, dev(inside.bit_length() - 1)
    below = bits & ((1 << (hi + 1)) - 1) if hi >= 0 else 0
    above = bits >> lo
    found = [below.bit_length() - 1] if below else []
    found += [lo + (above & -above).bit_length() - 1] if above else []
    devs = {p: dev(p) for p in found}
    least = min(devs.values())
    return sum(1 << p for p, d in devs.items() if d == least), least


def _step(layers: list[int], u: int, kind: int) -> None:
    if kind == 2:
        layers[:] = [bits | bits << u for bits in layers]
        return
    for k in range(len(layers) - 1, 0, -1):
        if layers[k - 1]:
            layers[k] |= layers[k - 1] >> u if kind == 0 else layers[k - 1] << u


def _layers(
    steps: list[tuple[int, int]], p0: int, kmax: int, every: int
) -> tuple[list[int], list[list[int]]]:
    """Positions reachable with 0..kmax moves, and a checkpoint every `every` steps."""
    layers, marks = [1 << p0] + [0] * kmax, []
    for j, (u, kind) in enumerate(steps):
        if j % every == 0:
            marks.append(layers[:])
        _step(layers, u, kind)
    return layers, marks


def _trace(
    steps: list[tuple[int, int]], marks: list[list[int]], every: int, k: int, pos: int
) -> set[int]:
    """The steps that moved to reach (k moves, pos), replaying one block at a time."""
    flipped = set()
    for block in range(len(marks) - 1, -1, -1):
        first, last = block * every, min(len(steps), (block + 1) * every)
        snaps = [marks[block]]
        for u, kind in steps[first : last - 1]:
            snaps.append(snaps[-1][:])
            _step(snaps[-1], u, kind)
        for j in range(last - 1, first - 1, -1):
            if not snaps[j - first][k] >> pos & 1:  # not reachable without step j moving
                u, kind = steps[j]
                flipped.add(j)
                k, pos = (k, pos - u) if kind == 2 else (k - 1, pos + u if kind == 0 else pos - u)
    return flipped


def _local(ctx: _Ctx, loads: list[int], free: list[int]) -> dict[int, int]:
    """Three or more members: greedy starts, local search, then budgeted exact search."""
    must = [k for k in free if ctx.start[k] not in ctx.options[k]]
    keep_loads = loads[:]
    keep = {k: ctx.start[k] for k in free if k not in must}
    for k, m in keep.items():
        keep_loads[m] += ctx.weight[k]  # type: ignore[index]
    keep = _greedy(ctx, keep_loads, must, keep)  # type: ignore[arg-type]
    _improve(ctx, keep, keep_loads, must)
    _bound(ctx, keep, keep_loads, must)
    stay, stay_loads = dict(keep), keep_loads[:]
    _improve(ctx, keep, keep_loads, free)
    fresh_loads = loads[:]
    fresh = _greedy(ctx, fresh_loads, free, {})
    _improve(ctx, fresh, fresh_loads, free)
    best = min([(keep, keep_loads), (fresh, fresh_loads)], key=lambda r: _score(ctx, *r))
    _bound(ctx, *best, free)
    gain = _score(ctx, stay, stay_loads)[0] - _score(ctx, *best)[0]
    return best[0] if ctx.worth(gain) else stay


def _score(ctx: _Ctx, assign: dict[int, int], loads: list[int]) -> tuple[int, int]:
    dev = sum(ctx.term(m, load) for m, load in enumerate(loads))
    return dev, sum(1 for k, m in assign.items() if m != ctx.start[k])


def _greedy(
    ctx: _Ctx, loads: list[int], order: list[int], assign: dict[int, int]
) -> dict[int, int]:
    """Place the heaviest first, each where it lowers the deviation most."""
    for k in sorted(order, key=lambda k: -ctx.weight[k]):
        w, term = ctx.weight[k], ctx.term
        m = min(
            ctx.options[k],
            key=lambda m: (term(m, loads[m] + w) - term(m, loads[m]), m != ctx.start[k]),
        )
        assign[k] = m
        loads[m] += w
    return assign


def _improve(ctx: _Ctx, assign: dict[int, int], loads: list[int], movable: list[int]) -> None:
    """Lower the deviation step by step: the best single move, else the exact re-split of
    a pair of members; then undo the moves that do not help."""
    w, term = ctx.weight, ctx.term
    settled: set[tuple[int, int]] = set()  # pairs already split exactly
    while True:
        best: tuple[int, tuple[tuple[int, int], ...]] = (0, ())
        pairs = set()
        for k in movable:
            a, la = assign[k], loads[assign[k]]
            for b in ctx.options[k]:
                if b != a:
                    lb = loads[b]
                    g = term(a, la) + term(b, lb) - term(a, la - w[k]) - term(b, lb + w[k])
                    best = (g, ((k, b),)) if g > best[0] else best
                    pairs.add((min(a, b), max(a, b)))
        for a, b in sorted(pairs - settled):
            if best[1]:
                break
            best = (0, _pair_split(ctx, a, b, assign, loads, movable))
            settled.add((a, b))
        if not best[1]:
            break
        for k, m in best[1]:
            settled = {p for p in settled if assign[k] not in p and m not in p}
            loads[assign[k]] -= w[k]
            loads[m] += w[k]
            assign[k] = m
    for k in movable:
        a, s = assign[k], ctx.start[k]
        if s is not None and s != a and s in ctx.options[k]:
            la, ls = loads[a], loads[s]
            if term(a, la - w[k]) + term(s, ls + w[k]) <= term(a, la) + term(s, ls):
                loads[a], loads[s], assign[k] = la - w[k], ls + w[k], s


def _pair_split(
    ctx: _Ctx, a: int, b: int, assign: dict[int, int], loads: list[int], movable: list[int]
) -> tuple[tuple[int, int], ...]:
    """The moves of the exact re-split of members a and b, if it lowers their deviation."""
    pool = [k for k in movable if assign[k] in (a, b) and {a, b} <= set(ctx.options[k])]
    fa = loads[a] - sum(ctx.weight[k] for k in pool if assign[k] == a)
    fb = loads[b] - sum(ctx.weight[k] for k in pool if assign[k] == b)
    split = _exact_two(ctx, (a, b), (fa, fb), {k: assign[k] for k in pool}, keep_close=False)
    new_a = fa + sum(ctx.weight[k] for k in pool if split[k] == a)
    new = ctx.term(a, new_a) + ctx.term(b, loads[a] + loads[b] - new_a)
    if new < ctx.term(a, loads[a]) + ctx.term(b, loads[b]):
        return tuple((k, split[k]) for k in pool if split[k] != assign[k])
    return ()


def _bound(ctx: _Ctx, assign: dict[int, int], loads: list[int], movable: list[int]) -> None:
    """Branch and bound over `movable`, improving the plan in place: exact (least deviation,
    then fewest moves) when it ends within NODE_BUDGET nodes."""
    order = sorted(movable, key=lambda k: -ctx.weight[k])
    if len(order) > 400:  # the budget could not finish, and recursion would run too deep
        return
    cur, cap, start = loads[:], ctx.cap_total, ctx.start
    for k in order:
        cur[assign[k]] -= ctx.weight[k]
    aims = [ctx.total * c for c in ctx.caps]
    held = (ctx.total - sum(loads)) * cap  # load no member can take
    best = [_score(ctx, assign, loads)[0], sum(1 for k in order if assign[k] != start[k])]
    picks, chosen, nodes = [0] * len(order), [], 0

    def walk(d: int, moves: int) -> None:
        nonlocal nodes, chosen
        nodes += 1
        # deviation = 2 x overshoot + held, and overshoot only grows as items are placed
        over = sum(x * cap - t for x, t in zip(cur, aims, strict=True) if x * cap > t)
        if nodes > NODE_BUDGET or [2 * over + held, moves] >= best:
            return
        if d == len(order):
            best[:], chosen = [2 * over + held, moves], picks[:]
            return
        k = order[d]
        for m in sorted(ctx.options[k], key=lambda m: m != start[k]):
            picks[d], cur[m] = m, cur[m] + ctx.weight[k]
            walk(d + 1, moves + (m != start[k]))
            cur[m] -= ctx.weight[k]

    walk(0, 0)
    for k, m in zip(order, chosen, strict=False):
        loads[assign[k]] -= ctx.weight[k]
        loads[m] += ctx.weight[k]
        assign[k] = m


def _reason(
    item: Item,
    start: int | None,
    options: tuple[int, ...],
    to: int,
    members: Sequence[MemberLoad],
    moved: Sequence[tuple[Item, int | None, tuple[int, ...], int]] = (),
) -> str:
    took, new = f"{members[to].name} takes {item.title} ({item.load} min).", members[to]
    if start is None:
        return f"No one in the household holds {item.title} now; {took}"
    old = members[start]
    if start not in options:
        return f"{item.title} can't stay with {old.name} this week; {took}"
    if new.capacity <= old.capacity:
        # The member with less room gains an item: as half of a swap, or to even things out.
        back = max(
            (x for x in moved if x[1] == to),
            key=lambda x: (x[3] == start, x[0].load),
            default=None,
        )
        state = new.state.replace("_", " ")
        if back is None:
            if new.state != "okay":
                return f"{new.name} is {state}, yet this evens the week out; {took}"
            return f"This brings each of you closer to what you can carry this week; {took}"
        other, bigger = members[back[3]].name, "the bigger " if back[0].load > item.load else ""
        swap = (
            f"Part of a swap that evens the week out: {new.name} takes {item.title} "
            f"({item.load} min) while {other} takes {bigger}{back[0].title} ({back[0].load} min)"
        )
        if new.state == "okay":
            return swap + "."
        net = sum(x[0].load for x in moved if x[3] == to) - sum(
            x[0].load for x in moved if x[1] == to
        )
        if net < 0:
            return f"{swap}, so {new.name}, {state} this week, ends up with less."
        return f"{swap}. {new.name} is {state} this week: veto it if it's too much."
    if old.state != "okay":
        return f"{old.name} is {old.state.replace('_', ' ')} this week; {took}"
    return f"{new.name} has more room this week (capacity {new.capacity} vs {old.capacity}); {took}"


def _message(
    items: Sequence[Item],
    start: list[int | None],
    options: list[tuple[int, ...]],
    vetoed: set[tuple[int, int]],
    moved: bool,
) -> str | None:
    stuck = [i.title for i, s, o in zip(items, start, options, strict=True) if s is None and not o]
    parts = [f"No one in the household can take: {', '.join(stuck)}."] if stuck else []
    if moved:
        pass
    elif any(len(o) > 1 for o in options):
        parts.append("The week already fits your capacities closely; no moves needed.")
    elif items:
        pinned = sum(1 for i in items if i.pinned)
        vetoes = sum(1 for i in items if not i.pinned and any(v[0] == i.id for v in vetoed))
        counts = {
            "pinned": pinned,
            "vetoed": vetoes,
            "can't go to anyone else": len(items) - pinned - vetoes,
        }
        parts.append("Nothing can move: " + ", ".join(f"{n} {w}" for w, n in counts.items() if n))
    else:
        parts.append("Nothing to balance this week.")
    return " ".join(p if p.endswith(".") else p + "." for p in parts) or None


def carrying_capacity(
    members: Sequence[MemberLoad], full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES
) -> int:
    """Minutes the members can carry: the sum of capacity % x each one's full week."""

    def full(m: int) -> int:
        if isinstance(full_minutes, int):
            return full_minutes
        return full_minutes.get(m, DEFAULT_FULL_WEEK_MINUTES)

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
    short = -(-load * (100 - capacity) // 100) if capacity < 100 else 0
    return max(0, short, load - carrying_capacity(members, full_minutes))


def kindness_suggestions(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    proposal: Proposal | None = None,
    full_minutes: FullWeek = DEFAULT_FULL_WEEK_MINUTES,
) -> list[KindnessSuggestion]:
    """One suggestion per item, biggest relief first, until the relief needed is covered.

    Per item: "defer" if it can wait; else "outsource" if someone outside could do it; else
    "drop" it for the week if it is a special extra (DROPPABLE_AREAS); else
    "lower_standard", saving LOWER_STANDARD_PERCENT of its load. Owners are taken after
    the proposal's moves when one is given.
    """
    if not needs_kindness_plan(members, items, full_minutes):
        return []
    names = {m.id: m.name for m in members}
    owner = {i.id: i.owner_id for i in items} | {
        mv.item_id: mv.to_id for mv in (proposal.moves if proposal else ())
    }
    found = []
    for i in items:
        if i.can_defer:
            choice, minutes, why = "defer", i.load, f"{i.title} can wait until next week"
        elif i.can_outsource:
            choice, minutes, why = "outsource", i.load, f"Outside help could do {i.title} this week"
        elif i.area in DROPPABLE_AREAS:
            choice, minutes, why = "drop", i.load, f"{i.title} can be let go this week"
        else:
            minutes = i.load * LOWER_STANDARD_PERCENT // 100
            choice, why = "lower_standard", f"A simpler standard for {i.title} this week"
        for_whom = f" for {names[owner[i.id]]}" if owner[i.id] in names else ""
        if minutes > 0:
            reason = f"{why}; that frees {minutes} min{for_whom}."
            found.append(KindnessSuggestion(i.id, i.title, choice, minutes, reason))
    found.sort(key=lambda s: (-s.minutes, s.title, s.item_id))
    need, chosen, freed = relief_needed(members, items, full_minutes), [], 0
    for s in found:
        if chosen and freed >= need:
            break
        chosen.append(s)
        freed += s.minutes
    return chosen
