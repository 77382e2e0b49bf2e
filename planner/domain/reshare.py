"""Re-sharing the rest of a week when life changes mid-week: pure, no Flask, no database.

Days a member is away go to someone who is there (or stay, saying no one is free then);
the rest of what the member holds is re-balanced with the same rebalancer and reasons as
the session (planner.domain.balance.propose), by item, with each member's capacity as it
is now. Only days still to come are ever given; no one gets anything on a day they are
away. Only moves off `member_id`'s plate are proposed: it is their check-in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain import balance
from planner.i18n import _, moment


@dataclass(frozen=True)
class DayLoad:
    id: int  # the occurrence
    item_id: int
    title: str
    on_date: date
    holder_id: int
    minutes: int
    allowed: frozenset[int] | None = None  # None: anyone
    pinned: bool = False  # stays with its holder (agreed that way, or time together)


@dataclass(frozen=True)
class DayMove:
    day_id: int
    item_id: int
    title: str
    on_date: date
    to_id: int
    reason: str
    away: bool = False  # its holder is away that day (not a re-balance)


def reshare(
    member_id: int,
    members: Sequence[balance.MemberLoad],
    days: Sequence[DayLoad],
    away: Mapping[int, Collection[date]],
    vetoes: Collection[tuple[int, int]] = (),
) -> list[DayMove]:
    """Moves of `member_id`'s days still to come. Vetoes are (item_id, to_member_id)."""
    names = {m.id: m.name for m in members}
    moves: list[DayMove] = []
    staying = []
    for d in days:
        if d.holder_id == member_id and d.on_date in away.get(member_id, ()) and not d.pinned:
            to = _someone_there(d, members, away, vetoes, member_id)
            if to is not None:
                why = str(
                    _(
                        "%(name)s is away on %(day)s; %(other)s is there.",
                        name=names[member_id],
                        day=moment(d.on_date, "weekday"),
                        other=names[to],
                    )
                )
                moves.append(DayMove(d.id, d.item_id, d.title, d.on_date, to, why, away=True))
                continue
        staying.append(d)
    moves += _rebalanced(member_id, members, staying, away, vetoes)
    return sorted(moves, key=lambda m: (m.on_date, m.title, m.day_id))


def _someone_there(
    d: DayLoad,
    members: Sequence[balance.MemberLoad],
    away: Mapping[int, Collection[date]],
    vetoes: Collection[tuple[int, int]],
    member_id: int,
) -> int | None:
    for m in members:
        if m.id == member_id or (d.item_id, m.id) in vetoes:
            continue
        if d.on_date in away.get(m.id, ()) or (d.allowed is not None and m.id not in d.allowed):
            continue
        found: int = m.id
        return found
    return None


def _rebalanced(
    member_id: int,
    members: Sequence[balance.MemberLoad],
    days: Sequence[DayLoad],
    away: Mapping[int, Collection[date]],
    vetoes: Collection[tuple[int, int]],
) -> list[DayMove]:
    """Each item's remaining days per holder as one item for the rebalancer."""
    groups: dict[tuple[int, int], list[DayLoad]] = {}
    for d in days:
        groups.setdefault((d.item_id, d.holder_id), []).append(d)
    items, by_id = [], {}
    for k, ((_item_id, holder), group) in enumerate(sorted(groups.items())):
        dates = {d.on_date for d in group}
        blocked = frozenset(
            m.id for m in members if m.id != holder and dates & set(away.get(m.id, ()))
        )
        first = group[0]
        items.append(
            balance.Item(
                id=k,
                title=first.title,
                load=sum(d.minutes for d in group),
                owner_id=holder,
                pinned=first.pinned or holder != member_id,
                allowed=first.allowed,
                blocked=blocked,
            )
        )
        by_id[k] = group
    index_vetoes = {
        (k, to)
        for k, group in by_id.items()
        for (item_id, to) in vetoes
        if group[0].item_id == item_id
    }
    proposal = balance.propose(members, items, index_vetoes)
    return [
        DayMove(d.id, d.item_id, d.title, d.on_date, move.to_id, move.reason)
        for move in proposal.moves
        for d in by_id[move.item_id]
    ]
