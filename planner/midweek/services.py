"""When life changes mid-week: checking in again, away days, and re-sharing what is left.

A mid-week check-in (or new away days) proposes moving days still to come off the
member's plate (planner.domain.reshare). The proposal is a set of "Can you take it?"
asks to the partner, who says yes or no to each, as in the session; nothing moves
before that. Away days are also set in the session, where agreeing the week gives a
partner the away member's days (cover_away).

Writes only flush: the request commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from planner import events
from planner.database import utcnow
from planner.domain import balance
from planner.domain.refusal import Refused
from planner.domain.reshare import DayLoad, DayMove, reshare
from planner.domain.vocabulary import CheckInState, OccurrenceState, PlanState, ReminderKind
from planner.domain.week import reachable_dates
from planner.extensions import db
from planner.i18n import _, _n, current_language, in_language, moment
from planner.models import AwayTime, CheckIn, Household, Member, WeekPlan
from planner.week.handovers import Notice
from planner.week.services import (
    checkin_for,
    claim_plan,
    find_week_plan,
    history,
    is_together,
    week_start_for_household,
)

MAX_HELP = 500
MAX_AWAY_DAYS = 60


def away_times(household: Household, first: date, last: date) -> list[AwayTime]:
    return list(
        db.session.scalars(
            select(AwayTime)
            .where(
                AwayTime.household_id == household.id,
                AwayTime.last_day >= first,
                AwayTime.first_day <= last,
            )
            .order_by(AwayTime.first_day, AwayTime.id)
        )
    )


def away_days(household: Household, first: date, last: date) -> dict[int, set[date]]:
    """{member id: the days between first and last they are away}."""
    found: dict[int, set[date]] = {}
    for away in away_times(household, first, last):
        day = max(away.first_day, first)
        while day <= min(away.last_day, last):
            found.setdefault(away.member_id, set()).add(day)
            day += timedelta(days=1)
    return found


def add_away(member: Member, first: date, last: date, note: str = "") -> AwayTime:
    household = member.household
    today = household.today()
    low, high = reachable_dates(today)
    if not low <= first <= high or not low <= last <= high:
        raise Refused(_("Pick days within the next year."), "first_day")
    if last < first:
        raise Refused(_("The last day comes on or after the first."), "last_day")
    if last < today:
        raise Refused(_("Those days have passed."), "last_day")
    if (last - first).days + 1 > MAX_AWAY_DAYS:
        raise Refused(_("Up to %(most)s days at a time.", most=MAX_AWAY_DAYS), "last_day")
    note = " ".join((note or "").split())
    if len(note) > 120:
        raise Refused(_("Keep the note under 120 characters."), "note")
    same = db.session.scalar(
        select(AwayTime).where(
            AwayTime.member_id == member.id, AwayTime.first_day == first, AwayTime.last_day == last
        )
    )
    if same is not None:
        return same  # a double submit
    away = AwayTime(
        household_id=household.id, member_id=member.id, first_day=first, last_day=last, note=note
    )
    db.session.add(away)
    db.session.flush()
    return away


def go_away(
    member: Member, first: date, last: date, note: str = ""
) -> tuple[AwayTime, list[DayMove]]:
    """Away days noted; during an agreed week the partner is asked to take those days."""
    away = add_away(member, first, last, note)
    household = member.household
    plan = find_week_plan(household, week_start_for_household(household))
    moves = reshare_for_away(plan, member, household.today()) if plan else []
    return away, moves


def remove_away(away: AwayTime, member: Member) -> None:
    if away.member_id != member.id:
        raise Refused(_("Only the member who is away can change their away days."), status=403)
    db.session.delete(away)
    db.session.flush()


def away_words(first: date, last: date) -> str:
    """ "Tue–Thu", "Friday", "Tue 2 Dec–Mon 8 Dec", in the current language."""
    if first == last:
        return moment(first, "weekday")
    style = "weekday_short" if (last - first).days < 7 else "day"
    return _("%(first)s–%(last)s", first=moment(first, style), last=moment(last, style))


def check_in(
    plan: WeekPlan, member: Member, state: str, what_would_help: str, today: date
) -> list[DayMove]:
    """Check in again during an agreed week; a harder week proposes a re-share (returned)."""
    if state not in set(CheckInState):
        raise Refused(_("Pick okay, in the reeds or blown."), "state")
    what_would_help = (what_would_help or "").strip()
    if len(what_would_help) > MAX_HELP:
        raise Refused(_("Keep it under %(most)s characters.", most=MAX_HELP), "what_would_help")
    claim_plan(plan)
    if plan.status != PlanState.AGREED:
        raise Refused(_("Check in together in the session first; this is for later in the week."))
    checkin = checkin_for(plan, member)
    checkin.midweek_state = CheckInState(state)
    checkin.midweek_help = what_would_help
    checkin.midweek_at = utcnow()
    state_now = CheckInState(state)
    name = member.display_name
    history(
        plan,
        member,
        _("%(name)s checked in again: %(state)s.", name=name, state=str(state_now.label)),
    )
    moves = propose_reshare(plan, member, today)
    _ask_for(plan, member, moves, today)

    def words() -> tuple[str, list[str]]:
        """What the partner reads, in their language (called in it)."""
        state = str(state_now.label)
        lines = [_("%(name)s checked in again: %(state)s.", name=name, state=state)]
        if what_would_help:
            lines.append(_("What would help: “%(words)s”", words=what_would_help))
        if moves:
            lines.append(
                _n(
                    "Planner suggests you take %(num)d of their days this week. "
                    "Say yes or no to each on your Today page.",
                    "Planner suggests you take %(num)d of their days this week. "
                    "Say yes or no to each on your Today page.",
                    len(moves),
                )
            )
        return _("%(name)s checked in: %(state)s", name=name, state=state), lines

    if state_now != CheckInState.OKAY or moves:
        _tell_partners(plan, member, words)
    return moves


def reshare_for_away(plan: WeekPlan, member: Member, today: date) -> list[DayMove]:
    """New away days during an agreed week: ask the partner to take those days."""
    claim_plan(plan)
    if plan.status != PlanState.AGREED:
        return []
    moves = [m for m in propose_reshare(plan, member, today) if m.away]
    _ask_for(plan, member, moves, today)
    name = member.display_name
    away_on = sorted({m.on_date for m in moves})

    def words() -> tuple[str, list[str]]:
        """What the partner reads, in their language (called in it)."""
        days = ", ".join(moment(d, "weekday") for d in away_on)
        subject = _n(
            "%(name)s is away: can you take %(num)d day?",
            "%(name)s is away: can you take %(num)d days?",
            len(moves),
            name=name,
        )
        lines = [
            _("%(name)s will be away on %(days)s.", name=name, days=days),
            _("Say yes or no to each day on your Today page."),
        ]
        return subject, lines

    if moves:
        _tell_partners(plan, member, words)
    return moves


def member_loads(plan: WeekPlan) -> list[balance.MemberLoad]:
    """Each member's capacity as it is now: the mid-week check-in, else the session's."""
    found = []
    for m in plan.household.members:
        c = next((c for c in plan.checkins if c.member_id == m.id), None)
        state = (c.midweek_state or c.state) if c else None
        state = state or CheckInState.OKAY
        capacity = state.default_capacity
        if c is not None and c.midweek_state is None and c.capacity is not None:
            capacity = c.capacity
        found.append(balance.MemberLoad(m.id, m.display_name, capacity, state))
    return found


def propose_reshare(plan: WeekPlan, member: Member, today: date) -> list[DayMove]:
    days = []
    for item in plan.items:
        per_day = item.effort_minutes
        r = item.responsibility
        allowed = frozenset(m.id for m in r.allowed_members) if r and r.allowed_members else None
        for o in item.occurrences:
            holder = o.holder_id
            if o.on_date < today or o.state != OccurrenceState.OPEN or holder is None:
                continue
            if o.asked_to_id is not None:
                continue  # already asked; waiting for an answer
            fixed = item.pinned or is_together(item)
            days.append(
                DayLoad(o.id, item.id, item.title, o.on_date, holder, per_day, allowed, fixed)
            )
    week_end = plan.week_start + timedelta(days=6)
    away = away_days(plan.household, today, week_end)
    return reshare(member.id, member_loads(plan), days, away)


def _ask_for(plan: WeekPlan, member: Member, moves: list[DayMove], today: date) -> None:
    occurrences = {o.id: o for item in plan.items for o in item.occurrences}
    reasons = _reasons_for_partners(plan, member, today, moves)
    now = utcnow()
    for move in moves:
        o = occurrences[move.day_id]
        o.asked_to_id, o.asked_by_id, o.asked_at = move.to_id, member.id, now
        o.ask_reason = reasons.get((move.day_id, move.to_id), move.reason)[:300]
    if moves:
        items = sorted({m.title for m in moves})
        history(
            plan,
            member,
            _("Planner suggested re-sharing %(items)s.", items=", ".join(items)),
        )


def _reasons_for_partners(
    plan: WeekPlan, member: Member, today: date, moves: list[DayMove]
) -> dict[tuple[int, int], str]:
    """Each move's reason in the language of the partner it asks, who reads it beside the
    ask on their Today page: {(day id, partner id): reason}. The proposal is worked out
    again in each other language (before any day is asked, so it is the same proposal)."""
    languages = {m.id: m.language for m in plan.household.members}
    reasons: dict[tuple[int, int], str] = {}
    for language in {languages.get(move.to_id) for move in moves} - {current_language()}:
        with in_language(language):
            said = {(m.day_id, m.to_id): m.reason for m in propose_reshare(plan, member, today)}
        reasons.update({key: why for key, why in said.items() if languages.get(key[1]) == language})
    return reasons


def _tell_partners(
    plan: WeekPlan, member: Member, words: Callable[[], tuple[str, list[str]]]
) -> None:
    """Each partner told in their own language: `words` gives (subject, lines) in the
    language it is called in."""
    stamp = int(utcnow().timestamp()) // 60
    for partner in plan.household.members:
        if partner.id != member.id:
            key = f"midweek:{plan.id}:{member.id}:{stamp}"
            with in_language(partner.language):
                subject, lines = words()
                notice = Notice(partner, key, subject, tuple(lines), kind=ReminderKind.MIDWEEK)
                events.partner_notice.send(plan.household, notice=notice)


def cover_away(plan: WeekPlan) -> int:
    """At agreement: a day its holder is away goes to a partner who is there. Days covered."""
    first, last = plan.week_start, plan.week_start + timedelta(days=6)
    away = away_days(plan.household, first, last)
    if not away:
        return 0
    covered = 0
    members = list(plan.household.members)
    for item in plan.items:
        if is_together(item) or item.pinned:
            continue
        for o in item.occurrences:
            holder = o.holder_id
            if holder is None or o.on_date not in away.get(holder, ()):
                continue
            there = next(
                (m for m in members if m.id != holder and o.on_date not in away.get(m.id, ())),
                None,
            )
            if there is not None:
                o.taken_by_id = None if item.owner_id == there.id else there.id
                o.taken_at = utcnow()
                covered += 1
    db.session.flush()
    return covered


def describe(checkin: CheckIn | None) -> tuple[CheckInState | None, str, bool]:
    """(state now, what would help now, whether it was said mid-week)."""
    if checkin is None:
        return None, "", False
    if checkin.midweek_state is not None:
        return checkin.midweek_state, checkin.midweek_help, True
    return checkin.state, checkin.what_would_help, False
