"""Taking something off a partner's plate between sessions: "I've got it" and "Can you take
it?", one day or the rest of the week. Nothing past is reassigned, next week's draft starts
from the agreement, notices are queued with the change and an answer withdraws the
request's notice if it has not gone out yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from planner.domain.vocabulary import OccurrenceState, PlanState, ReminderKind, ReminderState
from planner.extensions import db
from planner.feeds.builder import build_feed
from planner.models import Household, PlanItem, PlanOccurrence, Reminder, WeekPlan
from planner.week import services
from tests.handover_helpers import MONDAY, WEDNESDAY_MORNING, agreed_week
from tests.helpers import body, committing, login
from tests.test_week import add_responsibility


@pytest.fixture
def week(app, make):
    """Alex cooks every day this week (agreed); Sam has the bins on Thursday. Wednesday."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        yield made, *agreed_week(app, made)


def _notices(app, member_id: int) -> list[tuple[str, ReminderState]]:
    with committing(app):
        rows = db.session.scalars(
            select(Reminder)
            .where(Reminder.member_id == member_id, Reminder.kind == ReminderKind.HANDOVER)
            .order_by(Reminder.id)
        )
        return [(r.payload["subject"], r.state) for r in rows]


def _holders(app, item_id: int) -> dict[str, int | None]:
    with committing(app):
        item = db.session.get(PlanItem, item_id)
        return {o.on_date.strftime("%a"): o.holder_id for o in item.occurrences}


def test_ive_got_it_takes_tonight_at_once_and_tells_the_partner(app, client, week):
    made, plan_id, cooking, days = week
    alex, sam = made.member_ids
    login(client, made.emails[1])
    page = body(client.get("/home"))
    assert "Alex" in page and "I've got it" in page and "Cooking dinner" in page
    response = client.post(f"/week/occurrences/{days['Wed']}/take", data={"back": "today"})
    assert response.status_code == 302 and response.location.endswith(f"/home#occ-{days['Wed']}")
    holders = _holders(app, cooking)
    assert holders["Wed"] == sam
    assert all(holders[d] == alex for d in ("Mon", "Tue", "Thu", "Fri", "Sat", "Sun"))
    assert _notices(app, alex) == [("Sam's got Cooking dinner today", ReminderState.PENDING)]
    # A double submit: still Sam's, and Alex is told once.
    client.post(f"/week/occurrences/{days['Wed']}/take", data={"back": "today"})
    assert len(_notices(app, alex)) == 1
    with committing(app):
        plan = db.session.get(WeekPlan, plan_id)
        item = db.session.get(PlanItem, cooking)
        assert item.owner_id == alex  # the agreement stands
        loads = services.member_loads(plan)
        # Cooking: 20 min a day for 7 days, 10 min of remembering; one day is Sam's now,
        # beside Sam's own bins (20 min, 10 of remembering).
        assert loads[sam]["doing"] == 20 + 20 and loads[alex]["doing"] == 6 * 20
        assert (loads[alex]["mental"], loads[sam]["mental"]) == (10, 10)
        household = db.session.get(Household, made.household_id)
        sams = build_feed(household, sam).decode()
        alexs = build_feed(household, alex).decode()
    assert sams.count("SUMMARY:Cooking dinner") == 1 and "Taken off Alex's plate" in sams
    assert alexs.count("SUMMARY:Cooking dinner") == 6
    assert "Sam took Cooking dinner today off Alex's plate." in body(client.get("/week"))
    insights = body(client.get("/insights"))
    assert "Sam took 1 thing off Alex's plate this week." in insights


def test_the_rest_of_the_week_never_reassigns_a_past_day_nor_next_weeks_draft(app, client, week):
    made, plan_id, cooking, days = week
    alex, sam = made.member_ids
    login(client, made.emails[1])
    past = client.post(f"/week/occurrences/{days['Tue']}/take")
    assert past.status_code == 422 and "Cooking dinner on Tuesday has passed." in body(past)
    assert _holders(app, cooking)["Tue"] == alex
    response = client.post(f"/week/occurrences/{days['Tue']}/take", data={"rest": "1"})
    assert response.status_code == 422  # from a past day, nothing
    assert (
        client.post(f"/week/occurrences/{days['Wed']}/take", data={"rest": "1"}).status_code == 302
    )
    holders = _holders(app, cooking)
    assert [holders[d] for d in ("Mon", "Tue")] == [alex, alex]
    assert [holders[d] for d in ("Wed", "Thu", "Fri", "Sat", "Sun")] == [sam] * 5
    assert _notices(app, alex)[0][0] == "Sam's got Cooking dinner from today to Sunday"
    with committing(app):
        household = db.session.get(Household, made.household_id)
        next_week = services.get_or_create_week_plan(household, MONDAY + timedelta(days=7))
        item = next(i for i in next_week.items if i.title == "Cooking dinner")
        assert item.owner_id == alex and all(o.taken_by_id is None for o in item.occurrences)


