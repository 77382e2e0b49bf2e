"""What each session page shows, gathered in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from planner.domain import balance
from planner.domain.paging import PAGE_SIZE, page_of
from planner.domain.vocabulary import Kindness, PlanState
from planner.i18n import _
from planner.insights import charts
from planner.models import CheckIn, Member, WeekPlan
from planner.selfcare.forms import together_form
from planner.selfcare.services import week_slots
from planner.session import calendar, forms, rebalance, services
from planner.session.steps import step, steps_for
from planner.week.services import kindness_words


@dataclass
class StepProgress:
    key: str
    title: str
    done_by: list[str]  # names of members who have done their part
    summary: str


def progress(
    plan: WeekPlan, members: list[Member], checkins: dict[int, CheckIn], first_session: bool
) -> list:
    def who(test) -> list[str]:
        return [m.display_name for m in members if (c := checkins.get(m.id)) and test(c)]

    summaries = {
        "appreciate": _("optional"),
        "checkin": _(
            "%(done)s of %(all)s checked in", done=len(who(lambda c: c.state)), all=len(members)
        ),
        "agree": _("agreed")
        if plan.status == PlanState.AGREED
        else _(
            "%(done)s of %(all)s agreed", done=len(who(lambda c: c.agreed_at)), all=len(members)
        ),
    }
    done = {
        "appreciate": who(lambda c: c.appreciation),
        "checkin": who(lambda c: c.state),
        "agree": who(lambda c: c.agreed_at),
    }
    return [
        StepProgress(s.key, s.title, done.get(s.key, []), summaries.get(s.key, ""))
        for s in steps_for(first_session)
    ]


def base_context(plan: WeekPlan, items: bool = True) -> dict:
    """`items`: the page shows the week's items (most steps); else only the plan and its
    check-ins are read, and the proposal, if shown, is the one kept for this version."""
    plan = services.load_plan(plan) if items else services.load_checkins(plan)
    household = plan.household
    members = list(household.members)
    checkins = services.checkins_by_member(plan)
    first = services.is_first_session(plan)
    return {
        "plan": plan,
        "household": household,
        "members": members,
        "checkins": checkins,
        "progress": progress(plan, members, checkins, first),
        "first_session": first,
        "agreed": plan.status == PlanState.AGREED,
    }


def step_context(plan: WeekPlan, key: str, keep: bool = False, view: tuple = ()) -> dict:
    """`keep`: a page that only reads may use the proposal kept for this version;
    `view`: what the query string chose (the look-ahead's day, a page of owners)."""
    page = step(key)
    items = not keep or bool(set(page.needs) & ITEM_PARTS) or page.form is forms.AgreeForm
    ctx = base_context(plan, items)
    ctx["keep"], ctx["view"], ctx["items_loaded"] = keep, view, items
    for part in page.needs:
        CONTEXT_PARTS[part](ctx["plan"], ctx)
    return ctx


def _balance(plan: WeekPlan, ctx: dict) -> None:
    if ctx["keep"]:
        ctx["balance"] = rebalance.kept(plan, loaded=ctx["items_loaded"])
    else:
        ctx["balance"] = rebalance.compute(plan)
    ctx["show_kindness"] = ctx["balance"].needs_kindness or any(i.kindness for i in plan.items)


def _look_back(plan: WeekPlan, ctx: dict) -> None:
    ctx["look_back"] = calendar.look_back(ctx["household"], plan)


def _days(plan: WeekPlan, ctx: dict) -> None:
    """The seven days, one of them open (the rest one tap away: a phone shows one day)."""
    ctx["days"] = days = calendar.look_ahead(ctx["household"], plan)
    chosen = ctx["view"][0] if ctx["view"] else plan.week_start
    ctx["day"] = next((d for d in days if d.on == chosen), days[0])


def owners_page_of(plan: WeekPlan, item_id: int | None) -> int:
    """The page of "change an owner" that shows this item (1 when unknown)."""
    ids = [i.id for i in plan.items]
    return ids.index(item_id) // PAGE_SIZE + 1 if item_id in ids else 1


def _owners(plan: WeekPlan, ctx: dict) -> None:
    """One page of items with an owner to choose: a long week is paged, not scrolled."""
    page, pages = page_of(len(plan.items), ctx["view"][0] if ctx["view"] else None)
    start = (page - 1) * PAGE_SIZE
    ctx["owner_items"] = plan.items[start : start + PAGE_SIZE]
    ctx["owner_page"], ctx["owner_pages"] = page, pages


def _selfcare(plan: WeekPlan, ctx: dict) -> None:
    ctx["slots"] = ctx["week_slots"] = week_slots(ctx["household"], plan.week_start)
    ctx["selfcare_flags"] = calendar.selfcare_flags(ctx["household"], plan, ctx["slots"])
    ctx["together_slots"] = [s for s in ctx["slots"] if s.together]
    ctx["together_form"] = together_form()
    ctx["together_action"] = url_for("session.together", plan_id=plan.id)


def _bars(plan: WeekPlan, ctx: dict) -> None:
    ctx["bars"] = load_bars(ctx["balance"], members=ctx["members"])
    ctx["item_titles"] = {i.id: i.title for i in ctx["balance"].raw_items}
    ctx["loads"] = {i.id: i.load for i in ctx["balance"].raw_items}


def _kindness(plan: WeekPlan, ctx: dict) -> None:
    groups = kindness_rows(plan, ctx["balance"])
    ctx["kindness_rows"] = groups
    shown = [row["item"] for rows in groups.values() for row in rows]
    ctx["kindness_base"] = rebalance.kindness_fingerprint(shown)
    ctx["kindness_room"] = room_this_week(ctx["balance"])


def room_this_week(result: rebalance.Rebalance) -> list[dict]:
    """Each member's load this week (after the moves and the choices saved so far)
    against the room they said they have."""
    after = result.proposal.loads_after
    return [
        {
            "member": m,
            "load": after.get(m.id, 0),
            "room": balance.carrying_capacity([m]),
        }
        for m in result.member_loads
    ]


# Parts that read the week's items (the others read the plan, its check-ins, the kept
# proposal or other tables).
ITEM_PARTS = {"days", "selfcare", "kindness", "owners"}

# What a step's `needs` names; each adds its variables to the page context.
CONTEXT_PARTS = {
    "balance": _balance,
    "look_back": _look_back,
    "days": _days,
    "selfcare": _selfcare,
    "bars": _bars,
    "kindness": _kindness,
    "owners": _owners,
}


def load_bars(result: rebalance.Rebalance, members: list[Member]) -> list[dict]:
    p = result.proposal
    capacities = {m.id: m.capacity for m in result.member_loads}
    top = max([*p.loads_before.values(), *p.loads_after.values(), *p.targets.values(), 1])
    return [
        {
            "member": m,
            "before": p.loads_before.get(m.id, 0),
            "after": p.loads_after.get(m.id, 0),
            "target": p.targets.get(m.id, 0.0),
            "capacity": capacities[m.id],
            "svg": charts.load_bar(
                m.display_name,
                m.colour,
                p.loads_before.get(m.id, 0),
                p.loads_after.get(m.id, 0),
                p.targets.get(m.id, 0.0),
                top,
            ),
        }
        for m in members
    ]


def kindness_rows(plan: WeekPlan, result: rebalance.Rebalance) -> dict[str, list[dict]]:
    """The kindness step's rows: a few good suggestions first, more after, and any item
    given a choice earlier that is no longer suggested (so it can be taken back)."""
    items = {i.id: i for i in plan.items}
    groups: dict[str, list[dict]] = {"first": [], "more": [], "earlier": []}
    plan_ = result.kindness
    for group, suggestions in (("first", plan_.first), ("more", plan_.more)):
        for s in suggestions:
            groups[group].append({"item": items[s.item_id], "suggestion": s, "options": s.options})
    shown = {s.item_id for s in plan_.suggestions}
    for item in plan.items:
        if item.kindness and item.id not in shown:
            option = balance.KindnessOption(Kindness(item.kindness), 0, kindness_words(item))
            groups["earlier"].append({"item": item, "suggestion": None, "options": (option,)})
    return groups


def member_forms(key: str, ctx: dict, posted=None, posted_for: int | None = None, stale=False):
    """One form per member: the signed-in member's own, then each partner's (on a shared
    screen a partner saves theirs with their own password). A refused form keeps what
    was typed; after a conflict it is re-based on the current value."""
    page = step(key)
    assert page.form is not None and page.fill is not None  # a step where members save a part
    ordered = sorted(ctx["members"], key=lambda m: m.id != current_user.id)
    found = []
    for member in ordered:
        mine = member.id == current_user.id
        checkin = ctx["checkins"].get(member.id)
        fresh = page.form(formdata=None, prefix="" if mine else f"p{member.id}")
        fresh.member_id.data = member.id
        page.fill(fresh, checkin, ctx["plan"])
        form, opened = fresh, False
        if posted is not None and (posted_for or None) == (None if mine else member.id):
            form, opened = posted, True
            form.member_id.data = member.id
            if stale:
                form.base.data = fresh.base.data
        found.append((member, form, checkin, mine, opened))
    return found
