"""Rebalance and kindness plan: the plan turned into planner.domain.balance inputs,
the proposal with vetoes, and the writes that change owners or kindness choices."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from planner import page_cache
from planner.domain import balance
from planner.domain.balance.asks import items_named
from planner.domain.refusal import Conflict, Refused, fingerprint
from planner.domain.text import clean_text
from planner.domain.vocabulary import Kindness
from planner.extensions import db
from planner.i18n import _, current_language
from planner.midweek import services as midweek
from planner.models import Member, PlanItem, Veto, WeekPlan
from planner.session.clashes import week_clashes
from planner.session.services import (
    capacity_of,
    checkins_by_member,
    claim_draft,
    load_plan,
    members_of,
)
from planner.week import generation
from planner.week import services as week_services

MAX_NOTE = 300
QUOTE = 90  # characters of "what would help" quoted in a move's reason


@dataclass(frozen=True)
class VetoSaid:
    plan_item_id: int
    to_member_id: int
    member_id: int  # who said no


@dataclass
class Rebalance:
    """Everything the session shows of the proposal; plain values only, so it can be kept
    between requests (planner.page_cache.derived) and shared by steps and members."""

    names: dict[int, str]
    member_loads: list[balance.MemberLoad]
    items: list[balance.Item]
    vetoes: list[VetoSaid]
    proposal: balance.Proposal
    raw_items: list[balance.Item]  # loads before kindness choices
    needs_kindness: bool
    kindness: balance.KindnessPlan
    carrying: int  # minutes the household can carry this week

    def name(self, member_id: int | None) -> str:
        name = self.names.get(member_id or 0)
        return _("no one") if name is None else name

    @property
    def fingerprint(self) -> str:
        return fingerprint(*((m.item_id, m.to_id) for m in self.proposal.moves))

    @property
    def given_back(self) -> int:
        """Minutes the saved kindness choices take off the week."""
        return sum(i.load for i in self.raw_items) - sum(i.load for i in self.items)

    @property
    def still_needed(self) -> int:
        """Minutes still to take off for the week to fit."""
        return max(0, self.kindness.need - self.given_back)

    def vetoed(self, item_id: int, to_id: int) -> bool:
        return any(v.plan_item_id == item_id and v.to_member_id == to_id for v in self.vetoes)


def plan_vetoes(plan: WeekPlan) -> list[Veto]:
    return list(
        db.session.scalars(select(Veto).where(Veto.week_plan_id == plan.id).order_by(Veto.id))
    )


def kept(plan: WeekPlan, loaded: bool = False) -> Rebalance:
    """The proposal for the plan as a page shows it: worked out once per change of
    the household (its version moves with everything the proposal reads) and shared by
    every step and member (`loaded`: the plan's items are loaded already). Writes compare
    against `compute`, never against this.

    The members' session secrets are drawn afresh for every member row, so a household
    that reuses a deleted one's ids never meets its proposal."""
    household = plan.household
    rows = tuple(sorted((m.id, m.session_secret) for m in household.members))
    return page_cache.derived(
        # The proposal's reasons are words: kept per language.
        ("rebalance", plan.id, household.id, rows, household.version, current_language()),
        lambda: compute(plan if loaded else load_plan(plan)),
    )


def compute(plan: WeekPlan) -> Rebalance:
    """The proposal for a loaded plan (planner.session.services.load_plan)."""
    members = members_of(plan)
    checkins = checkins_by_member(plan)
    member_loads = []
    for m in members:
        state, capacity = capacity_of(checkins.get(m.id))
        member_loads.append(balance.MemberLoad(m.id, m.display_name, capacity, state))
    household = plan.household
    clashes = week_clashes(plan, household)
    asked = _asked(plan, checkins)
    items, raw = [], []
    for item in plan.items:
        r = item.responsibility
        allowed = frozenset(m.id for m in r.allowed_members) if r and r.allowed_members else None
        week_item = balance.Item(
            id=item.id,
            title=item.title,
            load=week_services.item_week_load(item),
            owner_id=item.owner_id or 0,
            pinned=item.pinned,
            allowed=allowed,
            blocked=frozenset(clashes.get(item.id, {})),
            clashes=tuple(sorted(clashes.get(item.id, {}).items())),
            asked=asked.get(item.id, ()),
            area=r.area.key if r else "",
            flex=week_services.flexibility(item),
        )
        items.append(week_item)
        # The load before any kindness choice, so the kindness step keeps what was ticked.
        raw_load = week_services.item_usual_load(item)
        effort = raw_load - item.mental_load_minutes
        raw.append(replace(week_item, load=raw_load, effort=effort))
    vetoes = [VetoSaid(v.plan_item_id, v.to_member_id, v.member_id) for v in plan_vetoes(plan)]
    said_no = {(v.plan_item_id, v.to_member_id) for v in vetoes}
    proposal = balance.propose(member_loads, items, said_no | _away_from(plan))
    return Rebalance(
        {m.id: m.display_name for m in members},
        member_loads,
        items,
        vetoes,
        proposal,
        raw,
        balance.needs_kindness_plan(member_loads, raw),
        balance.kindness_plan(member_loads, raw, proposal),
        balance.carrying_capacity(member_loads),
    )


def _away_from(plan: WeekPlan) -> set[tuple[int, int]]:
    """(item id, member id): never propose giving someone an item on a day they are away.
    An owner's own away days go to a partner who is there when the week is agreed
    (planner.midweek.services.cover_away)."""
    last = plan.week_start + timedelta(days=6)
    away = midweek.away_days(plan.household, plan.week_start, last)
    return {
        (item.id, member_id)
        for item in plan.items
        for member_id, days in away.items()
        if member_id != item.owner_id and any(o.on_date in days for o in item.occurrences)
    }


def _asked(plan: WeekPlan, checkins) -> dict[int, tuple[tuple[int, str], ...]]:
    """Items a member's "what would help" names among their own, as (member id, words)."""
    found: dict[int, tuple[tuple[int, str], ...]] = {}
    for member_id, checkin in checkins.items():
        words = " ".join((checkin.what_would_help or "").split())
        if not words:
            continue
        quoted = words if len(words) <= QUOTE else words[: QUOTE - 1].rstrip() + "…"
        mine = {i.id: i.title for i in plan.items if i.owner_id == member_id}
        for item_id in items_named(words, mine):
            found[item_id] = ((member_id, quoted),)
    return found


def _item(plan: WeekPlan, item_id: int | None) -> PlanItem:
    item = next((i for i in plan.items if i.id == item_id), None)
    if item is None:
        raise Refused(_("That item is not in this week's plan."), "item_id")
    return item


def _member(plan: WeekPlan, member_id: int | None) -> Member:
    member = next((m for m in members_of(plan) if m.id == member_id), None)
    if member is None:
        raise Refused(_("Pick a member of your household."), "owner_id")
    return member


def veto(plan: WeekPlan, by: Member, item_id: int, to_member_id: int) -> None:
    """`by` says no to moving the item to that member; the proposal recomputes without it."""
    claim_draft(plan)
    item, to = _item(plan, item_id), _member(plan, to_member_id)
    if not any(v.plan_item_id == item.id and v.to_member_id == to.id for v in plan_vetoes(plan)):
        db.session.add(
            Veto(
                household_id=plan.household_id,
                week_plan_id=plan.id,
                plan_item_id=item.id,
                member_id=by.id,
                to_member_id=to.id,
            )
        )
    db.session.flush()


def unveto(plan: WeekPlan, by: Member, item_id: int, to_member_id: int) -> None:
    claim_draft(plan)
    for v in plan_vetoes(plan):
        if v.plan_item_id == item_id and v.to_member_id == to_member_id:
            db.session.delete(v)
    db.session.flush()


def _set_owner(item: PlanItem, owner_id: int) -> None:
    item.owner_id = owner_id


def accept_moves(plan: WeekPlan, by: Member, base: str | None) -> int:
    """Apply the proposal the member saw; refused if it has changed since."""
    claim_draft(plan)
    plan = load_plan(plan)
    current = compute(plan)
    if base != current.fingerprint:
        raise Conflict(
            _("The proposal changed since you saw it (a check-in, a veto or an owner changed)."),
            _("the moves listed now"),
        )
    for move in current.proposal.moves:
        _set_owner(_item(plan, move.item_id), move.to_id)
    if current.proposal.moves:
        week_services.clear_draft_agreements(plan)
    db.session.flush()
    return len(current.proposal.moves)


def set_owner(plan: WeekPlan, by: Member, item_id: int, owner_id: int, base: int | None) -> None:
    """Change one item's owner by hand; refused if someone else changed it meanwhile."""
    claim_draft(plan)
    item, owner = _item(plan, item_id), _member(plan, owner_id)
    if base is not None and base != (item.owner_id or 0) and item.owner_id != owner.id:
        current = next(
            (m.display_name for m in members_of(plan) if m.id == item.owner_id), _("no one")
        )
        raise Conflict(
            _("%(title)s changed owner while you were choosing.", title=item.title), current
        )
    if item.owner_id == owner.id:
        return
    members = {m.id for m in members_of(plan)}
    if item.pinned or not generation.may_hold(item.responsibility, owner.id, members):
        raise Refused(
            _("%(name)s can't hold %(title)s.", name=owner.display_name, title=item.title),
            "owner_id",
        )
    _set_owner(item, owner.id)
    week_services.clear_draft_agreements(plan)
    db.session.flush()


def allowed_choices(plan: WeekPlan) -> dict[int, set[str]]:
    """Per item, the choices it may be given: what its flexibility offers this week, and
    the choice it already has (so an earlier choice can be kept after the week eases)."""
    allowed: dict[int, set[str]] = {}
    for item in compute(plan).raw_items:
        allowed[item.id] = {o.choice for o in balance.item_options(item)}
    for plan_item in plan.items:
        if plan_item.kindness:
            allowed.setdefault(plan_item.id, set()).add(plan_item.kindness)
    return allowed


def kindness_fingerprint(items: list[PlanItem]) -> str:
    return fingerprint(*((i.id, i.kindness, i.kindness_note) for i in items))


def save_kindness(
    plan: WeekPlan,
    by: Member,
    shown: list[int],
    chosen: dict[int, tuple[str, str]],
    base: str | None,
) -> None:
    """Record what the couple ticked for the items shown: chosen {item id: (choice, note)}."""
    claim_draft(plan)
    plan = load_plan(plan)
    items = [_item(plan, i) for i in dict.fromkeys(shown)]
    allowed = allowed_choices(plan)
    for item_id, (choice, note) in chosen.items():
        if item_id not in shown:
            raise Refused(_("That item is not in the kindness plan."), "kindness")
        if choice not in allowed.get(item_id, ()):
            title = _item(plan, item_id).title
            raise Refused(
                _("%(title)s can't be given that choice; pick one offered for it.", title=title),
                "kindness",
            )
        if len(note) > MAX_NOTE:
            raise Refused(_("Keep notes under %(num)d characters.", num=MAX_NOTE), "kindness")
    if base and base != kindness_fingerprint(items):
        now = "; ".join(
            _(
                "%(title)s: %(choice)s",
                title=i.title,
                choice=Kindness(i.kindness).label if i.kindness else _("as usual"),
            )
            for i in items
        )
        raise Conflict(_("The kindness plan was changed on another screen meanwhile."), now)
    touched = False
    for item in items:
        picked, typed = chosen.get(item.id, ("", ""))
        kindness = Kindness(picked) if picked else None
        note = str(clean_text(typed)) if kindness else ""
        if (item.kindness, item.kindness_note) != (kindness, note):
            item.kindness, item.kindness_note = kindness, note
            touched = True
    if touched:
        week_services.clear_draft_agreements(plan)
    db.session.flush()