def test_thanks_ive_got_it_after_all(app, client, week):
    made, _plan_id, cooking, days = week
    alex, sam = made.member_ids
    login(client, made.emails[1])
    client.post(f"/week/occurrences/{days['Thu']}/take", data={"rest": "1"})
    sam_client = client
    login(sam_client, made.emails[0])  # now Alex, on the same device
    page = body(client.get("/home"))
    assert "Thanks, I've got it after all" in page and "Sam has <strong>Cooking dinner" in page
    response = client.post(f"/week/occurrences/{days['Fri']}/keep", data={"back": "today"})
    assert response.status_code == 302
    holders = _holders(app, cooking)
    assert holders["Thu"] == sam and holders["Fri"] == alex  # the later days come back too
    assert holders["Sun"] == alex
    assert _notices(app, sam)[-1][0] == "Alex has Cooking dinner from Friday to Sunday after all"
    login(client, made.emails[1])
    refused = client.post(f"/week/occurrences/{days['Thu']}/keep")
    assert refused.status_code == 422 and "Only Cooking dinner's owner" in body(refused)


def test_can_you_take_it_yes_withdraws_the_request_notice_and_says_what_happened(app, client, week):
    made, _plan_id, cooking, days = week
    alex, sam = made.member_ids
    login(client, made.emails[0])
    asked = {"to_member_id": str(sam), "days": "rest", "reason": "late meeting"}
    assert client.post(f"/week/occurrences/{days['Thu']}/ask", data=asked).status_code == 302
    assert _holders(app, cooking)["Thu"] == alex  # nothing moves before a yes
    assert _notices(app, sam) == [
        ("Alex asks: can you take Cooking dinner from Thursday to Sunday?", ReminderState.PENDING)
    ]
    login(client, made.emails[1])
    page = body(client.get("/home"))
    assert (
        "Alex asks: can you take <strong>Cooking dinner</strong> from Thursday to Sunday?" in page
    )
    assert "late meeting" in page
    yes = client.post(f"/week/occurrences/{days['Thu']}/answer", data={"accept": "1"})
    assert yes.status_code == 302
    holders = _holders(app, cooking)
    assert [holders[d] for d in ("Wed", "Thu", "Sun")] == [alex, sam, sam]
    # Answered before it went out: the request is not sent after all.
    assert _notices(app, sam) == [
        ("Alex asks: can you take Cooking dinner from Thursday to Sunday?", ReminderState.CANCELLED)
    ]
    assert _notices(app, alex) == [
        ("Sam said yes: Cooking dinner from Thursday to Sunday is theirs", ReminderState.PENDING)
    ]
    again = client.post(f"/week/occurrences/{days['Thu']}/answer", data={"accept": "1"})
    assert again.status_code == 409 and "not waiting for your answer" in body(again)


def test_can_you_take_it_no_leaves_it_and_says_so(app, client, week):
    made, _plan_id, cooking, days = week
    alex, sam = made.member_ids
    login(client, made.emails[0])
    client.post(
        f"/week/occurrences/{days['Wed']}/ask", data={"to_member_id": str(sam), "days": "one"}
    )
    login(client, made.emails[1])
    no = client.post(f"/week/occurrences/{days['Wed']}/answer", data={"accept": "0"})
    assert no.status_code == 302
    assert _holders(app, cooking)["Wed"] == alex
    assert _notices(app, alex) == [("Sam can't take Cooking dinner today", ReminderState.PENDING)]
    with committing(app):
        assert db.session.get(PlanOccurrence, days["Wed"]).asked_to_id is None


