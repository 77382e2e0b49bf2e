"""The kindness plan end to end: what the couple chooses reaches the week page, both
calendars and the plan email; what waits comes back next week; time together belongs to
both; flexibility is set in the inventory and comes with the starter deck."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_string, policy

import icalendar
import time_machine
from sqlalchemy import select

from planner.domain import starter_deck
from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.models import (
    Area,
    Household,
    PlanItem,
    PlanOccurrence,
    Reminder,
    Responsibility,
    WeekPlan,
)
from planner.session import pages, rebalance
from planner.week import services as week_services
from tests.helpers import body, committing, login
from tests.test_session_helpers import check_in, plan_for, plan_state

ROWS = (
    ("Cooking dinner", "FREQ=DAILY", 45, 20, {"simpler": "sandwiches instead of cooking"}),
    ("School drop-off", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 30, 10),
    ("Date night", "FREQ=WEEKLY;BYDAY=FR", 120, 20, {"simpler": "a walk", "together": True}),
)


def _once_this_week(app, planned, title: str, day: int) -> None:
    """A one-time responsibility on a day of the session's week that can wait."""
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        area = db.session.scalars(
            select(Area).where(Area.household_id == plan.household_id)
        ).first()
        db.session.add(
            Responsibility(
                household_id=plan.household_id,
                area_id=area.id,
                title=title,
                rrule="FREQ=DAILY;COUNT=1",
                starts_on=plan.week_start + timedelta(days=day),
                effort_minutes=90,
                mental_load_minutes=10,
                default_owner_id=planned.member_ids[1],
                can_wait=True,
            )
        )
        db.session.flush()
        week_services.refresh_draft(plan)


def _base(app, planned) -> str:
    with committing(app):
        plan = pages.services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        return pages.step_context(plan, "kindness")["kindness_base"]


def _agree_both(app, client, planned, password) -> None:
    with committing(app):
        plan = pages.services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        base = pages.services.plan_fingerprint(plan)
    url = f"/session/{planned.plan_id}/agree"
    sam = planned.member_ids[1]
    assert client.post(url, data={"base": base}).status_code == 302
    answer = client.post(url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": password})
    assert answer.status_code == 302
    assert plan_state(app, planned)["status"] == "agreed"


def _feed(client, which: str) -> str:
    page = body(client.post("/feeds/links", data={"feed": which}, follow_redirects=True))
    url = re.search(r'value="http://planner\.test(/feeds/[^"]+\.ics)"', page).group(1)
    calendar = icalendar.Calendar.from_ical(client.get(url).data)
    return "\n".join(
        f"{e.get('SUMMARY')} | {e.get('DESCRIPTION')}" for e in calendar.walk("VEVENT")
    )


def test_what_the_couple_chooses_reaches_the_week_the_calendars_and_the_email(
    app, client, make, password
):
    planned = plan_for(app, make("Alex", "Sam"), rows=ROWS)
    _once_this_week(app, planned, "Sorting the loft", 2)
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "blown")
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/kindness"
    page = body(client.get(url))
    assert "School drop-off" not in page  # it must happen as agreed: never offered
    with committing(app):
        items = {i.title: i.id for i in db.session.get(WeekPlan, planned.plan_id).items}
    dinner, loft = items["Cooking dinner"], items["Sorting the loft"]
    form = {
        "base": _base(app, planned),
        "shown": [dinner, loft, items["Date night"]],
        f"choice-{dinner}": "lower_standard",
        f"note-{dinner}": "Sam buys bread",
        f"choice-{loft}": "defer",
    }
    assert client.post(url, data=form).status_code == 302
    _agree_both(app, client, planned, password)

    with committing(app):
        week_start = db.session.get(WeekPlan, planned.plan_id).week_start
    loft_day = (week_start + timedelta(days=2)).isoformat()  # dinner is every day
    week = body(client.get(f"/week/{week_start.isoformat()}?day={loft_day}"))
    assert "this week: sandwiches instead of cooking" in week and "“Sam buys bread”" in week
    assert "waits until next week" in week
    assert "lower_standard" not in week and "lower standard" not in week  # no raw words

    mine = _feed(client, "member")  # Alex's calendar
    assert "Cooking dinner · simpler standard" in mine
    assert "This week: sandwiches instead of cooking." in mine and "Sam buys bread" in mine
    assert "Sorting the loft" not in _feed(client, "household")  # it waits: not this week

    with committing(app):
        payloads = [
            json.loads(r.payload) if isinstance(r.payload, str) else r.payload
            for r in db.session.scalars(select(Reminder).where(Reminder.kind == "plan_summary"))
        ]
    texts = {
        p["to"]: message_from_string(p["mime"], policy=policy.default)
        .get_body(("plain",))
        .get_content()
        for p in payloads
    }
    assert (
        "Cooking dinner (45 min) — this week: sandwiches instead of cooking"
        in texts[planned.emails[0]]
    )
    assert "Sorting the loft (90 min) — waits until next week" in texts[planned.emails[1]]
    assert "Together:" in texts[planned.emails[0]]

    # What waited comes back next week, with its owner, on the same weekday, once.
    with committing(app):
        household = db.session.get(Household, planned.household_id)
        following = week_services.get_or_create_week_plan(household, week_start + timedelta(7))
        week_services.refresh_draft(following)
        back = [i for i in following.items if i.title == "Sorting the loft"]
        assert len(back) == 1 and back[0].waited and back[0].owner_id == sam
        assert [o.on_date for o in back[0].occurrences] == [week_start + timedelta(days=9)]
    back_on = (week_start + timedelta(days=9)).isoformat()
    page = body(client.get(f"/week/{(week_start + timedelta(7)).isoformat()}?day={back_on}"))
    assert "waited from last week" in page


