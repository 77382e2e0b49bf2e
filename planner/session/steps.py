"""The eight steps of the weekly session, in order, and the overview page before them.

A step knows what its page needs, so adding one means adding a `Step` here, its view and
its template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.i18n import _l
from planner.models import CheckIn, WeekPlan
from planner.session import forms, services


@dataclass(frozen=True)
class Step:
    key: str  # also the endpoint name; the URL segment spells it with a hyphen
    title: str  # lazy: translated when shown
    prompt: str
    # Parts of the page context, built in this order by pages.step_context: balance,
    # look_back, days, selfcare, bars, kindness, owners (bars, kindness read the balance).
    needs: tuple[str, ...] = ()
    # Where each member saves their own part: the form, and how a fresh one is filled
    # with the current value and the base that guards it.
    form: type[forms.ActingForm] | None = None
    fill: Callable[[forms.ActingForm, CheckIn | None, WeekPlan], None] | None = None

    @property
    def template(self) -> str:
        return f"session/{self.key}.html"


def _fill_appreciation(form, checkin: CheckIn | None, plan: WeekPlan) -> None:
    form.appreciation.data = checkin.appreciation if checkin else ""
    form.base.data = services.appreciation_fingerprint(checkin)


def _fill_checkin(form, checkin: CheckIn | None, plan: WeekPlan) -> None:
    form.base.data = services.checkin_fingerprint(checkin)
    if checkin is None or checkin.state is None:
        return
    form.state.data = checkin.state
    # An unadjusted capacity stays blank so that a new state brings its own default.
    default = checkin.state.default_capacity
    form.capacity.data = None if checkin.capacity == default else checkin.capacity
    form.what_would_help.data = checkin.what_would_help
    form.fairness.data = checkin.fairness


def _fill_agreement(form, checkin: CheckIn | None, plan: WeekPlan) -> None:
    form.base.data = services.plan_fingerprint(plan)


STEPS = (
    Step(
        "appreciate",
        _l("Appreciate"),
        _l("One thing your partner did this week that helped."),
        form=forms.AppreciationForm,
        fill=_fill_appreciation,
    ),
    Step(
        "checkin",
        _l("Check in"),
        _l("How are you, and how much can you carry this week?"),
        form=forms.CheckInForm,
        fill=_fill_checkin,
    ),
    Step("look_back", _l("Look back"), _l("What happened last week."), needs=("look_back",)),
    Step("look_ahead", _l("Look ahead"), _l("The coming week on a calendar."), needs=("days",)),
    Step(
        "rebalance",
        _l("Rebalance"),
        _l("Share the week by who has room."),
        needs=("balance", "bars"),
    ),
    Step(
        "kindness",
        _l("Kindness plan"),
        _l("What can wait, be simpler or get help."),
        needs=("balance", "kindness"),
    ),
    Step(
        "selfcare",
        _l("Protect your time"),
        _l("Time of your own, and time together."),
        needs=("selfcare",),
    ),
    Step(
        "agree",
        _l("Agree"),
        _l("Both of you confirm the week."),
        needs=("balance", "bars", "kindness"),
        form=forms.AgreeForm,
        fill=_fill_agreement,
    ),
)
STEP_KEYS = tuple(s.key for s in STEPS)
# Not a numbered step: its page shows where each step stands and leads to the first.
OVERVIEW = Step("overview", _l("Overview"), _l("Where each step stands."), needs=("balance",))
# Part of the rebalance step: every item's owner, to change by hand, a page at a time.
OWNERS = Step(
    "owners",
    _l("Change an owner by hand"),
    _l("Give an item to whoever should hold it this week; pinned items stay put."),
    needs=("balance", "bars", "owners"),
)
_BY_KEY = {s.key: s for s in (OVERVIEW, OWNERS, *STEPS)}


def step(key: str) -> Step:
    """The step, or the overview, with this key."""
    return _BY_KEY[key]


def steps_for(first_session: bool) -> tuple[Step, ...]:
    """The steps of a session: a first session has no last week to look back on."""
    return tuple(s for s in STEPS if not (first_session and s.key == "look_back"))


def neighbours(key: str, steps: tuple[Step, ...] = STEPS) -> tuple[Step | None, Step | None]:
    """The steps before and after this one; the overview comes before the first."""
    if key == OWNERS.key:
        return step("rebalance"), None
    if key == OVERVIEW.key or key not in (keys := [s.key for s in steps]):
        return None, steps[0]
    i = keys.index(key)
    return (steps[i - 1] if i else None, steps[i + 1] if i + 1 < len(steps) else None)