def test_bad_asks_get_a_clear_message_and_change_nothing(app, client, week, make):
    made, plan_id, cooking, days = week
    alex, sam = made.member_ids
    stranger = make("Kim").member_ids[0]
    login(client, made.emails[0])
    cases = [
        ({"to_member_id": str(stranger), "days": "one"}, "Pick who you'd like to ask."),
        ({"to_member_id": str(alex), "days": "one"}, "Pick who you'd like to ask."),
        ({"to_member_id": "x", "days": "one"}, "Pick who you'd like to ask."),
        ({"to_member_id": str(sam), "days": "always"}, "Pick just this day or the rest"),
        ({"to_member_id": str(sam), "days": "one", "reason": "x" * 301}, "Up to 300 characters."),
    ]
    for data, message in cases:
        response = client.post(f"/week/occurrences/{days['Wed']}/ask", data=data)
        assert response.status_code == 422 and message in body(response), data
    login(client, made.emails[1])
    not_theirs = client.post(
        f"/week/occurrences/{days['Wed']}/ask", data={"to_member_id": str(alex), "days": "one"}
    )
    assert not_theirs.status_code == 422
    assert "Only whoever does Cooking dinner can ask" in body(not_theirs)
    with committing(app):
        item = db.session.get(PlanItem, cooking)
        assert all(o.asked_to_id is None and o.taken_by_id is None for o in item.occurrences)
        assert db.session.scalar(select(Reminder.id).where(Reminder.kind == "handover")) is None


def test_a_draft_week_is_agreed_before_anything_is_taken(app, client, week):
    made, plan_id, _cooking, days = week
    with committing(app):
        db.session.get(WeekPlan, plan_id).status = PlanState.DRAFT
    login(client, made.emails[1])
    response = client.post(f"/week/occurrences/{days['Wed']}/take")
    assert response.status_code == 422 and "Agree the week together first" in body(response)


def test_a_pinned_or_not_allowed_responsibility_stays_with_its_owner(app, client, make):
    made = make("Alex", "Sam")
    alex, _sam = made.member_ids
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        with committing(app):
            add_responsibility(made.household_id, "Feeding", default_owner_id=alex, pinned=True)
            plan = services.get_or_create_week_plan(
                db.session.get(Household, made.household_id), MONDAY
            )
            plan.status = PlanState.AGREED
            day = next(o for o in plan.items[0].occurrences if o.on_date == date(2026, 11, 26))
        login(client, made.emails[1])
        response = client.post(f"/week/occurrences/{day.id}/take")
        assert response.status_code == 422 and "stays with its owner" in body(response)
        with committing(app):
            assert db.session.get(PlanOccurrence, day.id).taken_by_id is None


def test_a_done_day_is_not_taken(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    client.post(f"/week/occurrences/{days['Wed']}/done")
    login(client, made.emails[1])
    response = client.post(f"/week/occurrences/{days['Wed']}/take")
    assert response.status_code == 422 and "already done" in body(response)
    with committing(app):
        o = db.session.get(PlanOccurrence, days["Wed"])
        assert o.state == OccurrenceState.DONE and o.taken_by_id is None


def _cooking_on(made, day: date):
    """Alex, Sam and Alex's Cooking dinner on `day` in an agreed week (in an app context)."""
    add_responsibility(made.household_id, "Cooking dinner", default_owner_id=made.member_ids[0])
    household = db.session.get(Household, made.household_id)
    plan = services.get_or_create_week_plan(household, MONDAY)
    plan.status = PlanState.AGREED
    alex, sam = household.members
    return alex, sam, next(o for o in plan.items[0].occurrences if o.on_date == day)


def test_the_notice_is_mailed_in_the_order_things_happened(smtp_app, smtp_server, make):
    """Asked, then answered before the sender ran: only the answer arrives."""
    from planner.reminders.sender import send_due
    from planner.week import handovers

    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False), smtp_app.app_context():
        alex, sam, thursday = _cooking_on(made, date(2026, 11, 26))
        handovers.ask(thursday, alex, sam, date(2026, 11, 25), rest_of_week=False)
        db.session.commit()
        handovers.answer(thursday, sam, True, date(2026, 11, 25))
        db.session.commit()
        assert send_due().sent == 1
    assert smtp_server.to(made.emails[1]) == []
    (mail,) = smtp_server.to(made.emails[0])
    assert mail["Subject"] == "Sam said yes: Cooking dinner on Thursday is theirs"
    assert (
        "Sam took Cooking dinner on Thursday off your plate."
        in mail.get_body(("plain",)).get_content()
    )