def test_time_together_is_in_both_calendars_and_never_moved(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"), rows=ROWS)
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    with committing(app):
        plan = pages.services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        result = rebalance.compute(plan)
        moved = {m.title for m in result.proposal.moves}
        loads = week_services.member_loads(plan)
    assert "Date night" not in moved and "Cooking dinner" in moved
    # It counts for both: each gives that time (120 min and 20 min of planning).
    assert loads[alex]["doing"] >= 120 and loads[sam]["doing"] == 120
    login(client, planned.emails[1])  # Sam holds nothing of it in the plan
    assert "Date night (together)" in _feed(client, "member")
    login(client, planned.emails[0])
    assert "Date night (together)" in _feed(client, "member")
    rebalance_page = body(client.get(f"/session/{planned.plan_id}/rebalance"))
    assert "takes Date night" not in rebalance_page
    # Nor is it taken or asked for between sessions: it belongs to both.
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        plan.status = PlanState.AGREED
        week = plan.week_start
        day = db.session.get(PlanItem, planned.item_ids["Date night"]).occurrences[0]
        day_id = day.id
    page = body(client.get(f"/week/{week.isoformat()}?day={day.on_date.isoformat()}"))
    entry = page.split(f'id="occ-{day_id}"')[1].split("</li>")[0]
    assert "I've got it" not in entry and "Can you take it?" not in entry
    with time_machine.travel(datetime.combine(week, time(9), UTC), tick=False):
        login(client, planned.emails[1])
        took = client.post(f"/week/occurrences/{day_id}/take")
        assert took.status_code == 422 and "is time together" in body(took)
    with committing(app):
        taken = db.session.get(PlanOccurrence, day_id)
        assert taken.taken_by_id is None and taken.asked_to_id is None


def test_flexibility_is_set_in_the_inventory(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    with committing(app):
        household = db.session.get(Household, made.household_id)
        area = Area(household_id=household.id, key="home", name="Home")
        db.session.add(area)
        db.session.flush()
        area_id = area.id
    form = {
        "title": "Cooking dinner",
        "area_id": area_id,
        "cadence_kind": "daily",
        "starts_on": date.today().isoformat(),
        "effort_minutes": 45,
        "mental_load_minutes": 20,
        "default_owner_id": 0,
        "simpler": "  sandwiches instead of cooking ",
        "help_from": "a takeaway",
        "together": "y",
    }
    assert client.post("/inventory/new", data=form).status_code == 302
    with committing(app):
        saved = db.session.scalars(select(Responsibility)).one()
        assert saved.flex.simpler == "sandwiches instead of cooking"
        assert saved.help_from == "a takeaway" and saved.together and not saved.can_wait
    too_long = client.post("/inventory/new", data={**form, "simpler": "x" * 201})
    assert too_long.status_code == 422 and "Up to 200 characters." in body(too_long)
    with committing(app):
        assert len(db.session.scalars(select(Responsibility)).all()) == 1


def test_starter_cards_bring_their_flexibility_and_care_must_happen():
    assert starter_deck.flexibility("school_drop_off").must_happen
    assert starter_deck.flexibility("pet_feeding").must_happen
    assert starter_deck.flexibility("bills").must_happen
    assert starter_deck.flexibility("bedtime").must_happen
    assert starter_deck.flexibility("weekend_together").together
    assert starter_deck.flexibility("dinner").simpler
    keys = {item.key for item in starter_deck.STARTER_DECK}
    assert set(starter_deck.FLEXIBILITY) <= keys
    for item in starter_deck.STARTER_DECK:  # no child's, pet's or elder's care can wait
        if item.area == "caregiving":
            assert starter_deck.flexibility(item.key).must_happen, item.key


def test_a_plan_item_without_a_responsibility_must_happen(app, make):
    with committing(app):
        item = PlanItem(title="Dentist", effort_minutes=30)
        assert week_services.flexibility(item).must_happen
