"""The words: why each item moves, and what to say when nothing (or not everything) can.

Reasons speak of room and of how someone is this week, never of debts or scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from planner.domain.balance.model import Item, MemberLoad
from planner.domain.vocabulary import CheckInState
from planner.i18n import _, _n


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
    took = _takes(taker, item)
    if start is None:
        return str(
            _("No one in the household holds %(title)s now; %(took)s", title=item.title, took=took)
        )
    giver = members[start]
    asked = asked_words(item, giver.id)
    if asked:
        if has_room_for(taker, giver):
            return str(
                _(
                    "%(giver)s asked: “%(asked)s”. %(taker)s has room this week; %(took)s",
                    giver=giver.name,
                    asked=asked,
                    taker=taker.name,
                    took=took,
                )
            )
        return str(
            _("%(giver)s asked: “%(asked)s”. %(took)s", giver=giver.name, asked=asked, took=took)
        )
    if start not in handover.options:
        clash = clash_words(item, giver.id)
        if clash:
            return str(_("%(clash)s; %(took)s", clash=clash, took=took))
        return str(
            _(
                "%(title)s can't stay with %(name)s this week; %(took)s",
                title=item.title,
                name=giver.name,
                took=took,
            )
        )
    if taker.capacity <= giver.capacity:
        return _toward_less_room(handover, members, handovers, took)
    if giver.state == CheckInState.BLOWN:
        return str(_("%(name)s is blown this week; %(took)s", name=giver.name, took=took))
    if giver.state != CheckInState.OKAY:
        return str(_("%(name)s is in the reeds this week; %(took)s", name=giver.name, took=took))
    return str(
        _(
            "%(taker)s has more room this week (capacity %(more)s vs %(less)s); %(took)s",
            taker=taker.name,
            more=taker.capacity,
            less=giver.capacity,
            took=took,
        )
    )


def _takes(taker: MemberLoad, item: Item) -> str:
    return str(
        _(
            "%(name)s takes %(title)s (%(minutes)s min).",
            name=taker.name,
            title=item.title,
            minutes=item.load,
        )
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


def _toward_less_room(
    handover: Handover, members: Sequence[MemberLoad], handovers: Sequence[Handover], took: str
) -> str:
    """The member with no more room gains an item: as half of a swap, or to even the week
    out. Said gently, with a nudge to veto when they are not okay."""
    item, taker = handover.item, members[handover.to]
    blown = taker.state == CheckInState.BLOWN
    # What the taker gives in return: preferably to this item's giver, then the biggest.
    given_back = max(
        (h for h in handovers if h.start == handover.to),
        key=lambda h: (h.to == handover.start, h.item.load),
        default=None,
    )
    if given_back is None:
        if blown:
            return str(
                _(
                    "%(name)s is blown, yet this evens the week out; %(took)s",
                    name=taker.name,
                    took=took,
                )
            )
        if taker.state != CheckInState.OKAY:
            return str(
                _(
                    "%(name)s is in the reeds, yet this evens the week out; %(took)s",
                    name=taker.name,
                    took=took,
                )
            )
        return str(
            _("This brings each of you closer to what you can carry this week; %(took)s", took=took)
        )
    words = {
        "taker": taker.name,
        "title": item.title,
        "minutes": item.load,
        "other": members[given_back.to].name,
        "given": given_back.item.title,
        "given_minutes": given_back.item.load,
    }
    if given_back.item.load > item.load:
        swap = _(
            "Part of a swap that evens the week out: %(taker)s takes %(title)s (%(minutes)s "
            "min) while %(other)s takes the bigger %(given)s (%(given_minutes)s min)",
            **words,
        )
    else:
        swap = _(
            "Part of a swap that evens the week out: %(taker)s takes %(title)s (%(minutes)s "
            "min) while %(other)s takes %(given)s (%(given_minutes)s min)",
            **words,
        )
    if taker.state == CheckInState.OKAY:
        return f"{swap}."
    received = sum(h.item.load for h in handovers if h.to == handover.to)
    given = sum(h.item.load for h in handovers if h.start == handover.to)
    if received < given:
        if blown:
            return str(
                _(
                    "%(swap)s, so %(name)s, blown this week, ends up with less.",
                    swap=swap,
                    name=taker.name,
                )
            )
        return str(
            _(
                "%(swap)s, so %(name)s, in the reeds this week, ends up with less.",
                swap=swap,
                name=taker.name,
            )
        )
    if blown:
        return str(
            _(
                "%(swap)s. %(name)s is blown this week: veto it if it's too much.",
                swap=swap,
                name=taker.name,
            )
        )
    return str(
        _(
            "%(swap)s. %(name)s is in the reeds this week: veto it if it's too much.",
            swap=swap,
            name=taker.name,
        )
    )


def _stays_despite_clash(item: Item, owner: MemberLoad, vetoed: set[tuple[int, int]]) -> str:
    why = clash_words(item, owner.id)
    words = {"title": item.title, "name": owner.name, "why": why}
    if any(v[0] == item.id for v in vetoed):
        return str(_("%(title)s stays with %(name)s as you chose, though %(why)s.", **words))
    return str(_("%(title)s stays with %(name)s: no one else is free then (%(why)s).", **words))


def _stays_despite_ask(
    item: Item, owner: MemberLoad, vetoed: set[tuple[int, int]], others: bool
) -> str:
    """Why an item its owner asked someone to take stays with them."""
    words = {"name": owner.name, "title": item.title}
    if item.flex.together:
        return str(
            _(
                "%(name)s asked for help with %(title)s; it is time together, so it stays as it is",
                **words,
            )
        )
    if item.pinned:
        return str(
            _("%(name)s asked for help with %(title)s; it is pinned, so it stays as it is", **words)
        )
    if any(v[0] == item.id for v in vetoed):
        return str(
            _(
                "%(name)s asked for help with %(title)s; it stays with %(name)s as you chose",
                **words,
            )
        )
    if not others:
        return str(
            _(
                "%(name)s asked for help with %(title)s, but no one else can take it this "
                "week; the kindness plan may help",
                **words,
            )
        )
    return str(
        _(
            "%(name)s asked for help with %(title)s, but no one has more room this week; the "
            "kindness plan may help",
            **words,
        )
    )


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
    parts = (
        [str(_("No one in the household can take: %(titles)s.", titles=", ".join(stuck)))]
        if stuck
        else []
    )
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
        return str(_("The week already fits your capacities closely; no moves needed."))
    if not items:
        return str(_("Nothing to balance this week."))
    pinned = sum(1 for i in items if i.pinned)
    vetoes = sum(1 for i in items if not i.pinned and any(v[0] == i.id for v in vetoed))
    stuck = len(items) - pinned - vetoes
    counts = [
        _n("%(num)d pinned", "%(num)d pinned", pinned) if pinned else "",
        _n("%(num)d vetoed", "%(num)d vetoed", vetoes) if vetoes else "",
        _n("%(num)d can't go to anyone else", "%(num)d can't go to anyone else", stuck)
        if stuck
        else "",
    ]
    return str(_("Nothing can move: %(counts)s", counts=", ".join(c for c in counts if c)))