def test_the_request_notice_sent_before_the_answer_keeps_both_in_order(smtp_app, smtp_server, make):
    from planner.reminders.sender import send_due
    from planner.week import handovers

    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False), smtp_app.app_context():
        alex, sam, friday = _cooking_on(made, date(2026, 11, 27))
        handovers.ask(friday, alex, sam, date(2026, 11, 25), rest_of_week=False)
        db.session.commit()
        assert send_due().sent == 1
        handovers.answer(friday, sam, False, date(2026, 11, 25))
        db.session.commit()
        assert send_due().sent == 1
    (request,) = smtp_server.to(made.emails[1])
    assert request["Subject"] == "Alex asks: can you take Cooking dinner on Friday?"
    (answer,) = smtp_server.to(made.emails[0])
    assert answer["Subject"] == "Sam can't take Cooking dinner on Friday"


def test_the_week_page_by_day_puts_mine_first_with_my_time_and_on_duty(app, client, week):
    from planner.models import SelfCareSlot

    made, _plan_id, _cooking, days = week
    alex, sam = made.member_ids
    with committing(app):
        for member_id, title, weekday in ((sam, "Swim", 3), (alex, "Run", 3)):
            db.session.add(
                SelfCareSlot(
                    household_id=made.household_id,
                    member_id=member_id,
                    title=title,
                    weekday=weekday,
                    start_time=time(7, 0) if title == "Run" else time(20, 0),
                    minutes=60,
                    created_at=datetime(2026, 11, 1, tzinfo=UTC),
                )
            )
    login(client, made.emails[1])
    page = body(client.get("/week?day=2026-11-26"))
    thursday = page.split('id="day-2026-11-26"')[1].split('id="day-2026-11-27"')[0]
    assert "Your time: Swim" in thursday and "On duty: Alex's time" in thursday
    # Sam's bins come before Alex's cooking, which is folded under "Alex: 1".
    assert thursday.index("Bins out") < thursday.index("Alex: 1") < thursday.index("Cooking")
    # The other days are a line each: Tuesday has passed, Wednesday is today.
    tuesday = page.split('id="day-2026-11-24"')[1][:200]
    assert "past" in tuesday and "0 yours · 1 theirs" in tuesday
    wednesday = page.split('id="day-2026-11-25"')[1].split("</li>")[0]
    assert "today" in wednesday
    assert 'href="/week/2026-11-23?day=2026-11-25#day-2026-11-25"' in wednesday
    everything = body(client.get("/week?all=1"))
    assert everything.count("Cooking dinner") >= 7 and "Bins out" in everything


def test_each_member_reads_the_week_and_their_notices_in_their_own_language(app, make):
    """Alex reads German, Sam English: Sam's "I've got it" tells Alex in German; the line
    in the week's history is in the words of whoever made the change; each member's pages
    (Today, the week, a day's own page, the mid-week check-in) are in their language, days
    and dates too. (Needs the compiled catalogues, as scripts/setup.sh builds them.)"""
    from planner.models import Member

    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        _plan_id, _cooking, days = agreed_week(app, made)
        with committing(app):
            db.session.get(Member, alex).language = "de"
        english, german = app.test_client(), app.test_client()
        login(english, made.emails[1])
        login(german, made.emails[0])
        english.post(f"/week/occurrences/{days['Wed']}/take", data={"back": "today"})
        assert _notices(app, alex) == [("Sam macht Cooking dinner heute", ReminderState.PENDING)]
        asked = {"to_member_id": str(sam), "days": "one", "reason": ""}
        assert german.post(f"/week/occurrences/{days['Thu']}/ask", data=asked).status_code == 302
        assert _notices(app, sam) == [
            ("Alex asks: can you take Cooking dinner on Thursday?", ReminderState.PENDING)
        ]
        week = body(german.get("/week"))
        assert "Woche" in week and "Mi." in week and "Nur meine" in week
        assert "Sam took Cooking dinner today off Alex's plate." in week  # as Sam wrote it
        assert "Alex hat Sam gebeten, Cooking dinner am Donnerstag zu übernehmen." in week
        assert "Alex asked Sam" not in week
        today = body(german.get("/home"))
        assert "Mittwoch, 25. November" in today and "Zwischen euch" in today
        assert "Sam macht <strong>Cooking dinner</strong> heute." in today
        sams = body(english.get("/home"))
        assert "Wednesday 25 November" in sams and "Asked of you" in sams
        assert "Alex asks: can you take <strong>Cooking dinner</strong> on Thursday?" in sams
        skip = body(german.get(f"/week/occurrences/{days['Fri']}/skip"))
        assert "Cooking dinner auslassen?" in skip and "Freitag, 27. November" in skip
        assert "Wie geht's dir jetzt?" in body(german.get("/checkin-again"))
        assert "How are you now?" in body(english.get("/checkin-again"))
