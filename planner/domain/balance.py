"""Rebalance a week's ownership toward each member's capacity, and the kindness plan.

Pure and typed: no Flask, no database. Loads are whole minutes per week; the target
of a member is their capacity's share of the week's total load, and the deviation of
a plan is the sum over members of |load - target|. Two members get the exact optimum
(bitset subset sums); more members get a greedy start plus local search.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from math import gcd, isqrt

STATES = frozenset({"okay", "in_the_reeds", "blown"})

# Stability: moves are proposed only if they lower the deviation by at least
# max(TOLERANCE_MINUTES, TOLERANCE_PERCENT % of the week's total load), measured against
# the plan that keeps every owner who may stay. One comparison against one fixed plan
# keeps the rule monotone: more capacity never leaves a member with less load.
TOLERANCE_MINUTES = 15
TOLERANCE_PERCENT = 3

# Kindness plan: at capacity 100 a member carries a "full" week of this many minutes
# (20 h); callers pass the household's own figure, per member if known.
DEFAULT_FULL_WEEK_MINUTES = 1200
LOWER_STANDARD_PERCENT = 50  # share of an item's load a simpler standard saves
DROPPABLE_AREAS = frozenset({"magic"})  # special extras may be let go for a week


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
    blocked: frozenset[int] = frozenset()  # e.g. the item falls in their self-care slot
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
    targets: dict[int, float]
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
    """Sum over members with a target of |load - target|, in minutes."""
    return float(sum(abs(loads.get(m, 0) - t) for m, t in targets.items()))


def tolerance_minutes(total_load: int) -> float:
    """Smallest improvement in deviation worth proposing moves for."""
    return max(TOLERANCE_MINUTES, TOLERANCE_PERCENT * total_load / 100)


def propose(
    members: Sequence[MemberLoad], items: Sequence[Item], vetoes: Collection[tuple[int, int]] = ()
) -> Proposal:
    """Propose owners for the week: few moves, loads near capacity-proportional targets."""
    _check(members, items)
    idx = {m.id: k for k, m in enumerate(members)}
    caps = [m.capacity for m in members]
    total, cap_total = sum(i.load for i in items), sum(caps)
    start = [idx.get(i.owner_id) for i in items]
    options = [_options(i, s, members, set(vetoes)) for i, s in zip(items, start, strict=True)]
    before = {m.id: 0 for m in members}
    for i in items:
        if i.owner_id in before:
            before[i.owner_id] += i.load
    if cap_total == 0:
        msg = "No one has capacity this week, so there are no targets and nothing moves."
        return Proposal((), before, dict(before), {}, 0.0, 0.0, msg + " A kindness plan can help.")
    targets = {m.id: total * m.capacity / cap_total for m in members}
    owner = [s if not o else o[0] for s, o in zip(start, options, strict=True)]
    free = [k for k, o in enumerate(options) if len(o) > 1]
    loads = [0] * len(members)
    for k, i in enumerate(items):
        if owner[k] is not None and k not in free:
            loads[owner[k]] += i.load  # type: ignore[index]
    ctx = _Ctx(caps, total, cap_total, [i.load for i in items], start, options)
    chosen = _exact_two(ctx, loads, free) if len(members) == 2 else _local(ctx, loads, free)
    for k, m in chosen.items():
        owner[k] = m
    after = {m.id: 0 for m in members}
    moves = []
    for k, i in enumerate(items):
        if owner[k] is not None:
            to = members[owner[k]]  # type: ignore[index]
            after[to.id] += i.load
            if owner[k] != start[k]:
                frm = members[start[k]] if start[k] is not None else None  # type: ignore[index]
                reason = _reason(i, frm, to, start[k] is not None and start[k] in options[k])
                moves.append(Move(i.id, i.title, i.owner_id, to.id, i.load, reason))
    moves.sort(key=lambda mv: (-mv.minutes, mv.title, mv.item_id))
    message = _message(items, start, options, members, set(vetoes), bool(moves))
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
    for m in members:
        if not 0 <= m.capacity <= 100 or m.state not in STATES:
            raise ValueError(f"bad capacity or state for member {m.id}")
    if any(i.load < 0 for i in items):
        raise ValueError("loads must not be negative")


def _options(
    item: Item, start: int | None, members: Sequence[MemberLoad], vetoes: set[tuple[int, int]]
) -> tuple[int, ...]:
    """Member indices the item may end the week with; () means it stays where it is."""
    if item.pinned:
        return ()
    ok = [
        k
        for k, m in enumerate(members)
        if (item.allowed is None or m.id in item.allowed) and m.id not in item.blocked
    ]
    to = tuple(k for k in ok if k != start and (item.id, members[k].id) not in vetoes)
    if start in ok:
        return (start, *to) if to else ()  # type: ignore[return-value]
    return to  # the owner may not keep it (departed, blocked): it must move if it can


@dataclass
class _Ctx:
    caps: list[int]
    total: int
    cap_total: int
    weight: list[int]
    start: list[int | None]
    options: list[tuple[int, ...]]

    def worth(self, gain: int) -> bool:
        """Is a deviation gain (scaled by cap_total) at least the tolerance?"""
        floor = max(100 * TOLERANCE_MINUTES, TOLERANCE_PERCENT * self.total)
        return 100 * gain >= floor * self.cap_total

    def term(self, m: int, load: int) -> int:
        return abs(load * self.cap_total - self.total * self.caps[m])


def _exact_two(ctx: _Ctx, loads: list[int], free: list[int]) -> dict[int, int]:
    """Exact for two members: bitsets over member 0's load, layered by number of moves."""
    g = 0
    for k in free:
        g = gcd(g, ctx.weight[k])
    g = g or 1
    # kind 0/1: owned by member 0/1, moving costs one move; 2: must move, either way
    steps = [
        (ctx.weight[k] // g, ctx.start[k] if ctx.start[k] in ctx.options[k] else 2) for k in free
    ]
    p0 = sum(u for u, kind in steps if kind == 0)
    base0, rest = loads[0], loads[0] + loads[1] + g * sum(u for u, _ in steps)

    def dev(p: int) -> int:
        return ctx.term(0, base0 + p * g) + ctx.term(1, rest - base0 - p * g)

    reach = base = 1 << p0
    for u, kind in steps:
        reach |= reach >> u if kind == 0 else reach << u
        if kind == 2:
            base |= base << u
    # dev is convex in p, flat on [lo, hi]
    span = ctx.cap_total * g
    top = ctx.total * ctx.caps[0] - base0 * ctx.cap_total
    hi, lo = top // span, -(((ctx.total - rest) * ctx.cap_total - top) // span)
    best, best_dev = _nearest(reach, dev, lo, hi)
    keep, keep_dev = _nearest(base, dev, lo, hi)
    target = best if ctx.worth(keep_dev - best_dev) else keep
    costly = sum(1 for _, kind in steps if kind != 2)
    every = max(1, isqrt(len(steps)))
    kmax = min(8, costly)
    while True:
        layers, marks = _layers(steps, p0, kmax, every)
        k = next((k for k, b in enumerate(layers) if b & target), None)
        if k is not None:
            break
        kmax = min(costly, 4 * kmax)
    flipped = _trace(steps, marks, every, k, (layers[k] & target).bit_length() - 1)
    return {
        k: int((kind == 0) == (j in flipped))
        for j, (k, (_, kind)) in enumerate(zip(free, steps, strict=True))
    }


def _nearest(bits: int, dev: Callable[[int], int], lo: int, hi: int) -> tuple[int, int]:
    """Positions in bits with the smallest dev (convex, minimal on [lo, hi]) and that dev."""
    inside = (bits >> max(lo, 0) << max(lo, 0)) & ((1 << (hi + 1)) - 1) if hi >= 0 else 0
    if inside:
        return inside, dev(inside.bit_length() - 1)
    found = []
    below = bits & ((1 << (hi + 1)) - 1) if hi >= 0 else 0
    if below:
        found.append(below.bit_length() - 1)
    above = bits >> max(lo, 0)
    if above:
        found.append(max(lo, 0) + (above & -above).bit_length() - 1)
    devs = {p: dev(p) for p in found}
    low = min(devs.values())
    return sum(1 << p for p, d in devs.items() if d == low), low


def _step(layers: list[int], u: int, kind: int) -> None:
    if kind == 2:
        for k, b in enumerate(layers):
            layers[k] = b | b << u
        return
    for k in range(len(layers) - 1, 0, -1):
        prev = layers[k - 1]
        if prev:
            layers[k] |= prev >> u if kind == 0 else prev << u


def _layers(
    steps: list[tuple[int, int]], p0: int, kmax: int, every: int
) -> tuple[list[int], list[list[int]]]:
    """Reachable positions per number of moves, with a checkpoint every `every` steps."""
    layers = [1 << p0] + [0] * kmax
    marks = []
    for j, (u, kind) in enumerate(steps):
        if j % every == 0:
            marks.append(layers[:])
        _step(layers, u, kind)
    return layers, marks


def _trace(
    steps: list[tuple[int, int]], marks: list[list[int]], every: int, k: int, pos: int
) -> set[int]:
    """Steps taken to reach (k moves, pos), replaying one checkpointed block at a time."""
    flipped = set()
    for b in range(len(marks) - 1, -1, -1):
        first, last = b * every, min(len(steps), (b + 1) * every)
        snaps = [marks[b]]
        for u, kind in steps[first : last - 1]:
            snaps.append(snaps[-1][:])
            _step(snaps[-1], u, kind)
        for j in range(last - 1, first - 1, -1):
            if snaps[j - first][k] >> pos & 1:
                continue
            u, kind = steps[j]
            flipped.add(j)
            k, pos = (k, pos - u) if kind == 2 else (k - 1, pos + u if kind == 0 else pos - u)
    return flipped


def _local(ctx: _Ctx, loads: list[int], free: list[int]) -> dict[int, int]:
    """Any number of members: greedy starts improved by single moves and pair swaps."""
    must = [k for k in free if ctx.start[k] not in ctx.options[k]]
    base_loads = loads[:]
    keep: dict[int, int] = {}
    for k in free:
        if k not in must:
            keep[k] = ctx.start[k]  # type: ignore[assignment]
            base_loads[keep[k]] += ctx.weight[k]
    keep = _greedy(ctx, base_loads, must, keep)
    _improve(ctx, keep, base_loads, must)
    stay, stay_loads = dict(keep), base_loads[:]
    _improve(ctx, keep, base_loads, free)
    fresh_loads = loads[:]
    fresh = _greedy(ctx, fresh_loads, free, {})
    _improve(ctx, fresh, fresh_loads, free)
    best = min(((keep, base_loads), (fresh, fresh_loads)), key=lambda r: _score(ctx, r[0], r[1]))
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
        w = ctx.weight[k]
        m = min(
            ctx.options[k],
            key=lambda m: (
                ctx.term(m, loads[m] + w) - ctx.term(m, loads[m]),
                m != ctx.start[k],
            ),
        )
        assign[k] = m
        loads[m] += w
    return assign


def _improve(ctx: _Ctx, assign: dict[int, int], loads: list[int], movable: list[int]) -> None:
    """Apply the best single move, else the best swap, while (deviation, moves) drops."""
    w, opts, start, term = ctx.weight, ctx.options, ctx.start, ctx.term
    while True:
        best: tuple[tuple[int, int], ...] = ()
        gain = (0, 0)
        for k in movable:
            a = assign[k]
            off = term(a, loads[a] - w[k]) - term(a, loads[a])
            for m in opts[k]:
                if m != a:
                    on = term(m, loads[m] + w[k]) - term(m, loads[m])
                    g = (-off - on, (a != start[k]) - (m != start[k]))
                    if g > gain:
                        best, gain = ((k, m),), g
        for x, k in enumerate(movable if not best else ()):
            a = assign[k]
            for j in movable[x + 1 :]:
                b, d = assign[j], w[k] - w[j]
                if a == b or d == 0 or b not in opts[k] or a not in opts[j]:
                    continue
                g = (
                    term(a, loads[a]) + term(b, loads[b])
                    - term(a, loads[a] - d) - term(b, loads[b] + d),
                    (a != start[k]) + (b != start[j]) - (b != start[k]) - (a != start[j]),
                )  # fmt: skip
                if g > gain:
                    best, gain = ((k, b), (j, a)), g
        if not best:
            return
        for k, m in best:
            loads[assign[k]] -= w[k]
            loads[m] += w[k]
            assign[k] = m


def _reason(item: Item, frm: MemberLoad | None, to: MemberLoad, could_stay: bool) -> str:
    took = f"{to.name} takes {item.title} ({item.load} min)."
    if frm is None:
        return f"No one in the household holds {item.title} now; {took}"
    if not could_stay:
        return f"{item.title} can't stay with {frm.name} this week; {took}"
    if to.capacity > frm.capacity:
        if frm.state == "blown":
            return f"{frm.name} is blown this week; {took}"
        if frm.state == "in_the_reeds":
            return f"{frm.name} is in the reeds this week; {took}"
        return (
            f"{to.name} has more room this week (capacity {to.capacity} vs {frm.capacity}); {took}"
        )
    return f"This brings each of you closer to what you can carry this week; {took}"


def _message(
    items: Sequence[Item],
    start: list[int | None],
    options: list[tuple[int, ...]],
    members: Sequence[MemberLoad],
    vetoes: set[tuple[int, int]],
    moved: bool,
) -> str | None:
    parts = []
    stuck = [i.title for i, s, o in zip(items, start, options, strict=True) if s is None and not o]
    if stuck:
        parts.append(f"No one here can take {', '.join(stuck)}.")
    if moved:
        pass
    elif any(len(o) > 1 for o in options):
        parts.append("The week already fits your capacities closely; no moves needed.")
    elif items:
        pinned = sum(1 for i in items if i.pinned)
        vetoed = sum(
            1
            for i in items
            if not i.pinned and any((i.id, m.id) in vetoes for m in members if m.id != i.owner_id)
        )
        counts = {"pinned": pinned, "vetoed": vetoed, "can't go to anyone else": 0}
        counts["can't go to anyone else"] = len(items) - pinned - vetoed
        parts.append(
            "Nothing can move: " + ", ".join(f"{n} {w}" for w, n in counts.items() if n) + "."
        )
    else:
        parts.append("Nothing to balance this week.")
    return " ".join(parts) or None


def _full(full_minutes: int | Mapping[int, int], member_id: int) -> int:
    if isinstance(full_minutes, int):
        return full_minutes
    return full_minutes.get(member_id, DEFAULT_FULL_WEEK_MINUTES)


def carrying_capacity(
    members: Sequence[MemberLoad], full_minutes: int | Mapping[int, int] = DEFAULT_FULL_WEEK_MINUTES
) -> int:
    """Minutes the household can carry: sum of capacity % x each member's full week."""
    return sum(m.capacity * _full(full_minutes, m.id) for m in members) // 100


def relief_needed(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    full_minutes: int | Mapping[int, int] = DEFAULT_FULL_WEEK_MINUTES,
) -> int:
    """Minutes to take off the week: the load above carrying capacity, and at least the
    share of the load missing from one full person when total capacity is under 100."""
    load = sum(i.load for i in items)
    short = sum(m.capacity for m in members)
    over = load - carrying_capacity(members, full_minutes)
    return max(0, over, -(-load * (100 - short) // 100) if short < 100 else 0)


def needs_kindness_plan(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    full_minutes: int | Mapping[int, int] = DEFAULT_FULL_WEEK_MINUTES,
) -> bool:
    """Total capacity under 100, or more load than the members can carry."""
    load = sum(i.load for i in items)
    return sum(m.capacity for m in members) < 100 or load > carrying_capacity(members, full_minutes)


def kindness_suggestions(
    members: Sequence[MemberLoad],
    items: Sequence[Item],
    proposal: Proposal | None = None,
    full_minutes: int | Mapping[int, int] = DEFAULT_FULL_WEEK_MINUTES,
) -> list[KindnessSuggestion]:
    """One suggestion per item, biggest relief first, until the needed relief is covered.

    Per item: defer if it can wait; else outsource if it can be; else drop it for the week
    if it is a special extra (DROPPABLE_AREAS); else do it to a lower standard.
    """
    if not needs_kindness_plan(members, items, full_minutes):
        return []
    names = {m.id: m.name for m in members}
    owner = {i.id: i.owner_id for i in items}
    for mv in proposal.moves if proposal else ():
        owner[mv.item_id] = mv.to_id
    found = []
    for i in items:
        for_whom = f" for {names[owner[i.id]]}" if owner[i.id] in names else ""
        if i.can_defer:
            choice, mins, why = "defer", i.load, f"{i.title} can wait until next week"
        elif i.can_outsource:
            choice, mins, why = "outsource", i.load, f"Outside help could do {i.title} this week"
        elif i.area in DROPPABLE_AREAS:
            choice, mins, why = "drop", i.load, f"{i.title} can be let go this week"
        else:
            choice, mins = "lower_standard", i.load * LOWER_STANDARD_PERCENT // 100
            why = f"A simpler standard for {i.title} this week"
        if mins > 0:
            reason = f"{why}; that frees {mins} min{for_whom}."
            found.append(KindnessSuggestion(i.id, i.title, choice, mins, reason))
    found.sort(key=lambda s: (-s.minutes, s.title, s.item_id))
    need, out = relief_needed(members, items, full_minutes), []
    for s in found:
        if out and sum(x.minutes for x in out) >= need:
            break
        out.append(s)
    return out
