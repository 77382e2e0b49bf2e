"""Taking something off a partner's plate between sessions, one day at a time.

"I've got it" takes one day (or the rest of the week) of a partner's responsibility at
once; "Can you take it?" asks for the same and waits for a yes or a no. Either way only
that day's occurrence changes hands (`PlanOccurrence.taken_by_id`): the item keeps its
agreed owner, so next week's draft starts from the agreement, and a day that has passed
is never reassigned. The partner is told through planner.events.partner_notice, in the
same transaction as the change.

Writes only flush: the request commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from planner import events
from planner.database import utcnow
from planner.domain.refusal import Refused
from planner.domain.vocabulary import OccurrenceState, PlanState, ReminderKind
from planner.i18n import _, in_language, moment
from planner.models import Member, PlanItem, PlanOccurrence
from planner.week import generation
from planner.week.services import claim_plan, history, is_together

MAX_REASON = 300


@dataclass(frozen=True)
class Notice:
    """What one member is told, in words: an email's subject and lines, a push's text."""

    to: Member
    key: str  # one notice per key: a double submit tells once
    subject: str
    lines: tuple[str, ...]
    # Notices this one makes out of date (a key prefix): withdrawn if still unsent, so
    # no one reads "it stays with them until you say yes" after saying yes.
    supersedes: str = ""
    kind: ReminderKind = ReminderKind.HANDOVER


@dataclass(frozen=True)
class Ask:
    """A "Can you take it?" waiting for one member's answer: one item, one or more days."""

    item: PlanItem
    partner: Member | None  # who asked (waiting for me), or whom I asked
    days: tuple[PlanOccurrence, ...]
    reason: str

    @property
    def first(self) -> PlanOccurrence:
        return self.days[0]

    def when(self, today: date) -> str:
        """The days asked for, in words ("today", "from Thursday to Sunday")."""
        return day_words(self.days, today)


def day_words(days: list[PlanOccurrence] | tuple[PlanOccurrence, ...], today: date) -> str:
    """ "today", "on Thursday", "from Thursday to Sunday" — the days an offer covers, in
    the current language (a notice's words are its recipient's: planner.i18n.in_language)."""
    first, last = days[0].on_date, days[-1].on_date
    if len(days) == 1:
        return _("today") if first == today else _("on %(day)s", day=moment(first, "weekday"))
    if first == today:
        return _("from today to %(last)s", last=moment(last, "weekday"))
    return _(
        "from %(first)s to %(last)s",
        first=moment(first, "weekday"),
        last=moment(last, "weekday"),
    )


def _check_day(occurrence: PlanOccurrence, today: date) -> PlanItem:
    item = occurrence.item
    if item.week_plan.status != PlanState.AGREED:
        raise Refused(_("Agree the week together first; then either of you can take things on."))
    day = moment(occurrence.on_date, "weekday")
    if occurrence.on_date < today:
        raise Refused(_("%(title)s on %(day)s has passed.", title=item.title, day=day))
    if occurrence.state != OccurrenceState.OPEN:
        raise Refused(already(item.title, occurrence))
    if is_together(item):
        raise Refused(together_refusal(item.title))
    return item


def already(title: str, occurrence: PlanOccurrence) -> str:
    """ "Laundry on Tuesday is already done." (or skipped)."""
    day = moment(occurrence.on_date, "weekday")
    if occurrence.state == OccurrenceState.DONE:
        return _("%(title)s on %(day)s is already done.", title=title, day=day)
    return _("%(title)s on %(day)s is already skipped.", title=title, day=day)


def together_refusal(title: str) -> str:
    return _("%(title)s is time together: it belongs to both of you.", title=title)


def pinned_refusal(title: str) -> str:
    return _("%(title)s stays with its owner: it is agreed that way.", title=title)


def not_holder_refusal(title: str) -> str:
    return _("Only whoever does %(title)s can ask someone to take it.", title=title)


def day_refusal(occurrence: PlanOccurrence, today: date) -> str:
    """Why this day can't change hands now ("" when it can): what every offer and ask
    checks first, for a page to say before anyone fills in a form."""
    try:
        _check_day(occurrence, today)
    except Refused as refused:
        return refused.message
    return ""


def _check_holder(item: PlanItem, member: Member) -> None:
    members = {m.id for m in item.household.members}
    if item.pinned or not generation.may_hold(item.responsibility, member.id, members):
        raise Refused(pinned_refusal(item.title))


def days_from(occurrence: PlanOccurrence, today: date, rest_of_week: bool) -> list[PlanOccurrence]:
    """The day, or it and the later open days of the same item that the same member holds."""
    if not rest_of_week:
        return [occurrence]
    holder = occurrence.holder_id
    start = max(occurrence.on_date, today)
    return [
        o
        for o in occurrence.item.occurrences
        if o.on_date >= start and o.state == OccurrenceState.OPEN and o.holder_id == holder
    ]


