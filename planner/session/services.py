"""The session's plan, who is acting, check-ins and agreement.

Which week is planned: the current week (in the household's zone and week start) while
it is not yet agreed and at least three of its days are still ahead, so a first session
mid-week plans the days left; otherwise the next week. A household that meets on Sunday
evening for a Monday week therefore always plans the coming week.

Writes only flush: the request commits. The plan's and household's versions follow by
themselves (planner.models.changes), so open session pages and feeds see every write.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner import events
from planner.auth import services as auth_services
from planner.database import claim
from planner.domain.refusal import Conflict, Refused, Throttled, fingerprint
from planner.domain.vocabulary import CheckInState, PlanState
from planner.extensions import db
from planner.i18n import _
from planner.midweek import services as midweek
from planner.models import (
    CheckIn,
    Household,
    Member,
    PlanItem,
    Responsibility,
    WeekPlan,
    utcnow,
)
from planner.week import services as week_services

MIN_DAYS_LEFT = 3
MAX_TEXT = 500


NOT_YOURS = 403  # acting for another member without their password


def session_week_start(household: Household, today: date | None = None) -> date:
    today = today or household.today()
    current = week_services.week_start_for_household(household, today)
    status = db.session.scalar(
        select(WeekPlan.status).where(WeekPlan.of_week(household.id, current))
    )
    days_left = 7 - (today - current).days
    if status != PlanState.AGREED and days_left >= MIN_DAYS_LEFT:
        return current
    return current + timedelta(days=7)


def find_session_plan(household: Household) -> WeekPlan | None:
    return db.session.scalar(
        select(WeekPlan).where(WeekPlan.of_week(household.id, session_week_start(household)))
    )


def start_session(household: Household) -> WeekPlan:
    """The draft for the week being planned, made from the inventory if new."""
    plan = week_services.get_or_create_week_plan(household, session_week_start(household))
    week_services.refresh_draft(plan)
    return plan


def is_first_session(plan: WeekPlan) -> bool:
    """No earlier week was ever planned: there is no "last week" to ask about."""
    earlier = select(WeekPlan.id).where(
        WeekPlan.household_id == plan.household_id, WeekPlan.week_start < plan.week_start
    )
    return db.session.scalar(earlier.limit(1)) is None


def load_plan(plan: WeekPlan) -> WeekPlan:
    """The plan with everything the session pages show, in a fixed number of queries."""
    return db.session.scalars(
        select(WeekPlan)
        .where(WeekPlan.id == plan.id)
        .options(
            selectinload(WeekPlan.checkins),
            selectinload(WeekPlan.items).options(
                selectinload(PlanItem.occurrences),
                selectinload(PlanItem.responsibility).options(
                    selectinload(Responsibility.allowed_members),
                    selectinload(Responsibility.area),
                ),
            ),
        )
        .execution_options(populate_existing=True)
    ).one()


def load_checkins(plan: WeekPlan) -> WeekPlan:
    """The plan with its check-ins only: what a step that shows no items reads."""
    return db.session.scalars(
        select(WeekPlan)
        .where(WeekPlan.id == plan.id)
        .options(selectinload(WeekPlan.checkins))
        .execution_options(populate_existing=True)
    ).one()


def members_of(plan: WeekPlan) -> list[Member]:
    household = plan.household
    return list(household.members)


def checkins_by_member(plan: WeekPlan) -> dict[int, CheckIn]:
    return {c.member_id: c for c in plan.checkins}


def capacity_of(checkin: CheckIn | None) -> tuple[CheckInState, int]:
    """(state, capacity) for balancing; no check-in yet counts as okay at 100."""
    if checkin is None or checkin.state is None:
        return CheckInState.OKAY, CheckInState.OKAY.default_capacity
    capacity = checkin.capacity
    return checkin.state, checkin.state.default_capacity if capacity is None else capacity


def acting_member(
    by: Member, member_id: int | None, password: str | None, confirmed: bool = False
) -> Member:
    """The member a write is for: oneself, or a partner on the same screen who has entered
    their own password now or earlier in this session (`confirmed`, see
    planner.session.shared_screen). Anyone else is refused."""
    if member_id is None or member_id == by.id:
        return by
    partner = next((m for m in by.household.members if m.id == member_id), None)
    if partner is None:
        raise Refused(_("Pick a member of your household."), "member_id", NOT_YOURS)
    if confirmed and not password:
        return partner
    if not password:
        raise Refused(
            _(
                "Only %(name)s can do this. On a shared screen, %(name)s enters their own "
                "password.",
                name=partner.display_name,
            ),
            "password",
            NOT_YOURS,
        )
    try:
        # The sign-in throttle guards this password check too, per partner and per screen.
        auth_services.authenticate(partner.email, password, f"session:{by.id}")
    except Throttled as throttled:
        raise Throttled(throttled.message, "password") from None
    except Refused:
        raise Refused(
            _("That is not %(name)s's password.", name=partner.display_name),
            "password",
            NOT_YOURS,
        ) from None
    return partner


def claim_draft(plan: WeekPlan) -> None:
    """Take the draft for this write (planner.database.claim) and read it afresh, so a
    partner's save made a moment ago is seen, never overwritten or made twice."""
    claim(db.session, plan)
    load_plan(plan)
    if plan.status == PlanState.AGREED:
        raise Refused(_("This week is already agreed; changes now go through This week."))


