"""Today: the home page once a plan exists, and the guide for a new household before it.

Read only, in a fixed number of queries whatever the household's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from planner.domain.vocabulary import CheckInState, PlanState
from planner.extensions import db
from planner.i18n import _
from planner.midweek import services as midweek
from planner.models import (
    AwayTime,
    Household,
    Member,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    SelfCareSlot,
    WeekPlan,
)
from planner.selfcare.services import week_slots
from planner.week import calendar, handovers
from planner.week.services import week_start_for_household

AWAY_AHEAD = 14  # days of away time shown ahead
# Today shows what a glance takes in; the rest of the day is on the week page, one tap away.
MINE_SHOWN = 12
THEIRS_SHOWN = 6


@dataclass(frozen=True)
class Step:
    title: str
    words: str
    endpoint: str
    anchor: str
    done: bool


@dataclass(frozen=True)
class Partner:
    member: Member
    state: CheckInState | None
    help: str
    midweek: bool


@dataclass
class TodayView:
    today: date
    plan: WeekPlan | None
    day: calendar.Day | None
    agreed: bool
    partners: list[Partner]
    my_state: CheckInState | None
    waiting_for_me: list[handovers.Ask]
    my_asks: list[handovers.Ask]
    taken_from_me: list
    away: list[AwayTime]
    members: dict[int, Member]
    guide: list[Step] = field(default_factory=list)

    @property
    def mine(self) -> list[calendar.Entry]:
        """Mine to do first, then what is done (to undo a slip), up to MINE_SHOWN."""
        entries = self.day.mine if self.day else []
        return sorted(entries, key=lambda e: not e.open)[:MINE_SHOWN]

    @property
    def theirs(self) -> list[calendar.Entry]:
        """The partners' open things today, the ones that can be taken off a plate (what
        they took off mine is under "Between you", with "I've got it after all")."""
        return self.all_theirs[:THEIRS_SHOWN]

    @property
    def more_mine(self) -> int:
        return len(self.day.mine) - len(self.mine) if self.day else 0

    @property
    def more_theirs(self) -> int:
        return len(self.all_theirs) - len(self.theirs)

    @property
    def all_theirs(self) -> list[calendar.Entry]:
        """Every open thing of the partners' today (the page shows the first few)."""
        taken = {o.id for o in self.taken_from_me}
        others = self.day.others if self.day else []
        return [e for e in others if e.open and e.occurrence.id not in taken]

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.guide if not s.done), None)


def build(household: Household, member: Member) -> TodayView:
    today = household.today()
    week_start = week_start_for_household(household)
    plan = db.session.scalar(
        select(WeekPlan)
        .where(WeekPlan.of_week(household.id, week_start))
        .options(selectinload(WeekPlan.checkins))
    )
    agreed = plan is not None and plan.status == PlanState.AGREED
    day = None
    shared: list[PlanOccurrence] = []  # days change hands in agreed weeks only
    if plan is not None:
        found = _occurrences(plan, today)
        day = calendar.one_day(
            today,
            [o for o in found if o.on_date == today],
            household,
            member,
            today,
            slots=week_slots(household, week_start),
        )
        shared = found if agreed else []
    checkins = {c.member_id: c for c in plan.checkins} if plan else {}
    partners = []
    for m in household.members:
        if m.id != member.id:
            state, help_words, said_midweek = midweek.describe(checkins.get(m.id))
            partners.append(Partner(m, state, help_words, said_midweek))
    mine = midweek.describe(checkins.get(member.id))[0]
    return TodayView(
        today=today,
        plan=plan,
        day=day,
        agreed=agreed,
        partners=partners,
        my_state=mine,
        waiting_for_me=handovers.waiting_for(shared, member.id, today),
        my_asks=handovers.asked_by(shared, member.id, today),
        taken_from_me=handovers.taken_from(shared, member.id, today),
        away=midweek.away_times(household, today, today + timedelta(days=AWAY_AHEAD)),
        members={m.id: m for m in household.members},
        guide=[] if agreed or _ever_agreed(household) else guide(household, member),
    )


def _occurrences(plan: WeekPlan, today: date) -> list[PlanOccurrence]:
    """Today's occurrences, and every day from today on that was taken or asked for (days
    change hands in agreed weeks only), each with its item and responsibility: one query,
    however long the week's list."""
    handed = PlanOccurrence.taken_by_id.is_not(None) | PlanOccurrence.asked_to_id.is_not(None)
    return list(
        db.session.scalars(
            select(PlanOccurrence)
            .join(PlanOccurrence.item)
            .where(
                PlanItem.week_plan_id == plan.id,
                (PlanOccurrence.on_date == today) | ((PlanOccurrence.on_date > today) & handed),
            )
            .options(contains_eager(PlanOccurrence.item).joinedload(PlanItem.responsibility))
            .order_by(PlanOccurrence.on_date, PlanOccurrence.id)
        )
    )


def _ever_agreed(household: Household) -> bool:
    found = db.session.scalar(
        select(WeekPlan.id)
        .where(WeekPlan.household_id == household.id, WeekPlan.status == PlanState.AGREED)
        .limit(1)
    )
    return found is not None


def guide(household: Household, member: Member) -> list[Step]:
    """The first steps for a new household, in order, each marked done once it is."""
    listed = db.session.scalar(
        select(func.count(Responsibility.id)).where(
            Responsibility.household_id == household.id, Responsibility.archived_at.is_(None)
        )
    )
    own_time = db.session.scalar(
        select(func.count(SelfCareSlot.id)).where(
            SelfCareSlot.member_id == member.id, SelfCareSlot.archived_at.is_(None)
        )
    )
    return [
        Step(
            _("List what it takes"),
            _("Pick from the starter deck: the things it takes to run your home."),
            "inventory.starter_deck",
            "",
            bool(listed),
        ),
        Step(
            _("Invite your partner"),
            _("The week is shared: each of you gets your own sign-in and calendar."),
            "household.settings",
            "invite",
            len(household.members) > 1,
        ),
        Step(
            _("Protect some time of your own"),
            _("A weekly self-care time; your partner is on duty while you have it."),
            "selfcare.index",
            "",
            bool(own_time),
        ),
        Step(
            _("Sit down together"),
            _("Your first session: check in, share the week, agree it."),
            "session.start",
            "",
            False,
        ),
    ]