def _hand(days: list[PlanOccurrence], to_member_id: int) -> None:
    for o in days:
        # Back with its owner: nothing taken any more.
        o.taken_by_id = None if o.item.owner_id == to_member_id else to_member_id
        o.taken_at = utcnow()
        o.asked_to_id = o.asked_by_id = o.asked_at = None
        o.ask_reason = ""


def _member(item: PlanItem, member_id: int | None) -> Member | None:
    return next((m for m in item.household.members if m.id == member_id), None)


def take(
    occurrence: PlanOccurrence, taker: Member, today: date, rest_of_week: bool
) -> list[PlanOccurrence]:
    """ "I've got it": the taker does it from now on; its holder is told. The days taken."""
    claim_plan(occurrence.item.week_plan)
    item = _check_day(occurrence, today)
    holder = _member(item, occurrence.holder_id)
    if holder is None or holder.id == taker.id:
        return []  # already theirs (a double submit, or it has no one to take it from)
    _check_holder(item, taker)
    days = days_from(occurrence, today, rest_of_week)
    _hand(days, taker.id)
    history(
        item.week_plan,
        taker,
        _(
            "%(name)s took %(title)s %(when)s off %(holder)s's plate.",
            name=taker.display_name,
            title=item.title,
            when=day_words(days, today),
            holder=holder.display_name,
        ),
    )
    with in_language(holder.language):
        words = {"name": taker.display_name, "title": item.title, "when": day_words(days, today)}
        _tell(
            Notice(
                holder,
                f"took:{_key(days)}:by{taker.id}",
                _("%(name)s's got %(title)s %(when)s", **words),
                (
                    _(
                        "%(name)s took %(title)s %(when)s off your plate. "
                        "Nothing to do: it's theirs now.",
                        **words,
                    ),
                    _("If you'd rather do it after all, say so on your Today page."),
                ),
            )
        )
    return days


def keep_after_all(occurrence: PlanOccurrence, owner: Member, today: date) -> list[PlanOccurrence]:
    """ "Thanks, I've got it after all": the owner takes back a day their partner took."""
    claim_plan(occurrence.item.week_plan)
    item = _check_day(occurrence, today)
    if item.owner_id != owner.id:
        raise Refused(_("Only %(title)s's owner can take it back.", title=item.title))
    taker = _member(item, occurrence.taken_by_id)
    if taker is None:
        return []  # already back
    days = [o for o in days_from(occurrence, today, True) if o.taken_by_id == taker.id]
    days = days if occurrence in days else [occurrence]
    _hand(days, owner.id)
    history(
        item.week_plan,
        owner,
        _(
            "%(name)s does %(title)s %(when)s after all.",
            name=owner.display_name,
            title=item.title,
            when=day_words(days, today),
        ),
    )
    with in_language(taker.language):
        words = {"name": owner.display_name, "title": item.title, "when": day_words(days, today)}
        _tell(
            Notice(
                taker,
                f"kept:{_key(days)}:by{owner.id}",
                _("%(name)s has %(title)s %(when)s after all", **words),
                (
                    _(
                        "Thank you for taking %(title)s. %(name)s has it %(when)s after all, "
                        "so it's off your list.",
                        **words,
                    ),
                ),
            )
        )
    return days


def ask(
    occurrence: PlanOccurrence,
    asker: Member,
    to_member: Member,
    today: date,
    rest_of_week: bool,
    reason: str = "",
) -> list[PlanOccurrence]:
    """ "Can you take it?": nothing changes hands until the partner says yes. Days asked."""
    claim_plan(occurrence.item.week_plan)
    item = _check_day(occurrence, today)
    if occurrence.holder_id != asker.id:
        raise Refused(not_holder_refusal(item.title))
    if to_member.id == asker.id or to_member.household_id != item.household_id:
        raise Refused(_("Pick who you'd like to ask."), "to_member_id")
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise Refused(_("Keep it under %(most)s characters.", most=MAX_REASON), "reason")
    _check_holder(item, to_member)
    days = [o for o in days_from(occurrence, today, rest_of_week) if o.asked_to_id != to_member.id]
    if not days:
        return []  # asked already (a double submit)
    for o in days:
        o.asked_to_id, o.asked_by_id, o.asked_at, o.ask_reason = (
            to_member.id,
            asker.id,
            utcnow(),
            reason,
        )
    history(
        item.week_plan,
        asker,
        _(
            "%(name)s asked %(partner)s to take %(title)s %(when)s.",
            name=asker.display_name,
            partner=to_member.display_name,
            title=item.title,
            when=day_words(days, today),
        ),
    )
    with in_language(to_member.language):
        words = {"name": asker.display_name, "title": item.title, "when": day_words(days, today)}
        if reason:
            asked = _(
                "%(name)s asked whether you could take %(title)s %(when)s. "
                "%(name)s says: “%(reason)s”",
                reason=reason,
                **words,
            )
        else:
            asked = _("%(name)s asked whether you could take %(title)s %(when)s.", **words)
        _tell(
            Notice(
                to_member,
                _ask_prefix(item, to_member) + _key(days),
                _("%(name)s asks: can you take %(title)s %(when)s?", **words),
                (
                    asked,
                    _("Say yes or no on your Today page; it stays with them until you say yes."),
                ),
            )
        )
    return days