def checkin_fingerprint(checkin: CheckIn | None) -> str:
    if checkin is None:
        return fingerprint(None, None, "", None)
    return fingerprint(checkin.state, checkin.capacity, checkin.what_would_help, checkin.fairness)


def appreciation_fingerprint(checkin: CheckIn | None) -> str:
    return fingerprint(checkin.appreciation if checkin else "")


def save_appreciation(
    plan: WeekPlan, by: Member, text: str, base: str | None = None, **acting
) -> CheckIn:
    member = acting_member(
        by, acting.get("member_id"), acting.get("password"), acting.get("confirmed", False)
    )
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise Refused(_("Keep it under %(num)d characters.", num=MAX_TEXT), "appreciation")
    claim_draft(plan)
    checkin = checkins_by_member(plan).get(member.id)
    now = checkin.appreciation if checkin else ""
    if base and base != appreciation_fingerprint(checkin) and now != text:
        raise Conflict(
            _(
                "%(name)s's note was changed on another screen while you were writing.",
                name=member.display_name,
            ),
            now or _("(empty)"),
        )
    checkin = week_services.checkin_for(plan, member)
    checkin.appreciation = text
    db.session.flush()
    return checkin


def save_checkin(
    plan: WeekPlan,
    by: Member,
    *,
    state: str,
    capacity: int | None,
    what_would_help: str,
    fairness: int | None,
    base: str | None = None,
    member_id: int | None = None,
    password: str | None = None,
    confirmed: bool = False,
) -> CheckIn:
    """Each member sets only their own check-in (or a partner with their own password)."""
    member = acting_member(by, member_id, password, confirmed)
    claim_draft(plan)
    if state not in set(CheckInState):
        raise Refused(_("Pick okay, in the reeds or blown."), "state")
    state = CheckInState(state)
    if capacity is not None and not 0 <= capacity <= 100:
        raise Refused(_("Capacity is between 0 and 100."), "capacity")
    if fairness is not None and not 1 <= fairness <= 5:
        raise Refused(_("Pick 1 to 5."), "fairness")
    what_would_help = (what_would_help or "").strip()
    if len(what_would_help) > MAX_TEXT:
        raise Refused(_("Keep it under %(num)d characters.", num=MAX_TEXT), "what_would_help")
    current = checkins_by_member(plan).get(member.id)
    if base and base != checkin_fingerprint(current):
        raise Conflict(
            _(
                "%(name)s's check-in was changed on another screen while you were editing.",
                name=member.display_name,
            ),
            describe_checkin(current),
        )
    checkin = week_services.checkin_for(plan, member)
    checkin.state = state
    checkin.capacity = state.default_capacity if capacity is None else capacity
    checkin.what_would_help = what_would_help
    # A first session has no last week to ask about: nothing to record.
    checkin.fairness = None if is_first_session(plan) else fairness
    db.session.flush()
    return checkin


def describe_checkin(checkin: CheckIn | None) -> str:
    if checkin is None or checkin.state is None:
        return _("not checked in yet")
    parts = [
        _("%(state)s, capacity %(capacity)s", state=checkin.state.label, capacity=checkin.capacity)
    ]
    if checkin.fairness:
        parts.append(_("last week felt %(num)s of 5 fair", num=checkin.fairness))
    if checkin.what_would_help:
        parts.append(_("what would help: %(words)s", words=checkin.what_would_help))
    return "; ".join(parts)


def plan_fingerprint(plan: WeekPlan) -> str:
    """What members agree to: every item's owner and kindness choice."""
    return fingerprint(*((i.id, i.owner_id, i.kindness) for i in plan.items))


def agree(
    plan: WeekPlan,
    by: Member,
    base: str | None,
    member_id: int | None = None,
    password: str | None = None,
    confirmed: bool = False,
) -> bool:
    """Record one member's agreement; True when this made the plan agreed."""
    member = acting_member(by, member_id, password, confirmed)
    claim_draft(plan)
    if base != plan_fingerprint(plan):
        raise Conflict(
            _("The plan changed since this page was opened. Look at it again, then agree."),
            _("the updated plan below"),
        )
    week_services.checkin_for(plan, member).agreed_at = utcnow()
    members = members_of(plan)
    agreed = {c.member_id for c in plan.checkins if c.agreed_at}
    done = all(m.id in agreed for m in members)
    if done:
        plan.status, plan.agreed_at = PlanState.AGREED, utcnow()
        # A day its holder is away goes to a partner who is there.
        midweek.cover_away(plan)
    db.session.flush()
    if done:
        # Its summary email is queued in this same transaction: both are saved, or neither.
        household = plan.household
        events.plan_agreed.send(household, week_plan=plan)
    return done


def add_one_off(plan: WeekPlan, by: Member, **item) -> PlanItem:
    """Something that happens once this week; the plan changed, so agree again."""
    claim_draft(plan)
    return week_services.add_one_off(plan, by, **item)  # clears the draft's agreements