def answer(
    occurrence: PlanOccurrence, member: Member, accept: bool, today: date
) -> list[PlanOccurrence]:
    """Yes or no to a "Can you take it?", for every day of it still to come: those days."""
    item = occurrence.item
    claim_plan(item.week_plan)
    if occurrence.asked_to_id != member.id:
        raise Refused(
            _("%(title)s is not waiting for your answer any more.", title=item.title), status=409
        )
    asker = _member(item, occurrence.asked_by_id)
    asked = [
        o
        for o in item.occurrences
        if o.asked_to_id == member.id and o.asked_by_id == occurrence.asked_by_id
    ]
    # Days that passed unanswered or were done meanwhile stay as they were.
    days = [o for o in asked if o.on_date >= today and o.state == OccurrenceState.OPEN]
    for o in asked:
        o.asked_to_id = o.asked_by_id = o.asked_at = None
        o.ask_reason = ""
    if not days:
        return []
    if accept:
        _hand(days, member.id)
    words = {"name": member.display_name, "title": item.title, "when": day_words(days, today)}
    if accept:
        text = _("%(name)s took %(title)s %(when)s.", **words)
    else:
        text = _("%(name)s couldn't take %(title)s %(when)s.", **words)
    history(item.week_plan, member, text)
    if asker is not None:
        with in_language(asker.language):
            words["when"] = day_words(days, today)
            if accept:
                subject = _("%(name)s said yes: %(title)s %(when)s is theirs", **words)
                line = _("%(name)s took %(title)s %(when)s off your plate.", **words)
            else:
                subject = _("%(name)s can't take %(title)s %(when)s", **words)
                line = _(
                    "%(name)s can't take %(title)s %(when)s this time; it stays with you.", **words
                )
            _tell(
                Notice(
                    asker,
                    f"answer:{_key(days)}:by{member.id}",
                    subject,
                    (line,),
                    supersedes=_ask_prefix(item, member),
                )
            )
    return days


def waiting_for(occurrences: Iterable[PlanOccurrence], member_id: int, today: date) -> list[Ask]:
    """The asks waiting for this member's answer, one per item and asker, soonest first."""
    return _asks(occurrences, today, lambda o: o.asked_to_id == member_id, lambda o: o.asked_by_id)


def asked_by(occurrences: Iterable[PlanOccurrence], member_id: int, today: date) -> list[Ask]:
    """This member's own asks still waiting for an answer, one per item and member asked."""
    return _asks(
        occurrences,
        today,
        lambda o: o.asked_by_id == member_id and bool(o.asked_to_id),
        lambda o: o.asked_to_id,
    )


def _asks(
    occurrences: Iterable[PlanOccurrence],
    today: date,
    wanted: Callable[[PlanOccurrence], bool],
    partner: Callable[[PlanOccurrence], int | None],
) -> list[Ask]:
    found: dict[tuple[int, int | None], list[PlanOccurrence]] = {}
    for o in sorted(occurrences, key=lambda o: o.on_date):
        if wanted(o) and o.on_date >= today and o.state == OccurrenceState.OPEN:
            found.setdefault((o.plan_item_id, partner(o)), []).append(o)
    asks = [
        Ask(days[0].item, _member(days[0].item, partner_id), tuple(days), days[0].ask_reason)
        for (_, partner_id), days in found.items()
    ]
    return sorted(asks, key=lambda a: (a.first.on_date, a.item.title))


def taken_from(
    occurrences: Iterable[PlanOccurrence], owner_id: int, today: date
) -> list[PlanOccurrence]:
    """Days of this member's items their partner took and has still to do."""
    return sorted(
        (
            o
            for o in occurrences
            if o.item.owner_id == owner_id
            and o.taken_by_id
            and o.taken_by_id != owner_id
            and o.on_date >= today
            and o.state == OccurrenceState.OPEN
        ),
        key=lambda o: (o.on_date, o.item.title),
    )


def _key(days: list[PlanOccurrence]) -> str:
    return "o" + "-".join(str(o.id) for o in days[:6]) + f":{int(utcnow().timestamp()) // 60}"


def _ask_prefix(item: PlanItem, to_member: Member) -> str:
    return f"ask:item{item.id}:to{to_member.id}:"


def _tell(notice: Notice) -> None:
    events.partner_notice.send(notice.to.household, notice=notice)
